"""Numbers written on a form's printed lines (underlined, boxed, on grid paper) read as the
numbers: the lines go before the digits are looked for (`engine/lines.py`). Each scan is made of
real MNIST test digits; the lines join them into pieces of ink."""

from __future__ import annotations

import numpy as np
import pytest
from numbers_read import read
from PIL import Image

from desktop.engine.ink import find_ink
from desktop.engine.lines import remove_lines
from desktop.engine.reading import read_image_file
from desktop.engine.segment import INK_THRESHOLD, components

HEIGHT, PAD = 28, 10


def columns_of_ink(glyph: np.ndarray) -> np.ndarray:
    columns = np.flatnonzero(glyph.max(axis=0) > 0.1)
    return glyph[:, columns[0]:columns[-1] + 1]


def written(digits, text: str) -> np.ndarray:
    """The digits side by side, 5 px apart, with PAD px of paper around (ink = 1)."""
    glyphs = [columns_of_ink(digits[int(d)] / 255) for d in text]
    width = sum(g.shape[1] for g in glyphs) + 5 * (len(text) - 1) + 2 * PAD
    ink = np.zeros((HEIGHT + 2 * PAD, width), np.float32)
    x = PAD
    for glyph in glyphs:
        ink[PAD:PAD + HEIGHT, x:x + glyph.shape[1]] = glyph
        x += glyph.shape[1] + 5
    return ink


def ruled(ink: np.ndarray, form: str, square: int = 9) -> np.ndarray:
    """Printed lines over the ink, as dark as it: where the digits' feet and tops are, or a
    grid of `square` px."""
    lines = np.zeros_like(ink)
    w = ink.shape[1]
    rows = np.flatnonzero(ink.max(axis=1) > 0.3)
    if form == "underlined":
        lines[rows[-1] - 4, 2:w - 2] = 1  # through the digits' feet
    elif form in ("boxed", "comb"):
        lines[[rows[0] + 1, rows[-1] - 1], 2:w - 2] = 1  # through their tops and feet
        lines[rows[0] + 1:rows[-1], [2, w - 3]] = 1
        if form == "comb":  # a box per digit, each divider against the digit on its left
            inked = np.flatnonzero(ink.max(axis=0) > 0.1)
            lines[rows[0] + 1:rows[-1], inked[np.flatnonzero(np.diff(inked) > 1)] + 1] = 1
    else:  # grid paper, a line every `square` px each way
        lines[5::square] = 1
        lines[:, 5::square] = 1
    return np.maximum(ink, lines)


def scan(ink: np.ndarray, path, tilt: float = 0.0, enlarged: float = 3) -> None:
    """Grey paper, dark grey ink, a little noise, enlarged (3x); turned by `tilt` degrees."""
    page = 0.85 - 0.65 * ink + np.random.default_rng(0).normal(0, 0.02, ink.shape)
    image = Image.fromarray((np.clip(page, 0, 1) * 255).astype(np.uint8))
    image = image.resize((round(ink.shape[1] * enlarged), round(ink.shape[0] * enlarged)),
                         Image.BILINEAR)
    image.rotate(tilt, Image.BILINEAR, expand=True, fillcolor=217).save(path)


def pieces(path) -> int:
    return len(components(find_ink(np.asarray(Image.open(path)), 512))[1])


@pytest.mark.parametrize("form", ["underlined", "boxed", "grid"])
@pytest.mark.parametrize("text", ["4096", "715", "380"])
def test_a_number_on_a_forms_lines_reads_as_the_number(tmp_path, digits, classifier, form,
                                                       text):
    path = tmp_path / f"{text} {form}.png"
    scan(ruled(written(digits, text), form), path)
    assert pieces(path) < len(text)  # the lines join digits into one piece of ink
    assert read(path) == text
    assert "".join(map(str, read_image_file(str(path), classifier).digits)) == text  # the app


@pytest.mark.parametrize(("digit", "form"), [
    ("4", "underlined"), ("7", "underlined"), ("1", "boxed"), ("4", "boxed"), ("7", "boxed")])
def test_one_digit_on_a_line_or_in_a_box_is_read_alone(tmp_path, digits, form, digit):
    """Bars and a stem, as straight as the lines. (A lone 1 on a line as short as itself is
    left so: it is how a 1 with a foot is written.)"""
    path = tmp_path / f"{digit} {form}.png"
    scan(ruled(written(digits, digit), form), path)
    assert read(path) == digit


@pytest.mark.parametrize("form", ["underlined", "boxed", "grid"])
@pytest.mark.parametrize("tilt", [-2.0, 1.5])
def test_lines_of_a_scan_askew_go_too(tmp_path, digits, classifier, form, tilt):
    """Turned with the page around it, so a grid's columns end inside the picture (its
    squares half the digits' height: finer ones askew can leave a piece of line on a digit)."""
    path = tmp_path / f"4096 {form} {tilt}.png"
    scan(ruled(written(digits, "4096"), form, square=14), path, tilt)
    assert read(path) == "4096"
    assert "".join(map(str, read_image_file(str(path), classifier).digits)) == "4096"


