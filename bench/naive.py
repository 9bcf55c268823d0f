"""The naive loop a first script would be, the baseline of bench/throughput.py: for each file,
open it with Pillow, convert to grey, resize the whole image to 28x28, invert it if it is light
(dark ink on paper), one onnxruntime call. Prints `path,digit` per file.

    python bench/naive.py FOLDER [--model PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "desktop" / "model" / "digits.onnx"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    session = ort.InferenceSession(str(args.model), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    out = []
    for path in sorted(p for p in args.folder.rglob("*") if p.is_file()):
        x = np.asarray(Image.open(path).convert("L").resize((28, 28)), np.float32) / 255.0
        if x.mean() > 0.5:
            x = 1.0 - x
        digit = int(session.run(None, {name: x.reshape(1, 28, 28, 1)})[0].argmax())
        out.append(f"{path.relative_to(args.folder)},{digit}")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
