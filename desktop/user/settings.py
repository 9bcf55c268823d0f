"""A small JSON settings file (the model the user chose); a broken file is ignored, not fatal."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from desktop.user.dirs import user_config_dir

SETTINGS_NAME = "settings.json"


def settings_path() -> Path:
    return user_config_dir() / SETTINGS_NAME


def load_settings(path: Path | None = None) -> dict:
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(settings: dict, path: Path | None = None) -> None:
    """Write atomically, so a crash never leaves a half-written settings file."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(settings, f, indent=2)
    os.replace(temporary, path)


def chosen_model(path: Path | None = None) -> Path | None:
    """The model the user picked with Model > Open model..., if it still exists."""
    model = load_settings(path).get("model")
    return Path(model) if model and Path(model).is_file() else None


def remember_model(model: Path | None, path: Path | None = None) -> None:
    """Remember a model (None = back to the bundled one)."""
    settings = load_settings(path)
    if model is None:
        settings.pop("model", None)
    else:
        settings["model"] = str(Path(model).resolve())
    save_settings(settings, path)


def adapting(path: Path | None = None) -> bool:
    """Whether the app adapts to the user's samples (Model > Adapt...; on unless switched off)."""
    return load_settings(path).get("adapt") is not False


def remember_adapting(on: bool, path: Path | None = None) -> None:
    settings = load_settings(path)
    settings["adapt"] = bool(on)
    save_settings(settings, path)
