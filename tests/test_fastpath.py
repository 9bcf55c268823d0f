"""The batch fast path: MNIST-framed images pass unchanged, everything else is sent on."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.fastpath import framed_inputs, general_input, is_candidate, near_strokes


def test_all_mnist_test_digits_are_framed_and_kept_exactly(mnist):
    inputs, framed = framed_inputs(mnist.x_test)
    assert framed.all()
    assert np.array_equal(inputs, mnist.x_test.astype(np.float32) / np.float32(255))


def test_dark_ink_on_white_is_framed_too_and_turned_to_ink_on_black(mnist):
    inputs, framed = framed_inputs(255 - mnist.x_test[:100])
    assert framed.all()
    assert np.allclose(inputs, mnist.x_test[:100] / 255.0, atol=1e-6)


@pytest.mark.parametrize("change", ["shifted", "small", "noisy", "grey paper", "blank"])
def test_images_not_framed_like_mnist_are_sent_to_the_general_path(mnist, change):
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


def test_faint_haze_far_from_the_strokes_is_dropped():
    ink = np.zeros((60, 60), np.float32)
    ink[10:40, 20:24] = 1.0       # a stroke
    ink[10:40, 25] = 0.1          # its faint edge, kept
    ink[55:58, 0:60] = 0.1        # a shadow's edge far away, dropped
    kept = near_strokes(ink)
    assert kept[10:40, 25].min() == pytest.approx(0.1)
    assert kept[55:58].max() == 0.0


def test_the_general_path_frames_a_big_scan_like_mnist(mnist):
    scan = np.kron(255 - mnist.x_test[0], np.ones((20, 20), np.uint8))  # 560x560, ink dark
    model_input = general_input(scan)
    assert model_input.shape == (28, 28)
    rows = np.flatnonzero(model_input.max(axis=1) > 0.05)
    assert 18 <= rows[-1] - rows[0] + 1 <= 20
