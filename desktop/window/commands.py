"""File > Classify folder... and Help > About: the window's commands that need the model in
use (while it loads, a word to the user instead)."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import messagebox

from desktop.engine.classifier import Classifier
from desktop.window.about import AboutDialog, about_text, runtime_versions
from desktop.window.session import Session

TITLE = "Digit Recognizer"
LOADING = "The model is still loading; try again in a moment."


def model_in_use(root: tk.Misc, session: Session) -> Classifier | None:
    """The model in use, or None (and a word to the user) while it is loading."""
    if session.classifier is None:
        messagebox.showinfo(TITLE, LOADING, parent=root)
    return session.classifier


class WindowCommands:
    def __init__(self, root: tk.Tk, session: Session, padding: int,
                 about_extra: Callable[[], str] = str, settings_file: Path | None = None):
        """about_extra(): one more line for Help > About (the adaptation's state);
        settings_file: where the batch window's choice is remembered (None: the user's)."""
        self.root, self.session, self.padding = root, session, padding
        self.about_extra, self.settings_file = about_extra, settings_file
        self.about_window: tk.Toplevel | None = None

    def classify_folder(self) -> None:
        """File > Classify folder…: the batch window, imported only when asked for."""
        classifier = model_in_use(self.root, self.session)
        if classifier is not None:
            from desktop.window.batch_window import open_batch_window

            open_batch_window(self.root, classifier, self.settings_file)

    def show_about(self) -> None:
        classifier = model_in_use(self.root, self.session)
        if classifier is not None:
            text = about_text(classifier.card, classifier.path, runtime_versions(),
                              self.about_extra())
            self.about_window = AboutDialog(self.root, TITLE, text, self.padding).window
