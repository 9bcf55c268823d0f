"""The answer panel: the number in large type, a detail line, the ten probabilities as bars and
"What the model sees" (each digit's 28x28 input, enlarged; click one to see its bars)."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from functools import partial
from tkinter import font as tkfont
from tkinter import ttk

import numpy as np

from desktop.window import pictures
from desktop.window.view_model import Answer

PAPER = "#ffffff"
BAR, BAR_TOP, BAR_UNSURE = "#9db4d3", "#2563eb", "#d97706"
SURE_COLOUR, UNSURE_COLOUR = "#111111", "#b45309"
CHART_HEIGHT = 130
SEEN_HEIGHT = 140          # room for one 28x28 input shown 4x, or two rows of smaller ones
SMALLEST_HEADLINE = 16     # points: a number too wide for the panel is set smaller, down to this,
                           # then wrapped (the panel, and the window, never grow for it)
HEADLINE_EDGE = 4          # px the label takes beside its text (its border)


class BarChart:
    """Ten bars on a small canvas, one per digit; the predicted one highlighted."""

    def __init__(self, parent: tk.Misc, width: int, height: int, small_font: tkfont.Font):
        self.canvas = tk.Canvas(parent, width=width, height=height, bg=PAPER,
                                highlightthickness=0, bd=0)
        self.width, self.height = width, height
        self.label_h = small_font.metrics("linespace") + 4
        slot = width / 10
        base = height - self.label_h
        self.canvas.create_line(0, base, width, base, fill="#c8cdd5")
        self.bars: list[int] = []
        self.values: list[int] = []
        for digit in range(10):
            x = slot * digit
            self.bars.append(self.canvas.create_rectangle(x + 4, height, x + slot - 4, height,
                                                          fill=BAR, width=0))
            self.canvas.create_text(x + slot / 2, height - self.label_h / 2, text=str(digit),
                                    font=small_font, fill="#333333")
            self.values.append(self.canvas.create_text(x + slot / 2, 0, text="", anchor="s",
                                                       font=small_font, fill="#333333"))

    def show(self, bars: tuple[float, ...], highlighted: int | None, sure: bool) -> None:
        top = self.label_h + 16
        room = self.height - self.label_h - top
        slot = self.width / 10
        base = self.height - self.label_h
        for digit, p in enumerate(bars):
            x = slot * digit
            y = base - max(1.0, p * room)
            colour = (BAR_TOP if sure else BAR_UNSURE) if digit == highlighted else BAR
            self.canvas.coords(self.bars[digit], x + 4, y, x + slot - 4, base)
            self.canvas.itemconfigure(self.bars[digit], fill=colour,
                                      state="normal" if p >= 0.005 else "hidden")
            text = f"{p * 100:.0f}" if p >= 0.095 else ""
            self.canvas.coords(self.values[digit], x + slot / 2, y - 2)
            self.canvas.itemconfigure(self.values[digit], text=text)


class AnswerPanel:
    """Shows an Answer and the inputs it came from; `on_select(i)` when digit i is clicked."""

    def __init__(self, parent: ttk.Frame, width: int, px: Callable[[float], int],
                 fonts: dict[str, tkfont.Font], on_select: Callable[[int], None]):
        self.width, self._px, self._small = width, px, fonts["small"]
        self._on_select = on_select
        self._photos: list[tk.PhotoImage] = []
        self._headline_font = tkfont.Font(parent, font=fonts["headline"])  # resized to fit
        self._headline_size = int(self._headline_font.actual("size"))
        self._room = width - HEADLINE_EDGE
        self.headline = ttk.Label(parent, text="", font=self._headline_font, anchor="center",
                                  justify="center", wraplength=self._room)
        self.headline.grid(row=0, column=0, sticky="ew")
        # As high as full-size type whatever its size, so the window keeps its height.
        parent.rowconfigure(0, minsize=self._headline_font.metrics("linespace") + HEADLINE_EDGE)
        self.detail = ttk.Label(parent, text="", font=fonts["detail"], anchor="center",
                                justify="center", wraplength=width)
        self.detail.grid(row=1, column=0, sticky="ew", pady=(0, px(10)))
        # Room for two lines: a long one wraps ("all 6 digits at least 98 % sure · adapted to
        # your handwriting") and the window would grow.
        parent.rowconfigure(1, minsize=self.detail.winfo_reqheight() + px(10)
                            + fonts["detail"].metrics("linespace"))
        self.chart_title = ttk.Label(parent, text="", font=fonts["heading"])
        self.chart_title.grid(row=2, column=0, sticky="w")
        self.chart = BarChart(parent, width, px(CHART_HEIGHT), fonts["small"])
        self.chart.canvas.grid(row=3, column=0, pady=(px(2), px(12)))
        ttk.Label(parent, text="What the model sees", font=fonts["heading"]).grid(
            row=4, column=0, sticky="w")
        # Fixed size, so the window does not jump when the first digit appears.
        self.seen = ttk.Frame(parent, width=width, height=px(SEEN_HEIGHT))
        self.seen.grid(row=5, column=0, sticky="nw", pady=(px(4), 0))
        self.seen.grid_propagate(False)

    def show(self, answer: Answer, inputs: np.ndarray | None = None) -> None:
        colour = SURE_COLOUR if answer.sure else UNSURE_COLOUR
        headline = answer.headline or " "
        self._fit_headline(headline)
        self.headline.configure(text=headline, foreground=colour)
        self.detail.configure(text=answer.detail)
        self.chart_title.configure(text=answer.chart_title)
        self.chart.show(answer.bars, answer.highlighted, answer.sure)
        self._show_seen(answer, inputs if inputs is not None and answer.labels else None)

    def _fit_headline(self, text: str) -> None:
        """The headline's type at its full size, or smaller until `text` fits the panel's width
        (a long number), no smaller than SMALLEST_HEADLINE."""
        size = self._headline_size
        self._headline_font.configure(size=size)
        while size > SMALLEST_HEADLINE and (wide := self._headline_font.measure(text)) > self._room:
            size = max(SMALLEST_HEADLINE, min(size - 1, size * self._room // wide))
            self._headline_font.configure(size=size)

    def _select(self, index: int, _event: tk.Event) -> None:
        self._on_select(index)

    def _show_seen(self, answer: Answer, inputs: np.ndarray | None) -> None:
        """The 28x28 inputs, enlarged, each captioned; the selected one framed."""
        for child in self.seen.winfo_children():
            child.destroy()
        self._photos.clear()
        if inputs is None or len(inputs) == 0:
            return
        per_row = min(len(inputs), 4)
        factor = max(1, min(4, self.width // (per_row * 30)))
        for i, model_input in enumerate(inputs):
            photo = tk.PhotoImage(master=self.seen, format="PPM",
                                  data=pictures.ppm(pictures.enlarge(model_input, factor)))
            self._photos.append(photo)
            selected = i == answer.selected and len(inputs) > 1
            cell = tk.Label(self.seen, image=photo, bd=2, relief="solid" if selected else "flat",
                            highlightthickness=0, cursor="hand2" if len(inputs) > 1 else "")
            cell.grid(row=2 * (i // per_row), column=i % per_row, padx=2)
            caption = ttk.Label(self.seen, text=answer.labels[i], font=self._small)
            caption.grid(row=2 * (i // per_row) + 1, column=i % per_row, pady=(0, 4))
            cell.bind("<Button-1>", partial(self._select, i))
