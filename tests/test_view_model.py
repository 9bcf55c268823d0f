"""What the answer panel shows: digits, confidence, bars and the honest "not sure" state."""

from __future__ import annotations

import pytest

from desktop.engine.classifier import Prediction
from desktop.window.view_model import answer, empty_answer, is_sure, percent


def prediction(**probabilities: float) -> Prediction:
    """A Prediction from {"d7": 0.9, ...}; the rest of the mass spread evenly."""
    values = [0.0] * 10
    for key, p in probabilities.items():
        values[int(key[1:])] = p
    rest = (1.0 - sum(values)) / values.count(0.0) if values.count(0.0) else 0.0
    values = [v or rest for v in values]
    best = max(range(10), key=values.__getitem__)
    return Prediction(best, values[best], tuple(values))


def test_an_empty_canvas_shows_no_digit():
    shown = answer([])
    assert shown.headline == ""
    assert shown.highlighted is None and not any(shown.bars)
    assert shown == empty_answer()


def test_a_confident_digit_is_shown_with_its_confidence():
    shown = answer([prediction(d7=0.97)])
    assert shown.headline == "7" and shown.sure
    assert shown.detail == "97 % sure"
    assert shown.highlighted == 7 and shown.bars[7] == pytest.approx(0.97)


@pytest.mark.parametrize(("probabilities", "sure"), [
    ({"d4": 0.97}, True),
    ({"d4": 0.66, "d9": 0.3}, True),
    ({"d4": 0.55}, False),               # too low
    ({"d4": 0.62, "d9": 0.36}, False),   # high enough, but the runner-up is too close
])
def test_not_sure_rules(probabilities, sure):
    assert is_sure(prediction(**probabilities).probabilities) == sure


def test_an_unsure_digit_is_shown_as_a_question_with_its_candidates():
    shown = answer([prediction(d4=0.5, d9=0.4)])
    assert shown.headline == "?" and not shown.sure
    assert shown.detail == "Not sure: 4 (50 %) or 9 (40 %)?"
    assert shown.highlighted == 4  # the chart still shows what the model thinks


def test_a_number_is_shown_in_reading_order_with_a_confidence_each():
    shown = answer([prediction(d2=0.99), prediction(d0=0.98), prediction(d2=0.97),
                    prediction(d6=0.96)])
    assert shown.headline == "2026"
    assert shown.labels == ("2 · 99 %", "0 · 98 %", "2 · 97 %", "6 · 96 %")
    assert shown.detail == "all 4 digits at least 96 % sure"


def test_the_chart_shows_the_least_sure_digit_unless_one_is_chosen():
    number = [prediction(d1=0.99), prediction(d7=0.7), prediction(d3=0.95)]
    assert answer(number).selected == 1
    assert answer(number).chart_title == "Probabilities of digit 2 of 3"
    assert answer(number, selected=2).highlighted == 3
    assert answer(number, selected=9).selected == 1  # out of range: back to the default


def test_only_the_unsure_digit_of_a_number_becomes_a_question_mark():
    shown = answer([prediction(d1=0.99), prediction(d7=0.45, d1=0.4)])
    assert shown.headline == "1?"
    assert shown.detail == "Not sure about digit 2: 7 (45 %) or 1 (40 %)?"


@pytest.mark.parametrize(("p", "text"), [(0.999, "99.9 %"), (0.5, "50 %"), (0.001, "< 1 %")])
def test_percent(p, text):
    assert percent(p) == text
