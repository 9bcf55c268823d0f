"""Strokes and images read as digits with the real model, and the worker thread."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from app_driver import hand_digits

from desktop.classifier import Classifier, ModelError
from desktop.imagefile import ImageError
from desktop.recognizer import (
    Done,
    Failed,
    Loaded,
    LoadFailed,
    Worker,
    read_image,
    read_image_file,
    read_strokes,
    strokes_ink,
)

HAND = hand_digits()


def placed(strokes, scale=2.0, dx=40.0, dy=30.0):
    return [[(dx + x * scale, dy + y * scale) for x, y in stroke] for stroke in strokes]


def number(text: str, scale=1.2):
    return [s for i, d in enumerate(text) for s in placed(HAND[d], scale, 20 + i * 85 * scale)]


@pytest.mark.parametrize("digit", sorted(HAND))
def test_hand_drawn_digits_are_read(classifier, digit):
    reading = read_strokes(placed(HAND[digit]), 20, classifier)
    assert reading.source == "canvas"
    assert reading.digits == [int(digit)]
    assert reading.inputs.shape == (1, 28, 28)


@pytest.mark.parametrize("brush", [4, 12, 30, 60])
def test_the_brush_size_barely_matters(classifier, brush):
    reading = read_strokes(placed(HAND["3"]), brush, classifier)
    assert reading.digits == [3] and reading.confidences[0] > 0.9


def test_a_number_is_read_left_to_right(classifier):
    reading = read_strokes(number("2026"), 16, classifier)
    assert reading.digits == [2, 0, 2, 6]
    assert len(reading.confidences) == 4 and reading.inputs.shape == (4, 28, 28)


def test_a_number_drawn_right_to_left_still_reads_left_to_right(classifier):
    strokes = number("2026")
    assert read_strokes(strokes[::-1], 16, classifier).digits == [2, 0, 2, 6]


def test_the_lifted_bar_of_a_5_stays_with_its_body(classifier):
    body, bar = HAND["5"]
    lifted_bar = [(x + 6, y - 15) for x, y in bar]  # drawn apart, above the body
    reading = read_strokes(placed([body, lifted_bar]), 16, classifier)
    assert reading.digits == [5]


def test_an_empty_drawing_reads_no_digit(classifier):
    reading = read_strokes([], 20, classifier)
    assert reading.digits == [] and reading.inputs.shape == (0, 28, 28)


def test_wide_writing_is_rasterized_about_112_pixels_high():
    ink = strokes_ink(number("2026"), 16)
    assert 100 <= ink.shape[0] <= 125 and ink.shape[1] > 2.5 * ink.shape[0]


def test_an_mnist_picture_is_read_in_either_polarity(classifier, mnist):
    digit, label = mnist.x_test[0], int(mnist.y_test[0])
    assert read_image(digit, classifier).digits == [label]
    assert read_image(255 - digit, classifier).digits == [label]


def test_a_row_of_mnist_digits_in_a_picture_is_a_number(classifier, mnist):
    picks = [3, 2, 1]  # three test digits, in an order that is not sorted by label
    row = np.hstack([np.pad(mnist.x_test[i], 4) for i in picks])
    reading = read_image(255 - row, classifier)
    assert reading.source == "file"
    assert reading.digits == [int(mnist.y_test[i]) for i in picks]
    assert reading.picture is not None


def test_an_image_file_is_decoded_and_read(classifier, mnist, tmp_path):
    from PIL import Image

    path = tmp_path / "digit.png"
    Image.fromarray(255 - np.kron(mnist.x_test[1], np.ones((8, 8), np.uint8))).save(path)
    assert read_image_file(str(path), classifier).digits == [int(mnist.y_test[1])]


def test_a_file_that_is_no_image_raises_image_error(classifier, tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    with pytest.raises(ImageError):
        read_image_file(str(path), classifier)


# ---------------------------------------------------------------- the worker

def wait_for(worker: Worker, count: int, timeout: float = 30.0) -> list:
    outcomes: list = []
    deadline = time.monotonic() + timeout
    while len(outcomes) < count and time.monotonic() < deadline:
        outcomes += worker.poll()
        time.sleep(0.005)
    return outcomes


def test_the_worker_loads_the_model_then_reads():
    worker = Worker(Classifier, (ModelError,))
    try:
        worker.submit(1, lambda c: read_strokes(placed(HAND["8"]), 20, c))
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

    worker = Worker(lambda: classifier)
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
    worker = Worker(lambda: Classifier(tmp_path / "none.onnx"), (ModelError,))
    try:
        (failed,) = wait_for(worker, 1)
        assert isinstance(failed, LoadFailed)
        assert "model file not found" in failed.message and "\n" not in failed.message
    finally:
        worker.close()


def test_an_expected_error_in_a_task_is_a_message_and_the_worker_goes_on(classifier, tmp_path):
    worker = Worker(lambda: classifier, (ImageError,))
    try:
        worker.submit(1, lambda c: read_image_file(str(tmp_path / "gone.png"), c))
        _loaded, failed = wait_for(worker, 2)
        assert isinstance(failed, Failed) and failed.message == "file not found"
        worker.submit(2, lambda _c: "still here")
        (done,) = wait_for(worker, 1)
        assert done == Done(2, "still here")
    finally:
        worker.close()
