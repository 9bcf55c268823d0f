"""The drawing as data: a list of strokes with undo, independent of any widget.

The canvas only mirrors this list. Every change bumps `version`, so that a live preview is
asked for only when the drawing changed since the last request. (Results that arrive after the
drawing moved on are dropped in one place only: the session's request tags.)
"""

from __future__ import annotations

from desktop.engine.raster import Point

Snapshot = tuple[tuple[Point, ...], ...]

MIN_STEP = 1.0  # canvas pixels: closer pen samples add nothing but work


class Drawing:
    """Strokes in canvas pixels; the last one may still be growing while the pen is down."""

    def __init__(self) -> None:
        self._strokes: list[list[Point]] = []
        self.drawing = False
        self.version = 0

    def __len__(self) -> int:
        return len(self._strokes)

    @property
    def is_empty(self) -> bool:
        return not self._strokes

    def begin(self, x: float, y: float) -> None:
        """Pen down: a new stroke starting with one point (a dot if the pen lifts here)."""
        self._strokes.append([(float(x), float(y))])
        self.drawing = True
        self.version += 1

    def extend(self, x: float, y: float) -> bool:
        """Pen moved; False when the point was too close to the last one to matter."""
        if not self.drawing:
            return False
        stroke = self._strokes[-1]
        last_x, last_y = stroke[-1]
        if abs(x - last_x) < MIN_STEP and abs(y - last_y) < MIN_STEP:
            return False
        stroke.append((float(x), float(y)))
        self.version += 1
        return True

    def end(self) -> None:
        self.drawing = False

    def undo(self) -> bool:
        """Remove the last stroke; False when there was none."""
        if not self._strokes:
            return False
        self._strokes.pop()
        self.drawing = False
        self.version += 1
        return True

    def clear(self) -> None:
        self._strokes.clear()
        self.drawing = False
        self.version += 1

    def last_stroke(self) -> tuple[Point, ...]:
        return tuple(self._strokes[-1]) if self._strokes else ()

    def snapshot(self) -> Snapshot:
        """An immutable copy, safe to hand to the recognition thread."""
        return tuple(tuple(stroke) for stroke in self._strokes)


def default_brush(canvas_side: int) -> int:
    """A pen about as thick, relative to a digit filling the canvas, as MNIST's own strokes."""
    return max(4, round(canvas_side / 16))
