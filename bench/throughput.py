"""Batch classification throughput: `python -m desktop classify` against the naive loop
(bench/naive.py), whole processes side by side in one run, on the folders of bench/folders.py:
photo-like pictures (with font and hand-drawn digits), full-size phone photos alone, and the
MNIST test set as 28x28 PNGs.

Each timing runs the two commands alternately `--repeats` times (the median counts), after the
files were read once (page cache). Also measured: accuracy (labels are in the file names), the
CPU time of each command over its wall time (2.0 = both cores busy), the per-stage cost of the
engine's work in one process, the peak memory of the whole process tree for 1,000 and 10,000
files, and a folder of ten files.

    python bench/throughput.py [--repeats 3] [--only photos,huge,mnist-png] [--record HEADING]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.folders import build, image_files, label_of  # noqa: E402
from bench.record import append_section, mnist  # noqa: E402

FOLDERS = ("photos", "huge", "mnist-png")


def run_timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (all its processes) and stdout of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def naive(folder: Path) -> tuple[float, float, dict[str, str]]:
    wall, cpu, out = run_timed([sys.executable, "bench/naive.py", str(folder)])
    return wall, cpu, dict(line.split(",") for line in out.splitlines())


def engine(folder: Path, *extra: str) -> tuple[float, float, dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows.csv"
        wall, cpu, _ = run_timed([sys.executable, "-m", "desktop", "classify", str(folder), "-r",
                                  "-q", "--out", str(out), *extra])
        with open(out, newline="", encoding="utf-8") as f:
            digits = {row["path"]: row["digit"] for row in csv.DictReader(f)}
    return wall, cpu, digits


def accuracy(digits: dict[str, str], folder: Path, under: str = "") -> float:
    files = [p for p in image_files(folder) if str(p.relative_to(folder)).startswith(under)]
    right = sum(digits.get(str(p.relative_to(folder))) == str(label_of(p)) for p in files)
    return right / len(files)


def compare(name: str, folder: Path, repeats: int) -> tuple[list[str], float]:
    """Table rows (naive and engine throughput, ratio, CPU use, accuracy); the engine's rate."""
    files = image_files(folder)
    for path in files:
        path.read_bytes()
    timings: dict[str, list[tuple[float, float]]] = {"naive": [], "engine": []}
    for _ in range(repeats):
        for kind, run in (("naive", naive), ("engine", engine)):
            wall, cpu, digits = run(folder)
            timings[kind].append((wall, cpu))
            if kind == "naive":
                naive_digits = digits
            else:
                engine_digits = digits
    wall = {k: statistics.median(w for w, _ in v) for k, v in timings.items()}
    cores = {k: statistics.median(c / w for w, c in v) for k, v in timings.items()}
    rate = {k: len(files) / wall[k] for k in wall}
    parts = sorted({str(p.relative_to(folder)).split(os.sep)[0] for p in files}
                   if any(p.parent != folder for p in files) else {""})
    rows = [f"| {name} ({len(files):,} files) | {rate['naive']:,.0f}/s "
            f"({1000 / rate['naive']:.2f} ms), {cores['naive']:.2f} cores | "
            f"{rate['engine']:,.0f}/s ({1000 / rate['engine']:.2f} ms), "
            f"{cores['engine']:.2f} cores | **{rate['engine'] / rate['naive']:.2f}x** |"]
    for part in parts:
        label = f"  accuracy{' of ' + part if part else ''}"
        rows.append(f"| {label} | {accuracy(naive_digits, folder, part):.2%} | "
                    f"{accuracy(engine_digits, folder, part):.2%} | |")
    return rows, rate["engine"]


