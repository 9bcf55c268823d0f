"""File for file, batch classification gives the answer the app gives for that file opened
alone (File > Open image): its speed comes from how the work is spread, never from another
reading. Checked on every kind of test folder: awkward files, photos, fonts, hand drawings and
MNIST's own PNGs, each large enough that the batch runs in worker processes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop.batch.job import POOL_MIN_FILES, BatchJob
from desktop.engine.imagefile import ImageError
from desktop.engine.raster import render_strokes
from desktop.engine.reading import read_image_file
from devtools.handwriting import HAND, moved
from devtools.photos import write_photos

FONT_DIGITS = Path(__file__).parent / "data" / "font_digits"


def the_app_reads(path: str, classifier) -> str:
    """The digits the app shows for the file, or "error" when it cannot open it."""
    try:
        return "".join(map(str, read_image_file(path, classifier).digits))
    except ImageError:
        return "error"


def batch_reads(folder: Path, classifier, multi_digit: bool) -> dict[str, str]:
    job = BatchJob([str(folder)], classifier, recursive=True, multi_digit=multi_digit)
    rows = list(job.rows())
    assert job.used_processes
    return {row.file: row.digit or ("error" if row.error != "no ink found: blank image" else "")
            for row in rows}


def hand_drawn(folder: Path) -> None:
    for digit, strokes in HAND.items():
        for pen in (4.0, 10.0, 24.0):
            ink = render_strokes(moved(strokes, 2.0, 30, 30), 280, 200, pen)
            picture = (255 - 230 * np.clip(ink, 0, 1)).astype(np.uint8)
            Image.fromarray(picture).save(folder / f"hand_{digit}_{pen:.0f}.png")


@pytest.fixture(scope="module", params=["cases", "photos", "fonts", "hand", "mnist"])
def folder(request, tmp_path_factory, mnist, cases) -> Path:
    """A folder of one kind, topped up with copies to be a run for worker processes."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "cases":
        shutil.copytree(cases, folder, dirs_exist_ok=True)
    elif request.param == "photos":
        write_photos(folder, mnist.x_test[:300], mnist.y_test[:300], seed=5, huge_every=100)
    elif request.param == "fonts":
        shutil.copytree(FONT_DIGITS, folder, dirs_exist_ok=True)
    elif request.param == "hand":
        hand_drawn(folder)
    else:
        for i in range(300):
            Image.fromarray(mnist.x_test[i]).save(folder / f"{i:03d}.png")
    files = [p for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")]
    copies, i = folder / "copies", 0
    copies.mkdir()
    while len(files) + i < POOL_MIN_FILES:
        shutil.copyfile(files[i % len(files)], copies / f"{i}-{files[i % len(files)].name}")
        i += 1
    return folder


def test_numbers_read_in_batch_are_what_the_app_reads(folder, classifier):
    batch = batch_reads(folder, classifier, multi_digit=True)
    assert {path: the_app_reads(path, classifier) for path in batch} == batch


def test_digits_read_in_batch_are_what_the_app_reads(folder, classifier):
    """Where the app finds one digit in the file (a number needs --multi-digit)."""
    batch = batch_reads(folder, classifier, multi_digit=False)
    app = {path: the_app_reads(path, classifier) for path in batch}
    single = {path: digits for path, digits in app.items() if len(digits) <= 1 or digits == "error"}
    assert len(single) >= 0.97 * len(app)
    assert {path: batch[path] for path in single} == single
