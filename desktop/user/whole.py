"""Files written whole or not at all: the user's samples and settings.

Each is written to a hidden temporary file beside it and renamed into place, so that a stop
(Ctrl-C, a crash, a full disk) never leaves half a file that nothing could read again. (A
batch run's output streams its rows the same way, with rules of its own: `batch/output`.)
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Write `path` through `write(temporary path)`, then rename it into place. A file already
    there is replaced with its permissions kept (a new one gets 0o666 less the umask, as any
    file); a link stays a link, to the new file. Whatever fails, the temporary file goes and
    the old file stays as it was."""
    target = Path(path).resolve()
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        write(temporary)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
