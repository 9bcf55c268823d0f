"""Accuracy and raw inference speed of the bundled model on the full MNIST test set.

Speed is measured side by side: the same 10,000 images given to onnxruntime in batches of 1, 64
and all at once, medians of several repeats, so the ratio is what counts, not the machine.

    python bench/accuracy.py [--model PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.engine.classifier import Classifier


def load_test_set() -> tuple[np.ndarray, np.ndarray]:
    from bench.record import mnist

    data = mnist()
    return data.x_test.astype(np.float32) / 255.0, data.y_test


def images_per_second(model: Classifier, images: np.ndarray, batch: int, repeats: int) -> float:
    name = model.input_name
    feed = images[..., None]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(feed), batch):
            model.session.run(None, {name: feed[i:i + batch]})
        times.append(time.perf_counter() - start)
    return len(images) / statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="ONNX model (default: the bundled one)")
    args = parser.parse_args(argv)

    model = Classifier(args.model)
    images, labels = load_test_set()
    predicted = model.predict(images).argmax(axis=1)
    accuracy = float((predicted == labels).mean())
    print(f"model {model.path.name}: {model.path.stat().st_size / 1024:.0f} KiB, "
          f"test accuracy {accuracy:.2%} ({int((predicted != labels).sum())} errors / 10,000)")
    subset = images[:2000]
    rates = {batch: images_per_second(model, subset, batch, repeats=5) for batch in (1, 64, 2000)}
    for batch, rate in rates.items():
        print(f"  onnxruntime, batch {batch:>4}: {rate:8.0f} images/s "
              f"({rate / rates[64]:.2f}x batch 64)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
