"""Digits joined in one stroke (`desktop.engine.joined`): a stroke wide enough for two digits
is cut where its pen turns, and the classifier decides; a lone stroke is never cut."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from desktop.engine.joined import SPLIT_WIDE, cut_points, rejoined, stroke_pieces, turns
from desktop.engine.reading import read_strokes

JOINED = Path(__file__).parent / "data" / "joined"
BRUSH = 22  # the app's default brush on its starting canvas


def on_canvas(name: str, height: float = 140.0) -> tuple[str, list[list[tuple[float, float]]]]:
    """A real item, scaled to a number's size on the app's starting canvas (440 x 360)."""
    item = json.loads((JOINED / f"{name}.json").read_text())
    scale = height / 1000
    return item["label"], [[(30 + x * scale, 100 + y * scale) for x, y in stroke]
                           for stroke in item["strokes"]]


def test_turns_are_the_highest_and_lowest_points_wiggles_aside():
    heights = np.array([0, 5, 10, 9.5, 10.5, 6, 2, 1, 4, 8])
    assert turns(heights, 2.0) == [4, 7]   # the 0.5 wiggle at 10 is no turn


def test_a_50_written_without_lifting_the_pen_is_read_50(classifier):
    label, strokes = on_canvas("50")
    height = max(np.ptp(np.array(s)[:, 1]) for s in strokes)
    assert any(np.ptp(np.array(s)[:, 0]) > SPLIT_WIDE * height for s in strokes)  # one stroke
    reading = read_strokes(strokes, BRUSH, classifier)
    assert "".join(map(str, reading.digits)) == label
    (left, _, left_end, _), (right, _, right_end, _) = reading.boxes
    assert left < right and left_end < right_end  # each digit its own box, left to right
    assert reading.groups == ((0, 1), (1,))       # the joined stroke is in both digits


def test_pieces_put_back_together_are_the_stroke():
    _, strokes = on_canvas("50")
    height = max(np.ptp(np.array(s)[:, 1]) for s in strokes)
    pieces, of = stroke_pieces(strokes, height)
    assert len(pieces) > len(strokes)
    assert rejoined(pieces, of) == [list(s) for s in strokes]


@pytest.mark.parametrize("name", ["2-wide", "0-wide"])
def test_a_lone_stroke_is_one_digit_however_wide(classifier, name):
    label, strokes = on_canvas(name, 250.0)
    (stroke,) = strokes
    assert cut_points(stroke, float(np.ptp(np.array(stroke)[:, 1])))  # it could be cut
    reading = read_strokes(strokes, BRUSH, classifier)
    assert "".join(map(str, reading.digits)) == label
