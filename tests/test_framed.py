"""The MNIST-framing check: MNIST-framed images pass unchanged, everything else is sent on."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.engine.framed import framed_inputs, is_candidate
from desktop.engine.ink import find_ink


def test_all_mnist_test_digits_are_framed_and_kept_exactly(mnist):
    inputs, framed = framed_inputs(mnist.x_test)
    assert framed.all()
    assert np.array_equal(inputs, mnist.x_test.astype(np.float32) / np.float32(255))


def test_dark_ink_on_white_is_framed_too_and_turned_to_ink_on_black(mnist):
    inputs, framed = framed_inputs(255 - mnist.x_test[:100])
    assert framed.all()
    assert np.allclose(inputs, mnist.x_test[:100] / 255.0, atol=1e-6)


@pytest.mark.parametrize("change", ["shifted", "small", "noisy", "grey paper", "blank"])
def test_images_not_framed_like_mnist_are_not_taken_as_framed(mnist, change):
    image = mnist.x_test[0].copy()
    if change == "shifted":
        image = np.roll(image, 4, axis=1)
    elif change == "small":
        image = np.pad(image[::2, ::2], 7)
    elif change == "noisy":
        image = np.maximum(image, np.random.default_rng(0).integers(0, 60, image.shape,
                                                                    dtype=np.uint8))
    elif change == "grey paper":
        image = (128 + image // 2).astype(np.uint8)
    else:
        image[:] = 0
    _, framed = framed_inputs(image[None])
    assert not framed[0]


def test_only_28x28_grey_bytes_are_candidates():
    assert is_candidate(np.zeros((28, 28), np.uint8))
    assert not is_candidate(np.zeros((28, 28, 3), np.uint8))
    assert not is_candidate(np.zeros((28, 28), np.uint16))
    assert not is_candidate(np.zeros((56, 56), np.uint8))


def strokes_off_the_edge() -> np.ndarray:
    """Grey paper (200) with thick dark strokes (0) along the top and down most of the left
    edge: 52 of the 108 edge pixels are ink, so the edge's mean (104) is below half the range
    although most of the edge is paper."""
    image = np.full((28, 28), 200, np.uint8)
    image[0:3, :] = 0
    image[:25, 0:3] = 0
    return image


def test_paper_under_strokes_running_off_the_edge_is_light_in_both_recipes():
    image = strokes_off_the_edge()
    inputs, _ = framed_inputs(image[None])
    assert inputs[0][20, 20] == pytest.approx(55 / 255)  # paper, inverted: little ink
    assert inputs[0][1, 10] == 1.0
    ink = find_ink(image)
    assert ink[20, 20] == 0.0 and ink[1, 10] == 1.0
