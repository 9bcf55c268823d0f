"""Temperature scaling: the fitted temperature undoes a known over- or under-confidence, and
folding it into the model changes how sure it is, never what it reads."""

from __future__ import annotations

import numpy as np
import pytest

from train.calibrate import apply_temperature, confident_share, fit_temperature


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("distortion", [0.4, 1.0, 2.5])
def test_the_temperature_undoes_a_known_distortion(distortion):
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, (20000, 10))
    labels = np.array([rng.choice(10, p=p) for p in softmax(logits)])  # calibrated labels
    fitted = fit_temperature(softmax(logits / distortion), labels)
    assert fitted == pytest.approx(1 / distortion, rel=0.08)


def test_confident_share_counts_the_sure_and_their_accuracy():
    probabilities = np.array([[0.95, 0.05], [0.2, 0.8], [0.05, 0.95], [0.91, 0.09]])
    labels = np.array([0, 1, 0, 0])
    assert confident_share(probabilities, labels) == {"share": 0.75, "accuracy": 2 / 3}


def test_folding_the_temperature_keeps_every_prediction():
    import keras

    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(3, activation="softmax", name="probabilities")(inputs)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(1).normal(0, 2, (200, 4)).astype(np.float32)
    before = model.predict(x, verbose=0)
    apply_temperature(model, 0.5)
    after = model.predict(x, verbose=0)
    assert np.array_equal(before.argmax(1), after.argmax(1))
    assert (after.max(1) >= before.max(1) - 1e-6).all()  # sharper: T = 0.5
    assert after.max(1).mean() > before.max(1).mean()
