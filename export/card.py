"""The model card: what the model is, how good, how it was made; JSON beside the .onnx and
the same facts inside the ONNX file's metadata_props."""

from __future__ import annotations

import contextlib
import json
import platform
from datetime import datetime, timezone
from importlib import metadata as importlib_metadata
from pathlib import Path

import onnx

from desktop.engine.classifier import card_path, sha256_file
from export.convert import INPUT_NAME, OUTPUT_NAME

PREPROCESSING = (
    "desktop.engine.recipes: ink as 1.0 on a 0.0 background (either polarity of the source "
    "detected, alpha composited on white, paper tint and noise removed), cropped to the ink, "
    "strokes brought to MNIST's width, a picture's ink raised to the power "
    "frame.READING_GAMMA (0.7), longer side scaled to 20 px keeping the aspect ratio "
    "(anti-aliased), placed in 28x28 with its centre of mass at (14, 14), as MNIST was made"
)
PACKAGES = ("tensorflow", "keras", "tf2onnx", "onnx", "onnxruntime", "numpy")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        with contextlib.suppress(importlib_metadata.PackageNotFoundError):
            found[name] = importlib_metadata.version(name)
    return found


def read_run_json(run_dir: Path, name: str) -> dict:
    path = run_dir / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def stage_seconds(run_dir: Path, key: str = "training_seconds") -> list[float | None]:
    """A time of each stage that led to the run's model, first stage first (`training_seconds`:
    the network's training; `run_seconds`: the whole `python -m train`): a run trained on from
    another (`--init-from RUN/model.keras`) adds that run's stages before its own, and a soup
    of several tuned runs (`train.soup`) the runs besides the one it names as `init_from`
    (their own stages only: they were tuned from the same model). None for a stage whose run
    folder or figure is gone."""
    stages: list[float | None] = []
    seen: set[Path] = set()
    current: Path | None = run_dir
    while current is not None and current.resolve() not in seen:
        seen.add(current.resolve())
        config = read_run_json(current, "config.json")
        stages.append(read_run_json(current, "metrics.json").get(key))
        stages += [_seconds_of(model, run_dir, key) for model in _other_tuned(config)]
        source = config.get("init_from")
        current = _run_of(source, run_dir) if source else None
        if source and current is None:
            stages.append(None)  # trained on from a run that is gone: its time is unknown
    return stages[::-1]


def _other_tuned(config: dict) -> list[str]:
    """The models a soup averaged besides the one it follows as `init_from` (an older soup
    names its one tuned model as a string)."""
    tuned = (config.get("soup") or {}).get("tuned")
    return [m for m in tuned if m != config.get("init_from")] if isinstance(tuned, list) else []


def _seconds_of(model: str, near: Path, key: str) -> float | None:
    run = _run_of(model, near)
    return None if run is None else read_run_json(run, "metrics.json").get(key)


def _run_of(model: str, near: Path) -> Path | None:
    """The run folder of a model path recorded at training time: relative to where training
    ran, the project folder (the runs folder's parent, or here)."""
    path = Path(model)
    bases = [Path()] if path.is_absolute() else [near.resolve().parent.parent, Path.cwd()]
    for base in bases:
        candidate = (base / path).parent
        if (candidate / "metrics.json").is_file():
            return candidate
    return None


def build_card(measured: dict, run_dir: Path, command: str, extra: dict | None = None) -> dict:
    """All of the card except the file's own SHA-256 and size (those go in after writing)."""
    config = read_run_json(run_dir, "config.json")
    train_metrics = read_run_json(run_dir, "metrics.json")
    return {
        "name": "digit-recognizer-cnn",
        "task": "handwritten digit classification (0-9)",
        "input": {"name": INPUT_NAME, "shape": ["batch", 28, 28, 1], "dtype": "float32",
                  "layout": "NHWC", "range": [0.0, 1.0], "meaning": "1.0 = ink, 0.0 = background"},
        "output": {"name": OUTPUT_NAME, "shape": ["batch", 10], "dtype": "float32",
                   "meaning": "softmax probabilities of the digits 0-9"},
        "preprocessing": PREPROCESSING,
        **measured,
        "training": {
            "command": config.pop("command", None),
            "parameters": config,
            "epochs_run": train_metrics.get("epochs_run"),
            "training_seconds": train_metrics.get("training_seconds"),
            **totals(stage_seconds(run_dir)),
            **totals(stage_seconds(run_dir, "run_seconds"), "run_"),
            "validation_accuracy": train_metrics.get("validation_accuracy"),
            "styled_validation_accuracy": train_metrics.get("styled_validation_accuracy"),
            "keras_test_accuracy": train_metrics.get("test_accuracy"),
        },
        "calibration": {key: train_metrics[key] for key in (
            "temperature", "mnist_validation_confident", "styled_validation_confident")
            if key in train_metrics},
        "export_command": command,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": versions(),
        **(extra or {}),
    }


def totals(stages: list[float | None], kind: str = "") -> dict:
    """Every stage's time and their sum (None when one is unknown)."""
    known = None not in stages
    return {f"stage_{kind}seconds": stages,
            f"total_{kind}seconds": round(sum(s for s in stages if s is not None), 1)
            if known else None}


def embed(proto: onnx.ModelProto, card: dict) -> None:
    """Put the card (and a few flat keys for quick tools) into the model's metadata_props."""
    flat = {"model_card": json.dumps(card, sort_keys=True),
            "test_accuracy": str(card.get("test_accuracy")),
            "input_layout": card["input"]["layout"],
            "created": card["created"]}
    del proto.metadata_props[:]
    for key, value in flat.items():
        proto.metadata_props.add(key=key, value=value)
    proto.producer_name = "digit-recognizer export"
    proto.doc_string = "Handwritten digit classifier (MNIST-style 28x28 input); see model_card."


def write_model(proto: onnx.ModelProto, card: dict, path: Path) -> dict:
    """Write the .onnx with the card embedded, then the card JSON with SHA-256 and size."""
    embed(proto, card)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(proto, str(path))
    full = card | {"file": path.name, "sha256": sha256_file(path),
                   "size_bytes": path.stat().st_size}
    card_path(path).write_text(json.dumps(full, indent=2) + "\n", encoding="utf-8")
    return full
