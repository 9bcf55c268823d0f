"""Putting a large run back together: results in any order come out in the files' order, and a
chunk that crashed its worker is read file by file, only the crashing file failing."""

from __future__ import annotations

import random

import pytest

from desktop.batch.files import Source
from desktop.batch.ordering import CRASH, ChunkKey, CrashBisector, InOrder
from desktop.batch.pool import Raised, error_line
from desktop.batch.rows import Row


def files(chunk: int, n: int) -> list[Source]:
    return [Source(f"/in/{chunk}-{i}.png", f"{chunk}-{i}.png") for i in range(n)]


def read(sources: list[Source]) -> list[Row | None]:
    """What a worker answers: a row per file, the digit taken from the name's last number."""
    return [Row(s.path, s.file, digit=s.path.split("-")[1][0]) for s in sources]


@pytest.mark.parametrize("seed", range(5))
def test_items_put_in_any_order_come_out_in_index_order_once(seed):
    order = list(range(20))
    random.Random(seed).shuffle(order)
    in_order, out = InOrder[str](), []
    for index in order:
        in_order.put(index, f"item {index}")
        out += list(in_order.ready())
    assert out == [f"item {i}" for i in range(20)]
    assert list(in_order.ready()) == [] and in_order.next == 20


def test_nothing_comes_out_while_the_next_index_is_missing():
    in_order = InOrder[int]()
    in_order.put(1, 10)
    in_order.put(2, 20)
    assert list(in_order.ready()) == []
    in_order.put(0, 0)
    assert list(in_order.ready()) == [0, 10, 20]


def test_a_chunk_that_comes_back_whole_is_done_at_once():
    bisector = CrashBisector()
    key = bisector.started(0, files(0, 3))
    assert key == ChunkKey(0) and key.file is None
    assert bisector.finished(key, read(files(0, 3))) == read(files(0, 3))
    assert bisector.sources == {} and not bisector.retry


def test_a_crashed_chunk_is_retried_file_by_file_and_only_the_crashing_file_fails():
    bisector = CrashBisector()
    chunk = files(7, 4)
    assert bisector.finished(bisector.started(7, chunk), None) is None
    retries = list(bisector.retry)
    assert [key for key, _ in retries] == [ChunkKey(7, i) for i in range(4)]
    assert [task for _, task in retries] == [[s] for s in chunk]
    # the files come back in any order; the third crashes its worker again
    answers = {2: None, 0: read([chunk[0]]), 3: read([chunk[3]]), 1: read([chunk[1]])}
    results = [bisector.finished(ChunkKey(7, i), answers[i]) for i in (2, 0, 3, 1)]
    assert results[:3] == [None, None, None]
    expected = read(chunk)
    expected[2] = Row("7-2.png", "/in/7-2.png", error=CRASH)
    assert results[3] == expected
    assert bisector.sources == {}


def test_a_one_file_chunk_that_crashes_fails_without_a_retry():
    bisector = CrashBisector()
    chunk = files(3, 1)
    rows = bisector.finished(bisector.started(3, chunk), None)
    assert rows == [Row("3-0.png", "/in/3-0.png", error=CRASH)] and not bisector.retry


def test_skipped_files_stay_skipped_after_a_retry():
    bisector = CrashBisector()
    chunk = files(1, 2)
    bisector.finished(bisector.started(1, chunk), None)
    assert bisector.finished(ChunkKey(1, 0), [None]) is None
    assert bisector.finished(ChunkKey(1, 1), read([chunk[1]])) == [None, *read([chunk[1]])]


def test_a_file_whose_reading_raises_alone_gets_the_error_in_its_row():
    """A chunk whose work raised is retried file by file like a crashed one; the file that
    raises alone says what was raised (a worker that died tells nothing: CRASH alone)."""
    bisector = CrashBisector()
    chunk = files(5, 3)
    raised = Raised("IndexError: index 9 is out of bounds")
    assert bisector.finished(bisector.started(5, chunk), raised) is None
    assert [key for key, _ in bisector.retry] == [ChunkKey(5, i) for i in range(3)]
    answers = {0: read([chunk[0]]), 1: raised, 2: None}
    results = [bisector.finished(ChunkKey(5, i), answers[i]) for i in range(3)]
    assert results[:2] == [None, None]
    assert results[2] == [read([chunk[0]])[0],
                          Row("5-1.png", "/in/5-1.png",
                              error=f"{CRASH}: IndexError: index 9 is out of bounds"),
                          Row("5-2.png", "/in/5-2.png", error=CRASH)]
    single = bisector.finished(bisector.started(6, files(6, 1)), raised)
    assert single == [Row("6-0.png", "/in/6-0.png", error=f"{CRASH}: {raised.detail}")]


def test_an_error_is_described_in_one_short_line():
    assert error_line(ValueError("cannot decode\n  line 2\tof the header")) \
        == "ValueError: cannot decode line 2 of the header"
    long = error_line(OSError("x" * 1000))
    assert len(long) == 200 and long.startswith("OSError: xxx") and long.endswith("…")
    assert error_line(KeyError("name")) == "KeyError: 'name'"
