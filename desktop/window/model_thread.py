"""The recognition thread: loads the model, then runs submitted tasks one at a time, newest
only, so the Tk thread never waits and older drawings that no longer matter are skipped."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.engine.classifier import Classifier
from desktop.user.bug_log import bug_line


@dataclass(frozen=True)
class Loaded:
    classifier: Classifier


@dataclass(frozen=True)
class LoadFailed:
    message: str


@dataclass(frozen=True)
class Done:
    tag: int
    value: Any


@dataclass(frozen=True)
class Failed:
    tag: int
    message: str


Task = Callable[[Classifier], Any]  # classifier → result (a Reading)
Outcome = Loaded | LoadFailed | Done | Failed


class ModelThread:
    """Loads the model, then runs submitted tasks one at a time, newest only.

    The Tk thread submits and later collects outcomes with `poll()`; nothing here touches Tk.
    Exceptions of the expected types become one-line messages; others too, their traceback
    written to the error log (`bug_log`).
    """

    def __init__(self, load_classifier: Callable[[], Classifier],
                 expected_errors: tuple[type[Exception], ...] = ()):
        self._expected = expected_errors
        self._wake = threading.Condition()
        self._request: tuple[int, Task] | None = None
        self._closed = False
        self._outbox: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, args=(load_classifier,),
                                        name="recognizer", daemon=True)
        self._thread.start()

    def submit(self, tag: int, task: Task) -> None:
        """Queue a task, replacing one that has not started yet."""
        with self._wake:
            self._request = (tag, task)
            self._wake.notify()

    def poll(self) -> list[Outcome]:
        """Outcomes (Loaded, LoadFailed, Done, Failed) that arrived since the last poll."""
        outcomes: list[Outcome] = []
        while True:
            try:
                outcomes.append(self._outbox.get_nowait())
            except queue.Empty:
                return outcomes

    def close(self, timeout: float = 2.0) -> None:
        """Stop after the task in hand (the thread is a daemon: a stuck one cannot block exit)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout)

    def _next(self) -> tuple[int, Task] | None:
        with self._wake:
            while self._request is None and not self._closed:
                self._wake.wait()
            request, self._request = self._request, None
            return None if self._closed else request

    def _run(self, load_classifier: Callable[[], Classifier]) -> None:
        try:
            classifier = load_classifier()
        except self._expected as err:
            self._outbox.put(LoadFailed(str(err)))
            return
        except Exception as err:  # a bug: one line for the user, the traceback in the log
            self._outbox.put(LoadFailed(bug_line(err, "cannot load the model")))
            return
        self._outbox.put(Loaded(classifier))
        while (request := self._next()) is not None:
            tag, task = request
            try:
                self._outbox.put(Done(tag, task(classifier)))
            except self._expected as err:
                self._outbox.put(Failed(tag, str(err)))
            except Exception as err:  # a bug: keep the app alive, the traceback in the log
                self._outbox.put(Failed(tag, bug_line(err)))
