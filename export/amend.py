"""Change an exported model's graph in place, its probabilities kept bit for bit.

Outputs added to an installed model (`export.features`, `export.one_digit`) must never change
what it answers: the amended graph is staged with its card, checked, and installed over the
old one only when its probabilities on the given images are the very numbers they were.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx

Amend = Callable[[onnx.ModelProto], dict]  # edits the graph; returns the card's new fields


def probabilities_of(path: Path, images: np.ndarray) -> np.ndarray:
    """The model's probabilities for (N, 28, 28, 1) images, straight from onnxruntime."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return np.concatenate([session.run(["probabilities"], {name: images[i:i + 64]})[0]
                           for i in range(0, len(images), 64)])


def amend_model(path: Path, images: np.ndarray, amend: Amend) -> dict:
    """Apply `amend` to the model at `path` and update its card; the new card. Raises
    ValueError when a probability changes (nothing written then)."""
    from export.card import write_model
    from export.cli import install
    from export.verify import check_onnx

    before = probabilities_of(path, images)
    proto = onnx.load(str(path))
    card = json.loads((path.with_name(path.stem + ".card.json")).read_text(encoding="utf-8"))
    card = {k: v for k, v in card.items() if k not in ("file", "sha256", "size_bytes")}
    card |= amend(proto)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / path.name
        card = write_model(proto, card, staged)
        check_onnx(staged)
        if not np.array_equal(before, probabilities_of(staged, images)):
            raise ValueError(f"{path}: the probabilities changed; nothing written")
        install(Path(tmp), path.parent)
    return card


def model_args(prog: str, doc: str, argv: list[str],
               more: Callable[[argparse.ArgumentParser], None] | None = None
               ) -> argparse.Namespace:
    """MODEL (default: the bundled one) and --data, as the commands that amend a model take
    them; `more` adds a command's own options."""
    from desktop.engine.classifier import bundled_model_path

    parser = argparse.ArgumentParser(prog=prog, description=doc.splitlines()[0])
    parser.add_argument("model", type=Path, nargs="?", default=bundled_model_path(),
                        help="an exported model (default: the bundled one)")
    parser.add_argument("--data", help="MNIST folder or mnist.npz")
    if more is not None:
        more(parser)
    return parser.parse_args(argv)
