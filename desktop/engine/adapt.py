"""Adapting to one person's handwriting from their labelled samples, in NumPy.

The model gives two views of a digit besides its probabilities (export/features.py):
`features`, where its own reading places the digit, and `style`, the strokes' parts before they
are reduced to a reading. A digit the model is unsure of is scored for each digit d by

    log p(d) - FEATURES_WEIGHT * (distance to the nearest sample of d in features)
             - STYLE_WEIGHT * (distance to the nearest sample of d in style)

(cosine distances of square-rooted activations), and read as the best-scoring digit where that
beats the model's own choice by MARGIN. Three gates keep the samples to where they belong:

- SURE: where the model is at least 90 % sure it stands: there it is right 99 % of the time
  (its calibration promise);
- MISREAD: only a digit whose samples the model reads with more doubt than it reads everyone's
  (on average MISREAD times its usual doubt, the median of 1 - p(digit) on digits it never
  trained on, measured at export: export/doubt.py) can be voted for: a person whose 7s it reads
  well gains nothing from turning their doubtful 1s into 7s (the continental-1 writer of the
  bench lost 3 points so). The model's own measure, because models differ several-fold: a
  distilled model reads plain 7s with three times the bundled model's doubt, and against a
  fixed threshold that writer lost 3 points to it. Three samples of a digit say little alone:
  their mean is pulled toward the mean over all the person's samples as if by PRIOR samples
  more (with 3 a digit: 52-64 % of the load_digits errors left instead of 68-72 %);
- NEAR: the digit must lie near one of the samples in style (cosine distance under 0.18; the
  samples of the digits in play, its own reading's and those that can be voted for):
  samples unlike anyone else's handwriting (the made-up styles of the bench) cannot drag
  everyone's digits to them.

Chosen by measurement (`python bench/adapt.py`, figures in bench/RESULTS.md) over, in
experiments: a nearest-sample vote in features alone with a ratio gate (the last method: 62 % of
the load_digits errors left with 10 samples a digit, against 46 %), a logit correction fitted on
the features with a pull toward zero (it lost more on MNIST and saved fewer errors), class means
instead of nearest samples, a vote restricted to the model's two first choices, plain cosine or
standardized distances, a soft vote of the three nearest samples, samples augmented by small
rotations and shifts (no gain), a refit of the last layer in NumPy, the flattened last
convolution's output or blurred pixels as the style view (more errors left, or the
continental-1 writer's own 1s read as 7s), and the weights chosen per person by leave-one-out on
their samples (too few samples to choose by).

`Adaptation.fit` builds one from the samples (then `predict_proba`); `adding` and `keeping`
follow the samples folder without redoing the rest. It holds nothing the folder does not, and
`params()` is all a worker process needs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

SURE = 0.9              # the model's top probability from which its answer stands
FEATURES_WEIGHT = 10.0  # per unit of cosine distance to a digit's nearest sample, in features
STYLE_WEIGHT = 50.0     # the same in style
MARGIN = 0.25           # how much better than the model's own choice a digit must score
MISREAD = 2.5           # a digit's samples doubted this many times the model's usual doubt: votable
USUAL_DOUBT = 0.005     # the usual doubt of a model whose card does not give it (exports
                        # before the card had it: their bundled model's was 0.0047)
PRIOR = 3.0             # ... that average pulled toward the person's, as by this many samples
NEAR = 0.18             # cosine distance in style to the nearest sample within which samples act
LEAD = 1.5              # the voted digit's lead in log-odds over the model's own first choice


# Adaptation.params(): features, style, labels, doubt, order and the model's usual doubt.
Params = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]


def _embed(values: np.ndarray) -> np.ndarray:
    """Square root, then unit length: distances then weigh many small activations, not the
    few large ones (measured: fewer errors at the same cost than plain cosine)."""
    root = np.sqrt(np.maximum(np.asarray(values, np.float32), 0))
    return root / (np.linalg.norm(root, axis=1, keepdims=True) + 1e-6)


def _empty() -> np.ndarray:
    return np.zeros((0, 0), np.float32)


@dataclass(frozen=True)
class Adaptation:
    """predict_proba(probabilities, features, style) of the model, as this person's samples
    adjust it. Immutable: a reader keeps the one it took while samples come and go."""

    # The samples, embedded, one row each, sorted by digit: each digit's samples are one
    # slice, which `_by_digit` hands to the vote without a second copy.
    features: np.ndarray = field(default_factory=_empty)
    style: np.ndarray = field(default_factory=_empty)
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))  # their digits
    doubt: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # 1 - p(digit)
    order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # as added
    usual_doubt: float = USUAL_DOUBT  # the model's, on ordinary digits (Classifier.usual_doubt)

    @classmethod
    def fit(cls, probabilities: np.ndarray, features: np.ndarray, style: np.ndarray,
            labels: np.ndarray, usual_doubt: float | None = None) -> Adaptation:
        """From the samples as the model reads them: probabilities, features and style;
        usual_doubt: the model's (None: USUAL_DOUBT)."""
        return cls(usual_doubt=usual_doubt or USUAL_DOUBT).adding(probabilities, features,
                                                                  style, labels)

    def adding(self, probabilities: np.ndarray, features: np.ndarray, style: np.ndarray,
               labels: np.ndarray) -> Adaptation:
        """This adaptation with more samples, after those it has (only theirs are embedded:
        a new sample counts at once however many there are)."""
        labels = np.asarray(labels, np.int8).reshape(-1)
        if not len(labels):
            return self
        doubt = 1 - np.asarray(probabilities, np.float32)[np.arange(len(labels)), labels]
        by_digit = np.argsort(labels, kind="stable")
        views = [v[by_digit] for v in (_embed(features), _embed(style), labels, doubt,
                                       len(self) + np.arange(len(labels)))]
        if not len(self):
            return self._with(views)
        # Each digit's samples, the old then the new: one copy, already in order.
        old, new = (np.searchsorted(v, np.arange(11)) for v in (self.labels, views[2]))
        return self._with([np.concatenate([part for d in range(10) for part in (
            mine[old[d]:old[d + 1]], theirs[new[d]:new[d + 1]])])
            for mine, theirs in zip(self._views(), views, strict=True)])

    def keeping(self, kept: np.ndarray) -> Adaptation:
        """This adaptation with only the samples where `kept` (in the order they were added)
        is true."""
        kept = np.asarray(kept, bool)
        rows = kept[self.order]
        renumbered = np.cumsum(kept) - 1
        views = [v[rows] for v in self._views()]
        views[-1] = renumbered[views[-1]]
        return self._with(views)

    def _views(self) -> list[np.ndarray]:
        return [self.features, self.style, self.labels, self.doubt, self.order]

    def _with(self, views: list[np.ndarray]) -> Adaptation:
        features, style, labels, doubt, order = views
        return replace(self, features=features, style=style, labels=labels, doubt=doubt,
                       order=order)

    def __len__(self) -> int:
        return len(self.labels)

    @cached_property
    def votable(self) -> np.ndarray:
        """(10,) bool: the digits whose samples the model reads with more doubt than it
        reads ordinary digits (MISREAD, PRIOR)."""
        if not len(self):
            return np.zeros(10, bool)
        counts = np.bincount(self.labels, minlength=10)
        sums = np.bincount(self.labels, weights=self.doubt, minlength=10)
        doubt = (sums + PRIOR * self.doubt.mean()) / (counts + PRIOR)
        return (counts > 0) & (doubt >= MISREAD * self.usual_doubt)

    def params(self) -> Params:
        """The fitted state: small arrays, picklable, for the batch's worker processes."""
        return (self.features, self.style, self.labels, self.doubt, self.order,
                self.usual_doubt)

    @classmethod
    def from_params(cls, params: Params) -> Adaptation:
        return cls(*params)

    @cached_property
    def _by_digit(self) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """For each digit with samples: the digit and its samples' features and style rows
        (a vote then reads only the samples of the digits in play)."""
        bounds = np.searchsorted(self.labels, np.arange(11))
        return [(digit, self.features[a:b], self.style[a:b])
                for digit, (a, b) in enumerate(itertools.pairwise(bounds)) if b > a]

    def open_rows(self, probabilities: np.ndarray) -> np.ndarray:
        """The rows whose reading the samples may change (the model is unsure of them): only
        these need the features and style."""
        if not self._can_vote:
            return np.zeros(0, np.int64)
        return np.flatnonzero(np.asarray(probabilities).max(axis=1) < SURE)

    @cached_property
    def _can_vote(self) -> bool:
        """Samples of two digits at least, and a digit they can vote for."""
        return len(self._by_digit) >= 2 and bool(self.votable.any())

    def _nearest(self, features: np.ndarray, style: np.ndarray,
                 digits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(N, 10) cosine distances to each of `digits`' nearest sample, in features and in
        style; the other digits get the row's farthest."""
        found = np.full((2, len(features), 10), -np.inf, np.float32)
        for digit, in_features, in_style in self._by_digit:
            if digits[digit]:
                found[0, :, digit] = 1 - (features @ in_features.T).max(axis=1)
                found[1, :, digit] = 1 - (style @ in_style.T).max(axis=1)
        farthest = found.max(axis=2, keepdims=True)
        found = np.where(np.isinf(found), farthest, found)
        return found[0], found[1]

    def votes(self, probabilities: np.ndarray, features: np.ndarray,
              style: np.ndarray) -> np.ndarray:
        """For each digit, the digit the samples vote for, or -1 where they leave the model's
        reading as it is."""
        voted = np.full(len(probabilities), -1)
        unsure = self.open_rows(probabilities)  # few: the vote costs little
        if not len(unsure):
            return voted
        own = probabilities[unsure].argmax(axis=1)
        in_play = self.votable.copy()
        in_play[own] = True
        in_features, in_style = self._nearest(_embed(features[unsure]),
                                              _embed(np.asarray(style)[unsure]), in_play)
        score = (np.log(np.clip(probabilities[unsure].astype(np.float64), 1e-30, 1.0))
                 - FEATURES_WEIGHT * in_features - STYLE_WEIGHT * in_style)
        rows = np.arange(len(unsure))
        allowed = np.broadcast_to(self.votable, score.shape).copy()
        allowed[rows, own] = True
        best = np.where(allowed, score, -np.inf).argmax(axis=1)
        act = ((best != own) & (score[rows, best] - score[rows, own] > MARGIN)
               & (in_style.min(axis=1) < NEAR))  # near a sample of a digit in play
        voted[unsure[act]] = best[act]
        return voted

    def predict_proba(self, probabilities: np.ndarray, features: np.ndarray,
                      style: np.ndarray) -> np.ndarray:
        """The model's probabilities, with the voted digit given the lead where the samples
        vote for another digit than the model's; elsewhere exactly the model's."""
        probabilities = np.asarray(probabilities, np.float32)
        voted = self.votes(probabilities, np.asarray(features, np.float32), style)
        rows = np.flatnonzero(voted >= 0)
        if not len(rows):
            return probabilities
        cols = voted[rows]
        logits = np.log(np.clip(probabilities[rows].astype(np.float64), 1e-30, 1.0))
        logits[np.arange(len(rows)), cols] = logits.max(axis=1) + LEAD
        logits -= logits.max(axis=1, keepdims=True)
        adjusted = np.exp(logits)
        out = probabilities.copy()
        out[rows] = adjusted / adjusted.sum(axis=1, keepdims=True)
        return out
