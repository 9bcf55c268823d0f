"""The batch worker processes: however a run ends, none is left behind, and the program ends.

A real signal (SIGALRM standing in for SIGTERM, whose handler raises as the `classify` one does)
lands while the pool is being closed; the workers are real processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from processes import alive, gone, no_setup, sleep_for

from desktop.batch.pool import WorkerPool


def _raise_interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


@pytest.fixture
def alarm():
    """A KeyboardInterrupt raised by a real signal `seconds` from now."""
    before = signal.signal(signal.SIGALRM, _raise_interrupt)
    yield lambda seconds: signal.setitimer(signal.ITIMER_REAL, seconds)
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, before)


def test_a_signal_while_the_pool_closes_still_stops_every_worker(alarm):
    pool = WorkerPool[int](2, no_setup, sleep_for)
    pool.submit(0, 30.0)  # still running when the pool is asked to stop
    pool.submit(1, 30.0)
    pids = {worker.process.pid for worker in pool._workers}
    assert len(pids) == 2 and all(alive(pid) for pid in pids)
    alarm(0.5)  # while close() waits for the busy workers
    try:
        with pytest.raises(KeyboardInterrupt):
            pool.close(timeout=10.0)
        assert gone(pids, within=2.0)
    finally:
        pool.terminate()  # what this test checks close() did itself: for the next tests


def test_a_program_that_exits_without_closing_its_pool_ends_at_once(tmp_path: Path):
    """Workers ignore SIGTERM (the main process decides), which is what multiprocessing's own
    exit handler sends them before waiting for them: they are killed before it runs."""
    script = tmp_path / "leaves_workers.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(Path(__file__).parent)!r}]
        from processes import no_setup, sleep_for
        from desktop.batch.pool import WorkerPool

        if __name__ == "__main__":
            pool = WorkerPool(2, no_setup, sleep_for)
            pool.submit(0, 0.0)
            pool.submit(1, 0.0)
            answered = []
            while len(answered) < 2:  # both started, past their setup
                answered += pool.collect(1.0)
            pool.submit(2, 40.0)
            pool.submit(3, 40.0)
            print(" ".join(str(w.process.pid) for w in pool._workers), flush=True)
            raise SystemExit(3)
    """))
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).parent.parent)
    try:
        pids = {int(pid) for pid in process.stdout.readline().split()}
        assert process.wait(timeout=20) == 3
    finally:
        process.kill()
        process.communicate()
    assert len(pids) == 2 and gone(pids, within=2.0)
