"""Model > "Adapt to my handwriting (N samples)" and Model > "Open samples folder".

The switch is remembered in the settings. With a model that cannot adapt (no features or style
output) the item is greyed and its label gives the reason; Help > About says it too
(`about_line`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tkinter as tk
from collections.abc import Callable
from pathlib import Path

from desktop.engine.classifier import Classifier
from desktop.user.personal import unavailable_reason
from desktop.user.settings import adapting, remember_adapting, take_notices

LABEL = "Adapt to my handwriting ({count} {noun})"


def open_folder(folder: Path) -> None:
    """Show a folder in the system's file manager (created first if missing); OSError if not."""
    folder.mkdir(parents=True, exist_ok=True)
    if sys.platform == "win32":
        os.startfile(folder)  # type: ignore[attr-defined]  # Windows only
        return
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    subprocess.Popen([opener, str(folder)], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


class AdaptMenu:
    """The two entries, added to the Model menu; `on_toggle(on)` when switched."""

    def __init__(self, menu: tk.Menu, samples_dir: Path, settings_file: Path | None,
                 on_toggle: Callable[[bool], None], on_error: Callable[[str], None]):
        self.menu, self.samples_dir, self.settings_file = menu, samples_dir, settings_file
        self._on_toggle, self._on_error = on_toggle, on_error
        self.var = tk.BooleanVar(menu, value=adapting(settings_file))
        self.reason = ""          # why the model in use cannot adapt ("" when it can)
        self.count = 0
        menu.add_separator()
        menu.add_checkbutton(label=LABEL.format(count=0, noun="samples"), variable=self.var,
                             command=self._toggled)
        self.index = menu.index("end") or 0
        menu.add_command(label="Open samples folder", command=self.open_samples)

    @property
    def on(self) -> bool:
        """Adapting now: switched on and possible with the model in use."""
        return self.var.get() and not self.reason

    def show(self, count: int, classifier: Classifier | None = None) -> None:
        """The number of samples, and (given the model in use) whether it can adapt."""
        self.count = count
        if classifier is not None:
            self.reason = unavailable_reason(classifier)
        label = LABEL.format(count=count, noun="sample" if count == 1 else "samples")
        if self.reason:
            label = f"Adapt to my handwriting (unavailable: {self.reason.split(' (')[0]})"
        self.menu.entryconfigure(self.index, label=label,
                                 state="disabled" if self.reason else "normal")

    def about_line(self, unreadable: int = 0) -> str:
        """The adaptation's state for Help > About (unreadable: sample files skipped)."""
        if self.reason:
            return f"Adaptation to your handwriting: unavailable, {self.reason}"
        state = "on" if self.var.get() else "off"
        skipped = f" ({unreadable} unreadable, skipped)" if unreadable else ""
        return f"Adaptation to your handwriting: {state}, {self.count} samples{skipped}"

    def _toggled(self) -> None:
        try:
            remember_adapting(self.var.get(), self.settings_file)
        except OSError as err:
            self._on_error(f"The choice cannot be remembered: {err.strerror or err}.")
        self._on_toggle(self.var.get())
        if notice := take_notices():  # a broken settings file kept aside
            self._on_error(notice)

    def open_samples(self) -> None:
        try:
            open_folder(self.samples_dir)
        except OSError as err:
            self._on_error(f"Cannot open {self.samples_dir}: {err.strerror or err}.")
