"""Model > Open model... and Use bundled model: switching models, and how the title and the
status line name the model in use."""

from __future__ import annotations

import tkinter as tk
from pathlib import Path
from tkinter import filedialog, messagebox

from desktop.engine.classifier import Classifier
from desktop.user import model_choice
from desktop.user.dirs import default_models_dir
from desktop.window.commands import TITLE, model_in_use
from desktop.window.session import Session
from desktop.window.status_line import StatusLine

MODEL_TYPES = [("ONNX models", "*.onnx"), ("All files", "*")]


class ModelMenu:
    def __init__(self, root: tk.Tk, session: Session, status: StatusLine):
        self.root, self.session, self.status = root, session, status

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
        if model_in_use(self.root, self.session) is None or not self.session.switch_model(path):
            return
        name = model_choice.display_name(self.session.switching_to)
        self.status.say(f"Loading {name}…")

    def ready(self, classifier: Classifier, notice: str = "") -> None:
        """A model took over: the title names it (unless bundled), and so does the status."""
        self.root.title(model_choice.window_title(TITLE, classifier.path))
        self.status.model(classifier, notice)

    def switch_failed(self, message: str) -> None:
        if self.session.classifier is not None:
            self.ready(self.session.classifier)
        messagebox.showerror("Cannot open the model", message, parent=self.root)
