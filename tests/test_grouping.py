"""Strokes grouped into digits (engine/grouping.py, through the canvas recipe) with the real
model: digits whose ink touches stay apart, a digit in several strokes stays whole, marks that
are no digit stay out of the number."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from desktop.engine.grouping import MAX_STROKES, candidate_runs, stroke_boxes
from desktop.engine.reading import read_strokes
from desktop.engine.recipes import canvas_digits, canvas_ink
from desktop.engine.segment import components
from devtools.handwriting import HAND, moved

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "dev"
SCALE, BRUSH = 1.4, 16


def row(*placed: tuple[str, float]) -> list[list[tuple[float, float]]]:
    """Hand-drawn digits (60x100 units each) at the given left offsets, in writing order."""
    return [s for digit, x in placed for s in moved(HAND[digit], SCALE, 30 + x * SCALE, 40)]


def ink_pieces(strokes) -> int:
    """Connected pieces of ink: fewer than the digits when their ink touches."""
    return len(components(canvas_ink(strokes, BRUSH))[1])


# Named misreads of the component split: two round digits that touch became one ("100" read
# "10", "60" read "6"), a 1 was joined to its neighbour ("132" read "12").
TOUCHING = {
    "100": row(("1", 0), ("0", 40), ("0", 96)),
    "60": row(("6", 0), ("0", 52)),
    "132": row(("1", 0), ("3", 28), ("2", 85)),
    "2026": row(("2", 0), ("0", 56), ("2", 112), ("6", 166)),
}


@pytest.mark.parametrize("text", sorted(TOUCHING))
def test_digits_whose_ink_touches_are_read_apart(classifier, text):
    strokes = TOUCHING[text]
    assert ink_pieces(strokes) < len(text)  # the ink really touches
    reading = read_strokes(strokes, BRUSH, classifier)
    assert "".join(map(str, reading.digits)) == text


def test_each_digit_is_read_from_its_own_strokes(classifier):
    reading = read_strokes(TOUCHING["132"], BRUSH, classifier)
    assert reading.groups == ((0,), (1,), (2,))
    lefts = [box[0] for box in reading.boxes]
    assert lefts == sorted(lefts) and len(lefts) == 3
    one = np.array(TOUCHING["132"][0])
    assert reading.boxes[0][2] < one[:, 0].max() + BRUSH  # the 1's box ends at the 1


@pytest.mark.parametrize("digit", ["4", "5"])
def test_a_digit_in_two_strokes_stays_one_digit(classifier, digit):
    assert len(HAND[digit]) == 2
    for scale in (0.8, 1.4, 2.5):
        strokes = moved(HAND[digit], scale, 20, 20)
        assert read_strokes(strokes, BRUSH, classifier).digits == [int(digit)]


def test_a_5_with_its_bar_written_last_in_a_number(classifier):
    body, bar = HAND["5"]
    strokes = row(("1", 0)) + moved([body], SCALE, 30 + 50 * SCALE, 40) + \
        moved([bar], SCALE, 30 + 50 * SCALE, 40)
    assert read_strokes(strokes, BRUSH, classifier).digits == [1, 5]


def dash(left: float, right: float, y: float) -> list[tuple[float, float]]:
    return [(30 + left * SCALE, 40 + y * SCALE), (30 + right * SCALE, 40 + y * SCALE)]


def dot(x: float, y: float) -> list[tuple[float, float]]:
    return [(30 + x * SCALE, 40 + y * SCALE)]


def test_a_dash_after_an_amount_is_left_out(classifier):
    strokes = [*row(("1", 0), ("5", 45), ("0", 115)), dash(195, 235, 55)]
    reading = read_strokes(strokes, BRUSH, classifier)
    assert reading.digits == [1, 5, 0]
    assert all(4 not in group for group in reading.groups)  # strokes: 1, 5 (two), 0, dash


def test_a_separator_dot_is_left_out(classifier):
    strokes = [*row(("1", 0), ("2", 45)), dot(118, 96), *row(("5", 135), ("0", 205))]
    reading = read_strokes(strokes, BRUSH, classifier)
    assert reading.digits == [1, 2, 5, 0]
    assert [len(g) for g in reading.groups] == [1, 1, 2, 1]  # the dot (stroke 2) in none


def test_an_underline_is_left_out(classifier):
    strokes = [*row(("7", 0), ("3", 75)), dash(0, 140, 112)]
    assert read_strokes(strokes, BRUSH, classifier).digits == [7, 3]


def test_without_a_classifier_strokes_whose_columns_meet_are_one_digit():
    """Geometry alone (the teach row's one-digit check): a 4 or 5 in two strokes is one digit,
    digits apart are apart."""
    assert len(canvas_digits(moved(HAND["4"], 2, 0, 0), BRUSH).inputs) == 1
    assert len(canvas_digits(moved(HAND["5"], 2, 0, 0), BRUSH).inputs) == 1
    found = canvas_digits(row(("2", 0), ("0", 85), ("2", 170), ("6", 255)), BRUSH)
    assert found.groups == ((0,), (1,), (2,), (3,)) and found.probabilities is None


def test_candidate_digits_are_runs_of_a_few_consecutive_strokes():
    strokes = [[(x, 0.0), (x, 100.0)] for x in range(0, 80, 10)]  # eight close strokes
    runs = candidate_runs(stroke_boxes(strokes))
    assert all(0 < j - i <= MAX_STROKES for i, j in runs)
    assert {(i, i + 1) for i in range(8)} <= set(runs)


def test_the_candidates_are_read_in_one_call(classifier, monkeypatch):
    calls = []
    original = classifier.pen_candidates
    monkeypatch.setattr(classifier, "pen_candidates",
                        lambda x: calls.append(len(x)) or original(x))
    assert read_strokes(TOUCHING["2026"], BRUSH, classifier).digits == [2, 0, 2, 6]
    assert len(calls) == 1 and calls[0] > 4


@pytest.mark.skipif(not (DEV / "crohme_digits.json.gz").is_file(), reason="no dev ink")
def test_real_digits_in_several_strokes_are_never_read_as_two(classifier):
    """Every 4, 5 and 7 written in two strokes by the dev set's first 40 writers of each."""
    with gzip.open(DEV / "crohme_digits.json.gz", "rt") as f:
        items = [x for x in json.load(f) if x["label"] in "457" and len(x["strokes"]) == 2]
    picked = [x for digit in "457" for x in [y for y in items if y["label"] == digit][:40]]
    counts = []
    for item in picked:
        strokes = [[(200 + x * 0.2, 50 + y * 0.2) for x, y in s] for s in item["strokes"]]
        counts.append(len(read_strokes(strokes, 22, classifier).digits))
    assert len(picked) == 120 and counts == [1] * 120


@pytest.mark.skipif(not (DEV / "crohme_numbers.json.gz").is_file(), reason="no dev ink")
@pytest.mark.parametrize(("index", "label"), [(73, "29"), (389, "60"), (505, "96"),
                                              (747, "10"), (1375, "101"), (2257, "193")])
def test_two_digits_as_wide_as_two_are_not_read_as_one(classifier, index, label):
    """Real numbers, one stroke a digit, whose neighbours together read surely as one digit
    ("60" as 6, "10" as 6, "29" as 7): a digit is rarely that wide."""
    with gzip.open(DEV / "crohme_numbers.json.gz", "rt") as f:
        item = json.load(f)[index]
    assert item["label"] == label and len(item["strokes"]) == len(label)
    strokes = [[(40 + x * 0.12, 50 + y * 0.12) for x, y in s] for s in item["strokes"]]
    assert "".join(map(str, read_strokes(strokes, 14, classifier).digits)) == label


@pytest.mark.skipif(not (DEV / "crohme_digits.json.gz").is_file(), reason="no dev ink")
@pytest.mark.parametrize(("index", "label"), [(1595, "7"), (2126, "5"), (3102, "5")])
def test_a_digit_in_two_strokes_is_read_whole_not_its_body_alone(classifier, index, label):
    """Real 5s and a 7 in two strokes that the model misreads (3, 7, 2) as a part read
    alone or as two strokes read badly together: its judgement of which candidates are whole
    digits (`one_digit`) finds the digit."""
    with gzip.open(DEV / "crohme_digits.json.gz", "rt") as f:
        item = json.load(f)[index]
    assert item["label"] == label and len(item["strokes"]) == 2
    for scale in (0.2, 0.3):
        strokes = [[(40 + x * scale, 50 + y * scale) for x, y in s] for s in item["strokes"]]
        assert read_strokes(strokes, 14, classifier).digits == [int(label)]


def test_a_digit_drawn_in_short_pieces_one_above_the_other_is_one_digit(classifier, mnist):
    """MNIST test digit 6572, a 1 broken into four short pieces, traced into strokes: each piece
    is far shorter than the digit, so the gap between pieces counts against the digit's height,
    not a piece's (it read as "11")."""
    from devtools.handwriting import place
    from train.skeleton import trace

    strokes, box = trace(mnist.x_test[6572])
    assert len(strokes) == 4 and mnist.y_test[6572] == 1
    placed = place(strokes, box, (440, 360), 0.6, (0.5, 0.5), 11)
    heights = stroke_boxes(placed)[:, 3] - stroke_boxes(placed)[:, 1]
    assert heights.max() < 0.25 * (max(y for s in placed for _, y in s)
                                   - min(y for s in placed for _, y in s))
    assert read_strokes(placed, 22, classifier).digits == [1]
