"""One chunk of files → one row each: decode, the app's recipes, one onnxruntime call.

The same function runs on the threads of a small run and in the worker processes of a large
one (`batch.pool`), so the rows never depend on where the work was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.batch.decode import Decoded, read_source
from desktop.batch.files import Source
from desktop.batch.rows import UNCERTAIN, Row
from desktop.engine.adapt import Adaptation, Params
from desktop.engine.classifier import Classifier, ModelRef
from desktop.engine.framed import framed_inputs
from desktop.engine.recipes import BLANK, digit_input, no_inputs

BUNDLED = ModelRef(threads=1)


@dataclass(frozen=True)
class Settings:
    """How a run reads its files (picklable: it travels to the worker processes)."""
    model: ModelRef = BUNDLED  # what each worker process loads
    multi_digit: bool = False
    min_confidence: float = 0.0


def batch_classifier(model: str | Path | ModelRef | None = None,
                     adaptation: Params | None = None) -> Classifier:
    """A Classifier for batch work: one thread per onnxruntime call, as the chunks run side by
    side (a call spread over all cores waits on the slowest, and loses them to decoding).
    adaptation: a fitted Adaptation's params (--personal), for the worker processes."""
    ref = model if isinstance(model, ModelRef) else ModelRef.to(model)
    classifier = ref.with_threads(1).load()
    if adaptation is not None:
        classifier.adaptation = Adaptation.from_params(adaptation)
    return classifier


def classify_chunk(settings: Settings, classifier: Classifier,
                   sources: list[Source]) -> list[Row | None]:
    """One row per source, in order (None: not an image, skipped). Never raises for a file."""
    decoded = [read_source(source, settings.multi_digit, classifier.candidates)
               for source in sources]
    inputs = chunk_inputs(decoded)
    sizes = [len(x) for x in inputs]
    probabilities = classifier.predict(np.concatenate(inputs)) if sum(sizes) \
        else np.zeros((0, 10), np.float32)
    rows: list[Row | None] = []
    start = 0
    for item, size in zip(decoded, sizes, strict=True):
        found = probabilities[start:start + size]
        start += size
        if item.skipped:
            rows.append(None)
        elif item.error or size == 0:
            rows.append(Row(item.source.path, item.source.file, error=item.error or BLANK))
        else:
            rows.append(_row(item.source, found, settings.min_confidence))
    return rows


def chunk_inputs(decoded: list[Decoded]) -> list[np.ndarray]:
    """Each file's (k, 28, 28) model inputs (k = 0 for errors); MNIST-framed images in bulk."""
    inputs = [d.inputs if d.inputs is not None else no_inputs() for d in decoded]
    raw = {i: d.raw for i, d in enumerate(decoded) if d.raw is not None}
    if raw:
        framed, ok = framed_inputs(np.stack(list(raw.values())))
        for j, (i, image) in enumerate(raw.items()):
            general = framed[j] if ok[j] else digit_input(image)
            inputs[i] = general[None] if general.any() else no_inputs()
    return inputs


def _row(source: Source, probabilities: np.ndarray, min_confidence: float) -> Row:
    """A digit, or a number read left to right, sure only as much as all of its digits."""
    digits = "".join(str(int(p.argmax())) for p in probabilities)
    confidence = float(np.prod(probabilities.max(axis=1)))
    every = tuple(float(v) for v in probabilities[0]) if len(probabilities) == 1 else None
    if confidence < min_confidence:
        return Row(source.path, source.file, "", confidence, UNCERTAIN, every)
    return Row(source.path, source.file, digits, confidence, "", every)
