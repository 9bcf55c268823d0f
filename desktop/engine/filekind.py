"""What kind of thing a path is, before anything reads it: a named pipe or a device can make a
read wait forever, or never end."""

from __future__ import annotations

import os
import stat


def special_file(path: str | os.PathLike) -> str | None:
    """What a path is when it is neither a regular file nor a folder (a named pipe, a socket, a
    device), which a read could wait on forever or never finish; None otherwise (or when it
    cannot be looked at: opening it says why)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kinds = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
    return next((name for test, name in kinds if test(mode)), "not a file")
