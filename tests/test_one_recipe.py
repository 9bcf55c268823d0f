"""One recipe per kind of input: an image file gets the very same 28x28 inputs in the app
(File > Open image), in batch classification and in training on labelled images."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from image_cases import paper
from PIL import Image

from desktop.batch.decode import read_source
from desktop.batch.files import Source
from desktop.batch.work import Settings, chunk_inputs, classify_chunk
from desktop.engine.reading import read_image_file
from devtools.photos import write_photos
from train.extra import load_extra

FONT_DIGITS = Path(__file__).parent / "data" / "font_digits"


@pytest.fixture(scope="module")
def labelled(tmp_path_factory, mnist) -> Path:
    """DIR/<digit>/ files of every kind: photos (JPEG, PNG, one 3000x4000), scans, a font,
    MNIST's own PNGs, and a sample as the app saves it."""
    folder = tmp_path_factory.mktemp("labelled")
    for digit in range(10):
        target = folder / str(digit)
        index = np.flatnonzero(mnist.y_test == digit)[:3]
        write_photos(target, mnist.x_test[index], mnist.y_test[index], seed=digit,
                     huge_every=3 if digit == 4 else 0)
        paper(mnist.x_test[index[0]], 200).save(target / "scan.png")
        Image.fromarray(mnist.x_test[index[1]]).save(target / "mnist.png")
        shutil.copyfile(next(FONT_DIGITS.glob(f"{digit}_*.png")), target / "font.png")
    return folder


def test_app_batch_and_training_read_every_file_alike(labelled, classifier):
    extra, labels, skipped = load_extra(labelled)
    files = [p for d in range(10) for p in sorted((labelled / str(d)).iterdir())]
    assert not skipped and len(extra) == len(files) == 10 * 6
    batch = chunk_inputs([read_source(Source(str(p), p.name)) for p in files])
    for path, trained, batched in zip(files, extra, batch, strict=True):
        app = read_image_file(str(path), classifier).inputs
        assert len(app) == 1, f"{path} read as {len(app)} digits"
        assert np.array_equal(app[0], trained), path
        assert np.array_equal(batched[0], trained), path
    assert labels.tolist() == [int(p.parent.name) for p in files]


@pytest.mark.parametrize("multi_digit", [False, True], ids=["digit", "number"])
def test_a_blank_file_is_refused_in_the_same_words_by_batch_and_training(tmp_path, classifier,
                                                                          multi_digit):
    blank = tmp_path / "3" / "blank.png"
    blank.parent.mkdir()
    Image.new("L", (64, 64), 240).save(blank)  # paper, no ink
    _, _, skipped = load_extra(tmp_path)
    (row,) = classify_chunk(Settings(multi_digit=multi_digit), classifier,
                            [Source(str(blank), blank.name)])
    assert row is not None and row.error == "no ink found: blank image"
    assert skipped == [f"{blank}: no ink found: blank image"]


def test_a_small_picture_of_one_digit_is_decoded_once_for_a_number(tmp_path, digits,
                                                                   monkeypatch):
    """Read as a number (the app, --multi-digit), a picture no larger than the one-digit work
    size is decoded once: the smaller decode would give the very same pixels, and inputs."""
    from desktop.engine import imagefile
    from desktop.engine.recipes import file_inputs

    path = tmp_path / "seven.jpg"
    Image.fromarray(255 - digits[7]).resize((100, 120)).save(path, quality=90)
    once = file_inputs(str(path))  # the one-digit recipe alone
    decoded = []
    real = imagefile.load_image
    monkeypatch.setattr(imagefile, "load_image",
                        lambda *a, **k: decoded.append(a[2:3]) or real(*a, **k))
    assert np.array_equal(file_inputs(str(path), number=True), once)
    assert len(decoded) == 1
