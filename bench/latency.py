"""Latency of the app: from the end of a stroke to the prediction (preprocessing plus inference,
alone and through the worker thread), and from launch to the window being ready.

`python bench/latency.py [--repeats 30] [--launches 7] [--record HEADING]` prints medians; the
launch figures start `python -m desktop --log-events FILE` under Xvfb (a private one when DISPLAY
is unset) and draw one stroke with xdotool to time the first prediction too.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.record import append_section  # noqa: E402
from devtools.handwriting import HAND, densify, moved  # noqa: E402
from devtools.xdisplay import x_display  # noqa: E402

CANVAS = 360          # the app's starting canvas height, in pixels
PEN_STEP = 3.0        # pixels between a mouse's motion events when drawing at a normal pace
TIMEOUT_S = 60.0


def pen_strokes(strokes, height: float, left: float = 40.0, top: float = 60.0):
    """Hand-drawn strokes (60x100 box) scaled to height pixels, with a point every PEN_STEP."""
    return [densify(line, PEN_STEP) for line in moved(strokes, height / 100, left, top)]


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms"


def time_calls(function, repeats: int) -> list[float]:
    function()  # warm-up: first-call allocations are not what a user waits for
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def stroke_latency(repeats: int) -> list[tuple[str, str]]:
    """Median seconds from a finished drawing to its prediction, for each digit and a number."""
    import numpy as np

    from desktop.engine.classifier import Classifier
    from desktop.engine.reading import read_strokes
    from desktop.engine.recipes import canvas_inputs
    from desktop.window.drawing import default_brush
    from desktop.window.model_thread import Done, ModelThread

    classifier = Classifier()
    brush = default_brush(CANVAS)
    drawings = {d: pen_strokes(s, 0.6 * CANVAS) for d, s in HAND.items()}
    number = [s for i, d in enumerate("2026")
              for s in pen_strokes(HAND[d], 0.3 * CANVAS, left=20 + i * 80)]
    # Five digits (seven strokes), the last four touching their neighbours: the most candidate
    # digits the grouping reads for a number of that length.
    five = [s for i, d in enumerate("14502")
            for s in pen_strokes(HAND[d], 0.3 * CANVAS, left=20 + i * 60)]
    points = statistics.median(sum(map(len, s)) for s in drawings.values())

    one = [t for s in drawings.values()
           for t in time_calls(lambda s=s: read_strokes(s, brush, classifier), repeats)]
    prep = [t for s in drawings.values()
            for t in time_calls(lambda s=s: canvas_inputs(s, brush), repeats)]
    batch = np.zeros((1, 28, 28), np.float32)
    infer = time_calls(lambda: classifier.predict(batch), repeats * 10)
    several = time_calls(lambda: read_strokes(number, brush, classifier), repeats)
    fives = time_calls(lambda: read_strokes(five, brush, classifier), repeats)

    worker = ModelThread(lambda: classifier)
    handed = []
    for tag, strokes in enumerate(list(drawings.values()) * repeats, start=1):
        start = time.perf_counter()
        worker.submit(tag, lambda c, s=strokes: read_strokes(s, brush, c))
        while not any(isinstance(o, Done) for o in worker.poll()):
            time.sleep(0.0002)
        handed.append(time.perf_counter() - start)
    worker.close()
    return [
        (f"one digit, stroke end → prediction (preprocess + inference; {points:.0f} points)",
         median_ms(one)),
        ("  of which preprocessing (rasterize, split, 28x28)", median_ms(prep)),
        ("  of which inference (onnxruntime, one 28x28)", median_ms(infer)),
        ("one digit through the worker thread (submit → result polled)", median_ms(handed)),
        ('"2026", four digits (preprocess + inference)', median_ms(several)),
        ('"14502", five digits in seven strokes, touching (preprocess + inference)',
         median_ms(fives)),
    ]


def _wait_event(log: Path, name: str, after: int, app: subprocess.Popen) -> tuple[dict, int]:
    start = time.perf_counter()
    while True:
        lines = log.read_text(encoding="utf-8").splitlines() if log.is_file() else []
        for i, line in enumerate(lines[after:], start=after):
            if line.endswith("}") and json.loads(line)["event"] == name:
                return json.loads(line), i + 1
        if app.poll() is not None:
            raise RuntimeError(f"the app exited with {app.returncode}")
        if time.perf_counter() - start > TIMEOUT_S:
            raise RuntimeError(f"no {name} event within {TIMEOUT_S:.0f} s")
        time.sleep(0.001)


def launch_once() -> tuple[float, float]:
    """Seconds from launch to `ready`, and to the first prediction of a stroke drawn then."""
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "events.jsonl"
        start = time.perf_counter()
        app = subprocess.Popen([sys.executable, "-m", "desktop", "--log-events", str(log)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            ready, seen = _wait_event(log, "ready", 0, app)
            to_ready = time.perf_counter() - start
            x, y = ready["canvas"]["x"] + 100, ready["canvas"]["y"] + 60
            subprocess.run(["xdotool", "mousemove", str(x), str(y), "mousedown", "1",
                            "mousemove", str(x + 5), str(y + 150), "mouseup", "1"], check=True)
            _wait_event(log, "prediction", seen, app)
            to_prediction = time.perf_counter() - start
        finally:
            app.terminate()
            app.wait(10)
    return to_ready, to_prediction


def launch_latency(launches: int) -> list[tuple[str, str]]:
    with x_display():
        launch_once()  # warm-up: the first launch reads everything from disk
        runs = [launch_once() for _ in range(launches)]
    ready = [r for r, _ in runs]
    first = [p for _, p in runs]
    return [(f"launch → ready (window shown and idle), median of {launches}",
             f"{statistics.median(ready):.3f} s ({min(ready):.3f}-{max(ready):.3f})"),
            ("launch → first prediction (model loaded, one stroke drawn at ready)",
             f"{statistics.median(first):.3f} s ({min(first):.3f}-{max(first):.3f})")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="timings per drawing")
    parser.add_argument("--launches", type=int, default=7, help="timed launches of the app")
    parser.add_argument("--no-launch", action="store_true", help="skip the launch timings")
    parser.add_argument("--record", metavar="HEADING",
                        help="append the figures under this heading to bench/RESULTS.md")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    rows = stroke_latency(args.repeats)
    if not args.no_launch:
        rows += launch_latency(args.launches)
    lines = ["| what | median |", "| --- | --- |", *(f"| {a} | {b} |" for a, b in rows)]
    print("\n".join(lines))
    if args.record:
        append_section(args.record, "python bench/latency.py " + shlex.join(argv), lines)
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):  # run as a script: make the project importable
        sys.path.insert(0, str(ROOT))
    sys.exit(main())
