"""Progress of a batch run on stderr (only on a terminal), and its one-line summary."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from desktop.batch.rows import Tally

REDRAW_SECONDS = 0.1


def duration(seconds: float) -> str:
    """'0:07', '12:05', '1:02:03'."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def progress_text(done: int, total: int | None, seconds: float) -> str:
    """'1,234/10,000 files  2,345 images/s  ETA 0:04' (total may not be known yet)."""
    rate = done / seconds if seconds > 0 else 0.0
    text = f"{done:,}/{total:,} files" if total else f"{done:,} files"
    text += f"  {rate:,.0f} images/s"
    if total and rate > 0 and total >= done:
        text += f"  ETA {duration((total - done) / rate)}"
    return text


def summary(tally: Tally, seconds: float, interrupted: bool = False) -> str:
    """One line: what was read, per digit, what failed or was skipped, and how fast."""
    rate = tally.done / seconds if seconds > 0 else 0.0
    head = "Interrupted after" if interrupted else "Read"
    parts = [f"{head} {tally.done:,} file{'s' * (tally.done != 1)} in {seconds:.1f} s "
             f"({rate:,.0f} images/s)"]
    if tally.digits:
        parts.append("digits " + " ".join(f"{d}:{n}" for d, n in sorted(tally.digits.items())))
    parts.append(f"{tally.uncertain} uncertain, {tally.failed} failed")
    skipped = [(tally.hidden, "hidden"), (tally.not_images, "not images"),
               (tally.folders_not_searched, "subfolders (use --recursive)")]
    if any(n for n, _ in skipped):
        parts.append("skipped " + ", ".join(f"{n} {what}" for n, what in skipped if n))
    return "; ".join(parts)


class Progress:
    """Redraws one status line in place, at most every REDRAW_SECONDS, if stream is a terminal."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total: int | None = None   # set by whoever counts the files, when known
        self.started = time.monotonic()
        self._last = 0.0
        self._width = 0

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def update(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self._last < REDRAW_SECONDS):
            return
        self._last = now
        text = progress_text(done, self.total, now - self.started)
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def clear(self) -> None:
        """Erase the status line, so what follows starts on a clean line."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
