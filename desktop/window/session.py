"""The recognition session: what the window asks of the model, without Tk.

It owns the worker thread that runs the model, tags each request so that results of older
drawings are dropped, knows whether a result is still due, switches models (the new one takes
over only once it has loaded; a remembered one that fails gives way to the bundled model) and
reports back through a `View`. Time passes through `schedule(ms, fn)`: Tk's `after` in the
app, a plain loop in the tests, which run it without a display.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from desktop import say
from desktop.engine.classifier import Classifier, ModelError, ModelRef
from desktop.engine.imagefile import ImageError
from desktop.engine.reading import Reading
from desktop.user.model_choice import FALLBACK_NOTICE, ModelChoice, is_bundled
from desktop.window.model_thread import Done, Failed, Loaded, LoadFailed, ModelThread, Task

POLL_MS = 8                # how often to look for results while some are due

Schedule = Callable[[int, Callable[[], None]], object]


class View(Protocol):
    """What the session tells the window."""

    def show_reading(self, reading: Reading) -> None: ...
    def show_failure(self, title: str, message: str) -> None: ...
    def model_ready(self, classifier: Classifier, notice: str) -> None: ...
    def model_unusable(self, message: str) -> None: ...
    def switch_failed(self, message: str) -> None: ...
    def read_again(self) -> None: ...


@dataclass
class Request:
    task: Task
    source: str                   # "canvas" or "file"
    failure_title: str


def start_worker(model_path: Path | None) -> ModelThread:
    """The model loading and then running on a thread of its own."""
    return ModelThread(ModelRef.to(model_path).load, (ModelError, ImageError))


class Session:
    """Requests to the model and the model in use; every outcome goes to the view."""

    def __init__(self, view: View, schedule: Schedule, choice: ModelChoice,
                 remember: Callable[[Path | None], None],
                 make_worker: Callable[[Path | None], ModelThread] = start_worker):
        self.view = view
        self._schedule = schedule
        self._remember = remember
        self._make_worker = make_worker
        self._startup_source = choice.source
        self.worker = make_worker(choice.path)
        self.classifier: Classifier | None = None
        self.next_worker: ModelThread | None = None   # a model being switched to
        self._next_model: Path | None = None
        self._notice = ""
        self._tag = 0                            # id of the latest request
        self.pending: Request | None = None      # the latest request, while its result is due
        self.last: Request | None = None         # the latest request, to repeat on a switch
        self._polling = False

    # ------------------------------------------------------------ requests

    def submit(self, task: Task, source: str, failure_title: str = "Recognition failed") -> None:
        """Run task(classifier) on the worker; older requests' results will be dropped."""
        self._tag += 1
        self.pending = self.last = Request(task, source, failure_title)
        self.worker.submit(self._tag, task)
        self.keep_polling()

    def forget_pending(self) -> None:
        """Results of requests made before now are stale."""
        self._tag += 1
        self.pending = None

    def resubmit(self) -> None:
        if self.last is not None:
            self.submit(self.last.task, self.last.source, self.last.failure_title)

    @property
    def reading_file(self) -> bool:
        """An image file is being read."""
        return self.pending is not None and self.pending.source == "file"

    # ------------------------------------------------------------ models

    def switch_model(self, path: str | Path | None) -> bool:
        """Load another model (None: the bundled one) on a worker of its own; it takes over once
        loaded and is remembered. False while the first model is still loading."""
        if self.classifier is None:
            return False
        if self.next_worker is not None:
            self.next_worker.close(timeout=0)
        chosen = None if path is None else Path(path)
        self._next_model = None if is_bundled(chosen) else chosen
        self.next_worker = self._make_worker(self._next_model)
        self.keep_polling()
        return True

    @property
    def switching_to(self) -> Path | None:
        return self._next_model

    def close(self) -> None:
        """Stop the workers (daemon threads: a stuck one cannot block the exit)."""
        if self.next_worker is not None:
            self.next_worker.close(timeout=0)
        self.worker.close(timeout=1.0)

    # ------------------------------------------------------------ outcomes

    def keep_polling(self) -> None:
        if not self._polling:
            self._polling = True
            self._schedule(POLL_MS, self.poll)

    def poll(self) -> None:
        """Hand the outcomes that arrived to the view; keep polling while one is due."""
        if self.next_worker is not None and not self._poll_switch():
            return
        for outcome in self.worker.poll():
            if isinstance(outcome, Loaded):
                self._loaded(outcome.classifier)
            elif isinstance(outcome, LoadFailed):
                if self._startup_source != "remembered":
                    self._polling = False
                    self.view.model_unusable(outcome.message)
                    return
                self._fall_back_to_bundled(outcome.message)
            elif outcome.tag != self._tag or self.pending is None:
                continue  # the drawing changed since: a newer request is on its way
            elif isinstance(outcome, Done):
                self.pending = None
                self.view.show_reading(outcome.value)
            elif isinstance(outcome, Failed):
                title, self.pending = self.pending.failure_title, None
                self.view.show_failure(title, outcome.message)
        self._polling = (self.classifier is None or self.pending is not None
                         or self.next_worker is not None)
        if self._polling:
            self._schedule(POLL_MS, self.poll)

    def _loaded(self, classifier: Classifier) -> None:
        self.classifier = classifier
        notice, self._notice = self._notice, ""
        self.view.model_ready(classifier, notice)

    def _poll_switch(self) -> bool:
        """Outcome of loading a model to switch to; False when the app is closing."""
        assert self.next_worker is not None
        for outcome in self.next_worker.poll():
            if isinstance(outcome, Loaded):
                self._switched(outcome.classifier)
            elif isinstance(outcome, LoadFailed) and self.classifier is None:
                self._polling = False  # the bundled model, after the remembered one failed
                self.view.model_unusable(outcome.message)
                return False
            elif isinstance(outcome, LoadFailed):
                self.next_worker = None
                self.view.switch_failed(outcome.message)
        return True

    def _switched(self, classifier: Classifier) -> None:
        """The new model takes over, is remembered, and what is on show is read again."""
        assert self.next_worker is not None
        old, self.worker, self.next_worker = self.worker, self.next_worker, None
        old.close(timeout=0)
        try:
            self._remember(self._next_model)
        except OSError as err:
            self._notice = f"Model loaded, but the choice cannot be remembered: {err.strerror}."
        self._loaded(classifier)
        self.view.read_again()

    def _fall_back_to_bundled(self, message: str) -> None:
        """A remembered model that no longer loads: not fatal, the bundled model takes over."""
        say(f"warning: {message}; using the bundled model")
        self._startup_source = "bundled"
        self._notice = FALLBACK_NOTICE
        self._next_model = None
        self.next_worker = self._make_worker(None)
