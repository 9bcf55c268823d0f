"""Finding the files to classify: folders listed lazily, sorted by name, hidden files and
subfolders skipped and counted, a --sort-into folder and links back up the tree left out."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from desktop.batch.rows import Tally
from desktop.engine.filekind import special_file

# Names that claim to be images: such a file that is not one is an error, not a skipped file.
IMAGE_SUFFIXES = frozenset((
    ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".gif", ".bmp", ".dib", ".tif", ".tiff", ".webp",
    ".ppm", ".pgm", ".pbm", ".pnm", ".ico", ".qoi", ".tga", ".pcx", ".psd", ".jp2", ".j2k",
    ".avif", ".heic", ".heif"))


class Source(NamedTuple):
    """A file to classify. `file` is where it is; `path` how its row names it (the output's
    `path` column: relative to the folder given), as `Row.file` and `Row.path` are."""
    file: str
    path: str
    named: bool = False    # named on the command line (not found in a folder)
    error: str = ""        # already known to fail (a folder that cannot be listed)


def _hidden(entry: os.DirEntry) -> bool:
    if entry.name.startswith("."):
        return True
    if os.name != "nt":
        return False
    attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)  # Windows
    return bool(attributes & stat.FILE_ATTRIBUTE_HIDDEN)


def claims_image(name: str) -> bool:
    """Whether a file's name says it is an image (then it gets a row even when it is not)."""
    return os.path.splitext(name)[1].lower() in IMAGE_SUFFIXES


def not_a_file(path: str) -> str:
    """Why something that is neither a folder nor a regular file cannot be read."""
    try:
        os.stat(path)
    except OSError as err:
        if not os.path.lexists(path):
            return "file not found"
        if os.path.islink(path):
            return f"broken link ({err.strerror or err})"
        return f"cannot read: {err.strerror or err}"
    return f"not a regular file ({special_file(path) or 'not a file'})"


def _listing(folder: str) -> list[os.DirEntry] | str:
    """A folder's entries sorted by name, or why it cannot be listed."""
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda e: e.name)
    except OSError as err:
        return f"cannot list folder: {err.strerror or err}"


Identity = tuple[int, int]  # a folder's device and inode: the same however it is reached


def _identity(path: str) -> Identity | None:
    """The folder's identity, None when it cannot be read (it is then entered, and its
    listing reports why)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _identities(paths: Iterable[str]) -> set[Identity]:
    """Those of the folders that exist: asked each time, as --sort-into's folder may be
    made while the walk goes on."""
    return {known for known in map(_identity, paths) if known}


def _walk(top: str, top_path: str, recursive: bool, tally: Tally, excluded: list[str],
          visited: set[Identity]) -> Iterator[Source]:
    """Depth first in name order, as a recursive walk would be, but on a stack of its own:
    a tree thousands of folders deep is no trouble."""
    stack: list[tuple[str, Iterator[os.DirEntry]]] = []

    def enter(folder: str, prefix: str) -> Source | None:
        entries = _listing(folder)
        if isinstance(entries, str):
            return Source(folder, prefix or ".", error=entries)
        stack.append((prefix, iter(entries)))
        return None

    failed = enter(top, top_path)
    if failed:
        yield failed
    while stack:
        prefix, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if _hidden(entry):
            tally.hidden += 1
            continue
        name = os.path.join(prefix, entry.name) if prefix else entry.name
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            if not recursive:
                tally.folders_not_searched += 1
                continue
            known = _identity(entry.path)  # one stat (its real path: one per folder above)
            if known in visited or known in _identities(excluded):
                continue  # a link back up the tree, or the --sort-into folder
            if known:
                visited.add(known)
            failed = enter(entry.path, name)
            if failed:
                yield failed
        elif is_file:
            tally.found += 1
            yield Source(entry.path, name)
        elif claims_image(entry.name):  # a pipe, a link loop named as an image: an error row
            tally.found += 1
            yield Source(entry.path, name, error=not_a_file(entry.path))
        else:  # a broken link, a pipe, a device: nothing to read
            tally.not_images += 1


def discover(paths: Sequence[str], recursive: bool = False, tally: Tally | None = None,
             exclude: Iterable[str] = ()) -> Iterator[Source]:
    """The files of `paths` (files and folders), lazily, sorted by name within each folder.

    A file's row path is relative to the folder given; with several paths, prefixed by it.
    Hidden files, subfolders (unless recursive) and `exclude` folders are skipped and counted.
    """
    tally = tally if tally is not None else Tally()
    excluded = list(exclude)
    for path in paths:
        if os.path.isdir(path):
            yield from _walk(path, path if len(paths) > 1 else "", recursive, tally, excluded,
                             _identities([path]))
        else:
            tally.found += 1
            error = "" if os.path.isfile(path) else not_a_file(path)
            yield Source(path, path, named=True, error=error)


def count_files(paths: Sequence[str], recursive: bool = False, exclude: Iterable[str] = ()) -> int:
    """How many files `discover` will yield (for progress; files may change meanwhile)."""
    return sum(1 for _ in discover(paths, recursive, Tally(), exclude))


def missing_paths(paths: Sequence[str]) -> list[str]:
    return [path for path in paths if not os.path.exists(path)]


def _inside(path: str, folder: str, recursive: bool) -> bool:
    parent = os.path.dirname(path)
    return parent == folder or (recursive and parent.startswith(folder.rstrip(os.sep) + os.sep))


def is_input(path: str, inputs: Sequence[str], recursive: bool = False) -> bool:
    """Whether the file at path would be read as one of the images of `inputs`: named itself,
    or in a folder given (below it with recursive), not hidden, and an image by name or
    content."""
    if not os.path.isfile(path):
        return False
    real = os.path.realpath(path)
    for given in inputs:
        if os.path.isfile(given) and os.path.realpath(given) == real:
            return True
    if os.path.basename(real).startswith("."):
        return False
    if not any(os.path.isdir(g) and _inside(real, os.path.realpath(g), recursive)
               for g in inputs):
        return False
    return claims_image(real) or _sniffs_as_image(real)


def _sniffs_as_image(path: str) -> bool:
    from desktop.engine.imagefile import SNIFF_BYTES, sniff

    try:
        with open(path, "rb") as f:
            return sniff(f.read(SNIFF_BYTES)) is not None
    except OSError:
        return False


def holds_input(folder: str, inputs: Sequence[str]) -> bool:
    """Whether folder is one of `inputs` or holds one of them (at any depth)."""
    real = os.path.realpath(folder).rstrip(os.sep) + os.sep
    return any((os.path.realpath(g).rstrip(os.sep) + os.sep).startswith(real) for g in inputs)
