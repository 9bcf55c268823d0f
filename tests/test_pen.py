"""The pen's path as evidence the picture lacks (engine/pen.py): a 1 written with a lead-in
flag, climbing to its top and straight down, is not read as the 7 its picture resembles; a 2
that ends going right along its base is no 9; an open 4 that ends at its foot is no 6."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from desktop.engine.adapt import Adaptation
from desktop.engine.pen import (
    bar_meets_stem,
    climbs_to_a_stem,
    climbs_to_its_foot,
    ends_along_its_base,
    ends_at_its_foot,
    ends_at_its_right,
    is_straight,
    turns_anticlockwise,
    turns_clockwise,
    two_curves,
    weigh_the_pen,
)
from desktop.engine.reading import read_strokes

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "dev"
FLAGGED_ONE = [(20, 60), (35, 40), (50, 20), (52, 60), (53, 100), (54, 140)]  # y grows down
SEVEN_STROKE = [(10, 20), (40, 20), (70, 21), (60, 60), (50, 100), (42, 140)]
SLOPED_BAR_SEVEN = [(10, 40), (40, 30), (70, 20), (60, 60), (50, 100), (42, 140)]
BARE_ONE = [(50, 20), (50, 80), (50, 140)]
LOOPED_TWO = [(15, 40), (40, 20), (65, 40), (55, 80), (25, 130), (15, 140), (20, 125),
              (35, 132), (60, 138), (80, 140)]        # its base drawn rightward, last
NINE = [(70, 30), (45, 20), (25, 40), (40, 65), (70, 50), (68, 100), (65, 140)]
H_FOUR = [(20, 20), (20, 90), (22, 70), (45, 60), (60, 80), (62, 140)]  # like an "h"
SIX = [(60, 20), (30, 60), (22, 110), (45, 140), (62, 115), (45, 95), (25, 105)]
L_BAR = [(20, 20), (18, 80), (25, 95), (60, 96), (78, 94)]   # a 4's first stroke: down, right
U_FOUR = [(20, 20), (22, 80), (40, 100), (60, 95), (70, 60), (72, 30)]  # or down and up again


@pytest.mark.parametrize(("stroke", "flagged"), [
    (FLAGGED_ONE, True), (SEVEN_STROKE, False), (SLOPED_BAR_SEVEN, False), (BARE_ONE, False),
    (FLAGGED_ONE[::-1], False),  # drawn bottom up: the climb is the stem, no flag
    (FLAGGED_ONE[:2], False)])
def test_a_flagged_1_is_told_from_a_7_by_its_path(stroke, flagged):
    assert climbs_to_a_stem(stroke) is flagged


HOOKED_ONE = [(20, 70), (40, 40), (55, 20), (74, 28), (66, 80), (60, 140)]  # flag, hook, stem


THREE = [(15, 30), (40, 15), (60, 35), (40, 70), (62, 100), (40, 135), (15, 125)]


@pytest.mark.parametrize(("stroke", "based", "footed", "lead_in"), [
    (LOOPED_TWO, True, True, False), (NINE, False, False, False), (H_FOUR, False, True, False),
    (SIX, False, False, False), (SEVEN_STROKE, False, True, False),
    (FLAGGED_ONE, False, False, True), (HOOKED_ONE, False, False, True),
    (LOOPED_TWO[::-1], False, False, False), (H_FOUR[::-1], False, False, False),
    (BARE_ONE[:2], False, False, False)])
def test_where_a_stroke_ends_tells_a_2_from_a_9_a_4_from_a_6_a_1_from_a_7(
        stroke, based, footed, lead_in):
    assert ends_along_its_base(stroke) is based
    assert ends_at_its_foot(stroke) is footed
    assert climbs_to_its_foot(stroke) is lead_in


@pytest.mark.parametrize(("stroke", "right"), [
    (L_BAR, True), (U_FOUR, True), (LOOPED_TWO, True), (SIX, False), (THREE, False),
    (L_BAR[::-1], False), (BARE_ONE[:1], False)])
def test_where_a_stroke_ends_tells_the_open_part_of_a_4_from_a_6(stroke, right):
    assert ends_at_its_right(stroke) is right


def test_a_stroke_ending_at_its_right_is_no_6_0_3_or_5():
    probabilities = np.full((2, 10), 0.01, np.float32)
    probabilities[:, 6], probabilities[:, 4] = 0.6, 0.32
    weighed = weigh_the_pen(probabilities, [[U_FOUR], [SIX]])
    assert weighed[0, 6] < weighed[0, 4] and weighed[0].sum() == pytest.approx(1.0)
    assert np.array_equal(weighed[1], probabilities[1])


@pytest.mark.skipif(not (DEV / "crohme_digits.json.gz").is_file(), reason="no dev ink")
def test_a_4_whose_open_part_ends_at_its_right_stays_one_digit(classifier):
    """A real 4 written as an "L" and a stem apart, read as "61" (the "L" alone a 6)."""
    label, strokes = dev_number(2376, "crohme_digits.json.gz")
    assert "".join(map(str, read_strokes(strokes, 14, classifier).digits)) == label


def test_a_flag_with_a_hook_is_no_stem_for_the_stricter_test():
    assert not climbs_to_a_stem(HOOKED_ONE) and climbs_to_its_foot(HOOKED_ONE)


@pytest.mark.parametrize(("stroke", "turn"), [
    (LOOPED_TWO, 1), (THREE, 1), (NINE, -1), (BARE_ONE, 0),
    (SEVEN_STROKE, 0), (FLAGGED_ONE, 0)])
def test_how_a_stroke_begins_to_turn_tells_a_9_from_a_3(stroke, turn):
    assert (turns_clockwise(stroke), turns_anticlockwise(stroke)) == (turn == 1, turn == -1)


@pytest.mark.parametrize("taken_for", [7, 4])
def test_only_a_flagged_one_stroke_digit_has_its_7_and_4_discounted(taken_for):
    probabilities = np.full((3, 10), 0.01, np.float32)
    probabilities[:, taken_for], probabilities[:, 1] = 0.6, 0.32
    weighed = weigh_the_pen(probabilities, [[FLAGGED_ONE], [SEVEN_STROKE],
                                            [FLAGGED_ONE, SEVEN_STROKE]])
    assert weighed[0].argmax() == 1 and weighed[0].sum() == pytest.approx(1.0)
    assert weighed[0, 2] > probabilities[0, 2]  # the other digits keep their proportions
    assert weighed[1].argmax() == taken_for  # a 7's path: only its 0, 6 and 8 discounted
    assert np.allclose(weighed[1, [1, 4, 7]] / weighed[1, 1], probabilities[1, [1, 4, 7]] / 0.32)
    assert np.array_equal(weighed[2], probabilities[2])  # two strokes: the picture alone


@pytest.mark.parametrize(("stroke", "right", "taken_for"), [
    (LOOPED_TWO, 2, 9), (H_FOUR, 4, 6), (NINE, 9, 3), (THREE, 3, 9)])
def test_a_path_rules_out_what_the_picture_was_taken_for(stroke, right, taken_for):
    probabilities = np.full((2, 10), 0.01, np.float32)
    probabilities[:, taken_for], probabilities[:, right] = 0.6, 0.32
    weighed = weigh_the_pen(probabilities, [[stroke], [SIX]])
    assert weighed[0].argmax() == right
    assert np.array_equal(weighed[1], probabilities[1])  # a 6's path rules nothing out


def test_a_flagged_1_read_as_a_7_surely_is_still_a_1_a_4_so_read_stays_a_4():
    """The 7 is discounted by FLAGGED_7, the 4 by DISCOUNT only (a flagged path is rarer for
    a 7 than the model's sureness of a 7 is wrong)."""
    probabilities = np.full((2, 10), 0.0005, np.float32)
    probabilities[0, 7] = probabilities[1, 4] = 0.99
    probabilities[:, 1] = 0.005
    weighed = weigh_the_pen(probabilities, [[FLAGGED_ONE], [FLAGGED_ONE]])
    assert weighed.argmax(axis=1).tolist() == [1, 4]


@pytest.mark.parametrize("path", sorted((Path(__file__).parent / "data" / "flagged_one").glob(
    "*.json")), ids=lambda p: p.stem)
def test_real_numbers_whose_flagged_1_the_model_reads_as_a_sure_7(classifier, path):
    item = json.loads(path.read_text())
    strokes = [[(40 + x * 0.14, 50 + y * 0.14) for x, y in s] for s in item["strokes"]]
    assert "".join(map(str, read_strokes(strokes, 22, classifier).digits)) == item["label"]


def dev_number(index: int, name: str = "crohme_numbers.json.gz"
               ) -> tuple[str, list[list[tuple[float, float]]]]:
    with gzip.open(DEV / name, "rt") as f:
        item = json.load(f)[index]
    return item["label"], [[(40 + x * 0.12, 50 + y * 0.12) for x, y in s] for s in item["strokes"]]


@pytest.mark.skipif(not (DEV / "crohme_numbers.json.gz").is_file(), reason="no dev ink")
@pytest.mark.parametrize("index", [410, 511, 728, 1275])
def test_real_numbers_led_by_a_flagged_1_read_right(classifier, index, mnist):
    """Real numbers ("199", "160", "126", "175") whose leading 1 the picture alone reads as 7;
    with a person's samples adapting the reading too."""
    label, strokes = dev_number(index)
    assert "".join(map(str, read_strokes(strokes, 14, classifier).digits)) == label
    picked = np.concatenate([np.flatnonzero(mnist.y_train == d)[:5] for d in range(10)])
    samples = mnist.x_train[picked] / 255.0
    adaptation = Adaptation.fit(*classifier.predict_with_features(samples), mnist.y_train[picked])
    reading = read_strokes(strokes, 14, classifier, adaptation)
    assert "".join(map(str, reading.digits)) == label


@pytest.mark.skipif(not (DEV / "crohme_numbers.json.gz").is_file(), reason="no dev ink")
@pytest.mark.parametrize("index", [453, 1130, 2352, 2400, 2407, 3221])
def test_real_numbers_with_a_looped_2_or_an_open_4_read_right(classifier, index):
    """Real numbers ("20", "125", "27"; "140", "41", "46") whose 2 the picture alone reads as
    8 or 9, or whose 4 it reads as 6."""
    label, strokes = dev_number(index)
    assert "".join(map(str, read_strokes(strokes, 14, classifier).digits)) == label


BAR = [(10, 60), (40, 61), (70, 59)]


@pytest.mark.parametrize(("stroke", "straight"), [
    (BARE_ONE, True), (BAR, True), (BAR[:1], True), ([], True), ([(5, 5), (5, 5)], True),
    (SLOPED_BAR_SEVEN[:3], True), ([(5, 5), (9, 9), (5, 5)], False),  # there and back
    (NINE, False), (SIX, False), (SEVEN_STROKE, False), (FLAGGED_ONE, False)])
def test_a_bar_a_stem_or_a_dot_is_straight_a_curve_or_an_angle_is_not(stroke, straight):
    assert is_straight(stroke) is straight


def test_two_strokes_neither_straight_are_two_curves():
    assert two_curves([NINE, SIX]) and two_curves([LOOPED_TWO, THREE])
    assert not two_curves([H_FOUR, BARE_ONE])  # a 4: its stem is straight
    assert not two_curves([BAR, SEVEN_STROKE[2:]]) and not two_curves([NINE])


@pytest.mark.skipif(not (DEV / "crohme_numbers.json.gz").is_file(), reason="no dev ink")
@pytest.mark.parametrize("index", [504, 537, 947, 2010, 3148])
def test_two_curved_strokes_side_by_side_stay_two_digits(classifier, index):
    """Real numbers ("96", "702", "320", "3037", "140") that read as "8", "72", "36", "337" and
    "16": two neighbours, each one curved stroke, taken for one digit."""
    label, strokes = dev_number(index)
    assert "".join(map(str, read_strokes(strokes, 14, classifier).digits)) == label


STEM = [(80, 20), (81, 80), (80, 140)]


def test_a_bar_that_ends_going_right_on_a_stem_below_it_is_a_4s():
    assert bar_meets_stem(L_BAR, STEM, 120)
    assert not bar_meets_stem(L_BAR, STEM[:2], 120)  # the stem stops at the bar: no 4's foot
    assert not bar_meets_stem(L_BAR[::-1], STEM, 120)  # ends going left, far from the stem
    assert not bar_meets_stem(L_BAR, [(80, 20), (115, 80), (80, 140)], 120)  # not straight
    assert not bar_meets_stem(LOOPED_TWO, [(90, 40), (90, 142)], 120)  # a 2 ending at its foot


@pytest.mark.skipif(not (DEV / "crohme_digits.json.gz").is_file(), reason="no dev ink")
@pytest.mark.parametrize(("index", "name"), [(4232, "crohme_digits.json.gz"),
                                             (195, "crohme_numbers.json.gz")])
def test_a_4_whose_bar_ends_on_its_stem_stays_one_digit(classifier, index, name):
    """A real 4 read as "21" and a real "14431" read as "1431": the bar of a 4 drawn up to
    the stem drawn after it."""
    label, strokes = dev_number(index, name)
    assert "".join(map(str, read_strokes(strokes, 14, classifier).digits)) == label
