"""The drawing canvas: pen events become strokes (`Drawing`, the data) and lines on screen; it
can also show a picture (an opened image file) in place of the strokes."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence

import numpy as np

from desktop.window import pictures
from desktop.window.drawing import Drawing

INK, PAPER = "#141414", "#ffffff"
SPLIT = "#9db4d6"          # the faint box around each digit read
PREVIEW_MS = 120           # at most this often a prediction while the pen is down


class DrawingCanvas:
    """Calls `on_pen_down()` as a stroke starts (before it is added: it may clear the canvas),
    `on_change()` at most every PREVIEW_MS while the pen moves and when a stroke ends."""

    def __init__(self, parent: tk.Misc, width: int, height: int, brush: Callable[[], int],
                 on_pen_down: Callable[[], None], on_change: Callable[[], None]):
        self.canvas = tk.Canvas(parent, width=width, height=height, bg=PAPER, bd=0,
                                highlightthickness=0, cursor="pencil")
        self.drawing = Drawing()
        self.picture: np.ndarray | None = None   # the image shown instead of strokes
        self._brush = brush
        self._on_pen_down, self._on_change = on_pen_down, on_change
        self._items: list[int] = []
        self._photo: tk.PhotoImage | None = None
        self._preview_due = False
        self.submitted_version = -1               # the drawing's version last read
        self.canvas.bind("<ButtonPress-1>", self._pen_down)
        self.canvas.bind("<B1-Motion>", self._pen_move)
        self.canvas.bind("<ButtonRelease-1>", self._pen_up)

    def _pen_down(self, event: tk.Event) -> None:
        self._on_pen_down()
        self.show_split(())  # the boxes were of the drawing before this stroke
        x, y = self.canvas.canvasx(event.x), self.canvas.canvasy(event.y)
        self.drawing.begin(x, y)
        self._items.append(self.canvas.create_line(
            x, y, x + 0.01, y, width=self._brush(), fill=INK, capstyle="round",
            joinstyle="round", tags="stroke"))

    def _pen_move(self, event: tk.Event) -> None:
        x, y = self.canvas.canvasx(event.x), self.canvas.canvasy(event.y)
        if not self.drawing.extend(x, y):
            return
        flat = [c for point in self.drawing.last_stroke() for c in point]
        self.canvas.coords(self._items[-1], *flat)
        if not self._preview_due:
            self._preview_due = True
            self.canvas.after(PREVIEW_MS, self._preview)

    def _preview(self) -> None:
        self._preview_due = False
        if self.drawing.drawing and self.drawing.version != self.submitted_version:
            self._on_change()

    def _pen_up(self, _event: tk.Event) -> None:
        if self.drawing.drawing:
            self.drawing.end()
            self._on_change()

    def show_split(self, boxes: Sequence[Sequence[float]]) -> None:
        """A faint box around each digit's strokes, behind them: which strokes were read as
        which digit (so "100" read "10" shows why, and is written again with a gap)."""
        self.canvas.delete("split")
        for left, top, right, bottom in boxes:
            self.canvas.create_rectangle(left, top, right, bottom, outline=SPLIT, dash=(4, 3),
                                         tags="split")
        self.canvas.tag_lower("split")

    def set_brush(self, width: int) -> None:
        self.canvas.itemconfigure("stroke", width=width)

    def clear(self) -> None:
        """No strokes and no picture."""
        self.drawing.clear()
        self.canvas.delete("all")
        self._items.clear()
        self.picture = self._photo = None

    def undo(self) -> bool:
        """Remove the last stroke; False when there is none (or a picture is shown)."""
        if self.picture is not None or not self.drawing.undo():
            return False
        self.canvas.delete(self._items.pop())
        self.show_split(())
        return True

    def show_picture(self, picture: np.ndarray) -> None:
        """The picture fitted to the canvas, replacing the strokes."""
        self.clear()
        width, height = self.canvas.winfo_width(), self.canvas.winfo_height()
        rgb = pictures.fit(picture, width - 8, height - 8)
        self._photo = tk.PhotoImage(master=self.canvas, data=pictures.ppm(rgb), format="PPM")
        self.canvas.create_image(width // 2, height // 2, image=self._photo, tags="picture")
        self.picture = picture

    def area(self) -> tuple[int, int, int, int]:
        """The drawable area in screen coordinates: x, y, width, height."""
        inset = int(self.canvas.cget("borderwidth")) + int(self.canvas.cget("highlightthickness"))
        return (self.canvas.winfo_rootx() + inset, self.canvas.winfo_rooty() + inset,
                self.canvas.winfo_width() - 2 * inset, self.canvas.winfo_height() - 2 * inset)
