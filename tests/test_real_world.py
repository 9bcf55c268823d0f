"""Real-world accuracy of batch classification, with the real model.

Photographed digits are made from the first MNIST test digits (tests/photos.py): dark ink on
tinted paper with a shadow, noise, off-centre in a larger picture of any size, a few of them
3000x4000, turned a little, JPEG quality 60-85. They must read as reliably as MNIST itself.
Digits written by people outside MNIST come from handwriting fonts
(tests/data/make_font_digits.py), committed as images in tests/data/font_digits/.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop.batch.job import BatchJob
from devtools.photos import HUGE, photo, write_photos

PHOTOS = 1200
HUGE_EVERY = 200           # every 200th photo is a full-resolution 3000x4000 one
PHOTO_ACCURACY = 0.99     # measured 99.33 %; the same 1,200 MNIST originals: 99.42 %
FONT_DIGITS = Path(__file__).parent / "data" / "font_digits"
FONT_ACCURACY = 0.98      # measured 99.05 % (6 of 630 wrong, all 4s in two cursive hands)


@pytest.fixture(scope="module")
def photo_rows(tmp_path_factory, mnist, classifier):
    folder = tmp_path_factory.mktemp("photos")
    truth = write_photos(folder, mnist.x_test[:PHOTOS], mnist.y_test[:PHOTOS], seed=7,
                         huge_every=HUGE_EVERY)
    rows = list(BatchJob([str(folder)], classifier).rows())
    return folder, truth, rows


def accuracy(rows, truth) -> float:
    return sum(row.digit == str(truth[row.path]) for row in rows) / len(truth)


def test_photos_of_mnist_digits_read_at_99_percent(photo_rows):
    _, truth, rows = photo_rows
    assert len(rows) == len(truth) >= 1000
    assert all(row.error == "" for row in rows)
    assert accuracy(rows, truth) >= PHOTO_ACCURACY


def test_full_resolution_photos_are_among_them_and_read(photo_rows):
    folder, truth, rows = photo_rows
    huge = [row for row in rows if Image.open(folder / row.path).size == HUGE]
    assert len(huge) == PHOTOS // HUGE_EVERY
    assert all(row.digit == str(truth[row.path]) for row in huge)


def test_digits_written_outside_mnist(classifier):
    rows = list(BatchJob([str(FONT_DIGITS)], classifier).rows())
    assert len(rows) == 630
    assert accuracy(rows, {row.path: row.path[0] for row in rows}) >= FONT_ACCURACY


DIM = 150  # photos of the first MNIST test digits, their light dimmed


@pytest.mark.parametrize(("light", "board"), [(0.4, False), (0.2, False), (0.6, True)],
                         ids=["dim", "very-dim", "dark-board"])
def test_photos_in_dim_light_read_as_in_good_light(tmp_path, mnist, classifier, light, board):
    """Paper darker than mid-grey is still paper: a photo of white paper taken in dim light
    (its paper at 40 % or 20 % of white, far lighter than its ink) read 15 % right, as if it
    were light ink on a dark board; a dark board's light ink still reads as such."""
    rng = np.random.default_rng(5)
    for i in range(DIM):
        picture = np.asarray(photo(mnist.x_test[i], rng).convert("L"), np.float32)
        picture = (255 - picture) if board else picture
        Image.fromarray((picture * light).astype(np.uint8)).save(tmp_path / f"{i:03d}.jpg",
                                                                 quality=88)
    rows = list(BatchJob([str(tmp_path)], classifier).rows())
    assert accuracy(rows, {f"{i:03d}.jpg": int(mnist.y_test[i]) for i in range(DIM)}) >= 0.98


def test_photos_of_an_empty_page_read_no_digit(tmp_path, classifier):
    """An empty page photographed in uneven light (a lamp's gradient, grain, JPEG): the light
    left after the paper's estimate spread over most of the picture and read as a 0 or an 8
    (34 of these 50 photos); now 4 do, whose light is as patchy as a digit's ink (15-41 % of
    the picture against up to 35 % for digits), and with a digit on it the same paper reads
    (the tests above)."""
    rng = np.random.default_rng(4)
    for i in range(50):
        photo(np.zeros((28, 28), np.uint8), rng).convert("RGB").save(tmp_path / f"{i:02d}.jpg",
                                                                     quality=85)
    rows = list(BatchJob([str(tmp_path)], classifier).rows())
    assert len(rows) == 50
    assert all(row.digit or row.error == "no ink found: blank image" for row in rows)
    assert sum(row.digit != "" for row in rows) <= 5
