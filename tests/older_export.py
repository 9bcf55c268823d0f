"""The bundled model as an older export wrote it: without its last outputs, and its card
without what describes them, for the commands that add an output in place."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.engine.classifier import bundled_model_path, card_path


def without_outputs(folder: Path, outputs: int | tuple[str, ...],
                    card_fields: tuple[str, ...]) -> Path:
    """`folder`/digits.onnx: the bundled model with its first `outputs` outputs only (or
    without the outputs named), and its card without `card_fields` (nor its file's SHA-256 and
    size)."""
    import onnx

    proto = onnx.load(str(bundled_model_path()))
    kept = list(proto.graph.output)[:outputs] if isinstance(outputs, int) else [
        o for o in proto.graph.output if o.name not in outputs]
    del proto.graph.output[:]
    proto.graph.output.extend(kept)
    path = folder / "digits.onnx"
    onnx.save(proto, str(path))
    card = json.loads(card_path(bundled_model_path()).read_text(encoding="utf-8"))
    dropped = (*card_fields, "sha256", "size_bytes")
    card = {k: v for k, v in card.items() if k not in dropped}
    card_path(path).write_text(json.dumps(card), encoding="utf-8")
    return path
