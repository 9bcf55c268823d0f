"""Putting a large run's chunks back together: results come back from the worker processes in
any order and are handed on in the order the files were found (`InOrder`); a chunk that crashed
its worker is read again file by file, so that only the file that crashes gets an error row
(`CrashBisector`)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

from desktop.batch.files import Source
from desktop.batch.pool import Raised
from desktop.batch.rows import Row

CRASH = "the program reading this file crashed (a bug in a decoder?)"

T = TypeVar("T")
ChunkRows = list[Row | None]  # None: not an image, skipped


class ChunkKey(NamedTuple):
    """What a task sent to a worker is: a whole chunk, or one file of it read alone."""
    chunk: int                 # the chunk's place in the run
    file: int | None = None    # the file's place in the chunk, when read alone


@dataclass
class InOrder(Generic[T]):
    """Items put by index in any order, taken out in index order, each once."""
    _waiting: dict[int, T] = field(default_factory=dict)
    next: int = 0              # the index to hand on next

    def put(self, index: int, item: T) -> None:
        self._waiting[index] = item

    def ready(self) -> Iterator[T]:
        """The items that can be handed on now (the next index and those right after it)."""
        while self.next in self._waiting:
            item = self._waiting.pop(self.next)
            self.next += 1
            yield item


@dataclass
class CrashBisector:
    """Whole chunks in flight; a chunk whose worker died is split into its files, queued in
    `retry`, and put together again when each file has come back (a file that crashes alone
    gets a CRASH row)."""
    sources: dict[int, list[Source]] = field(default_factory=dict)
    retry: deque[tuple[ChunkKey, list[Source]]] = field(default_factory=deque)
    _parts: dict[int, dict[int, Row | None]] = field(default_factory=dict)

    def started(self, chunk: int, files: list[Source]) -> ChunkKey:
        self.sources[chunk] = files
        return ChunkKey(chunk)

    def finished(self, key: ChunkKey, rows: ChunkRows | Raised | None) -> ChunkRows | None:
        """A task's rows (None: it crashed its worker; `Raised`: its work raised); the whole
        chunk's rows once complete."""
        files = self.sources[key.chunk]
        if key.file is None:
            if isinstance(rows, list):
                return self._done(key.chunk, rows)
            if len(files) == 1:
                return self._done(key.chunk, [crashed(files[0], rows)])
            self._parts[key.chunk] = {}
            self.retry.extend((ChunkKey(key.chunk, i), [s]) for i, s in enumerate(files))
            return None
        parts = self._parts[key.chunk]
        parts[key.file] = rows[0] if isinstance(rows, list) else crashed(files[key.file], rows)
        if len(parts) < len(files):
            return None
        del self._parts[key.chunk]
        return self._done(key.chunk, [parts[i] for i in range(len(files))])

    def _done(self, chunk: int, rows: ChunkRows) -> ChunkRows:
        del self.sources[chunk]
        return rows


def crashed(source: Source, raised: Raised | None = None) -> Row:
    """The row of a file whose reading failed for a reason nobody foresaw (a bug): what was
    raised, where it is known (a process that died tells nothing)."""
    return Row(source.path, source.file,
               error=CRASH if raised is None else f"{CRASH}: {raised.detail}")
