"""The platform's per-user folders for the app's data (samples, models) and settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR = "DigitRecognizer"


def user_data_dir() -> Path:
    """%APPDATA%\\DigitRecognizer, ~/Library/Application Support/DigitRecognizer, or XDG data."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
        return base / APP_DIR
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "digit-recognizer"


def user_config_dir() -> Path:
    """Where the settings file lives (the data folder on Windows and macOS, XDG config on Linux)."""
    if sys.platform in ("win32", "darwin"):
        return user_data_dir()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "digit-recognizer"


def default_samples_dir() -> Path:
    return user_data_dir() / "samples"


def default_models_dir() -> Path:
    return user_data_dir() / "models"


def shown_path(path: Path) -> str:
    """A folder as a person reads it: under their home folder as ~/..., else in full."""
    home = Path.home()
    try:
        return str(Path("~") / Path(path).relative_to(home))
    except ValueError:
        return str(path)
