"""The window's furniture: the Tk root, fonts, the menu bar, the toolbar and the keys."""

from __future__ import annotations

import sys
import tkinter as tk
from collections.abc import Callable, Sequence
from functools import partial
from tkinter import font as tkfont
from tkinter import ttk

BRUSH_RANGE = (4, 48)      # pixels at 96 dpi

Command = Callable[[], None]
MenuEntry = tuple[str, str, Command] | None  # label, accelerator, command; None: a separator


def make_root() -> tk.Tk:
    """The Tk root, DPI-aware on Windows so the canvas is sharp on HiDPI screens."""
    if sys.platform == "win32":
        try:
            import ctypes

            ctypes.windll.shcore.SetProcessDpiAwareness(1)
        except (AttributeError, OSError):  # older Windows: blurry but working
            pass
    root = tk.Tk(className="DigitRecognizer")
    root.withdraw()  # shown once built, so it does not flash half-made
    return root


def ui_scale(root: tk.Tk) -> float:
    """1.0 at 96 dpi; Tk's scaling (pixels per point) tells how much denser the screen is."""
    return max(1.0, float(root.tk.call("tk", "scaling")) / (96 / 72))


def fonts(root: tk.Tk) -> dict[str, tkfont.Font]:
    family = tkfont.nametofont("TkDefaultFont").actual("family")
    return {"headline": tkfont.Font(root, family=family, size=60, weight="bold"),
            "detail": tkfont.Font(root, family=family, size=11),
            "heading": tkfont.Font(root, family=family, size=10, weight="bold"),
            "small": tkfont.Font(root, family=family, size=9)}


def menu_bar(root: tk.Tk, menus: dict[str, list[MenuEntry]]) -> dict[str, tk.Menu]:
    """The menus by name, for entries of other kinds to be added."""
    bar = tk.Menu(root)
    made = {}
    for name, entries in menus.items():
        menu = tk.Menu(bar, tearoff=False)
        for entry in entries:
            if entry is None:
                menu.add_separator()
            else:
                menu.add_command(label=entry[0], accelerator=entry[1], command=entry[2])
        bar.add_cascade(label=name, menu=menu)
        made[name] = menu
    root.config(menu=bar)
    return made


def bind_keys(root: tk.Tk, keys: dict[Sequence[str], Command],
              on_digit: Callable[[int], None]) -> None:
    """Each key sequence to its command, and 0-9 (the keypad too) to on_digit."""
    for sequences, command in keys.items():
        for key in sequences:
            root.bind(key, partial(_call, command))
    for digit in range(10):
        for key in (f"<Key-{digit}>", f"<KP_{digit}>"):
            root.bind(key, partial(_call, partial(on_digit, digit)))


def _call(command: Command, _event: tk.Event) -> None:
    command()


class Toolbar:
    """Brush size, and Undo, Clear and Predict; `on_brush(width)` when the size changes."""

    def __init__(self, parent: ttk.Frame, px: Callable[[float], int], brush: int,
                 on_brush: Callable[[int], None], undo: Command, clear: Command,
                 predict: Command):
        self.brush, self._on_brush = brush, on_brush
        bar = ttk.Frame(parent)
        bar.grid(row=1, column=0, sticky="ew", pady=(px(8), 0))
        ttk.Label(bar, text="Brush").pack(side="left")
        self.brush_scale = ttk.Scale(bar, from_=px(BRUSH_RANGE[0]), to=px(BRUSH_RANGE[1]),
                                     length=px(110), command=self._moved)
        self.brush_scale.set(brush)
        self.brush_scale.pack(side="left", padx=(px(6), 0))
        self.brush_label = ttk.Label(bar, width=6, text=f"{brush} px")
        self.brush_label.pack(side="left", padx=(px(4), 0))
        self.predict_button = ttk.Button(bar, text="Predict", width=8, command=predict)
        self.predict_button.pack(side="right")
        self.clear_button = ttk.Button(bar, text="Clear", width=8, command=clear)
        self.clear_button.pack(side="right", padx=px(6))
        self.undo_button = ttk.Button(bar, text="Undo", width=8, command=undo)
        self.undo_button.pack(side="right")

    def _moved(self, value: str) -> None:
        width = round(float(value))
        if width != self.brush:
            self.brush = width
            self.brush_label.configure(text=f"{width} px")
            self._on_brush(width)
