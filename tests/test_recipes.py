"""Properties of preprocessing (hypothesis): the same drawing gives nearly the same 28x28 at
any size, position and pen thickness; no input, however odd, makes it crash."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from desktop.engine.frame import BOX, CENTRE, ink_box, normalize
from desktop.engine.ink import find_ink, noise_level
from desktop.engine.raster import digits_height, model_thickness, rasterize, strokes_extent
from desktop.engine.recipes import canvas_digit_input, digit_input, near_strokes
from desktop.engine.resample import resize
from devtools.handwriting import HAND, moved, written

# Two 28x28 inputs look the same below this difference (see `difference`). The closest two
# hand-drawn digits, 3 and 8, are 0.063 apart; 1 and 7 are 0.082, 4 and 9 0.090.
NEARLY = 0.05
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def reference(digit: str) -> np.ndarray:
    return canvas_digit_input(moved(HAND[digit], 2.0, 0, 0), 20)


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference at the best alignment within one pixel: centring rounds the
    centre of mass to whole pixels, so the same drawing may land one pixel over. (The frame's
    empty margin makes the wrap-around of np.roll harmless.)"""
    return min(float(np.abs(np.roll(a, (dy, dx), axis=(0, 1)) - b).mean())
               for dy in (-1, 0, 1) for dx in (-1, 0, 1))


def centre_of_mass(image: np.ndarray) -> np.ndarray:
    ys, xs = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    return np.array([(ys * image).sum(), (xs * image).sum()]) / image.sum()


def check_input(x: np.ndarray) -> None:
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert np.isfinite(x).all() and x.min() >= 0.0 and x.max() <= 1.0


@SETTINGS
@given(digit=st.sampled_from(sorted(HAND)), scale=st.floats(0.3, 8.0),
       dx=st.floats(-1000, 3000), dy=st.floats(-1000, 3000), pen=st.floats(0.01, 0.4))
def test_same_strokes_at_any_size_position_and_thickness_look_the_same(digit, scale, dx, dy,
                                                                       pen):
    thickness = pen * 100 * scale  # relative to the digit's height of 100 units
    x = canvas_digit_input(moved(HAND[digit], scale, dx, dy), thickness)
    check_input(x)
    assert difference(x, reference(digit)) < NEARLY
    assert np.abs(centre_of_mass(x) - centre_of_mass(reference(digit))).max() < 1.0


@pytest.mark.parametrize(("a", "b"), list(combinations(sorted(HAND), 2)))
def test_two_different_digits_do_not_look_the_same(a, b):
    """The tolerance above tells every two hand-drawn digits apart."""
    assert difference(reference(a), reference(b)) > NEARLY


@pytest.mark.parametrize("digit", sorted(HAND))
def test_strokes_are_framed_the_mnist_way(digit):
    x = reference(digit)
    top, bottom, left, right = ink_box(x, 0.05)
    assert max(bottom - top, right - left) in (BOX, BOX + 1)
    assert np.abs(centre_of_mass(x) - CENTRE).max() <= 0.75


@pytest.mark.parametrize(("pen", "drawn"), [(40, 13.0), (11, 11.0), (2, 9.0)])
def test_the_pen_is_kept_within_mnist_proportions_of_the_writing(pen, drawn):
    strokes = moved(HAND["0"], 1.0, 0, 0)  # 100 px high
    assert model_thickness(strokes, pen) == pytest.approx(drawn)


def test_the_digits_height_is_a_digits_not_a_rising_numbers_nor_a_marks():
    zero = moved(HAND["0"], 1.0, 0, 0)
    (_, top, _, bottom) = strokes_extent(zero)
    rising = [s for i in range(3) for s in moved(HAND["0"], 1.0, 80.0 * i, -30.0 * i)]
    (_, rising_top, _, rising_bottom) = strokes_extent(rising)
    assert rising_bottom - rising_top == pytest.approx(bottom - top + 60)
    assert digits_height(rising) == pytest.approx(bottom - top)
    assert digits_height(zero) == pytest.approx(bottom - top)
    dot = [[(200.0, bottom - 5), (203.0, bottom - 3)]]
    assert digits_height([*zero, *dot]) == pytest.approx(bottom - top)  # a mark: no digit
    assert digits_height([]) is None and digits_height([[]]) is None


@pytest.mark.parametrize("path", sorted((Path(__file__).parent / "data" / "rising").glob(
    "*.json")), ids=lambda p: p.stem)
