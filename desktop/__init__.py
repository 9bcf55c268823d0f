"""Digit Recognizer: the desktop app and batch classifier (runtime: onnxruntime and NumPy)."""

__version__ = "1.0.0"
