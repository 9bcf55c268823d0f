"""Help > About: the model card (accuracy, date, SHA-256) and the versions in use, as text that
a user can read and copy into a support request, and the dialog that shows it."""

from __future__ import annotations

import platform
import sys
import textwrap
import tkinter as tk
from pathlib import Path
from tkinter import ttk

from desktop import __version__
from desktop.engine.classifier import sha256_file


def runtime_versions() -> dict[str, str]:
    """Versions of what runs the app (onnxruntime only if it is already loaded)."""
    import numpy

    versions = {"app": __version__, "python": platform.python_version(),
                "numpy": numpy.__version__}
    ort = sys.modules.get("onnxruntime")
    versions["onnxruntime"] = getattr(ort, "__version__", "not loaded")
    return versions


def _accuracy(card: dict) -> str:
    accuracy = card.get("test_accuracy")
    if not isinstance(accuracy, (int, float)):
        return "unknown (no model card)"
    errors = card.get("test_errors")
    tail = f", {errors} errors" if isinstance(errors, int) else ""
    return f"{accuracy * 100:.2f} % on the 10,000 MNIST test digits{tail}"


def model_card_lines(card: dict, model_path: Path) -> list[str]:
    """The card's facts that matter to a user, one per line."""
    sha = card.get("sha256") or sha256_file(model_path)
    lines = [f"Model: {card.get('name', model_path.stem)}",
             f"File: {model_path}",
             f"Test accuracy: {_accuracy(card)}",
             f"Created: {card.get('created', 'unknown')}",
             f"SHA-256: {sha}"]
    quantized = card.get("quantized")
    if isinstance(quantized, dict):
        lines.append("Weights: 8-bit quantized" if quantized.get("kept") else "Weights: float32")
    return lines


def about_text(card: dict, model_path: Path, versions: dict[str, str], extra: str = "") -> str:
    """The whole About text: app, model card (and `extra`, the adaptation's state), runtime
    versions and the model's build versions."""
    runtime = ", ".join(f"{name} {versions[name]}"
                        for name in ("python", "numpy", "onnxruntime") if name in versions)
    lines = [f"Digit Recognizer {versions.get('app', __version__)}",
             "Draw a digit and see it recognized.", "",
             *model_card_lines(card, model_path), *([extra] if extra else []), "",
             f"Running on: {runtime}"]
    built = card.get("versions")
    if isinstance(built, dict) and built:
        lines += textwrap.wrap("Model built with: " + ", ".join(f"{k} {v}"
                                                             for k, v in built.items()),
                               width=72, subsequent_indent="    ")
    return "\n".join(lines)


class AboutDialog:
    """Help > About: the text, read-only but selectable (for support requests), and OK."""

    def __init__(self, parent: tk.Tk, title: str, text: str, padding: int):
        self.window = tk.Toplevel(parent)
        self.window.title(f"About {title}")
        self.window.transient(parent)
        frame = ttk.Frame(self.window, padding=padding)
        frame.pack(fill="both", expand=True)
        lines = text.splitlines()
        box = tk.Text(frame, width=max(len(line) for line in lines) + 2, height=len(lines),
                      wrap="none", relief="flat", bg=parent.cget("bg"), font="TkTextFont")
        box.insert("1.0", text)
        box.configure(state="disabled")
        box.pack(fill="both", expand=True)
        ttk.Button(frame, text="OK", command=self.window.destroy).pack(pady=(padding * 2 // 3, 0))
        for key in ("<Escape>", "<Return>"):
            self.window.bind(key, lambda _e: self.window.destroy())
