"""Other hands made from MNIST digits (train/hands.py, train/styles.py): every style gives a
real digit in the model's input format, the shapes are the ones named, and the restyled set is
reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.engine.frame import ink_box, stroke_width
from desktop.engine.recipes import digit_input
from train.hands import continental_one, crossed_seven
from train.styles import STYLES, restyle_many, style_set, styled_set

RNG_SEED = 3


# ---------------------------------------------------------------- measured on the 28x28 inputs

def slant(x: np.ndarray) -> float:
    """dx/dy of the ink's principal lean, from its second moments."""
    ys, xs = np.mgrid[0:x.shape[0], 0:x.shape[1]]
    w = x / x.sum()
    dy, dx = ys - (ys * w).sum(), xs - (xs * w).sum()
    return float((dx * dy * w).sum() / (dy * dy * w).sum())


def aspect(x: np.ndarray) -> float:
    top, bottom, left, right = ink_box(x, 0.3)
    return (right - left) / (bottom - top)


def grey_share(x: np.ndarray) -> float:
    """Share of the inked pixels that are mid-grey: high for blurred or enlarged scans."""
    inked = x > 0.05
    return float((inked & (x < 0.7)).sum() / inked.sum())


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference at the best alignment within one pixel."""
    return min(float(np.abs(np.roll(a, (dy, dx), axis=(0, 1)) - b).mean())
               for dy in (-1, 0, 1) for dx in (-1, 0, 1))


def median(f, styled: np.ndarray, plain: np.ndarray | None = None) -> float:
    return float(np.median([f(*pair) for pair in zip(styled, plain, strict=True)]
                           if plain is not None else [f(x) for x in styled]))


def slant_change(s, p):
    return abs(slant(s) - slant(p))


def width_change(s, p):
    return aspect(s) / aspect(p)


# What each style does to a digit, as the style's name says, checked on 12 digits against the
# same MNIST digits read plainly by the app's recipe: (the digit it is for, None for every
# digit; a check beyond "not the MNIST digit again", None for none).
APPLIED = {
    "continental 1 (flag, base)": (1, lambda s, p: median(width_change, s, p) > 1.25),
    "7 with a bar or hooked foot": (7, None),  # the bar or foot: see the test below
    "4 in one stroke, open top": (4, lambda s, p: median(difference, s, p) > 0.08),
    "9 with a small loop, straight or hooked stem": (
        9, lambda s, p: median(difference, s, p) > 0.08),
    "2 with a loop at its foot": (2, lambda s, p: median(difference, s, p) > 0.08),
    "mouse polylines, pen lifts joined": (None, None),
    "slant 20-30 degrees": (None, lambda s, p: min(map(slant_change, s, p)) > 0.25),
    "much wider or narrower": (
        None, lambda s, p: all(abs(np.log(width_change(*pair))) > np.log(1.15)
                               for pair in zip(s, p, strict=True))),
    "thick marker (a quarter of the height)": (
        None, lambda s, p: median(stroke_width, s) > 1.25 * median(stroke_width, p)),
    "hairline pen": (
        None, lambda s, p: median(stroke_width, s) < 0.85 * median(stroke_width, p)),
    "scan 8-16 px high, blocky": (
        None, lambda s, p: median(grey_share, s) > 1.3 * median(grey_share, p)),
    "scan 8-16 px high, blurred": (
        None, lambda s, p: median(grey_share, s) > 1.3 * median(grey_share, p)),
}


def test_every_style_is_checked():
    assert set(APPLIED) == set(STYLES)


@pytest.mark.parametrize("name", sorted(APPLIED))
def test_each_style_is_applied_to_real_digits(mnist, name):
    digit, applied = APPLIED[name]
    chosen = np.flatnonzero(mnist.y_test == digit)[:12] if digit is not None else np.arange(12)
    plain = np.stack([digit_input(d) for d in mnist.x_test[chosen]])
    inputs, labels = style_set(name, mnist.x_test, mnist.y_test, seed=RNG_SEED, count=12)
    assert inputs.shape == (12, 28, 28) and inputs.dtype == np.float32
    assert inputs.min() >= 0.0 and inputs.max() <= 1.0
    assert np.array_equal(labels, mnist.y_test[chosen])
    assert median(difference, inputs, plain) > 0.04  # not the MNIST digit again
    assert applied is None or applied(inputs, plain)


def test_the_continental_one_gets_a_flag_reaching_left_of_its_stem():
    stem = [np.array([[0.5, 0.0], [0.5, 1.0]])]
    flagged = continental_one(stem, np.random.default_rng(RNG_SEED))
    points = np.concatenate(flagged)
    assert points[:, 0].min() < 0.5 - 0.1  # the flag goes down to the left of the top
    assert np.isclose(points[:, 1].min(), 0.0)  # no higher than the stem


def test_a_lowered_flag_meets_the_stem_below_its_top_flatter():
    stem = [np.array([[0.5, 0.0], [0.5, 1.0]])]
    for seed in range(20):
        flag = continental_one(stem, np.random.default_rng(seed), base=0.0, below=1.0)[0]
        (x0, y0), (x1, y1) = flag[0], flag[1]
        assert x1 == 0.5 and 0.1 <= y1 <= 0.45  # on the stem, below its top
        assert x0 < x1 and 0 <= y0 - y1 <= np.tan(np.radians(40)) * (x1 - x0) + 1e-9


def test_a_hooked_flag_starts_with_a_small_tick_down():
    stem = [np.array([[0.5, 0.0], [0.5, 1.0]])]
    for seed in range(20):
        flag = continental_one(stem, np.random.default_rng(seed), base=0.0, hooked=1.0)[0]
        tick, start, end = flag[0], flag[1], flag[2]
        assert np.array_equal(end, [0.5, 0.0])  # the flag still meets the top
        assert 0.05 <= np.linalg.norm(tick - start) <= 0.12 + 1e-9 and tick[1] > start[1]


def test_the_seven_gets_a_bar_across_its_stem_or_a_foot():
    seven = np.array([[0.0, 0.0], [0.6, 0.0], [0.3, 1.0]])  # the stem: x = 0.6 - 0.3 y
    kinds = set()
    for seed in range(20):
        crossed = crossed_seven([seven], np.random.default_rng(seed))
        assert len(crossed) == 2 and np.array_equal(crossed[0], seven)
        added = crossed[1]
        (x0, y0), (x1, y1) = added[0], added[-1]
        if len(added) == 2:  # a bar: level, at mid height, reaching both sides of the stem
            y = (y0 + y1) / 2
            assert 0.4 <= y <= 0.65 and abs(y1 - y0) < 0.1
            assert x0 < 0.6 - 0.3 * y < x1
            kinds.add("bar")
        else:  # a foot: from the stem's end, sideways and a little up
            assert (x0, y0) == (0.3, 1.0)
            assert abs(x1 - x0) > 0.1 and y1 < y0
            kinds.add("foot")
    assert kinds == {"bar", "foot"}


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


def test_the_cache_follows_the_code_that_restyles_and_only_it():
    """The key reads the sources of the modules restyling imports, at any depth: the app's
    recipes and raster (used inside functions too), not the classifier or the adaptation."""
    from pathlib import Path

    import train.styles as styles
    from train.cached import ROOT, sources

    names = {str(p.relative_to(ROOT)) for p in sources(Path(styles.__file__))}
    assert {"train/styles.py", "train/hands.py", "train/skeleton.py", "desktop/engine/recipes.py",
            "desktop/engine/raster.py", "desktop/engine/imagefile.py"} <= names
    assert not names & {"desktop/engine/classifier.py", "desktop/engine/adapt.py",
                        "desktop/engine/reading.py", "train/cli.py"}
