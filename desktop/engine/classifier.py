"""The classifier session: owns the onnxruntime InferenceSession and the model card.

The model is loaded once, its input and output names and shapes are checked against its card,
and every onnxruntime failure becomes a ModelError with a one-line message.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.engine.adapt import Adaptation
from desktop.engine.grouping import Candidates

MODEL_NAME = "digits.onnx"
CARD_SUFFIX = ".card.json"
BATCH = 64  # onnxruntime is several times faster on batches of 64 than on one huge batch
PROBE = 2   # images in the test inference at load: more than one, as every batch has
FLOAT_TYPES = ("tensor(float)", "tensor(double)", "tensor(float16)")
FEATURES = "features"  # optional output: what the last dense layer reads
STYLE = "style"        # optional output: what the last convolution reads, pooled
NO_FEATURES = ("this model lacks the features and style outputs adaptation reads "
               "(python -m export.features MODEL adds them)")
ONE_DIGIT = "one_digit"  # optional output: the probability that an input is one whole digit,
ONE_DIGIT_PEN = "one_digit_pen"  # and (optional too) the same judged for strokes on the canvas
ONE_DIGIT_LONE = "one_digit_lone"  # optional: a picture's only piece of ink is one digit,
                                   # not touching ones


class ModelError(Exception):
    """The model is missing, corrupt or not a digit classifier; one line for the user."""


def resource_dir() -> Path:
    """Folder of the bundled model: inside the PyInstaller bundle when frozen, else the package."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "desktop" / "model" if bundle else Path(__file__).parent.parent / "model"


def bundled_model_path() -> Path:
    return resource_dir() / MODEL_NAME


def runtime():
    """onnxruntime, imported on first use (it takes a moment)."""
    import onnxruntime

    return onnxruntime


def card_path(model_path: Path) -> Path:
    return model_path.with_name(model_path.stem + CARD_SUFFIX)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_card(model_path: Path) -> dict:
    """The card beside the model; a model without one gets a minimal card from its metadata."""
    path = card_path(model_path)
    if not path.is_file():
        return {}
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelError(f"{path}: unreadable model card ({err})") from None
    if not isinstance(card, dict):
        raise ModelError(f"{path}: model card is not a JSON object")
    check_card(card, path)
    return card


# The card's fields that the app reads, and the JSON types they must have.
CARD_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "created": (str,), "sha256": (str,), "input": (dict,), "output": (dict,),
    "test_accuracy": (int, float), "test_errors": (int,), "quantized": (dict,),
    "versions": (dict,), "doubt": (dict,)}
CARD_IO_TYPES: dict[str, tuple[type, ...]] = {"name": (str,)}
CARD_PART_TYPES: dict[str, dict[str, tuple[type, ...]]] = {
    "input": CARD_IO_TYPES, "output": CARD_IO_TYPES, "doubt": {"median": (int, float)}}


def check_card(card: dict, path: Path) -> None:
    """A field the app reads, of the wrong type, makes the card unusable (ModelError)."""
    def check(fields: dict, types: dict[str, tuple[type, ...]], prefix: str) -> None:
        for key, allowed in types.items():
            value = fields.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, allowed)):
                raise ModelError(f"{path}: model card field {prefix}{key!r} is "
                                 f"{type(value).__name__}, not {allowed[0].__name__}")

    check(card, CARD_TYPES, "")
    for part in ("input", "output", "doubt"):
        if isinstance(card.get(part), dict):
            check(card[part], CARD_PART_TYPES[part], f"{part}.")
    median = (card.get("doubt") or {}).get("median")
    if median is not None and not 0 < median < 1:
        raise ModelError(f"{path}: model card field doubt.median is {median}, not between 0 "
                         "and 1")


@dataclass(frozen=True)
class ModelRef:
    """Which model to run and how: its file (None: the bundled model) and onnxruntime's threads
    per call (0: one per core). Small and picklable: batch worker processes load from it."""
    path: Path | None = None
    threads: int = 0

    @classmethod
    def to(cls, path: str | Path | None, threads: int = 0) -> ModelRef:
        """None and the bundled model's own file both mean the bundled model."""
        if path is None or Path(path).resolve() == bundled_model_path().resolve():
            return cls(None, threads)
        return cls(Path(path), threads)

    @property
    def bundled(self) -> bool:
        return self.path is None

    def with_threads(self, threads: int) -> ModelRef:
        return ModelRef(self.path, threads)

    def load(self) -> Classifier:
        return Classifier(self.path, threads=self.threads)