def test_real_numbers_taller_than_their_digits_read_right(classifier, path):
    """Real numbers whose open 4 (or 0, 9) the pen drawn at the proportion of the whole
    drawing's height closed (read "163", "3164", "65"...); at the digits' height it stays open."""
    from desktop.engine.reading import read_strokes

    item = json.loads(path.read_text())
    for scale in (0.1, 0.14):  # 100 and 140 px high on the app's starting canvas
        strokes = [[(40 + x * scale, 50 + y * scale) for x, y in s] for s in item["strokes"]]
        assert "".join(map(str, read_strokes(strokes, 22, classifier).digits)) == item["label"]


@SETTINGS
@given(digit=st.sampled_from(sorted(HAND)), light_paper=st.booleans(),
       scale=st.integers(1, 12), pad=st.integers(0, 40), paper=st.floats(0.0, 0.3))
@example(digit="8", light_paper=False, scale=1, pad=0, paper=0.0)  # thick, cropped tight
def test_a_picture_reads_the_same_in_either_polarity_size_and_tint(digit, light_paper, scale,
                                                                   pad, paper):
    ink = rasterize(moved(HAND[digit], 1.0, 0, 0), 12)
    ink = np.pad(np.kron(ink, np.ones((scale, scale), np.float32)), pad) if scale < 4 \
        else np.pad(resize(ink, ink.shape[0] * scale // 2, ink.shape[1] * scale // 2), pad)
    picture = 1.0 - paper - (1.0 - paper) * ink if light_paper else paper + (1 - paper) * ink
    x = digit_input((picture * 255).astype(np.uint8))
    check_input(x)
    assert difference(x, normalize(ink)) < NEARLY


@SETTINGS
@given(arrays(st.sampled_from([np.uint8, np.uint16, np.float32, np.float64, np.bool_]),
              array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=64)))
def test_any_grey_image_gives_a_valid_input(image):
    check_input(digit_input(image))


@SETTINGS
@given(arrays(np.uint8, st.tuples(st.integers(1, 40), st.integers(1, 40),
                                  st.sampled_from([1, 2, 3, 4]))))
def test_any_colour_or_transparent_image_gives_a_valid_input(image):
    check_input(digit_input(image))


@pytest.mark.parametrize("image", [
    np.zeros((28, 28), np.uint8),                      # blank
    np.full((50, 50), 255, np.uint8),                  # all paper
    np.zeros((1, 1), np.uint8),                        # one pixel
    np.ones((1, 1), np.float32),
    np.eye(1, 300, dtype=np.float32),                  # one-pixel line
    np.full((6000, 4000), 255, np.uint8),              # huge and blank
    np.pad(np.zeros((3000, 20), np.uint8), 40, constant_values=255),  # huge sliver of ink
    np.array([[np.nan, np.inf], [-np.inf, 0.5]]),      # not even numbers
], ids=["blank", "paper", "pixel", "ink-pixel", "line", "huge", "sliver", "nan"])
def test_odd_images_do_not_crash(image):
    check_input(digit_input(image))


def test_a_blank_picture_has_no_ink():
    assert not find_ink(np.full((40, 40), 200, np.uint8)).any()
    assert not digit_input(np.full((40, 40), 200, np.uint8)).any()


@pytest.mark.parametrize("strokes", [
    [], [[]], [[(5, 5)]], [[(5, 5), (5, 5)]], [[(0, 0), (1e5, 0)]], [[(0, 0), (0, 0.01)]],
], ids=["none", "empty", "dot", "same-point", "huge", "tiny"])
@pytest.mark.parametrize("thickness", [0.1, 1, 20, 500])
def test_odd_strokes_do_not_crash(strokes, thickness):
    check_input(canvas_digit_input(strokes, thickness))


@SETTINGS
@given(st.lists(st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4)), max_size=6),
                max_size=4), st.floats(0.5, 100))
def test_random_strokes_give_a_valid_input(strokes, thickness):
    check_input(canvas_digit_input(strokes, thickness))


@given(st.integers(1, 40), st.integers(1, 40), st.integers(1, 80), st.integers(1, 80),
       st.floats(0, 1))
def test_resizing_a_flat_image_keeps_it_flat(h, w, new_h, new_w, level):
    out = resize(np.full((h, w), level, np.float32), new_h, new_w)
    assert out.shape == (new_h, new_w)
    assert np.allclose(out, level, atol=1e-5)


@pytest.mark.parametrize("ink_colour", [0, 255])
def test_digit_on_transparent_background_reads_in_either_ink_colour(mnist, ink_colour):
    """Alpha carries the digit: a white or a black digit on a fully transparent background."""
    digit = mnist.x_test[0]
    rgba = np.zeros((28, 28, 4), np.uint8)
    rgba[..., :3] = ink_colour
    rgba[..., 3] = digit
    reference = digit_input(np.repeat(digit[..., None], 3, axis=2))  # the same, in colour
    assert np.abs(digit_input(rgba) - reference).max() < 0.05


