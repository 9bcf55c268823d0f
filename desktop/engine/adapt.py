"""Adapting to one person's handwriting from their labelled samples, in NumPy.

The model's `features` output (what its last dense layer reads) places every digit in a space
where a person's own samples can vote. Two gates keep the vote to where it belongs:

- the digit's nearest sample must be clearly nearer than the nearest sample of any other digit
  (RATIO): the samples around it agree on what it is;
- the model must be less than 90 % sure (SURE): where it is surer, it is right 99 % of the time
  (its calibration promise), so samples unlike anyone else's handwriting (the made-up styles of
  the bench) cannot drag everyone's digits to them.

Chosen by measurement (`python bench/adapt.py`, figures in bench/RESULTS.md) over, in
experiments: a logit correction fitted on the features with a pull toward zero (it lost more on
MNIST and saved fewer errors), plain cosine or standardized distances, gates on the sample's own
reading, a soft vote of the three nearest samples multiplied into the probabilities (a few
errors fewer on load_digits, but it learned the struck-through style half as well and lost more
on MNIST with it; weighted by absolute closeness, it saved almost nothing), samples augmented
by small rotations and shifts (no gain), a refit of the last layer in NumPy with a pull back to
the shipped weights (at best 63 % of the errors left with 10 samples a digit, against 66 %, for
0.16 point lost on the fonts), a bonus to each digit by its nearest sample's closeness (58-60 %
left, but 0.4 point lost on photos), distances between logits or log-probabilities instead of
features (worse), and blurred pixels beside the features (51-62 % left, but the continental-1
writer's own 1s fell from 97.5 to 94-96 %: in pixels they sit near plain 7s).

`Adaptation` is fitted from the samples, scikit-learn style (`fit`, then `predict_proba`); it
holds nothing the samples folder does not, and `params()` is all a worker process needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RATIO = 0.7        # nearest sample vs nearest sample of another digit: closer than this, it votes
SURE = 0.9         # the model's top probability from which its answer stands
LEAD = 1.5         # the voted digit's lead in log-odds over the model's own first choice


def _embed(features: np.ndarray) -> np.ndarray:
    """Square root, then unit length: distances then weigh many small activations, not the
    few large ones (measured: fewer errors at the same cost than plain cosine)."""
    root = np.sqrt(np.maximum(np.asarray(features, np.float32), 0))
    return root / (np.linalg.norm(root, axis=1, keepdims=True) + 1e-6)


@dataclass
class Adaptation:
    """predict_proba(probabilities, features) of the model, as this person's samples adjust it."""

    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))  # their digits

    def fit(self, features: np.ndarray, labels: np.ndarray) -> Adaptation:
        self.points = _embed(features) if len(features) else np.zeros((0, 0), np.float32)
        self.labels = np.asarray(labels, np.int8).reshape(-1)
        return self

    def __len__(self) -> int:
        return len(self.labels)

    def params(self) -> tuple[np.ndarray, np.ndarray]:
        """The fitted state: small arrays, picklable, for the batch's worker processes."""
        return self.points, self.labels

    @classmethod
    def from_params(cls, params: tuple[np.ndarray, np.ndarray]) -> Adaptation:
        return cls(*params)

    def votes(self, features: np.ndarray) -> np.ndarray:
        """For each digit, the digit its samples vote for, or -1 where none is near enough."""
        features = np.asarray(features, np.float32)
        if len(np.unique(self.labels)) < 2 or not len(features):
            return np.full(len(features), -1)
        distance = 1 - _embed(features) @ self.points.T               # (N, n) cosine distances
        nearest = distance.argmin(axis=1)
        voted = self.labels[nearest].astype(np.int64)
        rivals = np.where(self.labels[None, :] != voted[:, None], distance, np.inf).min(axis=1)
        close = distance[np.arange(len(features)), nearest] < RATIO * rivals
        return np.where(close, voted, -1)

    def predict_proba(self, probabilities: np.ndarray, features: np.ndarray) -> np.ndarray:
        """The model's probabilities, with the voted digit given the lead where the samples
        vote for another digit than the model's and the model is not sure; elsewhere exactly
        the model's."""
        probabilities = np.asarray(probabilities, np.float32)
        unsure = np.flatnonzero(probabilities.max(axis=1) < SURE)  # few: the vote costs little
        voted = self.votes(np.asarray(features, np.float32)[unsure])
        keep = (voted >= 0) & (voted != probabilities[unsure].argmax(axis=1))
        rows, voted = unsure[keep], voted[keep]
        if not len(rows):
            return probabilities
        logits = np.log(np.clip(probabilities[rows].astype(np.float64), 1e-30, 1.0))
        cols = voted
        logits[np.arange(len(rows)), cols] += logits.max(axis=1) - logits[np.arange(len(rows)),
                                                                          cols] + LEAD
        logits -= logits.max(axis=1, keepdims=True)
        adjusted = np.exp(logits)
        out = probabilities.copy()
        out[rows] = adjusted / adjusted.sum(axis=1, keepdims=True)
        return out
