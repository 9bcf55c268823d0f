"""Strokes or an image file → a Reading (digits left to right, each with its probabilities),
and the worker thread that makes Readings off the Tk thread.

The worker loads the classifier first, so the window appears while onnxruntime starts, then runs
one task at a time. Tasks coalesce: a task still waiting is replaced by a newer one, because only
the latest drawing matters. The Tk thread submits and polls; it never waits.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from desktop.classifier import Classifier, Prediction
from desktop.preprocess import INPUT_SIZE, Stroke, find_ink, normalize, rasterize, strokes_extent
from desktop.segment import keep_significant, split_digits

DIGIT_RESOLUTION = 112   # a digit's ink is rendered about this tall: 5x the model's 20 px box
MAX_RESOLUTION = 896     # a long row of digits is rendered no wider than this


def _no_inputs() -> np.ndarray:
    return np.zeros((0, INPUT_SIZE, INPUT_SIZE), np.float32)


@dataclass(frozen=True)
class Reading:
    """What the model read from one source ("canvas" or "file"): a Prediction per digit, left to
    right, the 28x28 inputs it saw and, for a file, the decoded picture."""
    source: str
    predictions: tuple[Prediction, ...] = ()
    inputs: np.ndarray = field(default_factory=_no_inputs)
    picture: np.ndarray | None = None

    @property
    def digits(self) -> list[int]:
        return [p.digit for p in self.predictions]


def strokes_ink(strokes: Sequence[Stroke], thickness: float) -> np.ndarray:
    """The strokes' ink, cropped, each digit rendered about DIGIT_RESOLUTION tall."""
    extent = strokes_extent(strokes)
    if extent is None:
        return np.zeros((1, 1), np.float32)
    left, top, right, bottom = extent
    width, height = right - left + thickness, bottom - top + thickness
    resolution = DIGIT_RESOLUTION * max(1.0, width / height)
    return rasterize(strokes, thickness, int(min(resolution, MAX_RESOLUTION)))


def read_ink(ink: np.ndarray, classifier: Classifier, source: str,
             picture: np.ndarray | None = None) -> Reading:
    """Split the ink into digits, frame each the MNIST way and classify them in one batch."""
    inputs = [x for x in (normalize(crop) for crop in split_digits(ink)) if x.any()]
    if not inputs:
        return Reading(source, picture=picture)
    batch = np.stack(inputs)
    return Reading(source, tuple(classifier.classify(batch)), batch, picture)


def read_strokes(strokes: Sequence[Stroke], thickness: float, classifier: Classifier) -> Reading:
    """Canvas strokes (canvas pixels, brush width) → Reading; no strokes read as no digit."""
    if not any(len(stroke) for stroke in strokes):
        return Reading("canvas")
    return read_ink(strokes_ink(strokes, thickness), classifier, "canvas")


def read_image(image: np.ndarray, classifier: Classifier) -> Reading:
    """Decoded pixels (any polarity, channels, size) → Reading."""
    return read_ink(keep_significant(find_ink(image)), classifier, "file", image)


def read_image_file(path: str, classifier: Classifier) -> Reading:
    """An image file (decoded by Pillow, imported only now) → Reading; raises ImageError."""
    from desktop.imagefile import load_image

    return read_image(load_image(path), classifier)


# ---------------------------------------------------------------- the worker thread

Task = Callable[[Classifier], Reading]


@dataclass(frozen=True)
class Loaded:
    classifier: Classifier


@dataclass(frozen=True)
class LoadFailed:
    message: str


@dataclass(frozen=True)
class Done:
    tag: int
    value: Reading


@dataclass(frozen=True)
class Failed:
    tag: int
    message: str


Outcome = Loaded | LoadFailed | Done | Failed


class Worker:
    """One background thread: loads the classifier, then runs submitted tasks, newest wins."""

    def __init__(self, load: Callable[[], Classifier],
                 expected: tuple[type[Exception], ...] = ()):
        self._load = load
        self._expected = expected
        self._lock = threading.Condition()
        self._waiting: tuple[int, Task] | None = None
        self._outcomes: list[Outcome] = []
        self._stop = False
        self._thread = threading.Thread(target=self._main, name="recognizer", daemon=True)
        self._thread.start()

    def submit(self, tag: int, task: Task) -> None:
        """Queue task under tag, replacing a task that has not started yet."""
        with self._lock:
            self._waiting = (tag, task)
            self._lock.notify()

    def poll(self) -> list[Outcome]:
        """Outcomes finished since the last poll, oldest first."""
        with self._lock:
            done, self._outcomes = self._outcomes, []
            return done

    def close(self, timeout: float = 1.0) -> None:
        with self._lock:
            self._stop = True
            self._waiting = None
            self._lock.notify()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _put(self, outcome: Outcome) -> None:
        with self._lock:
            self._outcomes.append(outcome)

    def _main(self) -> None:
        try:
            classifier = self._load()
        except self._expected as err:
            self._put(LoadFailed(str(err)))
            return
        except Exception as err:  # unexpected: keep the traceback for support
            traceback.print_exc(file=sys.stderr)
            self._put(LoadFailed(f"{type(err).__name__}: {err}"))
            return
        self._put(Loaded(classifier))
        while True:
            with self._lock:
                while self._waiting is None and not self._stop:
                    self._lock.wait()
                if self._stop:
                    return
                (tag, task), self._waiting = self._waiting, None
            self._put(self._run(tag, task, classifier))

    def _run(self, tag: int, task: Task, classifier: Classifier) -> Outcome:
        try:
            return Done(tag, task(classifier))
        except self._expected as err:
            return Failed(tag, str(err))
        except Exception as err:  # unexpected: keep the app alive and the traceback
            traceback.print_exc(file=sys.stderr)
            return Failed(tag, f"internal error: {type(err).__name__}: {err}")
