"""Finding the files to classify: folders listed lazily, sorted by name, hidden files and
subfolders skipped and counted, a --sort-into folder and links back up the tree left out."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from desktop.batch.rows import Tally

# Names that claim to be images: such a file that is not one is an error, not a skipped file.
IMAGE_SUFFIXES = frozenset((
    ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".gif", ".bmp", ".dib", ".tif", ".tiff", ".webp",
    ".ppm", ".pgm", ".pbm", ".pnm", ".ico", ".qoi", ".tga", ".pcx", ".psd", ".jp2", ".j2k",
    ".avif", ".heic", ".heif"))


class Source(NamedTuple):
    """A file to classify: where it is, how its row names it, whether the user named it."""
    path: str
    shown: str
    named: bool = False
    error: str = ""        # already known to fail (a folder that cannot be listed)


def _hidden(entry: os.DirEntry) -> bool:
    if entry.name.startswith("."):
        return True
    if os.name != "nt":
        return False
    attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)  # Windows
    return bool(attributes & stat.FILE_ATTRIBUTE_HIDDEN)


def _walk(folder: str, shown: str, recursive: bool, tally: Tally, excluded: set[str],
          visited: set[tuple[int, int]]) -> Iterator[Source]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as err:
        yield Source(folder, shown or ".", error=f"cannot list folder: {err.strerror or err}")
        return
    for entry in entries:
        if _hidden(entry):
            tally.hidden += 1
            continue
        name = os.path.join(shown, entry.name) if shown else entry.name
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            if not recursive:
                tally.folders_not_searched += 1
                continue
            real = os.path.realpath(entry.path)
            info = os.stat(real)
            if real in excluded or (info.st_dev, info.st_ino) in visited:
                continue  # the --sort-into folder, or a link back up the tree
            visited.add((info.st_dev, info.st_ino))
            yield from _walk(entry.path, name, recursive, tally, excluded, visited)
        elif is_file:
            tally.found += 1
            yield Source(entry.path, name)
        else:  # a broken link, a pipe, a device: nothing to read
            tally.not_images += 1


def discover(paths: Sequence[str], recursive: bool = False, tally: Tally | None = None,
             exclude: Iterable[str] = ()) -> Iterator[Source]:
    """The files of `paths` (files and folders), lazily, sorted by name within each folder.

    A file's row path is relative to the folder given; with several paths, prefixed by it.
    Hidden files, subfolders (unless recursive) and `exclude` folders are skipped and counted.
    """
    tally = tally if tally is not None else Tally()
    excluded = {os.path.realpath(p) for p in exclude}
    for path in paths:
        if os.path.isdir(path):
            info = os.stat(path)
            yield from _walk(path, path if len(paths) > 1 else "", recursive, tally, excluded,
                             {(info.st_dev, info.st_ino)})
        else:
            tally.found += 1
            yield Source(path, path, named=True)


def count_files(paths: Sequence[str], recursive: bool = False, exclude: Iterable[str] = ()) -> int:
    """How many files `discover` will yield (for progress; files may change meanwhile)."""
    return sum(1 for _ in discover(paths, recursive, Tally(), exclude))


def missing_paths(paths: Sequence[str]) -> list[str]:
    return [path for path in paths if not os.path.exists(path)]