def test_faint_haze_far_from_the_strokes_is_dropped():
    ink = np.zeros((60, 60), np.float32)
    ink[10:40, 20:24] = 1.0       # a stroke
    ink[10:40, 25] = 0.1          # its faint edge, kept
    ink[55:58, 0:60] = 0.1        # a shadow's edge far away, dropped
    kept = near_strokes(ink)
    assert kept[10:40, 25].min() == pytest.approx(0.1)
    assert kept[55:58].max() == 0.0


def paper_with_a_digit(mnist, sigma: float, blur: bool = False) -> np.ndarray:
    """A large MNIST digit, dark grey on light grey paper, with noise of `sigma`."""
    from PIL import Image, ImageFilter

    glyph = Image.fromarray(mnist.x_test[3]).resize((240, 240), Image.Resampling.BICUBIC)
    if blur:
        glyph = glyph.filter(ImageFilter.GaussianBlur(6))
    ink = np.pad(np.asarray(glyph, np.float32) / 255, 40)
    noise = np.random.default_rng(1).normal(0, sigma, ink.shape)
    return (0.8 - 0.5 * ink + noise).astype(np.float32)


@pytest.mark.parametrize("blur", [False, True])
@pytest.mark.parametrize("sigma", [0.005, 0.02, 0.06])
def test_the_noise_level_is_the_papers_however_much_of_the_picture_the_digit_covers(
        mnist, sigma, blur):
    assert noise_level(paper_with_a_digit(mnist, sigma, blur)) == pytest.approx(sigma, rel=0.2)


def test_the_grain_of_a_noisy_photo_is_not_taken_for_ink(mnist):
    """A pale digit (contrast 0.5) in strong grain (0.06): only ink well above the grain
    counts, so the paper around the digit stays clean."""
    ink = find_ink(paper_with_a_digit(mnist, 0.06), 512)
    paper = np.ones(ink.shape, bool)
    paper[30:290, 30:290] = False  # the digit's square and a margin
    assert np.mean(ink[paper] > 0.2) < 0.001
    assert ink[~paper].max() == 1.0


def test_the_picture_recipe_frames_a_big_scan_like_mnist(mnist):
    scan = np.kron(255 - mnist.x_test[0], np.ones((20, 20), np.uint8))  # 560x560, ink dark
    model_input = digit_input(scan)
    assert model_input.shape == (28, 28)
    rows = np.flatnonzero(model_input.max(axis=1) > 0.05)
    assert 18 <= rows[-1] - rows[0] + 1 <= 20


def test_the_canvas_brings_strokes_to_mnist_width_once_when_it_draws_them(monkeypatch):
    """The pen is drawn within MNIST's proportions (`raster.model_thickness`); framing each
    digit does not measure and change the width again (two rules with different bands)."""
    from desktop.engine import frame, recipes

    def measured_again(_ink, _size=None):
        raise AssertionError("stroke width normalized a second time")

    monkeypatch.setattr(frame, "normalize_stroke_width", measured_again)
    strokes = written("2026")
    for thickness in (1, 40):
        assert len(recipes.canvas_inputs(strokes, thickness)) == 4
        assert recipes.canvas_digit_input(written("7"), thickness).any()
    with pytest.raises(AssertionError, match="second time"):  # pictures still do it
        recipes.digit_input(np.pad(np.ones((40, 6), np.float32), 10))


def test_a_pictures_pale_stroke_is_read_nearer_full_ink_and_solid_ink_as_before():
    """`normalize`'s gamma raises pale ink (0.3 → 0.3 ** 0.7) and leaves solid ink and paper,
    so a digit of solid strokes frames exactly as without it."""
    ink = np.zeros((60, 40), np.float32)
    ink[:, 2:8], ink[:, 30:36] = 1.0, 0.3  # a dark and a pale bar, apart
    plain, raised = normalize(ink), normalize(ink, gamma=0.7)
    pale = slice(20, 28)  # the pale bar's columns in the 28x28 frame
    assert plain[10:18, pale].max() == pytest.approx(0.3, abs=0.01)
    assert raised[10:18, pale].max() == pytest.approx(0.3 ** 0.7, abs=0.01)
    solid = (ink > 0.5).astype(np.float32)
    assert np.array_equal(normalize(solid, gamma=0.7), normalize(solid))

