"""Marks on the canvas (`grouping.is_mark`), on real pen ink: a 0 written small is a digit,
not a mark; a 5's bar drawn a little apart is part of the 5; dashes, dots and bars stay marks,
and pictures keep their separators out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from desktop.engine.grouping import SHORT, is_mark
from desktop.engine.reading import read_strokes

DATA = Path(__file__).parent / "data"
BRUSH = 22  # the app's default brush on its starting canvas


def on_canvas(path: Path) -> tuple[str, list[list[tuple[float, float]]], np.ndarray]:
    """A real item at a number's size on the app's starting canvas, and its strokes' boxes."""
    item = json.loads(path.read_text())
    scale = 140 / 1000  # a number 0.4 of the canvas high
    strokes = [[(20 + x * scale, 100 + y * scale) for x, y in s] for s in item["strokes"]]
    return item["label"], strokes, np.array([[*np.min(s, axis=0), *np.max(s, axis=0)]
                                             for s in strokes])


@pytest.mark.parametrize("path", sorted((DATA / "small_zeros").glob("*.json")),
                         ids=lambda p: p.stem)
def test_small_zeros_are_read_as_digits(classifier, path):
    label, strokes, boxes = on_canvas(path)
    height = (boxes[:, 3] - boxes[:, 1]).max()
    assert ((boxes[:, 3] - boxes[:, 1]) < SHORT * height).any()  # lower than a digit
    reading = read_strokes(strokes, BRUSH, classifier)
    assert "".join(map(str, reading.digits)) == label


@pytest.mark.parametrize("path", sorted((DATA / "bars_apart").glob("*.json")),
                         ids=lambda p: p.stem)
def test_a_5s_bar_a_little_apart_is_part_of_the_5(classifier, path):
    label, strokes, boxes = on_canvas(path)
    bar, body = boxes[-1], boxes[:-1]
    height = (boxes[:, 3] - boxes[:, 1]).max()
    assert is_mark(bar, height)                                   # the bar, drawn last
    assert not any(b[0] <= bar[2] and bar[0] <= b[2] and b[1] <= bar[3] and bar[1] <= b[3]
                   for b in body)                                 # touches no stroke's box
    reading = read_strokes(strokes, BRUSH, classifier)
    assert "".join(map(str, reading.digits)) == label
    assert len(strokes) - 1 in reading.groups[-1]                 # with the 5


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
