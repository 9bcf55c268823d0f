"""Which model the app runs, and how the window names it.

Precedence at start-up: the `--model` flag, else the model the user opened last time (remembered
in the settings file), else the bundled one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.engine.classifier import MODEL_NAME, ModelRef

BUNDLED_NAME = "bundled model"
FALLBACK_NOTICE = "The model chosen last time cannot be loaded; using the bundled model."


@dataclass(frozen=True)
class ModelChoice:
    path: Path | None   # None: the bundled model
    source: str         # "flag", "remembered" or "bundled"


def startup_model(flag: str | Path | None, remembered: Path | None) -> ModelChoice:
    if flag:
        return ModelChoice(Path(flag), "flag")
    if remembered is not None:
        return ModelChoice(Path(remembered), "remembered")
    return ModelChoice(None, "bundled")


def is_bundled(path: Path | None) -> bool:
    return ModelRef.to(path).bundled


def display_name(path: Path | None) -> str:
    """The bundled model by that name; others by file name, with the folder when the file has
    the name every export gets (a fine-tuned model is `finetuned-<stamp>/digits.onnx`)."""
    if path is None or is_bundled(path):
        return BUNDLED_NAME
    path = Path(path)
    return f"{path.parent.name}/{path.name}" if path.name == MODEL_NAME else path.name


def window_title(app_title: str, path: Path | None) -> str:
    """The app's name, followed by the model's when it is not the bundled one."""
    return app_title if is_bundled(path) else f"{app_title} — {display_name(path)}"
