"""Processes of the machine as the tests see them (Linux /proc): which are whose children, and
a chunk function for batch workers that crashes on marked files, as a decoder bug would."""

from __future__ import annotations

import os
import time
from pathlib import Path

from desktop.batch.files import Source
from desktop.batch.rows import Row
from desktop.batch.work import Settings, classify_chunk
from desktop.engine.classifier import Classifier

CRASH_MARK = "crash"


def children(pid: int) -> set[int]:
    """The processes whose parent is pid."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def batch_workers(pid: int) -> set[int]:
    """The children of pid that are batch worker processes: not multiprocessing's resource
    tracker, one helper process that lives as long as the program that started workers."""
    found = set()
    for child in children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in command:
            found.add(child)
    return found


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def crash_on_marked(settings: Settings, classifier: Classifier,
                    sources: list[Source]) -> list[Row | None]:
    """The batch work, except that a chunk holding a file named *crash* kills its process."""
    if any(CRASH_MARK in os.path.basename(s.file) for s in sources):
        os.abort()
    return classify_chunk(settings, classifier, sources)


def gone(pids: set[int], within: float = 5.0) -> bool:
    """Whether all these processes end within a few seconds (none lingers on)."""
    deadline = time.monotonic() + within
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def no_setup() -> None:
    """A batch worker's setup with nothing to load."""


def sleep_for(_state: None, seconds: float) -> float:
    """A task that holds its worker for a while, as a huge image would."""
    time.sleep(seconds)
    return seconds


def raise_on_marked(settings: Settings, classifier: Classifier,
                    sources: list[Source]) -> list[Row | None]:
    """The batch work, except that a chunk holding a file named *crash* raises (a bug)."""
    if any(CRASH_MARK in os.path.basename(s.file) for s in sources):
        raise IndexError("a bug on some input")
    return classify_chunk(settings, classifier, sources)


def wait_until_catching(pid: int, signum: int, timeout: float = 60) -> None:
    """Until the process has a handler of its own for signum (its SigCgt mask in /proc)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:") and int(line.split()[1], 16) >> (signum - 1) & 1:
                return
        time.sleep(0.001)
    raise TimeoutError(f"process {pid} set no handler for signal {signum}")
