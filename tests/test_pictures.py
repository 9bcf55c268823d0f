"""Pixels to PPM for Tk: what the window shows of an image and of the model's input."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.window.pictures import enlarge, fit, ppm, to_rgb


def test_ppm_has_a_header_and_the_pixels():
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    data = ppm(rgb)
    assert data.startswith(b"P6 3 2 255\n") and data.endswith(rgb.tobytes())


@pytest.mark.parametrize("shape", [(5, 7), (5, 7, 1), (5, 7, 2), (5, 7, 3), (5, 7, 4)])
def test_any_channel_count_becomes_rgb(shape):
    assert to_rgb(np.zeros(shape, np.uint8)).shape == (5, 7, 3)


def test_transparency_is_shown_on_white():
    clear_black = np.zeros((2, 2, 4), np.uint8)
    assert np.all(to_rgb(clear_black) == 1.0)


@pytest.mark.parametrize(("shape", "box", "size"), [
    ((100, 50), (200, 200), (200, 100)),   # grows
    ((1000, 4000), (400, 300), (100, 400)),  # shrinks, aspect kept
])
def test_fit_keeps_the_aspect_ratio(shape, box, size):
    assert fit(np.zeros(shape, np.uint8), *box).shape == (*size, 3)


def test_enlarge_shows_each_input_pixel_as_a_square_bright_on_black():
    model_input = np.zeros((28, 28), np.float32)
    model_input[3, 5] = 1.0
    big = enlarge(model_input, 4)
    assert big.shape == (112, 112, 3)
    assert np.all(big[12:16, 20:24] == 255) and big.sum() == 16 * 3 * 255
