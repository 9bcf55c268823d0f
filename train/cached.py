"""Arrays made slowly from training digits (restyled digits, pictures of numbers), kept under a
cache folder between runs and keyed by what they are made of and by the source of the code
that makes them: a change to that code, and only to it, makes them anew."""

from __future__ import annotations

import ast
import contextlib
import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("train", "desktop", "devtools")  # the project's code a cached set may be made by


def cached(cache_dir: Path | None, name: str, made_of: bytes, module: Path,
           make: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays `make` returns, read from `cache_dir`/`name`-KEY.npz when an earlier call
    made them of the same `made_of` with the same code (`module` and what it imports), else
    made and kept there (not kept: no cache_dir, or one it cannot write to: that costs the
    next run its time, not this one its result)."""
    path = None if cache_dir is None else Path(cache_dir) / f"{name}-{key(made_of, module)}.npz"
    if path is not None and path.is_file():
        try:
            with np.load(path) as found:
                return {k: found[k] for k in found.files}
        except (OSError, ValueError, zipfile.BadZipFile, EOFError):
            pass  # damaged (a disk that failed mid-copy): made again, and replaced
    arrays = make()
    if path is not None:
        _keep(path, arrays)
    return arrays


def _keep(path: Path, arrays: dict[str, np.ndarray]) -> None:
    temporary = path.with_name(f".{path.name}.tmp.npz")  # never half a file under its name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(temporary, **arrays)
        temporary.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def key(made_of: bytes, module: Path) -> str:
    """Changes with what a set is made of and with the code that makes it: `module` and the
    project modules it imports, directly or not (not the rest of the app, so a change to, say,
    the classifier does not cost the next run its sets)."""
    digest = hashlib.sha256(made_of)
    for source in sorted(sources(module)):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def sources(module: Path, seen: set[Path] | None = None) -> set[Path]:
    """The source files of module and of every project module (PACKAGES) it imports, at any
    depth (imports inside functions too)."""
    seen = set() if seen is None else seen
    seen.add(module)
    for node in ast.walk(ast.parse(module.read_bytes())):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from train import hands` imports a module; `from train.hands import x`, a name.
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        for name in names:
            path = ROOT.joinpath(*name.split(".")).with_suffix(".py")
            if name.split(".")[0] in PACKAGES and path.is_file() and path not in seen:
                sources(path, seen)
    return seen
