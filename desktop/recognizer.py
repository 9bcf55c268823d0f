"""From strokes or an image to digits: ink → split into digits → 28x28 each → classifier.

`read_strokes` and `read_image` are plain functions (tested without a window). `Worker` runs
them on one background thread so the Tk thread never waits: it loads the model first, then
always works on the latest request only, because older drawings no longer matter.
"""

from __future__ import annotations

import queue
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from desktop.preprocess import (
    INPUT_SIZE,
    Stroke,
    find_ink,
    model_thickness,
    normalize,
    rasterize,
    strokes_extent,
)
from desktop.segment import keep_significant, split_digits

ROW_RESOLUTION = 112  # pixels across the height of the writing when it is rasterized
MAX_RESOLUTION = 560  # a long number is rendered no wider than this


@dataclass(frozen=True)
class Reading:
    """What the model read: one 28x28 input and one prediction per digit, left to right."""
    source: str                              # "canvas" or "file"
    inputs: np.ndarray                       # (N, 28, 28) float32
    predictions: tuple                       # N desktop.classifier.Prediction
    picture: np.ndarray | None = None        # the decoded image, for files

    @property
    def digits(self) -> list[int]:
        return [p.digit for p in self.predictions]

    @property
    def confidences(self) -> list[float]:
        return [p.confidence for p in self.predictions]


def digit_inputs(ink: np.ndarray) -> np.ndarray:
    """Split the ink into digits and frame each the MNIST way: (N, 28, 28), left to right."""
    inputs = [x for x in (normalize(crop) for crop in split_digits(ink)) if x.any()]
    return np.stack(inputs) if inputs else np.zeros((0, INPUT_SIZE, INPUT_SIZE), np.float32)


def classify_ink(classifier, source: str, ink: np.ndarray,
                 picture: np.ndarray | None = None) -> Reading:
    """The digits in the ink, classified in one batch."""
    batch = digit_inputs(ink)
    return Reading(source, batch, tuple(classifier.classify(batch)), picture)


def strokes_ink(strokes: Sequence[Stroke], thickness: float) -> np.ndarray:
    """Strokes rasterized so the writing is about ROW_RESOLUTION high, however many digits,
    with a pen no broader than MNIST's relative to the writing."""
    extent = strokes_extent(strokes)
    if extent is None:
        return np.zeros((1, 1), np.float32)
    left, top, right, bottom = extent
    thickness = model_thickness(strokes, thickness)
    height, width = bottom - top + thickness, right - left + thickness
    resolution = ROW_RESOLUTION * max(1.0, width / height)
    return rasterize(strokes, thickness, round(min(resolution, MAX_RESOLUTION)))


def read_strokes(strokes: Sequence[Stroke], thickness: float, classifier) -> Reading:
    """The digits drawn on the canvas (none for an empty drawing)."""
    return classify_ink(classifier, "canvas", strokes_ink(strokes, thickness))


def read_image(image: np.ndarray, classifier) -> Reading:
    """The digits in a picture (any size, polarity, channels), which the reading keeps."""
    return classify_ink(classifier, "file", keep_significant(find_ink(image)), picture=image)


def read_image_file(path: str, classifier) -> Reading:
    """Decode (Pillow, imported only now) and read an image file; raises ImageError."""
    from desktop.imagefile import load_image

    return read_image(load_image(path), classifier)


# ---------------------------------------------------------------- the background thread

@dataclass(frozen=True)
class Loaded:
    classifier: Any


@dataclass(frozen=True)
class LoadFailed:
    message: str


@dataclass(frozen=True)
class Done:
    tag: int
    value: Any


@dataclass(frozen=True)
class Failed:
    tag: int
    message: str


Task = Callable[[Any], Any]  # classifier → result


class Worker:
    """Loads the model, then runs submitted tasks one at a time, newest only.

    The Tk thread submits and later collects outcomes with `poll()`; nothing here touches Tk.
    Exceptions of the expected types become one-line messages; others also print a traceback.
    """

    def __init__(self, load_classifier: Callable[[], Any],
                 expected_errors: tuple[type[Exception], ...] = ()):
        self._expected = expected_errors
        self._wake = threading.Condition()
        self._request: tuple[int, Task] | None = None
        self._closed = False
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, args=(load_classifier,),
                                        name="recognizer", daemon=True)
        self._thread.start()

    def submit(self, tag: int, task: Task) -> None:
        """Queue a task, replacing one that has not started yet."""
        with self._wake:
            self._request = (tag, task)
            self._wake.notify()

    def poll(self) -> list:
        """Outcomes (Loaded, LoadFailed, Done, Failed) that arrived since the last poll."""
        outcomes = []
        while True:
            try:
                outcomes.append(self._outbox.get_nowait())
            except queue.Empty:
                return outcomes

    def close(self, timeout: float = 2.0) -> None:
        """Stop after the task in hand (the thread is a daemon: a stuck one cannot block exit)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout)

    def _next(self) -> tuple[int, Task] | None:
        with self._wake:
            while self._request is None and not self._closed:
                self._wake.wait()
            request, self._request = self._request, None
            return None if self._closed else request

    def _run(self, load_classifier: Callable[[], Any]) -> None:
        try:
            classifier = load_classifier()
        except self._expected as err:
            self._outbox.put(LoadFailed(str(err)))
            return
        except Exception as err:
            traceback.print_exc(file=sys.stderr)
            self._outbox.put(LoadFailed(f"cannot load the model: {err}"))
            return
        self._outbox.put(Loaded(classifier))
        while (request := self._next()) is not None:
            tag, task = request
            try:
                self._outbox.put(Done(tag, task(classifier)))
            except self._expected as err:
                self._outbox.put(Failed(tag, str(err)))
            except Exception as err:  # a bug: keep the app alive, but leave a traceback
                traceback.print_exc(file=sys.stderr)
                self._outbox.put(Failed(tag, f"unexpected error: {err}"))
