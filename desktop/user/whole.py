"""Files written whole or not at all: the user's samples and settings.

Each is written to a hidden temporary file beside it and renamed into place, so that a stop
(Ctrl-C, a crash, a full disk) never leaves half a file that nothing could read again. (A
batch run's output streams its rows the same way, with rules of its own: `batch/output`.)
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable
from pathlib import Path

from desktop.names import temporary_name


def resolved(path: Path) -> Path:
    """The file a path names, links followed (OSError for a loop of links: Python before 3.13
    raises RuntimeError, which no caller expects)."""
    try:
        return Path(path).resolve()
    except RuntimeError as err:
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from err


def write_whole(path: Path, write: Callable[[Path], object],
                before: Callable[[Path], object] | None = None) -> None:
    """Write `path` through `write(temporary path)`, then rename it into place. A file already
    there is replaced with its permissions kept (a new one gets 0o666 less the umask, as any
    file); a link stays a link, to the new file. `before(target)`, when given, runs once the
    new file is written, just before it takes the old one's place (to keep the old one).
    Whatever fails, the temporary file goes and the old file stays as it was."""
    target = resolved(path)
    temporary = target.with_name(temporary_name(target.name))
    try:
        write(temporary)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        if before is not None:
            before(target)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(OSError):  # gone already; or, on Windows, not removable
            temporary.unlink()
