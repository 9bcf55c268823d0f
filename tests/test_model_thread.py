"""The recognition thread: loads the model, runs the newest request only, reports errors."""

from __future__ import annotations

import threading
import time

from desktop.engine.classifier import Classifier, ModelError
from desktop.engine.imagefile import ImageError
from desktop.engine.reading import read_image_file, read_strokes
from desktop.window.model_thread import Done, Failed, Loaded, LoadFailed, ModelThread
from devtools.handwriting import HAND, moved


def wait_for(worker: ModelThread, count: int, timeout: float = 30.0) -> list:
    outcomes: list = []
    deadline = time.monotonic() + timeout
    while len(outcomes) < count and time.monotonic() < deadline:
        outcomes += worker.poll()
        time.sleep(0.005)
    return outcomes


def test_the_worker_loads_the_model_then_reads():
    worker = ModelThread(Classifier, (ModelError,))
    try:
        worker.submit(1, lambda c: read_strokes(moved(HAND["8"], 2.0, 40, 30), 20, c))
        loaded, done = wait_for(worker, 2)
        assert isinstance(loaded, Loaded)
        assert isinstance(done, Done) and done.tag == 1 and done.value.digits == [8]
    finally:
        worker.close()


def test_only_the_latest_waiting_request_runs(classifier):
    started, release = threading.Event(), threading.Event()

    def slow(_c):
        started.set()
        release.wait(10)
        return "first"

    worker = ModelThread(lambda: classifier)
    try:
        worker.submit(1, slow)
        assert started.wait(10)
        for tag in (2, 3, 4):
            worker.submit(tag, lambda _c, tag=tag: f"request {tag}")
        release.set()
        outcomes = wait_for(worker, 3)[1:]
        assert [(o.tag, o.value) for o in outcomes] == [(1, "first"), (4, "request 4")]
    finally:
        worker.close()


def test_a_missing_model_is_reported_in_one_line(tmp_path):
    worker = ModelThread(lambda: Classifier(tmp_path / "none.onnx"), (ModelError,))
    try:
        (failed,) = wait_for(worker, 1)
        assert isinstance(failed, LoadFailed)
        assert "model file not found" in failed.message and "\n" not in failed.message
    finally:
        worker.close()


def test_an_expected_error_in_a_task_is_a_message_and_the_worker_goes_on(classifier, tmp_path):
    worker = ModelThread(lambda: classifier, (ImageError,))
    try:
        worker.submit(1, lambda c: read_image_file(str(tmp_path / "gone.png"), c))
        _loaded, failed = wait_for(worker, 2)
        assert isinstance(failed, Failed) and failed.message == "file not found"
        worker.submit(2, lambda _c: "still here")
        (done,) = wait_for(worker, 1)
        assert done == Done(2, "still here")
    finally:
        worker.close()