def stage_table(folder: Path, engine_rate: float | None, count: int = 600) -> list[str]:
    """Per-image cost of each stage of the engine's work (one process, one thread) on `count`
    files taken evenly from the folder, and how close the engine comes to their sum spread
    over the cores."""
    from desktop.batch import small_png
    from desktop.batch.output import ResultWriter
    from desktop.batch.rows import Row
    from desktop.batch.work import batch_classifier
    from desktop.engine.frame import normalize
    from desktop.engine.imagefile import load_image, sniff
    from desktop.engine.ink import find_ink
    from desktop.engine.recipes import DIGIT_WORK_SIZE, near_strokes
    from desktop.engine.segment import keep_significant

    every = image_files(folder)
    files = every[::max(1, len(every) // count)]
    spent = dict.fromkeys(("decode (read, sniff, Pillow, reduced, grey)", "find the ink",
                           "segment and frame (specks, haze, 28x28)", "inference (batches of 64)",
                           "writing the rows (CSV)"), 0.0)
    names = list(spent)
    inputs = []
    for path in files:
        t0 = time.perf_counter()
        data = path.read_bytes()
        kind = sniff(data[:16])
        image = small_png.pixels(data) if kind == "PNG" else None
        if image is None:
            image = load_image(data, [kind] if kind else None, DIGIT_WORK_SIZE, grey=True)
        t1 = time.perf_counter()
        ink = find_ink(image, DIGIT_WORK_SIZE)
        t2 = time.perf_counter()
        inputs.append(normalize(near_strokes(keep_significant(ink))))
        t3 = time.perf_counter()
        for name, seconds in zip(names, (t1 - t0, t2 - t1, t3 - t2), strict=False):
            spent[name] += seconds
    classifier = batch_classifier()
    start = time.perf_counter()
    probabilities = classifier.predict(np.stack(inputs))
    spent[names[3]] = time.perf_counter() - start
    writer = ResultWriter(os.devnull, force=True).open()
    start = time.perf_counter()
    for path, p in zip(files, probabilities, strict=True):
        writer.write(Row(path.name, str(path), str(int(p.argmax())), float(p.max())))
    spent[names[4]] = time.perf_counter() - start
    writer.commit()
    total = sum(spent.values()) / len(files)
    cores = os.cpu_count() or 1
    rows = [f"| stage, {len(files)} files of the photos folder | per image, one core |",
            "| --- | --- |"]
    rows += [f"| {name} | {seconds / len(files) * 1000:.3f} ms |"
             for name, seconds in spent.items()]
    rows.append(f"| sum | {total * 1000:.3f} ms |")
    rows.append(f"| limit on {cores} cores (sum / cores) | {total * 1000 / cores:.3f} ms, "
                f"{cores / total:,.0f} images/s |")
    if engine_rate:
        rows.append(f"| the engine, whole process | {1000 / engine_rate:.3f} ms, "
                    f"{engine_rate / (cores / total):.0%} of the limit |")
    return rows


def special_paths(folder: Path, count: int = 2000) -> list[str]:
    """Whether the MNIST special paths still pay: on MNIST's own PNGs, one core, per image."""
    from desktop.batch import small_png
    from desktop.engine.frame import normalize
    from desktop.engine.framed import framed_inputs
    from desktop.engine.imagefile import load_image
    from desktop.engine.recipes import DIGIT_WORK_SIZE, picture_ink

    data = [path.read_bytes() for path in image_files(folder)[:count]]

    def per_image(work) -> float:
        start = time.perf_counter()
        result = work()
        assert result is not None
        return (time.perf_counter() - start) / len(data) * 1e6

    pillow = per_image(lambda: [load_image(d, ["PNG"], DIGIT_WORK_SIZE, grey=True) for d in data])
    own = per_image(lambda: [small_png.pixels(d) for d in data])
    images = np.stack([small_png.pixels(d) for d in data])
    framed = per_image(lambda: framed_inputs(images))
    general = per_image(lambda: [normalize(picture_ink(i, DIGIT_WORK_SIZE)) for i in images])
    return ["| MNIST's own 28x28 PNGs, one core | per image |", "| --- | --- |",
            f"| decode with Pillow (`imagefile.load_image`) | {pillow:.0f} µs |",
            f"| decode with `batch/small_png.py` | {own:.0f} µs |",
            f"| model input, MNIST framing check (`engine/framed.py`, batches) | {framed:.1f} µs |",
            f"| model input, the general picture recipe | {general:.0f} µs |"]


def threads_or_processes(folder: Path, repeats: int) -> list[str]:
    """The engine in worker processes (the default) and on threads in one process (--jobs 1),
    side by side: what the processes buy where the GIL holds threads back."""
    runs: dict[str, list[tuple[float, float]]] = {"processes": [], "threads": []}
    for _ in range(repeats):
        runs["processes"].append(engine(folder)[:2])
        runs["threads"].append(engine(folder, "--jobs", "1")[:2])
    files = len(image_files(folder))
    cells = {k: f"{files / statistics.median(w for w, _ in v):,.0f}/s, "
                f"{statistics.median(c / w for w, c in v):.2f} cores" for k, v in runs.items()}
    return ["| the engine on the photos folder | images/s, CPU in use |", "| --- | --- |",
            f"| worker processes (default) | {cells['processes']} |",
            f"| threads in one process (--jobs 1) | {cells['threads']} |"]


def extras(folders: dict[str, Path], repeats: int) -> list[str]:
    """Peak memory on 1,000 and 10,000 files, and a folder of ten files."""
    command = [sys.executable, "-m", "desktop", "classify", "-q", "--out", os.devnull]
    mnist = folders["mnist-png"]
    small, large = (peak_memory_mib([*command, str(f)]) for f in (linked_subset(mnist, 1000),
                                                                   mnist))
    ten = linked_subset(folders["photos"] / "mnist", 10)
    engine_ten = statistics.median(engine(ten)[0] for _ in range(repeats + 2))
    naive_ten = statistics.median(naive(ten)[0] for _ in range(repeats + 2))
    return ["| what | figure |", "| --- | --- |",
            f"| peak memory, all processes, 1,000 / 10,000 MNIST PNGs | {small:.0f} MiB / "
            f"{large:.0f} MiB |",
            f"| ten photos, whole process: engine / naive loop | {engine_ten:.2f} s / "
            f"{naive_ten:.2f} s |"]


def peak_memory_mib(command: list[str]) -> float:
    """Peak resident memory of a command and all its processes together (sampled /proc)."""
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    peak = 0
    while child.poll() is None:
        peak = max(peak, _tree_rss(child.pid))
        time.sleep(0.02)
    return peak / 1024


def _tree_rss(root: int) -> int:
    """KiB resident in root and its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree)


def linked_subset(folder: Path, count: int) -> Path:
    """The first `count` files of a flat folder, hard-linked into a folder of their own."""
    subset = folder.parent / f"{folder.name}-{count}"
    subset.mkdir(exist_ok=True)
    for path in image_files(folder)[:count]:
        if not (subset / path.name).exists():
            os.link(path, subset / path.name)
    return subset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default=",".join(FOLDERS), help="which folders to time")
    parser.add_argument("--no-extras", action="store_true",
                        help="only the timings: no stages, memory or small folder")
    parser.add_argument("--record", metavar="HEADING",
                        help="append the figures under this heading to bench/RESULTS.md")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    folders = build(mnist())
    lines = ["| folder | naive loop | engine | ratio |", "| --- | --- | --- | --- |"]
    rates = {}
    for name in args.only.split(","):
        rows, rates[name] = compare(name, folders[name], args.repeats)
        lines += rows
        print("\n".join(rows), flush=True)
    if not args.no_extras:
        lines += ["", *stage_table(folders["photos"], rates.get("photos")), "",
                  *special_paths(folders["mnist-png"]), "",
                  *threads_or_processes(folders["photos"], args.repeats), "",
                  *extras(folders, args.repeats)]
    print("\n".join(lines))
    if args.record:
        append_section(args.record, "python bench/throughput.py " + shlex.join(argv), lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
