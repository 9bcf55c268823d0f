"""Copy classified files into DIR/<digit>/, DIR/uncertain/ and DIR/errors/.

Originals are only read, never moved or changed. A copy never replaces a file already there:
it takes the next free name ("7.png", "7 (2).png", …), claimed with an exclusive create so two
files of the same name cannot race for it.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from desktop.batch.rows import UNCERTAIN, Row
from desktop.engine.filekind import special_file

ERRORS = "errors"


def folder_for(row: Row) -> str:
    """The subfolder a row's file goes to: its digit (or number), uncertain or errors."""
    status = row.status
    if status == "ok":
        return row.digit
    return UNCERTAIN if status == UNCERTAIN else ERRORS


def free_names(folder: Path, name: str):
    """name, then 'stem (2).suffix', 'stem (3).suffix', … in folder."""
    stem, suffix = os.path.splitext(name)
    yield folder / name
    number = 2
    while True:
        yield folder / f"{stem} ({number}){suffix}"
        number += 1


class Sorter:
    """Copies files under root; `copy(row)` returns where it went (OSError when it cannot)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.copied = 0
        self.failed = 0

    def prepare(self) -> None:
        """Create the root, so an unusable one is a usage error before any work."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"{self.root}: not writable")

    def copy(self, row: Row) -> Path:
        special = special_file(row.file)
        if special:  # a pipe or a device: reading it could wait, or fill the disk, forever
            raise OSError(errno.EINVAL, f"not a regular file ({special})")
        folder = self.root / folder_for(row)
        folder.mkdir(exist_ok=True)
        with open(row.file, "rb") as source:
            target, destination = claim(folder, os.path.basename(row.file))
            try:
                with destination:
                    shutil.copyfileobj(source, destination, 1 << 20)
                shutil.copystat(row.file, target)  # times and mode, set on the copy only
            except BaseException:
                target.unlink(missing_ok=True)  # no half copies
                raise
        self.copied += 1
        return target


def claim(folder: Path, name: str):
    """The first free name in folder, created exclusively: (path, open binary file)."""
    for target in free_names(folder, name):
        try:
            return target, open(target, "xb")
        except FileExistsError:
            continue
    raise AssertionError("unreachable: free_names never ends")
