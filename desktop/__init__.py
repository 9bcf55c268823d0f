"""Digit Recognizer: the desktop app and batch classifier (runtime: onnxruntime and NumPy).

Layers, each importing only those before it: `engine` (pictures and strokes to model inputs,
the classifier; NumPy, onnxruntime, Pillow for decoding), `batch` (classifying many files, the
`classify` command) and `user` (the user's folders, settings and samples), then `window` (the
Tk app). `model/` holds the bundled model.
"""

import sys

__version__ = "1.1.0"
FROZEN = bool(getattr(sys, "frozen", False))  # running as the PyInstaller executable
PROG = "DigitRecognizer" if FROZEN else "python -m desktop"  # how users start it
