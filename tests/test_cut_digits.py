"""Digits as the app cuts them out of touching numbers (`train.numbers.cut_digit_set`, `python -m
train --cut-digits N`): each labelled with the digit whose ink it mostly holds, a piece of its
neighbour's stroke at the cut allowed."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.engine.classifier import Classifier
from train.numbers import MIXED, PURE, compose, cut_digit_set, owned_candidates


def test_cut_digits_are_labelled_with_the_digit_they_hold(mnist):
    """MNIST test digits, which taught the model nothing: a wrong label (another digit of the
    number, another number's) would read as its digit about one time in ten."""
    x, y = cut_digit_set(mnist.x_test.astype(np.float32) / 255, mnist.y_test, 300, seed=3)
    assert x.shape == (300, 28, 28) and x.dtype == np.float32 and y.shape == (300,)
    assert set(y.tolist()) == set(range(10))
    assert (Classifier().predict(x).argmax(axis=1) == y).mean() > 0.85


def test_some_cut_digits_hold_a_piece_of_their_neighbour(mnist):
    """What the cutting hands the classifier: mostly one digit, not always only it."""
    rng = np.random.default_rng(4)
    glyphs = mnist.x_test[:2000].astype(np.float32) / 255
    owned = [found for _ in range(30)
             for found in owned_candidates(compose(rng, glyphs, "touching"), 56, rng, fine=True)]
    mixed = [found for found in owned if MIXED <= found.pure < PURE]
    assert len(mixed) >= 10
    assert all(0 <= found.digit < 6 for found in owned)


def test_a_1_lifted_out_of_the_digit_it_overlaps_is_taught_as_a_1(mnist):
    """`lift`: the parts `cuts.lift_ones` would read, a 1 among them (its own ink, whole)."""
    glyphs = mnist.x_test.astype(np.float32) / 255

    def candidates(lift: bool) -> list[tuple[bytes, int, float, int]]:
        rng = np.random.default_rng(6)
        out = []
        for _ in range(40):
            number = compose(rng, glyphs, "touching")
            out += [(found.input.tobytes(), found.digit, found.pure,
                     int(mnist.y_test[number.picks[found.digit]]))
                    for found in owned_candidates(number, 56, rng, lift=lift)]
        return out

    plain = {key for key, *_ in candidates(False)}
    lifted = [entry for entry in candidates(True) if entry[0] not in plain]
    assert len(lifted) >= 10
    assert any(label == 1 and pure >= PURE for _, _, pure, label in lifted)


def test_a_negative_count_of_cut_digits_is_refused(capsys):
    from train.config import TrainConfig

    with pytest.raises(SystemExit) as stop:
        TrainConfig.from_argv(["--cut-digits", "-1"])
    assert stop.value.code == 2
    assert "--cut-digits -1: must be 0 or more" in capsys.readouterr().err


def test_blank_glyphs_are_left_out_and_none_with_ink_is_a_clear_error(mnist):
    """A blank glyph is no digit to compose: left out; none with ink is an error, not an
    IndexError deep in the composing."""
    from train.numbers import candidate_set

    blank = np.zeros((5, 28, 28), np.float32)
    with pytest.raises(ValueError, match="no glyph has any ink"):
        cut_digit_set(blank, np.zeros(5, np.uint8), 10, seed=1)
    with pytest.raises(ValueError, match="no glyph has any ink"):
        candidate_set(blank, 3, seed=1)
    with pytest.raises(ValueError, match="no glyph has any ink"):  # none at all
        candidate_set(blank[:0], 3, seed=1)
    some = np.concatenate([blank, mnist.x_test[:20].astype(np.float32) / 255])
    x, y = cut_digit_set(some, np.concatenate([np.zeros(5, np.uint8), mnist.y_test[:20]]),
                         20, seed=1)
    assert len(x) == 20 and set(y.tolist()) <= set(mnist.y_test[:20].tolist())


def test_glyphs_never_cut_as_one_digit_end_the_search(monkeypatch):
    """Glyphs whose cut candidates are never mostly one digit's ink: an error after
    MAX_NUMBERS numbers a digit asked, not an endless search."""
    from train import numbers

    monkeypatch.setattr(numbers, "owned_candidates", lambda *args, **kwargs: [])
    glyphs = np.zeros((3, 28, 28), np.float32)
    glyphs[:, 4:24, 12:16] = 1.0
    with pytest.raises(ValueError, match="0 cut digits of the 10 asked for after 200 numbers"):
        cut_digit_set(glyphs, np.ones(3, np.uint8), 10, seed=1)
