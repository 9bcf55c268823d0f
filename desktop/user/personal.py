"""The person's samples folder as an Adaptation of the model in use, kept in step with it.

The folder stays the one record: this keeps the Adaptation built from how the model in use
reads each sample, each read once; a sample that comes is added to it, one that goes is
dropped from it, the others untouched. Safe to call from the recognition thread while the
window saves or deletes samples.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from desktop import say
from desktop.engine.adapt import USUAL_DOUBT, Adaptation
from desktop.engine.classifier import NO_FEATURES, Classifier, ModelError
from desktop.user.dirs import default_samples_dir
from desktop.user.samples import load_samples, sample_files


class Personal:
    """`adaptation(classifier)`: the samples' Adaptation for that model (None: no samples, or a
    model that cannot adapt); `changed()` after a sample is saved or deleted."""

    def __init__(self, samples_dir: Path):
        self.samples_dir = Path(samples_dir)
        self.unreadable: list[str] = []      # one line per sample file that could not be read
        self._lock = threading.Lock()
        self._paths: list[Path] = []  # the sample behind each of the Adaptation's rows
        self._model: Classifier | None = None
        self._stale = True
        self._fitted: Adaptation | None = None

    def changed(self) -> None:
        """The folder changed: it is looked at again before the next reading."""
        self._stale = True

    def adaptation(self, classifier: Classifier) -> Adaptation | None:
        if not classifier.features:
            return None
        with self._lock:
            if classifier is not self._model:
                self._model, self._paths, self._fitted = classifier, [], None
                self._stale = True
            if self._stale:
                self._stale = False
                self._sync(classifier)
            return self._fitted

    def _sync(self, classifier: Classifier) -> None:
        """Files new since the last look are read and added; files gone are dropped."""
        files = sample_files(self.samples_dir)
        present = {path for path, _ in files}
        fitted = self._fitted or Adaptation(usual_doubt=classifier.usual_doubt or USUAL_DOUBT)
        kept = np.array([path in present for path in self._paths], bool)
        if not kept.all():
            fitted = fitted.keeping(kept)
            self._paths = [path for path, keep in zip(self._paths, kept, strict=True) if keep]
        known = set(self._paths)
        new = [(path, digit) for path, digit in files if path not in known]
        if new:
            samples = load_samples(self.samples_dir, new)
            self.unreadable = samples.unreadable
            if len(samples.labels):
                fitted = fitted.adding(*classifier.predict_with_features(samples.inputs),
                                       samples.labels)
                self._paths += list(samples.paths)
        self._fitted = fitted if len(fitted) else None


def unavailable_reason(classifier: Classifier) -> str:
    """Why this model cannot adapt ("" when it can)."""
    return "" if classifier.features else NO_FEATURES


def personalize(classifier: Classifier, samples_dir: str | None, quiet: bool = False) -> None:
    """Give the classifier the samples' adaptation; one line on stderr says what it learned
    from. Raises ModelError when the model cannot adapt (no features or style output)."""
    reason = unavailable_reason(classifier)
    if reason:
        raise ModelError(f"--personal: {reason}")
    folder = Path(samples_dir).expanduser() if samples_dir else default_samples_dir()
    personal = Personal(folder)
    classifier.adaptation = personal.adaptation(classifier)
    if quiet:
        return
    for line in personal.unreadable:
        say(f"warning: sample skipped: {line}")
    count = len(classifier.adaptation) if classifier.adaptation else 0
    say(f"--personal: adapted to {count} samples in {folder}" if count else
        f"--personal: no samples in {folder}; read as without --personal")
