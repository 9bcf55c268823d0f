"""Classify many image files: find them, decode them in parallel, classify them in batches."""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from pathlib import Path

import numpy as np

from desktop.batch.decode import Decoded, decode
from desktop.batch.files import Source, count_files, discover
from desktop.batch.rows import UNCERTAIN, Row, Tally
from desktop.engine.classifier import BATCH, Classifier
from desktop.engine.framed import framed_inputs
from desktop.engine.recipes import digit_input

CHUNK = BATCH              # files per job: decoded, then classified in one onnxruntime call
JOBS_PER_WORKER = 2        # jobs in flight per worker: enough to keep every core busy


def default_workers() -> int:
    return max(2, os.cpu_count() or 2)


def batch_classifier(model_path: str | Path | None = None) -> Classifier:
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
        raw = {i: d.raw for i, d in enumerate(decoded) if d.raw is not None}
        if raw:
            framed, ok = framed_inputs(np.stack(list(raw.values())))
            for j, (i, image) in enumerate(raw.items()):
                if ok[j]:
                    inputs[i] = framed[j:j + 1]
                else:
                    general = digit_input(image)
                    inputs[i] = general[None] if general.any() else empty
        return inputs

    def _row(self, source: Source, digit: str, confidence: float,
             probabilities: tuple[float, ...] | None) -> Row:
        if confidence < self.min_confidence:
            return Row(source.shown, source.path, "", confidence, UNCERTAIN, probabilities)
        return Row(source.shown, source.path, digit, confidence, "", probabilities)
