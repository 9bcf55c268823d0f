"""The recognition session without a display: the real model on the real worker thread, time
passed by a plain loop instead of Tk's `after`."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.engine.classifier import bundled_model_path, card_path
from desktop.engine.reading import Reading, read_strokes
from desktop.user.model_choice import FALLBACK_NOTICE, ModelChoice
from desktop.window.session import Session
from devtools.handwriting import HAND, moved


class Recorder:
    """A View that writes down what it is told."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def show_reading(self, reading: Reading) -> None:
        self.calls.append(("reading", reading))

    def show_failure(self, title: str, message: str) -> None:
        self.calls.append(("failure", message))

    def model_ready(self, classifier, notice: str) -> None:
        self.calls.append(("ready", (classifier.path, notice)))

    def model_unusable(self, message: str) -> None:
        self.calls.append(("unusable", message))

    def switch_failed(self, message: str) -> None:
        self.calls.append(("switch failed", message))

    def read_again(self) -> None:
        self.calls.append(("read again", None))

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.calls]


class Clock:
    """schedule(ms, fn) for the session; `run_until` calls what is due until a condition holds."""

    def __init__(self) -> None:
        self.due: list[Callable[[], None]] = []

    def schedule(self, _ms: int, fn: Callable[[], None]) -> None:
        self.due.append(fn)

    def run_until(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            due, self.due = self.due, []
            for fn in due:
                fn()
            time.sleep(0.002)


def session_for(choice: ModelChoice, remembered: list | None = None):
    view, clock = Recorder(), Clock()
    session = Session(view, clock.schedule, choice,
                      (remembered if remembered is not None else []).append)
    session.keep_polling()
    return session, view, clock


def reads(digit: str) -> Callable:
    strokes = moved(HAND[digit], 2.0, 40, 30)
    return lambda classifier: read_strokes(strokes, 20, classifier)


@pytest.fixture
def ready():
    session, view, clock = session_for(ModelChoice(None, "bundled"))
    clock.run_until(lambda: session.classifier is not None)
    yield session, view, clock
    session.close()


def test_the_model_loads_then_a_request_is_read_and_shown(ready):
    session, view, clock = ready
    assert view.calls[0] == ("ready", (bundled_model_path(), ""))
    session.submit(reads("7"), "canvas")
    assert session.pending is not None
    clock.run_until(lambda: "reading" in view.kinds())
    reading = view.calls[-1][1]
    assert reading.digits == [7] and session.pending is None


def held(task: Callable) -> tuple[Callable, threading.Event, threading.Event]:
    """task, held on the worker thread until released: (task, started, release)."""
    started, release = threading.Event(), threading.Event()

    def run(classifier):
        started.set()
        assert release.wait(10)
        return task(classifier)

    return run, started, release


def test_only_the_newest_request_is_shown(ready):
    session, view, clock = ready
    first, started, release = held(reads("1"))
    session.submit(first, "canvas")
    assert started.wait(10)  # the first is running: its result will come, and must be dropped
    session.submit(reads("3"), "canvas")
    release.set()
    clock.run_until(lambda: session.pending is None)  # results arrive in order: 1, then 3
    shown = [value.digits for kind, value in view.calls if kind == "reading"]
    assert shown == [[3]]


def test_a_forgotten_request_is_never_shown(ready):
    session, view, _clock = ready
    task, started, release = held(reads("1"))
    session.submit(task, "file")
    assert session.reading_file and started.wait(10)
    session.forget_pending()
    release.set()
    finished = threading.Event()
    session.worker.submit(0, lambda _classifier: finished.set())  # runs after the forgotten one
    assert finished.wait(10)
    session.poll()  # its result has arrived: the session takes it, and drops it
    assert session.worker.poll() == []
    assert "reading" not in view.kinds() and not session.reading_file


def test_a_failing_request_is_reported_with_its_title(ready, tmp_path):
    from desktop.engine.reading import read_image_file

    session, view, clock = ready
    session.submit(lambda c: read_image_file(str(tmp_path / "gone.png"), c), "file",
                   failure_title="Cannot open gone.png")
    clock.run_until(lambda: "failure" in view.kinds())
    assert view.calls[-1] == ("failure", "file not found") and session.pending is None


def test_switching_to_another_model_remembers_it_and_reads_again(tmp_path):
    other = tmp_path / "other.onnx"
    shutil.copy(bundled_model_path(), other)
    shutil.copy(card_path(bundled_model_path()), card_path(other))
    remembered: list = []
    session, view, clock = session_for(ModelChoice(None, "bundled"), remembered)
    try:
        clock.run_until(lambda: session.classifier is not None)
        assert session.switch_model(other)
        clock.run_until(lambda: "read again" in view.kinds())
        assert session.classifier.path == other and remembered == [other]
        assert view.calls[-2] == ("ready", (other, ""))
    finally:
        session.close()


def test_a_model_that_fails_to_load_leaves_the_current_one_in_use(ready, tmp_path):
    session, view, clock = ready
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    current = session.classifier
    assert session.switch_model(broken)
    clock.run_until(lambda: "switch failed" in view.kinds())
    assert "not a loadable ONNX model" in view.calls[-1][1]
    assert session.classifier is current and session.next_worker is None


def test_no_switch_while_the_first_model_is_loading(tmp_path):
    session, _view, _clock = session_for(ModelChoice(None, "bundled"))
    try:
        assert session.classifier is None and not session.switch_model(None)
    finally:
        session.close()


def test_a_remembered_model_that_no_longer_loads_gives_way_to_the_bundled_one(tmp_path, capsys):
    remembered: list = []
    session, view, clock = session_for(ModelChoice(tmp_path / "gone.onnx", "remembered"),
                                       remembered)
    try:
        clock.run_until(lambda: session.classifier is not None)
        assert session.classifier.path == bundled_model_path()
        assert ("ready", (bundled_model_path(), FALLBACK_NOTICE)) in view.calls
        assert remembered == [None] and "unusable" not in view.kinds()
        assert "using the bundled model" in capsys.readouterr().err
    finally:
        session.close()


def test_a_model_given_by_flag_that_does_not_load_is_unusable(tmp_path):
    session, view, clock = session_for(ModelChoice(Path(tmp_path / "gone.onnx"), "flag"))
    try:
        clock.run_until(lambda: "unusable" in view.kinds())
        assert view.calls == [("unusable", f"{tmp_path / 'gone.onnx'}: model file not found")]
    finally:
        session.close()
