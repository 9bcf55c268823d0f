"""Strokes and images read as digits with the real model."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.engine.imagefile import ImageError
from desktop.engine.reading import read_image, read_image_file, read_strokes
from desktop.engine.recipes import canvas_ink
from devtools.handwriting import HAND, moved, written


def placed(strokes, scale=2.0, dx=40.0, dy=30.0):
    return moved(strokes, scale, dx, dy)


def number(text: str, scale=1.2):
    return written(text, scale, 20.0, 30.0)


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
    ink = canvas_ink(number("2026"), 16)
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


def test_an_opened_file_is_read_once_for_its_reading_picture_and_header(classifier, mnist,
                                                                         tmp_path):
    """Read, shown and described from one read: a file changing on disk meanwhile cannot give
    a picture that is not the one read (and a large photo is not read from disk four times)."""
    import sys

    from PIL import Image

    path = tmp_path / "amount 7.jpg"
    Image.fromarray(255 - np.kron(mnist.x_test[0], np.ones((8, 8), np.uint8))).save(path)
    opened: list[str] = []
    sys.addaudithook(lambda event, args: opened.append(str(args[0]))
                     if event == "open" and str(args[0]) == str(path) else None)
    reading = read_image_file(str(path), classifier)
    assert opened == [str(path)]
    assert reading.digits == [int(mnist.y_test[0])] and reading.picture.shape == (224, 224)
    assert reading.about == "amount 7.jpg (JPEG 224x224 L)"


@pytest.mark.parametrize("kind", ["missing", "folder", "pipe"])
def test_a_file_that_cannot_be_read_says_why_in_one_line(classifier, tmp_path, kind):
    import os

    path = tmp_path / "digit.png"
    if kind == "folder":
        path.mkdir()
    elif kind == "pipe":
        os.mkfifo(path)
    with pytest.raises(ImageError) as raised:
        read_image_file(str(path), classifier)
    assert str(raised.value) == {"missing": "file not found", "folder": "is a folder, not an image",
                                 "pipe": "not a regular file (a named pipe)"}[kind]


def test_a_file_that_is_no_image_raises_image_error(classifier, tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    with pytest.raises(ImageError):
        read_image_file(str(path), classifier)


# ---------------------------------------------------------------- the worker
