"""Classify many image files: find them, decode them in parallel, classify them in batches.

The engine behind `python -m desktop classify` and File > Classify folder…. Each job takes the
next 64 files found, decodes them and classifies them in one onnxruntime call; a few jobs run
side by side on worker threads (Pillow, NumPy and onnxruntime release the GIL for their heavy
parts), and the main thread hands their rows on in the order the files were found. Only a
bounded window of jobs is ever in flight, so memory stays flat however many files there are.
Images already framed like MNIST skip the general preprocessing (`fastpath`), in bulk; small
grey PNGs skip most of Pillow's bookkeeping (`small_png`). All jobs share one Classifier.
"""

from __future__ import annotations

import os
import stat
import threading
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

import numpy as np

from desktop import small_png
from desktop.classifier import BATCH, Classifier
from desktop.fastpath import (
    DIGIT_WORK_SIZE,
    NUMBER_WORK_SIZE,
    framed_inputs,
    general_input,
    is_candidate,
    number_inputs,
)
from desktop.imagefile import SNIFF_BYTES, ImageError, load_image, sniff

CHUNK = BATCH              # files per job: decoded, then classified in one onnxruntime call
SMALL_FILE = 1 << 16       # files up to this size are read in one go
JOBS_PER_WORKER = 2        # jobs in flight per worker: enough to keep every core busy
UNCERTAIN = "uncertain"
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


class Row(NamedTuple):
    """One file's result. `digit` is "" on failure; a whole number with multi-digit reading.
    (A NamedTuple: tens of thousands are made a second.)"""
    path: str
    file: str
    digit: str = ""
    confidence: float | None = None
    error: str = ""
    probabilities: tuple[float, ...] | None = None

    @property
    def status(self) -> str:
        """'ok', 'uncertain' or 'failed'."""
        if not self.error:
            return "ok"
        return UNCERTAIN if self.error == UNCERTAIN else "failed"


@dataclass
class Tally:
    """Counts of a run, updated as files are found and rows come out."""
    found: int = 0
    classified: int = 0
    uncertain: int = 0
    failed: int = 0
    hidden: int = 0
    not_images: int = 0
    folders_not_searched: int = 0
    digits: Counter = field(default_factory=Counter)

    @property
    def done(self) -> int:
        return self.classified + self.uncertain + self.failed

    def add(self, row: Row) -> None:
        status = row.status
        if status == "ok":
            self.classified += 1
            self.digits.update(row.digit)
        elif status == UNCERTAIN:
            self.uncertain += 1
        else:
            self.failed += 1


# ---------------------------------------------------------------- finding files

def _hidden(entry: os.DirEntry) -> bool:
    if entry.name.startswith("."):
        return True
    if os.name != "nt":
        return False
    attributes = entry.stat(follow_symlinks=False).st_file_attributes  # free on Windows
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


# ---------------------------------------------------------------- decoding (worker side)

class Decoded(NamedTuple):
    """A decoded file: raw 28x28 pixels for the batch fast path, model inputs, or an error."""
    source: Source
    raw: np.ndarray | None = None
    inputs: np.ndarray | None = None
    error: str = ""
    skipped: bool = False


def _claims_image(source: Source) -> bool:
    return source.named or os.path.splitext(source.path)[1].lower() in IMAGE_SUFFIXES


def _start_of(path: str) -> tuple[bytes, bool]:
    """The first SMALL_FILE bytes of a file, and whether that is all of it (no file object:
    for a 28x28 PNG the cost of opening counts)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        start = os.read(descriptor, SMALL_FILE)
        return start, len(start) == os.fstat(descriptor).st_size
    finally:
        os.close(descriptor)


def _read(source: Source, max_side: int) -> np.ndarray | Decoded:
    """The file's pixels, or a Decoded that says why not (or that it is no image: skipped)."""
    try:
        start, whole = _start_of(source.path)
        kind = sniff(start[:SNIFF_BYTES])
        if kind is None and not _claims_image(source):
            return Decoded(source, skipped=True)
        if not start:
            return Decoded(source, error="empty file (0 bytes)")
        if whole and kind == "PNG":
            pixels = small_png.decode(start)
            if pixels is not None:
                return pixels
        return load_image(start if whole else source.path, [kind] if kind else None, max_side)
    except ImageError as err:
        return Decoded(source, error=str(err))
    except PermissionError:
        return Decoded(source, error="permission denied")
    except IsADirectoryError:
        return Decoded(source, error="is a folder, not an image")
    except OSError as err:
        return Decoded(source, error=f"cannot read: {err.strerror or err}")


