"""What the window does with the model itself: Model > Open model... and Use bundled model,
File > Classify folder..., Help > About, and how the title and status line name the model."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog, messagebox, ttk

from desktop.engine.classifier import Classifier
from desktop.user import model_choice
from desktop.user.dirs import default_models_dir
from desktop.window.about import AboutDialog, about_text, runtime_versions
from desktop.window.session import Session

TITLE = "Digit Recognizer"
LOADING = "The model is still loading; try again in a moment."
MODEL_TYPES = [("ONNX models", "*.onnx"), ("All files", "*")]


class ModelMenu:
    def __init__(self, root: tk.Tk, session: Session, status: ttk.Label, padding: int,
                 about_extra: Callable[[], str] = str):
        """about_extra(): one more line for Help > About (the adaptation's state)."""
        self.root, self.session, self.status, self.padding = root, session, status, padding
        self.about_extra = about_extra
        self.about_window: tk.Toplevel | None = None

    def _loaded(self) -> Classifier | None:
        """The model in use, or None (and a word to the user) while it is loading."""
        if self.session.classifier is None:
            messagebox.showinfo(TITLE, LOADING, parent=self.root)
        return self.session.classifier

    def ask_model(self) -> None:
        """Model > Open model…: a file dialog, starting in the folder fine-tuned models go to."""
        folder = default_models_dir()
        path = filedialog.askopenfilename(parent=self.root, title="Open a digit model",
                                          filetypes=MODEL_TYPES,
                                          initialdir=str(folder) if folder.is_dir() else None)
        if path:
            self.open_model(path)

    def open_model(self, path: str | Path | None) -> None:
        """Switch to another model (None: the bundled one); the current one runs meanwhile."""
        if self._loaded() is None or not self.session.switch_model(path):
            return
        name = model_choice.display_name(self.session.switching_to)
        self.status.configure(text=f"Loading {name}…")

    def classify_folder(self) -> None:
        """File > Classify folder…: the batch window, imported only when asked for."""
        classifier = self._loaded()
        if classifier is not None:
            from desktop.window.batch_window import open_batch_window

            open_batch_window(self.root, classifier)

    def show_about(self) -> None:
        classifier = self._loaded()
        if classifier is not None:
            text = about_text(classifier.card, classifier.path, runtime_versions(),
                              self.about_extra())
            self.about_window = AboutDialog(self.root, TITLE, text, self.padding).window

    def ready(self, classifier: Classifier, notice: str = "") -> None:
        """A model took over: the title names it (unless bundled), and so does the status."""
        self.root.title(model_choice.window_title(TITLE, classifier.path))
        accuracy = classifier.accuracy
        tail = f" ({accuracy * 100:.1f} % on MNIST)" if isinstance(accuracy, float) else ""
        name = model_choice.display_name(classifier.path)
        self.status.configure(text=notice or f"Model: {name}{tail}. Draw digits, one or several.")

    def switch_failed(self, message: str) -> None:
        if self.session.classifier is not None:
            self.ready(self.session.classifier)
        messagebox.showerror("Cannot open the model", message, parent=self.root)