@pytest.mark.parametrize(("enlarged", "tilt"), [(2, 0.0), (1.5, 0.0), (1.5, -2.0)])
def test_a_box_per_digit_goes_where_the_digits_touch_its_dividers(tmp_path, digits, classifier,
                                                                  enlarged, tilt):
    """A small scan: no paper between a digit and the divider it touches (the 4's right side
    was read as a 1 beside it)."""
    path = tmp_path / f"4096 comb {enlarged} {tilt}.png"
    scan(ruled(written(digits, "4096"), "comb"), path, tilt, enlarged)
    assert read(path) == "4096"
    assert "".join(map(str, read_image_file(str(path), classifier).digits)) == "4096"


@pytest.mark.parametrize("slope", [-0.06, -0.02, 0.015, 0.05])
def test_a_tilted_line_is_turned_into_one_level_band(slope):
    from desktop.engine.lines import _turned

    ink = np.zeros((60, 200), np.float32)
    x = np.arange(10, 190)
    ink[np.round(30 + (x - 100) * slope).astype(int), x] = 1.0  # a line one pixel thick
    level = _turned(ink, slope)
    rows = level.sum(axis=1)
    assert rows.max() > 0.45 * ink.sum()  # piled into a row or two, not spread over many
    assert np.sort(rows)[-3:].sum() > 0.95 * ink.sum()
    assert level.sum() == pytest.approx(ink.sum(), rel=0.03)


def test_a_number_askew_without_lines_is_left_as_it_is(digits):
    """Its rows of ink pile up when turned, as a line's do, but in pieces."""
    page = Image.fromarray((written(digits, "4096") * 255).astype(np.uint8))
    for tilt in (-2.5, 1.5, 3.0):
        ink = np.asarray(page.rotate(tilt, Image.BILINEAR, expand=True), np.float32) / 255
        assert remove_lines(ink, INK_THRESHOLD) is ink


def test_a_line_through_a_stroke_leaves_the_stroke_whole():
    ink = np.zeros((40, 120), np.float32)
    ink[8:32, 50:53] = 1.0   # a 1's stem
    ink[20:22, 2:118] = 1.0  # a line through it
    out = remove_lines(ink, INK_THRESHOLD)
    assert out[20:22, 2:48].max() == 0 and out[20:22, 56:118].max() == 0  # the line goes
    assert (out[8:32, 50:53] == 1).all()  # the stem stays, where the line crossed it too


def test_a_digits_bars_and_a_closing_dash_are_no_lines():
    ink = np.zeros((40, 120), np.float32)
    ink[6:10, 10:34] = 1.0    # a 7's bar, as long as the digit is wide
    ink[6:34, 30:34] = 1.0
    ink[24:27, 90:110] = 1.0  # a closing dash
    assert np.array_equal(remove_lines(ink, INK_THRESHOLD), ink)


def test_a_square_zero_is_no_box():
    ink = np.zeros((50, 40), np.float32)
    ink[[5, 6, 43, 44], 5:35] = 1.0   # its top and bottom
    ink[5:45, [5, 6, 33, 34]] = 1.0   # its sides: a box, but with nothing inside
    assert np.array_equal(remove_lines(ink, INK_THRESHOLD), ink)


def test_a_stem_between_a_boxs_lines_stays_and_the_boxs_sides_go():
    ink = np.zeros((50, 140), np.float32)
    ink[[4, 45], 2:138] = 1.0        # the box's top and bottom
    ink[4:46, [2, 137]] = 1.0        # its sides, from one to the other
    ink[10:40, 60:62] = 1.0          # a 1 inside, free of them
    out = remove_lines(ink, INK_THRESHOLD)
    assert out[:, :10].max() == 0 and out[:, 130:].max() == 0 and out[[4, 45]].max() == 0
    assert (out[10:40, 60:62] == 1).all()


def test_digits_without_lines_are_left_as_they_are(mnist):
    """A thousand MNIST test digits, enlarged as pictures are, some stretched twice as wide
    (long bars of 7s, 2s' feet, 4s' arms): no stroke is taken for a line."""
    from PIL import Image as PILImage

    for k, digit in enumerate(mnist.x_test[:1000]):
        width = 84 * (2 if k % 3 == 0 else 1)
        picture = PILImage.fromarray(digit).resize((width, 84), PILImage.BILINEAR)
        ink = np.asarray(picture, np.float32) / 255
        assert np.array_equal(remove_lines(ink, INK_THRESHOLD), ink), k