def decode(source: Source, multi_digit: bool = False) -> Decoded:
    """Read one file into what the batch step needs; never raises for a bad file."""
    if source.error:
        return Decoded(source, error=source.error)
    if source.named and os.path.exists(source.path) and not os.path.isfile(source.path):
        return Decoded(source, error="not a regular file")
    image = _read(source, NUMBER_WORK_SIZE if multi_digit else DIGIT_WORK_SIZE)
    if isinstance(image, Decoded):
        return image
    try:
        if multi_digit:
            inputs = number_inputs(image)
        elif is_candidate(image):
            return Decoded(source, raw=image)
        else:
            inputs = general_input(image)[None]
    except (ValueError, MemoryError) as err:
        return Decoded(source, error=f"cannot preprocess: {err}")
    if not inputs.any():
        return Decoded(source, error="no ink found: blank image")
    return Decoded(source, inputs=inputs)


# ---------------------------------------------------------------- the run

def default_workers() -> int:
    return max(2, os.cpu_count() or 2)


def batch_classifier(model_path: str | os.PathLike | None = None) -> Classifier:
    """A Classifier for batch work: one thread per onnxruntime call, as the jobs run side by
    side (a call spread over all cores waits on the slowest, and loses them to decoding)."""
    return Classifier(model_path, threads=1)


class BatchJob:
    """One run over `paths`; iterate `rows()` once. `cancel()` may come from any thread."""

    def __init__(self, paths: Sequence[str], classifier: Classifier, *, recursive: bool = False,
                 multi_digit: bool = False, min_confidence: float = 0.0,
                 exclude: Iterable[str] = (), workers: int | None = None):
        self.paths = list(paths)
        self.classifier = classifier
        self.recursive = recursive
        self.multi_digit = multi_digit
        self.min_confidence = min_confidence
        self.exclude = list(exclude)
        self.workers = workers or default_workers()
        self.tally = Tally()
        self._cancelled = threading.Event()
        self._stopping = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()
        self._stopping.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def count(self) -> int:
        return count_files(self.paths, self.recursive, self.exclude)

    def rows(self) -> Iterator[Row]:
        """Rows in the order the files are found; stops early (cleanly) when cancelled."""
        sources = discover(self.paths, self.recursive, self.tally, self.exclude)
        window: deque[Future] = deque()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="batch") as pool:
            try:
                while not self.cancelled:
                    chunk = list(islice(sources, CHUNK))
                    if chunk:
                        window.append(pool.submit(self._rows_of, chunk))
                    if not window:
                        break
                    if chunk and len(window) < self.workers * JOBS_PER_WORKER:
                        continue
                    for row in window.popleft().result():
                        if self.cancelled:
                            break
                        if row is None:
                            self.tally.not_images += 1
                        else:
                            self.tally.add(row)
                            yield row
            finally:
                self._stopping.set()  # jobs not started yet return at once
                for future in window:
                    future.cancel()

    def _rows_of(self, sources: list[Source]) -> list[Row | None]:
        """A decode-and-classify job on a worker thread: one row per source (None: skipped).
        Several run side by side; onnxruntime releases the GIL while it computes."""
        if self._stopping.is_set():
            return []
        decoded = [decode(source, self.multi_digit) for source in sources]
        inputs = self._inputs(decoded)
        sizes = [len(x) for x in inputs]
        if sum(sizes):
            probabilities = self.classifier.predict(np.concatenate(inputs))
            digits, best = probabilities.argmax(axis=1).tolist(), probabilities.max(axis=1)
            every = probabilities.tolist()
        rows: list[Row | None] = []
        start = 0
        for item, size in zip(decoded, sizes, strict=True):
            source = item.source
            if item.skipped:
                rows.append(None)
            elif item.error or size == 0:
                rows.append(Row(source.shown, source.path,
                                error=item.error or "no ink found: blank image"))
            elif size == 1:
                rows.append(self._row(source, str(digits[start]), float(best[start]),
                                      tuple(every[start])))
            else:  # a number: its digits left to right, sure only as much as all of them
                rows.append(self._row(source, "".join(map(str, digits[start:start + size])),
                                      float(np.prod(best[start:start + size])), None))
            start += size
        return rows

    @staticmethod
    def _inputs(decoded: list[Decoded]) -> list[np.ndarray]:
        """Each file's (k, 28, 28) model inputs (k = 0 for errors), the fast path in bulk."""
        empty = np.zeros((0, 28, 28), np.float32)
        inputs = [d.inputs if d.inputs is not None else empty for d in decoded]
        candidates = [i for i, d in enumerate(decoded) if d.raw is not None]
        if candidates:
            framed, ok = framed_inputs(np.stack([decoded[i].raw for i in candidates]))
            for j, i in enumerate(candidates):
                if ok[j]:
                    inputs[i] = framed[j:j + 1]
                else:
                    general = general_input(decoded[i].raw)
                    inputs[i] = general[None] if general.any() else empty
        return inputs

    def _row(self, source: Source, digit: str, confidence: float,
             probabilities: tuple[float, ...] | None) -> Row:
        if confidence < self.min_confidence:
            return Row(source.shown, source.path, "", confidence, UNCERTAIN, probabilities)
        return Row(source.shown, source.path, digit, confidence, "", probabilities)
