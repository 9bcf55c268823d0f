"""Other hands made from MNIST digits (train/styles.py): every style gives a real digit in the
model's input format, the shapes are the ones named, and the restyled set is reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.engine.frame import ink_box
from train.styles import (
    STYLES,
    continental_one,
    crossed_seven,
    restyle_many,
    style_set,
    styled_set,
)

RNG_SEED = 3


@pytest.mark.parametrize("name", sorted(STYLES))
def test_each_style_gives_model_inputs_with_ink(mnist, name):
    inputs, labels = style_set(name, mnist.x_test, mnist.y_test, seed=RNG_SEED, count=12)
    wanted = STYLES[name][0]
    assert inputs.shape == (12, 28, 28) and inputs.dtype == np.float32
    assert inputs.min() >= 0.0 and inputs.max() <= 1.0
    assert all(image.max() > 0.5 for image in inputs)
    assert not wanted or set(labels.tolist()) <= set(wanted)


def test_the_continental_one_gets_a_flag_reaching_left_of_its_stem():
    stem = [np.array([[0.5, 0.0], [0.5, 1.0]])]
    flagged = continental_one(stem, np.random.default_rng(RNG_SEED))
    points = np.concatenate(flagged)
    assert points[:, 0].min() < 0.5 - 0.1  # the flag goes down to the left of the top
    assert np.isclose(points[:, 1].min(), 0.0)  # no higher than the stem


def test_the_seven_gets_a_bar_across_its_stem_or_a_foot():
    seven = [np.array([[0.0, 0.0], [0.6, 0.0], [0.3, 1.0]])]
    crossed = crossed_seven(seven, np.random.default_rng(RNG_SEED))
    assert len(crossed) == 2  # the stroke, and the bar or the hook


def test_restyling_is_reproducible_for_a_seed(mnist):
    a = restyle_many(mnist.x_train[:20], mnist.y_train[:20], seed=5)
    b = restyle_many(mnist.x_train[:20], mnist.y_train[:20], seed=5)
    c = restyle_many(mnist.x_train[:20], mnist.y_train[:20], seed=6)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert all(ink_box(x, 0.05) is not None for x in a)


def test_the_restyled_set_is_cached_and_read_back(mnist, tmp_path):
    first = styled_set(mnist.x_train[:300], mnist.y_train[:300], 40, seed=1, cache_dir=tmp_path,
                       workers=1)
    (cached,) = tmp_path.iterdir()
    second = styled_set(mnist.x_train[:300], mnist.y_train[:300], 40, seed=1,
                        cache_dir=tmp_path, workers=1)
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
    assert cached.suffix == ".npz" and len(first[0]) == 40
