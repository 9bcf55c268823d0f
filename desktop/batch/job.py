"""Classify many image files: find them, read them in chunks of 64 on every core, and hand the
rows on in the order the files were found.

The engine behind `python -m desktop classify` and File > Classify folder…. Each chunk is
decoded, preprocessed by the app's own recipes and classified in one onnxruntime call
(`batch.work`). A small run (fewer than POOL_MIN_FILES files) runs on threads in this process,
as starting processes would cost more than it saves; a larger one runs in worker processes
(`batch.pool`), which keep every core busy where the GIL would hold threads back. Only a bounded
window of chunks is ever in flight, so memory stays flat however many files there are.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from itertools import chain, islice

from desktop.batch.files import Source, count_files, discover
from desktop.batch.ordering import ChunkKey, ChunkRows, CrashBisector, InOrder, crashed
from desktop.batch.pool import Raised, WorkerPool, error_line
from desktop.batch.rows import Row, Tally
from desktop.batch.work import Settings, batch_classifier, classify_chunk
from desktop.engine.classifier import BATCH, Classifier

CHUNK = BATCH              # files per chunk: decoded, then classified in one onnxruntime call
POOL_MIN_FILES = 256       # from this many files on, worker processes pay for their start
WINDOW = 3                 # chunks in flight or waiting to be handed on, per worker
POLL_S = 0.05              # how often a waiting run looks at its cancel flag
MAX_FAILED_STARTS = 8      # workers that die before their first answer: give up


class WorkersFailed(Exception):
    """The worker processes keep dying before doing any work; one line for the user."""


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def one_thread(classifier: Classifier) -> Classifier:
    """The classifier a run reads with on threads: one onnxruntime thread per call, as in the
    worker processes (chunks run side by side), whoever made the caller's; same adaptation."""
    if classifier.threads == 1:
        return classifier
    own = classifier.ref.with_threads(1).load()
    own.adaptation = classifier.adaptation
    return own


ChunkWork = Callable[[Settings, Classifier, list[Source]], list[Row | None]]


class BatchJob:
    """One run over `paths`; iterate `rows()` once. `cancel()` may come from any thread."""

    def __init__(self, paths: Sequence[str], classifier: Classifier, *, recursive: bool = False,
                 multi_digit: bool = False, min_confidence: float = 0.0,
                 exclude: Iterable[str] = (), workers: int | None = None,
                 work: ChunkWork = classify_chunk):
        """work: what reads a chunk (a module-level function: it travels to the workers)."""
        self.paths = list(paths)
        self.classifier = one_thread(classifier)
        self.recursive = recursive
        self.exclude = list(exclude)
        self.workers = workers or default_workers()
        self.settings = Settings(classifier.ref.with_threads(1), multi_digit, min_confidence)
        self.tally = Tally()
        self.work = work
        self.used_processes = False
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def count(self) -> int:
        return count_files(self.paths, self.recursive, self.exclude)

    def count_in_background(self, found: Callable[[int], None]) -> None:
        """Count the files on a thread of its own and hand the number to `found`: the rows
        start at once, whatever the size of the tree (the count only feeds the progress)."""
        threading.Thread(target=lambda: found(self.count()), name="batch-count",
                         daemon=True).start()

    def rows(self) -> Iterator[Row]:
        """Rows in the order the files are found; stops early (cleanly) when cancelled."""
        sources = discover(self.paths, self.recursive, self.tally, self.exclude)
        first = list(islice(sources, POOL_MIN_FILES))
        chunks = _chunked(chain(first, sources))
        self.used_processes = len(first) >= POOL_MIN_FILES and self.workers > 1
        results = self._in_processes(chunks) if self.used_processes else self._in_threads(chunks)
        try:
            for rows in results:
                for row in rows:
                    if self.cancelled:
                        return
                    if row is None:
                        self.tally.not_images += 1
                    else:
                        self.tally.add(row)
                        yield row
        finally:
            results.close()  # stops the threads or processes, also when interrupted mid-row

    def _in_threads(self, chunks: Iterator[list[Source]]) -> Generator[list[Row | None]]:
        """Chunks on threads sharing this process's classifier (onnxruntime, Pillow and
        NumPy's large steps release the GIL)."""
        window: deque[Future] = deque()
        run = partial(_file_by_file_on_failure, partial(self.work, self.settings, self.classifier))
        with ThreadPoolExecutor(max(2, self.workers), thread_name_prefix="batch") as pool:
            try:
                for chunk in chunks:
                    window.append(pool.submit(run, chunk))
                    if len(window) >= 2 * max(2, self.workers):
                        yield window.popleft().result()
                    if self.cancelled:
                        return
                while window and not self.cancelled:
                    yield window.popleft().result()
            finally:
                for future in window:
                    future.cancel()

    def _in_processes(self, chunks: Iterator[list[Source]]) -> Generator[ChunkRows]:
        """Chunks in worker processes, each with its own classifier, handed on in order."""
        adaptation = self.classifier.adaptation  # --personal: its small arrays, once a worker
        pool = WorkerPool[ChunkKey](self.workers, partial(
            batch_classifier, self.settings.model, adaptation.params() if adaptation else None),
            partial(self.work, self.settings))
        bisector, in_order = CrashBisector(), InOrder[ChunkRows]()
        started, exhausted, completed = 0, False, False
        try:
            while not self.cancelled:
                while pool.room and bisector.retry:
                    pool.submit(*bisector.retry.popleft())
                in_flight = started - in_order.next
                while pool.room and not exhausted and in_flight < WINDOW * self.workers:
                    chunk = next(chunks, None)
                    exhausted = chunk is None
                    if chunk is not None:
                        pool.submit(bisector.started(started, chunk), chunk)
                        started, in_flight = started + 1, in_flight + 1
                yield from in_order.ready()
                if exhausted and in_order.next == started:
                    completed = True
                    return
                for key, rows in pool.collect(POLL_S):
                    chunk_rows = bisector.finished(key, rows)
                    if chunk_rows is not None:
                        in_order.put(key.chunk, chunk_rows)
                if pool.failed_starts > MAX_FAILED_STARTS:
                    raise WorkersFailed("the batch worker processes keep stopping before they "
                                        "start; try --jobs 1")
        finally:
            if completed:
                pool.close()
            else:
                pool.terminate()


def _file_by_file_on_failure(work: Callable[[list[Source]], ChunkRows],
                             chunk: list[Source]) -> ChunkRows:
    """A chunk's rows on a thread. A chunk whose work raises (a bug on some input) is read
    again file by file, as the worker processes' are: only the file that fails alone gets an
    error row (CRASH and the error), and the run goes on."""
    try:
        return work(chunk)
    except Exception as error:
        if len(chunk) == 1:
            return [crashed(chunk[0], Raised(error_line(error)))]
        return [row for source in chunk for row in _file_by_file_on_failure(work, [source])]


def _chunked(sources: Iterable[Source]) -> Iterator[list[Source]]:
    iterator = iter(sources)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk
