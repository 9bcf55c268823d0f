"""Batch classification throughput: the engine (`desktop.batch`) against the naive loop, on the
10,000 MNIST test digits saved as 28x28 PNGs, in the same run with the same model.

The naive loop is what a first script does: for each file, Pillow open, convert("L"), resize to
28x28, one onnxruntime call. Both read the same folder (warmed in the page cache first); each is
run `--repeats` times, alternating, and the median counts; each timing first waits (up to two
minutes) for the CPUs to be idle, as other jobs on a shared machine skew it. Last, the peak
memory of the command on 1,000 and on 10,000 files shows that it stays flat.

    python bench/throughput.py [--data DIR] [--repeats 3] [--limit N] [--model PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.batch.job import BatchJob, batch_classifier  # noqa: E402
from desktop.engine.classifier import Classifier  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "mnist"
FOLDER = ROOT / "bench" / "out" / "mnist-test-png"


def build_folder(data: Path, folder: Path = FOLDER) -> dict[str, int]:
    """The test digits as 00000_7.png … (index_label), written once; {file name: label}."""
    from PIL import Image

    from train.data import load_idx_folder

    mnist = load_idx_folder(data)
    names = {f"{i:05d}_{label}.png": int(label) for i, label in enumerate(mnist.y_test)}
    folder.mkdir(parents=True, exist_ok=True)
    if sorted(os.listdir(folder)) != sorted(names):
        for (name, _), digit in zip(names.items(), mnist.x_test, strict=True):
            Image.fromarray(digit).save(folder / name)
    return names


def warm(files: list[Path]) -> None:
    for path in files:
        path.read_bytes()


def naive_loop(files: list[Path], model_path: Path) -> list[int]:
    """Predicted digit per file, one image at a time."""
    import onnxruntime as ort
    from PIL import Image

    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    shape = [1 if not isinstance(d, int) else d for d in session.get_inputs()[0].shape]
    digits = []
    for path in files:
        image = Image.open(path).convert("L").resize((28, 28))
        x = (np.asarray(image, np.float32) / 255.0).reshape(shape)
        digits.append(int(session.run(None, {name: x})[0].argmax()))
    return digits


def engine(folder: Path, classifier: Classifier) -> dict[str, str]:
    """Predicted digit per file name, by the batch engine."""
    return {row.path: row.digit for row in BatchJob([str(folder)], classifier).rows()}


def peak_memory_mib(folder: Path) -> float | None:
    """Peak resident memory of `python -m desktop classify folder` in its own process."""
    if not hasattr(os, "wait4"):
        return None
    import subprocess

    child = subprocess.Popen([sys.executable, "-m", "desktop", "classify", str(folder), "-q",
                              "--out", os.devnull, "--force"], cwd=ROOT)
    _, _, usage = os.wait4(child.pid, 0)
    return usage.ru_maxrss / 1024  # KiB on Linux


def linked_subset(count: int) -> Path:
    """The first `count` files of the folder, hard-linked into a folder of their own."""
    folder = FOLDER.parent / f"mnist-test-png-{count}"
    folder.mkdir(exist_ok=True)
    for name in sorted(os.listdir(FOLDER))[:count]:
        if not (folder / name).exists():
            os.link(FOLDER / name, folder / name)
    return folder


def cpu_idle_share(seconds: float = 1.0) -> float | None:
    """Share of CPU time idle over the next `seconds` (None where /proc/stat is missing)."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return values[3] + values[4], sum(values)

    try:
        idle, total = sample()
        time.sleep(seconds)
        idle2, total2 = sample()
    except OSError:
        return None
    return (idle2 - idle) / max(1, total2 - total)


def wait_until_idle(limit_s: float = 120.0) -> bool:
    """Wait (up to limit_s) for 2 s of >= 90 % idle CPUs, so other jobs do not skew a timing."""
    deadline, quiet = time.monotonic() + limit_s, 0
    while time.monotonic() < deadline:
        share = cpu_idle_share()
        if share is None:
            return True
        quiet = quiet + 1 if share >= 0.9 else 0
        if quiet >= 2:
            return True
    return False


def timed(run, busy: list[int]):
    if not wait_until_idle():
        busy.append(1)
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("DIGITS_DATA", DEFAULT_DATA), type=Path)
    parser.add_argument("--model", help="ONNX model (default: the bundled one)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=int, help="use only the first N files (a quick look)")
    args = parser.parse_args(argv)

    labels = build_folder(args.data)
    folder = FOLDER
    if args.limit:
        folder = linked_subset(args.limit)
        labels = {name: labels[name] for name in sorted(labels)[:args.limit]}
    files = [folder / name for name in sorted(labels)]
    truth = [labels[path.name] for path in files]
    classifier = batch_classifier(args.model)  # as `python -m desktop classify` makes it
    warm(files)

    naive_times, engine_times, busy = [], [], []
    for _ in range(args.repeats):
        naive_digits, seconds = timed(lambda: naive_loop(files, classifier.path), busy)
        naive_times.append(seconds)
        engine_digits, seconds = timed(lambda: engine(folder, classifier), busy)
        engine_times.append(seconds)
    naive_rate = len(files) / statistics.median(naive_times)
    engine_rate = len(files) / statistics.median(engine_times)
    naive_accuracy = float(np.mean(np.array(naive_digits) == np.array(truth)))
    engine_accuracy = float(np.mean([engine_digits.get(p.name) == str(label)
                                     for p, label in zip(files, truth, strict=True)]))
    print(f"{len(files):,} MNIST test digits as 28x28 PNGs, model {classifier.path.name}, "
          f"{os.cpu_count()} cores, median of {args.repeats}")
    print(f"  naive loop: {naive_rate:8.0f} images/s   accuracy {naive_accuracy:.2%}")
    print(f"  engine:     {engine_rate:8.0f} images/s   accuracy {engine_accuracy:.2%}")
    print(f"  ratio:      {engine_rate / naive_rate:8.2f}x")
    print(f"  runs: naive {', '.join(f'{len(files) / t:.0f}' for t in naive_times)}; "
          f"engine {', '.join(f'{len(files) / t:.0f}' for t in engine_times)} images/s")
    if busy:
        print(f"  note: other jobs kept the CPUs busy before {len(busy)} of the timed runs")
    small, large = peak_memory_mib(linked_subset(1000)), peak_memory_mib(FOLDER)
    if small and large:
        print(f"  peak memory of the command: {small:.0f} MiB for 1,000 files, "
              f"{large:.0f} MiB for 10,000")
    return 0


if __name__ == "__main__":
    sys.exit(main())
