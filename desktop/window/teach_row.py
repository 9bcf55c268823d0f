"""The "It's a..." row: ten digit buttons that save the drawing as a labelled sample, each with
its count of samples, the folder they go to, and Undo sample."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from tkinter import font as tkfont
from tkinter import ttk

from desktop.user.dirs import shown_path
from desktop.user.samples import count_samples

MUTED = "#555555"


class TeachRow:
    """`on_digit(d)` when the button of digit d is pressed; `on_undo()` for Undo sample, which
    takes back the last sample saved."""

    def __init__(self, parent: ttk.Frame, row: int, width: int, px: Callable[[float], int],
                 fonts: dict[str, tkfont.Font], samples_dir: Path,
                 on_digit: Callable[[int], None], on_undo: Callable[[], None] = lambda: None):
        self.samples_dir = samples_dir
        ttk.Label(parent, text="It's a…", font=fonts["heading"]).grid(
            row=row, column=0, sticky="w", pady=(px(8), 0))
        ttk.Style(parent).configure("Digit.TButton", padding=(0, px(2)))
        buttons = ttk.Frame(parent)
        buttons.grid(row=row + 1, column=0, sticky="ew", pady=(px(2), 0))
        self.digit_buttons: list[ttk.Button] = []
        self.count_labels: list[ttk.Label] = []
        for digit in range(10):
            buttons.columnconfigure(digit, weight=1, uniform="digit")
            button = ttk.Button(buttons, text=str(digit), width=2, style="Digit.TButton",
                                command=partial(on_digit, digit))
            button.grid(row=0, column=digit, sticky="ew", padx=1)
            count = ttk.Label(buttons, text="", font=fonts["small"], foreground=MUTED,
                              anchor="center")
            count.grid(row=1, column=digit, sticky="ew")
            self.digit_buttons.append(button)
            self.count_labels.append(count)
        self.samples_label = ttk.Label(parent, text="", font=fonts["small"], foreground=MUTED,
                                       wraplength=width)
        self.samples_label.grid(row=row + 2, column=0, sticky="w", pady=(px(2), 0))
        self.undo_button = ttk.Button(parent, text="Undo sample", command=on_undo)
        self.undo_button.grid(row=row + 3, column=0, sticky="w", pady=(px(4), 0))
        self.undo_button.state(["disabled"])  # until a sample is saved
        self.show_counts()

    def show_counts(self) -> dict[int, int]:
        """Count the samples on disk and show the counts; returns them."""
        counts = count_samples(self.samples_dir)
        for digit, label in enumerate(self.count_labels):
            label.configure(text=str(counts[digit]))
        total = sum(counts.values())
        self.samples_label.configure(
            text=f"{total} {'sample' if total == 1 else 'samples'} in "
                 f"{shown_path(self.samples_dir)}")
        return counts

    def enable(self, enabled: bool) -> None:
        """The buttons work only when there is a drawing to label."""
        for button in self.digit_buttons:
            button.state(["!disabled"] if enabled else ["disabled"])