@dataclass(frozen=True)
class Prediction:
    """One digit's result: the argmax, its probability and all ten probabilities."""
    digit: int
    confidence: float
    probabilities: tuple[float, ...]

    @classmethod
    def of(cls, probabilities: np.ndarray) -> Prediction:
        """The prediction of one digit's ten probabilities."""
        return cls(int(probabilities.argmax()), float(probabilities.max()),
                   tuple(float(v) for v in probabilities))


class Classifier:
    """predict((N, 28, 28) float32 in [0, 1], ink = 1) → (N, 10) probabilities."""

    def __init__(self, model_path: str | Path | None = None, verify_sha256: bool = True,
                 threads: int = 0):
        """threads: onnxruntime's threads per call (0: one per core). Batch classification runs
        single-threaded calls side by side instead, which keeps every core busy."""
        self.ref = ModelRef.to(model_path, threads)
        self.path = Path(model_path) if model_path else bundled_model_path()
        self.threads = threads
        if not self.path.is_file():
            raise ModelError(f"{self.path}: model file not found")
        self.card = read_card(self.path)
        if verify_sha256 and self.card.get("sha256"):
            actual = sha256_file(self.path)
            if actual != self.card["sha256"]:
                raise ModelError(f"{self.path}: SHA-256 {actual[:12]}… does not match its card "
                                 f"({self.card['sha256'][:12]}…): file changed or corrupt")
        self.adaptation: Adaptation | None = None  # set: predict() reads with it (batch)
        self.session = self._load()
        self.input_name, self.layout = self._check_signature()
        self._probe()
        self.metadata = self.session.get_modelmeta().custom_metadata_map
        self.features = self._features_output()
        self.judges_whole = self._one_digit_output(ONE_DIGIT)
        self._pen_whole = ONE_DIGIT_PEN if self._one_digit_output(ONE_DIGIT_PEN) else ONE_DIGIT
        self.judges_lone = self.judges_whole and self._one_digit_output(ONE_DIGIT_LONE)

    def _load(self):
        ort = runtime()
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = self.threads
        try:
            return ort.InferenceSession(str(self.path), options,
                                        providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own untyped errors for bad files
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise ModelError(f"{self.path}: not a loadable ONNX model ({first[:200]})") from None

    def _check_signature(self) -> tuple[str, str]:
        inputs, outputs = self.session.get_inputs(), self.session.get_outputs()
        # Probabilities first; then any outputs, read by name where this version knows them
        # (features, style, the one_digit heads): a later export's new ones are left unread.
        if len(inputs) != 1 or not outputs:
            raise ModelError(f"{self.path}: expected one input and at least one output, "
                             f"found {len(inputs)} and {len(outputs)}")
        shape = [d if isinstance(d, int) else None for d in inputs[0].shape]
        if shape[1:] == [28, 28, 1]:
            layout = "NHWC"
        elif shape[1:] == [1, 28, 28]:
            layout = "NCHW"
        elif shape[1:] == [28, 28]:
            layout = "NHW"
        else:
            raise ModelError(f"{self.path}: input shape {inputs[0].shape} is not a 28x28 image")
        if shape[0] is not None:
            raise ModelError(f"{self.path}: input takes a fixed batch size of {shape[0]}; "
                             "export it with a variable batch size")
        if outputs[0].type not in FLOAT_TYPES:
            raise ModelError(f"{self.path}: output is {outputs[0].type}, not probabilities")
        out_shape = outputs[0].shape
        if len(out_shape) != 2 or out_shape[1] != 10:
            raise ModelError(f"{self.path}: output shape {out_shape} is not 10 probabilities")
        expected = self.card.get("input", {}).get("name")
        if expected and expected != inputs[0].name:
            raise ModelError(f"{self.path}: input is named {inputs[0].name!r}, "
                             f"its card says {expected!r}")
        self._outputs = [outputs[0].name]
        return inputs[0].name, layout

    def _probe(self) -> None:
        """One inference at load, on two blank images: a model that fails it, or answers
        anything but ten probabilities each, is refused now rather than at the first file."""
        try:
            found = self.predict(np.zeros((PROBE, 28, 28), np.float32))
        except ModelError as err:
            raise ModelError(f"{self.path}: fails a test inference ({err})") from None
        if found.shape != (PROBE, 10):
            raise ModelError(f"{self.path}: answers shape {found.shape} for {PROBE} images, "
                             "not ten probabilities each")
        if not np.isfinite(found).all() or found.min() < 0 or found.max() > 1 + 1e-3:
            raise ModelError(f"{self.path}: answers values that are not probabilities "
                             f"({found.min():.3g} to {found.max():.3g})")

    def _feed(self, images: np.ndarray) -> np.ndarray:
        if self.layout == "NHWC":
            return images[..., None]
        return images[:, None] if self.layout == "NCHW" else images

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Probabilities (N, 10) for images (N, 28, 28) (adapted when `adaptation` is set);
        run in batches of 64."""
        return self._adapted(images, self.run(self._outputs, images)[0])

    def _adapted(self, images: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        """The probabilities as the adaptation reads them; only the few rows it may change
        are run again for their features and style (cheaper than asking every row's)."""
        if self.adaptation is None:
            return probabilities
        rows = self.adaptation.open_rows(probabilities)
        if not len(rows):
            return probabilities
        _, features, style = self.predict_with_features(np.asarray(images)[rows])
        out = probabilities.copy()
        out[rows] = self.adaptation.predict_proba(probabilities[rows], features, style)
        return out

    def classify(self, images: np.ndarray) -> list[Prediction]:
        """One Prediction per 28x28 image."""
        return [Prediction.of(p) for p in self.predict(images)]

    @property
    def accuracy(self) -> float | None:
        return self.card.get("test_accuracy")

    @property
    def usual_doubt(self) -> float | None:
        """How far from sure the model reads ordinary digits (its card's doubt.median, measured
        at export: export/doubt.py); None when its card does not say."""
        return (self.card.get("doubt") or {}).get("median")

    def _features_output(self) -> int:
        """Width of the `features` output; 0 when the model lacks it or the `style` output
        (it is then read without adaptation)."""
        outputs = self._extra_outputs()
        widths = [shape[1] if shape and len(shape) == 2 and isinstance(shape[1], int) else 0
                  for shape in (outputs.get(FEATURES), outputs.get(STYLE))]
        return widths[0] if all(widths) else 0

    def _extra_outputs(self) -> dict[str, list]:
        """The outputs after the probabilities, by name, with their shapes."""
        return {o.name: o.shape for o in self.session.get_outputs()[1:]}

    def _one_digit_output(self, name: str) -> bool:
        """The model has this `one_digit` output (numbers are cut better with it)."""
        shape = self._extra_outputs().get(name)
        return shape is not None and len(shape) == 2 and shape[1] == 1

    def candidates(self, images: np.ndarray) -> Candidates:
        """Candidate digits of a number in a picture read in one pass: their probabilities
        (adapted when `adaptation` is set) and, when the model judges it, whether each is one
        whole digit, and whether each, alone in a picture, is one digit (`one_digit_lone`)."""
        return self._candidates(images, ONE_DIGIT, self.judges_lone)

    def pen_candidates(self, images: np.ndarray) -> Candidates:
        """The same for candidates made of strokes on the canvas (`one_digit_pen`, where the
        model has it; the strokes part touching digits, so nothing is judged alone)."""
        return self._candidates(images, self._pen_whole)

    def _candidates(self, images: np.ndarray, whole_output: str,
                    lone: bool = False) -> Candidates:
        if not self.judges_whole:
            return Candidates(self.predict(images))
        names = [self._outputs[0], whole_output] + ([ONE_DIGIT_LONE] if lone else [])
        probabilities, whole, *alone = self.run(names, images)
        return Candidates(self._adapted(images, probabilities), whole[:, 0],
                          alone[0][:, 0] if alone else None)

    def run(self, names: list[str], images: np.ndarray) -> list[np.ndarray]:
        """The named outputs for images (N, 28, 28), run in batches of 64."""
        images = np.ascontiguousarray(images, dtype=np.float32).reshape(-1, 28, 28)
        try:
            parts = [self.session.run(names, {self.input_name: self._feed(images[i:i + BATCH])})
                     for i in range(0, len(images), BATCH)]
        except Exception as err:
            raise ModelError(f"inference failed: {str(err).splitlines()[0][:200]}") from None
        if not parts:
            widths = {o.name: o.shape[1] for o in self.session.get_outputs() if o.name in names}
            return [np.zeros((0, widths[name]), np.float32) for name in names]
        return [np.concatenate([p[k] for p in parts]).astype(np.float32)
                for k in range(len(names))]

    def predict_with_features(self, images: np.ndarray
                              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Probabilities (N, 10), features and style in the same runs: what `Adaptation`
        reads; needs both outputs (`features` is nonzero)."""
        if not self.features:
            raise ModelError(NO_FEATURES)
        probabilities, features, style = self.run([self._outputs[0], FEATURES, STYLE], images)
        return probabilities, features, style
