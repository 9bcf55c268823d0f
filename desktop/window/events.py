"""`--log-events PATH|-`: one JSON object per line for each UI event, for tests and support.

The format is a public interface (automated UI tests outside the project read it):
  {"event": "ready", "canvas": {"x": X, "y": Y, "width": W, "height": H}}
  {"event": "prediction", "source": "canvas"|"file", "digits": [...], "confidence": [...],
   "probabilities": [[p0, ..., p9], ...], "boxes": [[left, top, right, bottom], ...]}
`boxes` (canvas readings only) says where each digit's strokes lie on the canvas (canvas
coordinates, the pen's breadth included): which strokes were read as which digit.
  {"event": "no_digit", "source": "canvas"|"file"}
  {"event": "cleared"}
  {"event": "sample", "digit": D, "path": PATH}
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

DECIMALS = 6


def ready_event(x: int, y: int, width: int, height: int) -> dict:
    """The canvas's drawable area in screen (root window) coordinates."""
    return {"event": "ready", "canvas": {"x": int(x), "y": int(y),
                                         "width": int(width), "height": int(height)}}


def prediction_event(source: str, predictions: Sequence, adapted: bool = False,
                     boxes: Sequence[Sequence[float]] = ()) -> dict:
    """One prediction shown: its digits in reading order, each with confidence and all ten;
    `"adapted": true` when the person's samples changed a digit; for the canvas, each digit's
    box."""
    event = {"event": "prediction", "source": source,
             "digits": [int(p.digit) for p in predictions],
             "confidence": [round(float(p.confidence), DECIMALS) for p in predictions],
             "probabilities": [[round(float(v), DECIMALS) for v in p.probabilities]
                               for p in predictions]}
    if boxes:
        event["boxes"] = [[round(float(v), 1) for v in box] for box in boxes]
    return event | ({"adapted": True} if adapted else {})


def no_digit_event(source: str) -> dict:
    """A reading that found no digit: an opened image without one (blank, or only a printed
    pattern), a drawing of marks only."""
    return {"event": "no_digit", "source": source}


def cleared_event() -> dict:
    return {"event": "cleared"}


def sample_removed_event(digit: int, path: str | Path) -> dict:
    """The last saved sample taken back (Undo sample)."""
    return {"event": "sample_removed", "digit": int(digit), "path": str(path)}


def adaptation_event(on: bool, samples: int) -> dict:
    """Model > Adapt to my handwriting switched on or off."""
    return {"event": "adaptation", "on": bool(on), "samples": int(samples)}


def sample_event(digit: int, path: str | Path) -> dict:
    """The drawing was saved as a labelled sample: its digit and the PNG written."""
    return {"event": "sample", "digit": int(digit), "path": str(path)}


class EventLog:
    """Writes events as JSON lines, flushed at once so a reader sees them as they happen."""

    def __init__(self, stream: TextIO | None, owned: bool = False):
        self._stream = stream
        self._owned = owned

    @classmethod
    def open(cls, path: str | None) -> EventLog:
        """None: no log; "-": standard error; otherwise a file (truncated)."""
        if not path:
            return cls(None)
        if path == "-":
            return cls(sys.stderr)
        return cls(open(path, "w", encoding="utf-8"), owned=True)

    def write(self, event: dict) -> None:
        """One line, flushed; a log that cannot be written (a full disk, a closed pipe) is
        given up with one line on stderr: the app goes on."""
        if self._stream is None:
            return
        try:
            self._stream.write(json.dumps(event) + "\n")
            self._stream.flush()
        except (OSError, ValueError) as err:
            self.close()
            reason = getattr(err, "strerror", None) or err
            if sys.stderr is not None:
                with contextlib.suppress(OSError, ValueError):
                    print(f"warning: --log-events: cannot write ({reason}); no more events are "
                          "logged", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._owned and self._stream is not None:
            with contextlib.suppress(OSError, ValueError):  # flushing into a full disk
                self._stream.close()
        self._stream = None
