"""A small JSON settings file (the model the user chose). A broken file, or a setting of the
wrong type, is ignored with one line on stderr, never fatal; writing it never leaves half a
file."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sys
from pathlib import Path

from desktop.user.dirs import user_config_dir
from desktop.user.whole import write_whole

SETTINGS_NAME = "settings.json"
# The settings the app reads, and the JSON type each must have; others are kept as they are.
SETTING_TYPES: dict[str, type] = {"model": str, "adapt": bool}
JSON_NAMES = {str: "text", bool: "true or false", int: "a number", dict: "an object"}


def settings_path() -> Path:
    return user_config_dir() / SETTINGS_NAME


_warned: set[str] = set()  # the file is read at every use: each problem is said once


def warn(message: str) -> None:
    """One line on stderr, once, where there is one (the windowed executable may have none)."""
    if message in _warned:
        return
    _warned.add(message)
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            print(f"warning: {message}", file=sys.stderr, flush=True)


def load_settings(path: Path | None = None) -> dict:
    """The settings, less anything unreadable or of the wrong type (each said in one line)."""
    path = path or settings_path()
    data = _read(path)
    if isinstance(data, str):
        warn(f"settings file {path} ignored: {data}")
        return {}
    for key, kind in SETTING_TYPES.items():
        if key in data and (isinstance(data[key], bool) is not (kind is bool)
                            or not isinstance(data[key], kind)):
            warn(f"settings file {path}: {key!r} ignored: {JSON_NAMES[kind]} expected, "
                 f"found {json.dumps(data[key])[:40]}")
            del data[key]
    return data


def _read(path: Path) -> dict | str:
    """The file's JSON object ({} when there is no file), or why it cannot be read as one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError) as err:  # RecursionError: absurdly nested
        return str(getattr(err, "strerror", None) or err)
    return data if isinstance(data, dict) else "not a JSON object"


def _to_update(path: Path | None) -> dict:
    """The settings to change and save again. A file there that cannot be read as settings is
    first kept aside beside it (settings.json.broken), never replaced: it may be the user's
    own, mistyped; OSError when it cannot be moved."""
    path = path or settings_path()
    problem = _read(path)
    if isinstance(problem, str):
        aside = _free_name(path.resolve())  # a link stays a link, to the new file
        os.rename(path.resolve(), aside)
        warn(f"settings file {path} could not be read ({problem}): kept as {aside.name}, "
             "a new one written")
    return load_settings(path)


def _free_name(target: Path) -> Path:
    """target.broken, else target.broken.1, .2, ...: the first name not taken."""
    names = (target.with_name(f"{target.name}.broken" + (f".{n}" if n else ""))
             for n in itertools.count())
    return next(name for name in names if not name.exists() and not name.is_symlink())


def save_settings(settings: dict, path: Path | None = None) -> None:
    """Write whole (`write_whole`: a crash or a full disk never leaves half a settings file;
    OSError when it cannot be written). A settings file that is a link (kept with one's
    dotfiles) stays one: the file it points to is replaced, with its permissions."""
    (path or settings_path()).resolve().parent.mkdir(parents=True, exist_ok=True)

    def dump(temporary: Path) -> None:
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(settings, f, indent=2)

    write_whole(path or settings_path(), dump)


def chosen_model(path: Path | None = None) -> Path | None:
    """The model the user picked with Model > Open model..., if it still exists."""
    model = load_settings(path).get("model")
    try:
        return Path(model) if model and Path(model).is_file() else None
    except (OSError, ValueError):  # a name the system cannot take (a NUL byte, too long)
        return None


def remember_model(model: Path | None, path: Path | None = None) -> None:
    """Remember a model (None = back to the bundled one); OSError when the settings cannot be
    written (the window says so)."""
    settings = _to_update(path)
    if model is None:
        settings.pop("model", None)
    else:
        settings["model"] = str(Path(model).resolve())
    save_settings(settings, path)


def adapting(path: Path | None = None) -> bool:
    """Whether the app adapts to the user's samples (Model > Adapt...; on unless switched off)."""
    return load_settings(path).get("adapt") is not False


def remember_adapting(on: bool, path: Path | None = None) -> None:
    settings = _to_update(path)
    settings["adapt"] = bool(on)
    save_settings(settings, path)
