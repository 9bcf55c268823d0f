"""A 0 written small is a digit, not a mark (`grouping.is_mark`), on real pen ink; dashes,
dots and bars stay marks, and pictures keep their separators out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from desktop.engine.grouping import SHORT, is_mark
from desktop.engine.reading import read_strokes

SMALL_ZEROS = Path(__file__).parent / "data" / "small_zeros"
BRUSH = 22  # the app's default brush on its starting canvas


@pytest.mark.parametrize("path", sorted(SMALL_ZEROS.glob("*.json")), ids=lambda p: p.stem)
def test_small_zeros_are_read_as_digits(classifier, path):
    item = json.loads(path.read_text())
    scale = 140 / 1000  # a number 0.4 of the app's starting canvas high
    strokes = [[(20 + x * scale, 100 + y * scale) for x, y in s] for s in item["strokes"]]
    boxes = np.array([[*np.min(s, axis=0), *np.max(s, axis=0)] for s in strokes])
    height = (boxes[:, 3] - boxes[:, 1]).max()
    assert ((boxes[:, 3] - boxes[:, 1]) < SHORT * height).any()  # lower than a digit
    reading = read_strokes(strokes, BRUSH, classifier)
    assert "".join(map(str, reading.digits)) == item["label"]


@pytest.mark.parametrize(("box", "mark"), [
    ((0, 0, 25, 25), False),   # a small 0: round, a quarter of the height
    ((0, 0, 60, 8), True),     # a dash
    ((0, 0, 70, 25), True),    # a bar, as low, far wider than high
    ((0, 0, 8, 8), True),      # a dot
])
def test_what_is_a_mark_on_the_canvas(box, mark):
    assert is_mark(np.array(box, float), 100.0) is mark


def test_in_pictures_a_round_separator_stays_a_mark():
    assert is_mark(np.array((0, 0, 25, 25), float), 100.0, 0.45, rounds=False)
