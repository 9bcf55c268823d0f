"""WorkerProcess processes for large runs: every core decodes, preprocesses and classifies, free of
the main process's GIL (decoding and NumPy's many small steps hold it; onnxruntime does not).

Each worker loads the model once (`setup`), then runs `work(state, task)` for each task sent
to it and sends back the result. Workers start as tasks come, up to `size`: never more than
there are tasks. At most IN_FLIGHT tasks wait at each worker, so memory stays flat. A worker
that dies (a crash in a native decoder, killed by the system) is replaced; the tasks it held
come back with the result None, a task whose `work` raised with `Raised` (the error in one
line), for the caller to retry or report. Workers ignore Ctrl-C, SIGTERM and SIGHUP (a
terminal sends them to the whole process group): the main process decides, and
`terminate()` stops them at once; a worker whose main process is gone ends quietly, and one
that a signal let slip through the clean-up is killed when the program exits. They use the
spawn start method everywhere (safe beside the app's threads, and what the frozen
executable supports).
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import multiprocessing.util  # its exit handler is registered before this module's
import os
import signal
from collections.abc import Callable, Hashable
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, NamedTuple, TypeVar

K = TypeVar("K", bound=Hashable)  # how the caller names its tasks
WORKER_NAME = "digit-recognizer-batch"
IN_FLIGHT = 2              # tasks queued at each worker: one running, one ready to start
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS")
DETAIL_CHARS = 200         # an error's description is cut to this many characters


class Raised(NamedTuple):
    """A task's result when its work raised: what went wrong, in one line."""
    detail: str


def error_line(error: BaseException) -> str:
    """An exception as one short line: its type and message (no traceback)."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= DETAIL_CHARS else text[:DETAIL_CHARS - 1] + "…"


def one_blas_thread_each() -> None:
    """Workers started from now on run NumPy's matrix products on one thread: they already
    take a core each, and BLAS threads fighting over the cores made `classify --personal` (its
    distances to the samples) several times slower than without."""
    for name in BLAS_THREADS:
        os.environ.setdefault(name, "1")


def _serve(connection: Connection, setup: Callable[[], Any],
           work: Callable[[Any, Any], Any]) -> None:
    """A worker's life: set up once, then answer tasks until told to stop or orphaned."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    try:
        state = setup()
    except Exception:  # the main process checked the model: counted as a failed start
        return
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):  # the main process is gone
            return
        if message is None:
            return
        key, task = message
        try:
            result = work(state, task)
        except Exception as error:  # a bug on some input: the caller retries the files one by
            result = Raised(error_line(error))  # one, the file that fails alone gets an error row
        try:
            connection.send((key, result))
        except OSError:  # the main process is gone (stopped, killed): nobody to answer
            return


class WorkerProcess:
    def __init__(self, context: Any, setup: Callable[[], Any], work: Callable[[Any, Any], Any]):
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(target=_serve, args=(child, setup, work),
                                                    name=WORKER_NAME, daemon=True)
        self.process.start()
        child.close()
        self.tasks: list[tuple[Any, Any]] = []  # sent, not answered yet, oldest first
        self.answered = False


class WorkerPool(Generic[K]):
    """`size` worker processes; `submit` tasks, `collect` (key, result) pairs (result None: the
    task crashed its worker; `Raised`: its work raised)."""

    def __init__(self, size: int, setup: Callable[[], Any], work: Callable[[Any, Any], Any]):
        one_blas_thread_each()
        self._context = multiprocessing.get_context("spawn")
        self._setup, self._work = setup, work
        self._size = size
        self._workers: list[WorkerProcess] = []  # started by submit, as tasks come
        self.failed_starts = 0            # workers that died before their first answer

    def _start(self) -> WorkerProcess:
        return WorkerProcess(self._context, self._setup, self._work)

    @property
    def room(self) -> bool:
        """Whether a task can be submitted now."""
        return (len(self._workers) < self._size
                or any(len(w.tasks) < IN_FLIGHT for w in self._workers))

    def submit(self, key: K, task: Any) -> None:
        """Send a task to an idle worker, a new one while fewer than `size` run, else the least
        loaded (check `room` first)."""
        worker = min(self._workers, key=lambda w: len(w.tasks), default=None)
        if (worker is None or worker.tasks) and len(self._workers) < self._size:
            worker = self._start()
            self._workers.append(worker)
        assert worker is not None
        worker.tasks.append((key, task))
        with contextlib.suppress(OSError):  # it died: `collect` sees to its tasks
            worker.connection.send((key, task))

    def collect(self, timeout: float) -> list[tuple[K, Any]]:
        """Results that arrive within timeout. When a worker dies, the task it was running comes
        back with None; those still waiting for it go to its replacement."""
        ready = wait([w.connection for w in self._workers]
                     + [w.process.sentinel for w in self._workers], timeout)
        results: list[tuple[K, Any]] = []
        for i, worker in enumerate(self._workers):
            if worker.connection in ready:
                results += self._answers(worker)
            if worker.process.sentinel in ready and not worker.process.is_alive():
                results += self._answers(worker)  # what it sent before it died
                self.failed_starts += not worker.answered
                worker.connection.close()
                self._workers[i] = self._start()
                if worker.tasks:
                    results.append((worker.tasks[0][0], None))
                    for key, task in worker.tasks[1:]:
                        self.submit(key, task)
        return results

    @staticmethod
    def _answers(worker: WorkerProcess) -> list[tuple[Any, Any]]:
        answers = []
        try:
            while worker.connection.poll():
                key, result = worker.connection.recv()
                worker.answered = True
                worker.tasks = [(k, t) for k, t in worker.tasks if k != key]
                answers.append((key, result))
        except (EOFError, OSError):
            pass
        return answers

    def close(self, timeout: float = 2.0) -> None:
        """Ask the workers to stop after their task; those that do not, or all when a signal
        cuts the wait short, are terminated."""
        try:
            for worker in self._workers:
                with contextlib.suppress(OSError):
                    worker.connection.send(None)
            for worker in self._workers:
                worker.process.join(timeout)
        finally:
            self.terminate()

    def terminate(self) -> None:
        """Stop every worker now (Cancel, Ctrl-C, the window closed); no process is left."""
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.kill()
        for worker in self._workers:
            worker.process.join(5)
            worker.connection.close()


@atexit.register  # runs before multiprocessing's handler (registered earlier, so run later)
def _kill_leftover_workers() -> None:
    """Kill workers that a clean-up cut short by a signal left running. multiprocessing's exit
    handler sends its daemonic children SIGTERM, which workers ignore, then waits for them:
    the program would never end."""
    for process in multiprocessing.active_children():
        if process.name == WORKER_NAME:
            process.kill()
            process.join(5)

