"""Where training's time goes, on this machine: images a second through each part of a step.

- the network's step alone (forward, backward, AdamW) on images already in memory, at batch 128
  (training's) and 256;
- the augmentation alone (`train/augment.py`, one batch of 128 at a time, as tf.data runs it);
- the whole input pipeline and step together, as `python -m train` runs them (`make_datasets`:
  shuffle, batch, augment in parallel, prefetch), with and without augmentation, and with
  TensorFlow's thread pools set otherwise;
- restyling (`train/styles.py`), digits a second, made once and then read from the cache.

The step runs under any Keras 3 backend (`KERAS_BACKEND=jax` or `torch`, in an environment that
has it: the figure to compare with TensorFlow's); the rest needs TensorFlow.

    python -m bench training [--steps 120] [--record HEADING]
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.record import append_section  # noqa: E402

THREADS = ((0, 0), (2, 1), (1, 2))  # (intra-op, inter-op); 0: TensorFlow's default (cores)


def compiled_model():
    """The network as `python -m train` builds and compiles it."""
    from train.cli import compile_model
    from train.config import TrainConfig
    from train.model import build_model

    model = build_model()
    compile_model(model, TrainConfig(), TrainConfig().learning_rate)
    return model


def step_rate(batch: int, steps: int) -> float:
    """Images a second of model.fit on random images in memory (no input pipeline)."""
    rng = np.random.default_rng(0)
    n = batch * steps
    x = rng.random((n, 28, 28, 1), np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    model = compiled_model()
    model.fit(x[: batch * 10], y[: batch * 10], batch_size=batch, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    return n / (time.perf_counter() - start)


def augment_rate(repeats: int) -> float:
    import tensorflow as tf

    from train.augment import augment_batch

    images = tf.constant(np.random.default_rng(0).random((128, 28, 28, 1), np.float32))
    run = tf.function(lambda batch: augment_batch(batch, 1.0))
    run(images)
    start = time.perf_counter()
    for _ in range(repeats):
        run(images).numpy()
    return 128 * repeats / (time.perf_counter() - start)


def pipeline_rate(steps: int, augment: float) -> float:
    """Images a second of one epoch through `train.cli.make_datasets` and model.fit."""
    from train.cli import make_datasets
    from train.config import TrainConfig

    cfg = TrainConfig(augment=augment)
    n = cfg.batch_size * steps
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (n, 28, 28), np.uint8), rng.integers(0, 10, n)
    train_ds, _ = make_datasets((x, y), (x[:512], y[:512]), cfg)
    model = compiled_model()
    model.fit(train_ds.take(10), epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(train_ds, epochs=1, verbose=0)
    return n / (time.perf_counter() - start)


def styles_rate(count: int) -> float:
    """Digits a second restyled from scratch (no cache), with the training's process pool."""
    import tempfile

    from bench.record import mnist
    from train.styles import styled_set

    data = mnist()
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        styled_set(data.x_train[:count], data.y_train[:count], count, 0, Path(cache))
        return count / (time.perf_counter() - start)


def set_threads(intra: int, inter: int) -> None:
    if intra or inter:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)


def in_child(what: str, threads: tuple[int, int] = (0, 0)) -> float:
    """One measurement in a fresh process: TensorFlow's thread pools are set once a process,
    and each run should start from the same state."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from bench import training; "
            "training.set_threads(int(sys.argv[3]), int(sys.argv[4])); "
            "print(eval('training.' + sys.argv[2]))")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT), what, *map(str, threads)],
                          capture_output=True, text=True, timeout=1800, check=False,
                          env=os.environ | {"TF_CPP_MIN_LOG_LEVEL": "3"})
    if done.returncode:
        raise SystemExit(f"{what} failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench training", description=__doc__)
    parser.add_argument("--steps", type=int, default=120, help="batches timed in each run")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each, the median kept")
    parser.add_argument("--record", metavar="HEADING", help="append the figures to RESULTS.md")
    args = parser.parse_args(argv)

    def median(what: str, threads: tuple[int, int] = (0, 0)) -> float:
        return statistics.median(in_child(what, threads)
                                 for _ in range(args.repeats))

    rows = [("network step alone, batch 128", median(f"step_rate(128, {args.steps})")),
            ("network step alone, batch 256", median(f"step_rate(256, {args.steps // 2})"))]
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    rows = [(f"{name} ({backend})", rate) for name, rate in rows]
    if backend == "tensorflow":
        rows += tensorflow_rows(median, args.steps)
    lines = ["| part | images/s (median of runs) |", "| --- | --- |",
             *[f"| {name} | {rate:,.0f} |" for name, rate in rows]]
    print("\n".join(lines))
    if args.record:
        command = "python -m bench training " + shlex.join(argv if argv is not None else
                                                           sys.argv[1:])
        append_section(args.record, command.strip(), lines)
    return 0


def tensorflow_rows(median, steps: int) -> list[tuple[str, float]]:
    """The parts only TensorFlow runs: augmentation, the input pipeline, its threads."""
    rows = [("augmentation alone (batches of 128)", median(f"augment_rate({steps})"))]
    for augment in (1.0, 0.0):
        for threads in THREADS:
            name = ("TensorFlow's default threads" if threads == (0, 0) else
                    f"{threads[0]} intra-op, {threads[1]} inter-op threads")
            rows.append((f"pipeline + step, augmentation {augment:g}, {name}",
                         median(f"pipeline_rate({steps}, {augment})", threads)))
            if augment == 0.0:
                break
    rows.append(("restyling 2,000 digits, no cache (digits/s)", in_child("styles_rate(2000)")))
    return rows


if __name__ == "__main__":
    sys.exit(main())
