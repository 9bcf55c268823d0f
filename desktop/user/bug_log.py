"""Unexpected errors (bugs) kept for a bug report, never shown to a user as a traceback.

The user sees one line: what stopped, and where its details are. The traceback is appended to
`errors.log` in the user data folder, newest last; past MAX_BYTES the older half goes. A log
that cannot be written (a read-only or full disk) loses the details, never the line.
"""

from __future__ import annotations

import threading
import traceback
from datetime import datetime
from pathlib import Path

from desktop import __version__
from desktop.user.dirs import shown_path, user_data_dir
from desktop.user.whole import write_whole

LOG_NAME = "errors.log"
MAX_BYTES = 256 * 1024   # a few hundred tracebacks: enough to report, never a burden

_lock = threading.Lock()  # the app's threads may fail at once


def log_path() -> Path:
    return user_data_dir() / LOG_NAME


def record(error: BaseException, path: Path | None = None) -> Path | None:
    """Append the error's traceback to the log (`path`, else the user's); the log's path, or
    None when it cannot be written."""
    path = path or log_path()
    entry = (f"--- {datetime.now().isoformat(timespec='seconds')} "
             f"Digit Recognizer {__version__}\n" + "".join(traceback.format_exception(error)))
    with _lock:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _trim(path)
            with path.open("a", encoding="utf-8", errors="replace") as log:
                log.write(entry)
        except (OSError, ValueError):
            return None
    return path


def bug_line(error: BaseException, what: str = "unexpected error",
             path: Path | None = None) -> str:
    """One line for the user: `what`, the error, and where its traceback was written (`record`)."""
    written = record(error, path)
    line = f"{what}: {' '.join(str(error).split()) or type(error).__name__}"  # one line
    return f"{line} (details in {shown_path(written)})" if written else line


def _trim(path: Path) -> None:
    """Keep the newer half of a log grown past MAX_BYTES (whole entries only)."""
    try:
        if path.stat().st_size <= MAX_BYTES:
            return
    except FileNotFoundError:
        return
    tail = path.read_bytes()[-MAX_BYTES // 2:]
    start = tail.find(b"\n--- ")
    kept = tail[start + 1:] if start >= 0 else b""
    write_whole(path, lambda temporary: temporary.write_bytes(kept))
