"""A small JSON settings file (the model the user chose). A broken file, or a setting of the
wrong type, is ignored with one line on stderr, never fatal; writing it never leaves half a
file."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable
from pathlib import Path

from desktop import say
from desktop.user.dirs import user_config_dir
from desktop.user.whole import resolved, write_whole

SETTINGS_NAME = "settings.json"
# The settings the app reads, and the JSON type each must have; others are kept as they are.
SETTING_TYPES: dict[str, type] = {"model": str, "adapt": bool, "numbers": bool}
JSON_NAMES = {str: "text", bool: "true or false", int: "a number", dict: "an object"}


def settings_path() -> Path:
    return user_config_dir() / SETTINGS_NAME


_warned: set[str] = set()  # the file is read at every use: each problem is said once
_unseen: list[str] = []    # ... and shown once in the window, which may have no stderr


def warn(message: str, short: str) -> None:
    """One line on stderr, once, where there is one (the windowed executable may have none);
    `short`, the same for the window's status line, waits for `take_notices`."""
    if message in _warned:
        return
    _warned.add(message)
    _unseen.append(short)
    say(f"warning: {message}")


def take_notices() -> str:
    """What the settings said since last asked, in one line for the window ("" for nothing)."""
    notices = " ".join(_unseen)
    _unseen.clear()
    return notices


def load_settings(path: Path | None = None) -> dict:
    """The settings, less anything unreadable or of the wrong type (each said in one line)."""
    path = path or settings_path()
    try:
        data = _read(path)
    except OSError as err:
        data = str(err.strerror or err)
    if isinstance(data, str):
        warn(f"settings file {path} ignored: {data}",
             f"Settings file {path.name} ignored, defaults in use: {data}.")
        return {}
    return _typed(data, path)


def _typed(data: dict, path: Path) -> dict:
    """The settings less those of the wrong type (each said in one line)."""
    for key, kind in SETTING_TYPES.items():
        if key in data and (isinstance(data[key], bool) is not (kind is bool)
                            or not isinstance(data[key], kind)):
            expected = f"{JSON_NAMES[kind]} expected, found {json.dumps(data[key])[:40]}"
            warn(f"settings file {path}: {key!r} ignored: {expected}",
                 f"Setting {key!r} ignored ({expected}).")
            del data[key]
    return data


def _read(path: Path) -> dict | str:
    """The file's JSON object ({} when there is no file), or what makes its text no settings
    (not JSON, not an object); OSError when it cannot be read at all (permissions, a folder)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:  # utf-8-sig: as some editors save it, with a byte-order mark
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError) as err:  # RecursionError: absurdly nested
        return str(err)
    return data if isinstance(data, dict) else "not a JSON object"


def _update(path: Path | None, change: Callable[[dict], object]) -> None:
    """Change the settings and save them. A file whose text is no settings (a mistyped comma)
    may be the user's own work: it is kept beside the new one (settings.json.broken), moved
    only once the new one is written; OSError, and nothing changed, for a file that cannot be
    read at all (permissions, a folder)."""
    path = path or settings_path()
    found = _read(path)
    settings = {} if isinstance(found, str) else _typed(found, path)
    change(settings)
    save_settings(settings, path, keep_old=isinstance(found, str))


def _keep_aside(target: Path, shown: Path) -> None:
    """Move the settings file `target` to the first free name of target.broken, .broken.1,
    ..., and say so (`shown`: the name the user knows it by)."""
    names = (target.with_name(f"{target.name}.broken" + (f".{n}" if n else ""))
             for n in itertools.count())
    aside = next(name for name in names if not name.exists() and not name.is_symlink())
    os.rename(target, aside)
    warn(f"settings file {shown} was not valid settings: kept as {aside}, a new one written",
         f"Settings file {shown.name} was not valid: kept as {aside.name}, a new one written.")


def save_settings(settings: dict, path: Path | None = None, keep_old: bool = False) -> None:
    """Write whole (`write_whole`: a crash or a full disk never leaves half a settings file;
    OSError when it cannot be written). A settings file that is a link (kept with one's
    dotfiles) stays one: the file it points to is replaced, with its permissions. keep_old:
    the file there is first kept aside (`_keep_aside`), once the new one is written."""
    path = path or settings_path()
    resolved(path).parent.mkdir(parents=True, exist_ok=True)

    def dump(temporary: Path) -> None:
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(settings, f, indent=2)

    write_whole(path, dump, (lambda target: _keep_aside(target, path)) if keep_old else None)


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
    chosen = None if model is None else str(Path(model).resolve())

    def change(settings: dict) -> None:
        settings.pop("model", None)
        if chosen is not None:
            settings["model"] = chosen

    _update(path, change)


def adapting(path: Path | None = None) -> bool:
    """Whether the app adapts to the user's samples (Model > Adapt...; on unless switched off)."""
    return load_settings(path).get("adapt") is not False


def remember_adapting(on: bool, path: Path | None = None) -> None:
    _update(path, lambda settings: settings.update(adapt=bool(on)))


def reading_numbers(path: Path | None = None) -> bool:
    """Whether File > Classify folder... reads whole numbers (its Whole numbers box; off
    unless ticked, as `classify` reads one digit an image)."""
    return load_settings(path).get("numbers") is True


def remember_reading_numbers(on: bool, path: Path | None = None) -> None:
    _update(path, lambda settings: settings.update(numbers=bool(on)))
