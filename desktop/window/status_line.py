"""The line under the canvas: which model reads (with its accuracy), or what just happened.

A note about the last thing shown (a sample saved, an image opened) stays only until the next
drawing starts; then the model's line comes back, so the note never stands beside another
digit.
"""

from __future__ import annotations

from tkinter import ttk

from desktop.engine.classifier import Classifier
from desktop.user import model_choice


def saved_note(digit: int, count: int) -> str:
    return f"Saved a sample of {digit} — you have {count} of that digit. Draw the next one."


def model_line(classifier: Classifier) -> str:
    accuracy = classifier.accuracy
    tail = f" ({accuracy * 100:.1f} % on MNIST)" if isinstance(accuracy, float) else ""
    name = model_choice.display_name(classifier.path)
    return f"Model: {name}{tail}. Draw digits, one or several."


class StatusLine:
    def __init__(self, label: ttk.Label):
        self.label = label
        self._classifier: Classifier | None = None
        self._note = False     # showing a note that the next drawing makes stale

    @property
    def text(self) -> str:
        return str(self.label.cget("text"))

    def say(self, text: str) -> None:
        self._note = False
        self.label.configure(text=text)

    def model(self, classifier: Classifier, notice: str = "") -> None:
        """A model took over: its line (or a notice about it)."""
        self._classifier = classifier
        self.say(notice or model_line(classifier))

    def note(self, text: str) -> None:
        """Something about what is shown now, until the next drawing starts."""
        self.say(text)
        self._note = True

    def sample_saved(self, digit: int, count: int) -> None:
        self.note(saved_note(digit, count))

    def drawing_started(self) -> None:
        """A new drawing: a note about what was shown before it gives way to the model."""
        if self._note and self._classifier is not None:
            self.model(self._classifier)
