"""Adapting to one person's handwriting (`desktop.engine.adapt`): what their samples gain on
their own digits, and what they cost everyone else's.

- Other writers: scikit-learn's `load_digits` rendered as scans (as bench/generalize.py renders
  them), read by the app's recipe for image files. k = 1, 3, 5 and 10 samples a digit are drawn
  from it (--draws draws each, seeded from --first-draw on), the rest are read with and without
  adaptation: errors against errors.
- Styles made from MNIST digits (train/styles.py): a writer of continental 1s, one of crossed 7s
  (their other digits plain MNIST training digits), a thick marker (every digit). 5 samples a
  digit made from training digits; the style's test digits read with and without.
- Made-up styles nobody writes (struck through, upside down): learned, and at what cost to
  MNIST, with the gate on the model's confidence and without it.
- Everyone else, with each of those profiles active: the 10,000 MNIST test digits, 1,000
  photo-like pictures of MNIST test digits (tests/photos.py, JPEG, in memory) and the 630 digits
  in handwriting fonts; the worst change over all profiles is what counts.
- The gates and weights set otherwise (engine/adapt.py): what they save and what they cost, to
  show why they are set as they are.
- Cost: a digit drawn on the canvas, stroke end to prediction, with 1,000 samples and without;
  `classify` of the 10,000 MNIST test PNGs (three times over) with `--personal` (1,000
  samples) and without.

    python bench/adapt.py [--draws 5] [--first-draw 100] [--model M.onnx] [--record HEADING]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import re
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

from bench.folders import build  # noqa: E402
from bench.generalize import FONTS, on_paper, optdigit_ink  # noqa: E402
from bench.record import append_section  # noqa: E402
from bench.record import mnist as load_mnist  # noqa: E402
from desktop.engine.adapt import USUAL_DOUBT  # noqa: E402
from devtools.made_up import struck_through  # noqa: E402

PER_DIGIT = (1, 3, 5, 10)
STYLES = {"continental 1": ("continental 1 (flag, base)", 1),
          "crossed 7": ("7 with a bar or hooked foot", 7),
          "thick marker": ("thick marker (a quarter of the height)", None)}
STYLE_SAMPLES, STYLE_TEST = 5, 600
MORE_SAMPLES = (20, 40)   # samples a digit, to show how far more samples take a style
PHOTOS = 1000


class Reader:
    """A model's probabilities, features and style for inputs (the bundled model's unless
    told); accuracy with an adaptation."""

    def __init__(self, model: str | None = None):
        from desktop.engine.classifier import Classifier

        self.classifier = Classifier(model)

    def read(self, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.classifier.predict_with_features(inputs)

    @staticmethod
    def errors(read: tuple[np.ndarray, np.ndarray], labels: np.ndarray, adaptation=None) -> int:
        probabilities = read[0] if adaptation is None else adaptation.predict_proba(*read)
        return int((probabilities.argmax(axis=1) != labels).sum())


def file_input(picture, fmt: str = "PNG", **options) -> np.ndarray:
    """A picture as the app reads an image file of it (encoded, then `file_inputs`)."""
    from desktop.engine.recipes import file_inputs

    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    inputs = file_inputs(buffer.getvalue())
    return inputs[0] if len(inputs) else np.zeros((28, 28), np.float32)


def optdigit_scans(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """load_digits rendered as scans (bench/generalize.py's rendering), read as files."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(seed)
    inputs = []
    for cells in digits.images:
        picture = on_paper(optdigit_ink(cells, int(rng.integers(40, 161)), rng, "scan"), rng)
        jpeg = rng.random() < 0.5
        inputs.append(file_input(picture, "JPEG" if jpeg else "PNG",
                                 **({"quality": int(rng.integers(70, 96))} if jpeg else {})))
    return np.stack(inputs), digits.target


def everyone_else(reader: Reader, mnist) -> dict[str, tuple]:
    """The sets no profile may spoil: MNIST test, photo-like pictures, font digits."""
    from PIL import Image

    from devtools.photos import photo

    rng = np.random.default_rng(11)
    photos = np.stack([file_input(photo(d, rng).convert("L"), "JPEG", quality=85)
                       for d in mnist.x_test[:PHOTOS]])
    fonts = sorted(FONTS.glob("*.png"))
    font_inputs = np.stack([file_input(Image.open(p)) for p in fonts])
    sets = {"MNIST test": (mnist.x_test / 255.0, mnist.y_test),
            "photo-like": (photos, mnist.y_test[:PHOTOS]),
            "fonts": (font_inputs, np.array([int(p.name[0]) for p in fonts]))}
    return {name: (reader.read(x), y) for name, (x, y) in sets.items()}


def fitted(reader: Reader, inputs: np.ndarray, labels: np.ndarray):
    from desktop.engine.adapt import Adaptation

    return Adaptation.fit(*reader.read(inputs), labels,
                          usual_doubt=reader.classifier.usual_doubt)


def worst_changes(others: dict, adaptations: list) -> dict[str, float]:
    """For each set, the largest loss in accuracy points over the profiles (negative: a loss)."""
    worst = {}
    for name, (read, labels) in others.items():
        base = Reader.errors(read, labels)
        worst[name] = min((base - Reader.errors(read, labels, a)) / len(labels) * 100
                          for a in adaptations)
    return worst


def writer_rows(reader: Reader, draws: int, first: int) -> tuple[list[str], list, list]:
    """The rows; the Adaptations; and (k, the rest's reading, their digits, Adaptation) for
    each draw (seeds first, first + 1, ...), for `gate_rows`."""
    x, y = optdigit_scans()
    read_all = reader.read(x)
    rows = ["| samples a digit | errors without → with (mean of draws) | errors left | draws |",
            "| --- | --- | --- | --- |"]
    profiles, cases = [], []
    for k in PER_DIGIT:
        before, after = [], []
        for draw in range(draws):
            rng = np.random.default_rng(first + draw)
            chosen = np.concatenate([rng.choice(np.flatnonzero(y == d), k, replace=False)
                                     for d in range(10)])
            rest = np.setdiff1d(np.arange(len(y)), chosen)
            adaptation = fitted(reader, x[chosen], y[chosen])
            profiles.append(adaptation)
            part = tuple(view[rest] for view in read_all)
            cases.append((k, part, y[rest], adaptation))
            before.append(Reader.errors(part, y[rest]))
            after.append(Reader.errors(part, y[rest], adaptation))
        b, a = statistics.mean(before), statistics.mean(after)
        rows.append(f"| {k} | {b:.1f} → **{a:.1f}** (of {len(y) - 10 * k}) | "
                    f"{a / b:.0%} | {draws} |")
        print(rows[-1], flush=True)
    return rows, profiles, cases


# Upper case: engine/adapt.py's constants; lower case: an Adaptation's own fields.
GATES = {"as chosen": {},
         "SURE 0.95 (more of the model's readings open to the samples)": {"SURE": 0.95},
         "MISREAD 0 (any digit can be voted for)": {"MISREAD": 0.0},
         "MISREAD 1.5": {"MISREAD": 1.5},
         "MISREAD 4 (fewer digits open to the vote)": {"MISREAD": 4.0},
         "FEATURES_WEIGHT 20, NEAR 0.22 (the setting before)":
             {"FEATURES_WEIGHT": 20.0, "NEAR": 0.22},
         "PRIOR 0 (a digit's doubt from its own samples alone)": {"PRIOR": 0.0},
         "NEAR 2 (samples act however far a digit is from them)": {"NEAR": 2.0},
         "STYLE_WEIGHT 0 (features alone)": {"STYLE_WEIGHT": 0.0, "NEAR": 2.0},
         "FEATURES_WEIGHT 0 (style alone)": {"FEATURES_WEIGHT": 0.0},
         "MARGIN 1": {"MARGIN": 1.0},
         "USUAL_DOUBT, not this model's (as for a card without `doubt`)":
             {"usual_doubt": USUAL_DOUBT}}


def gate_rows(cases: list, styles: list, profiles: list, others: dict) -> list[str]:
    """The gates and weights (engine/adapt.py) set otherwise: errors left on load_digits, the
    styles' own digits (`styles`: their reading, digits and Adaptation), and the worst loss
    elsewhere over the writer and style profiles."""
    from unittest import mock

    from desktop.engine import adapt

    rows = ["| engine/adapt.py set | errors left, 3 / 10 a digit | continental 1, crossed 7, "
            "thick marker | worst change: MNIST, photo-like, fonts |", "| --- | --- | --- | --- |"]
    for title, settings in GATES.items():
        values = {k: v for k, v in settings.items() if k.isupper()}
        own_fields = {k: v for k, v in settings.items() if k.islower()}

        def anew(adaptation, own_fields=own_fields):  # worked out again, patched
            return dataclasses.replace(adapt.Adaptation.from_params(adaptation.params()),
                                       **own_fields)

        with mock.patch.multiple(adapt, **values) if values else contextlib.nullcontext():
            left = [sum(Reader.errors(r, y, anew(a)) for k, r, y, a in cases if k == per)
                    / sum(Reader.errors(r, y) for k, r, y, _ in cases if k == per)
                    for per in (3, 10)]
            worst = worst_changes(others, [anew(a) for a in profiles])
            own = [1 - Reader.errors(r, y, anew(a)) / len(y) for r, y, a in styles]
        rows.append(f"| {title} | {left[0]:.0%} / {left[1]:.0%} | "
                    + ", ".join(f"{v:.2%}" for v in own) + " | "
                    + ", ".join(f"{v:+.2f}" for v in worst.values()) + " |")
        print(rows[-1], flush=True)
    return rows


def style_samples(reader: Reader, mnist, name: str, digit: int | None, per_digit: int):
    """An Adaptation to the style from `per_digit` samples a digit made from training digits:
    of every digit (`digit` None), or of the style's digit with the other digits plain."""
    from train.styles import style_set

    styled, styled_labels = style_set(name, mnist.x_train, mnist.y_train, seed=5,
                                      count=per_digit * (12 if digit is None else 1))
    if digit is None:
        chosen = np.concatenate([np.flatnonzero(styled_labels == d)[:per_digit]
                                 for d in range(10)])
        return fitted(reader, styled[chosen], styled_labels[chosen])
    plain = np.concatenate([np.flatnonzero(mnist.y_train == d)[:per_digit]
                            for d in range(10) if d != digit])
    return fitted(reader, np.concatenate([styled, mnist.x_train[plain] / 255.0]),
                  np.concatenate([styled_labels, mnist.y_train[plain]]))


def style_rows(reader: Reader, mnist) -> tuple[list[str], list, list]:
    """The rows; the Adaptations from STYLE_SAMPLES a digit; and (the style's test reading,
    digits, that Adaptation) for `gate_rows`. More samples a digit (MORE_SAMPLES) show how far
    the nearest samples can take a style."""
    from train.styles import style_set

    rows = [f"| style | its test digits without → with {STYLE_SAMPLES} samples a digit | "
            + " | ".join(f"with {k}" for k in MORE_SAMPLES) + " |",
            "| --- " * (2 + len(MORE_SAMPLES)) + "|"]
    profiles, cases = [], []
    for title, (name, digit) in STYLES.items():
        adaptation = style_samples(reader, mnist, name, digit, STYLE_SAMPLES)
        profiles.append(adaptation)
        test, test_labels = style_set(name, mnist.x_test, mnist.y_test, seed=21,
                                      count=STYLE_TEST)
        read = reader.read(test)
        cases.append((read, test_labels, adaptation))
        n = len(test_labels)
        before = 1 - Reader.errors(read, test_labels) / n
        after = [1 - Reader.errors(read, test_labels, a) / n for a in [adaptation] + [
            style_samples(reader, mnist, name, digit, k) for k in MORE_SAMPLES]]
        rows.append(f"| {title} ({n}) | {before:.2%} → **{after[0]:.2%}** | "
                    + " | ".join(f"{a:.2%}" for a in after[1:]) + " |")
        print(rows[-1], flush=True)
    return rows, profiles, cases


MADE_UP = {"struck through (tests/made_up.py), 5 a digit": (5, lambda x: struck_through(x)),
           "upside down, 10 a digit": (10, lambda x: x[:, ::-1, :] / 255.0)}


def made_up_rows(reader: Reader, mnist) -> list[str]:
    """Styles nobody writes: how much they are learned, and what they cost MNIST; with the
    gates on the model's confidence and on nearness, and without them (SURE = 1, NEAR = 2)."""
    from unittest import mock

    from desktop.engine import adapt

    rows = ["| made-up style | its test digits without → with | MNIST test change | "
            "MNIST change without the confidence and nearness gates |", "| --- | --- | --- | --- |"]
    plain = reader.read(mnist.x_test / 255.0)
    base = Reader.errors(plain, mnist.y_test)
    for title, (k, write) in MADE_UP.items():
        index = np.concatenate([np.flatnonzero(mnist.y_train == d)[:k] for d in range(10)])
        adaptation = fitted(reader, write(mnist.x_train[index]), mnist.y_train[index])
        test = reader.read(write(mnist.x_test[:2000]))
        before = 1 - Reader.errors(test, mnist.y_test[:2000]) / 2000
        after = 1 - Reader.errors(test, mnist.y_test[:2000], adaptation) / 2000
        change = (base - Reader.errors(plain, mnist.y_test, adaptation)) / 100
        with mock.patch.multiple(adapt, SURE=1.01, NEAR=2.0):
            ungated = (base - Reader.errors(plain, mnist.y_test, adaptation)) / 100
        rows.append(f"| {title} (2,000) | {before:.2%} → **{after:.2%}** | {change:+.2f} points "
                    f"| {ungated:+.2f} points |")
        print(rows[-1], flush=True)
    return rows


def canvas_cost(reader: Reader, mnist, repeats: int = 30) -> list[str]:
    """Stroke end → prediction of a drawn digit, without and with 1,000 samples."""
    from bench.latency import CANVAS, pen_strokes
    from desktop.engine.reading import read_strokes
    from devtools.handwriting import HAND

    adaptation = fitted(reader, mnist.x_train[:1000] / 255.0, mnist.y_train[:1000])
    drawings = [pen_strokes(strokes, 0.6 * CANVAS) for strokes in HAND.values()]

    times: dict[bool, list[float]] = {False: [], True: []}
    read_strokes(drawings[0], 16, reader.classifier, adaptation)  # warm-up
    for strokes in drawings * repeats:  # alternated, so a busy moment hits both
        for adapted in times:
            start = time.perf_counter()
            read_strokes(strokes, 16, reader.classifier, adaptation if adapted else None)
            times[adapted].append(time.perf_counter() - start)
    without, with_ = (statistics.median(times[a]) * 1000 for a in (False, True))
    return [f"| a drawn digit, stroke end → prediction | {without:.2f} ms | {with_:.2f} ms |"]


def batch_cost(mnist, model: str | None = None) -> list[str]:
    """`classify` of the 10,000 MNIST test PNGs three times over (30,000 files: a run of
    under a second would time mostly the start of the workers), with --personal (1,000
    samples) and without: the run's own images/s (its summary line) and the whole process,
    best of five each (the machine is shared: single runs vary by a third)."""
    from PIL import Image

    folder = build(mnist)["mnist-png"]
    with tempfile.TemporaryDirectory() as samples:
        for i in range(1000):
            target = Path(samples) / str(mnist.y_train[i])
            target.mkdir(exist_ok=True)
            Image.fromarray(mnist.x_train[i]).save(target / f"{i:04d}.png")
        runs: dict[str, list[tuple[float, float]]] = {"without": [], "--personal": []}
        for _ in range(5):  # alternated, so a busy moment of the machine hits both
            for name in runs:
                flags = ["--personal", "--samples-dir", samples] if name != "without" else []
                flags += ["--model", model] if model else []
                start = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "desktop", "classify",
                                       *[str(folder)] * 3, "--out", "/dev/null", "--force",
                                       *flags], cwd=ROOT,
                                      check=True, capture_output=True, text=True)
                found = re.search(r"\(([\d,.]+) images/s\)", done.stderr)
                rate = float(found.group(1).replace(",", "")) if found else 0.0
                runs[name].append((rate, time.perf_counter() - start))
    best = {name: (max(r for r, _ in found), min(t for _, t in found))
            for name, found in runs.items()}
    (rate, seconds), (personal, personal_s) = best["without"], best["--personal"]
    return [f"| `classify` the 10,000 MNIST PNGs three times: the run's images/s | {rate:.0f}/s | "
            f"{personal:.0f}/s ({personal / rate:.0%}) |",
            f"| the same, whole process (start-up, 1,000 samples read) | {seconds:.2f} s | "
            f"{personal_s:.2f} s |"]


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=5, help="draws of the samples for each k")
    parser.add_argument("--first-draw", type=int, default=100,
                        help="seed of the first draw (the next draws take the next seeds)")
    parser.add_argument("--model", help="an exported model (default: the bundled one)")
    parser.add_argument("--record", metavar="HEADING")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    mnist = load_mnist()
    reader = Reader(args.model)
    lines, writer_profiles, cases = writer_rows(reader, args.draws, args.first_draw)
    styles, style_profiles, style_cases = style_rows(reader, mnist)
    lines += ["", *styles, "", *made_up_rows(reader, mnist), "",
              "| everyone else, worst over all profiles | change |",
              "| --- | --- |"]
    others = everyone_else(reader, mnist)
    for name, change in worst_changes(others, writer_profiles + style_profiles).items():
        lines.append(f"| {name} ({len(others[name][1])}) | {change:+.2f} points |")
    lines += ["", *gate_rows(cases, style_cases, writer_profiles + style_profiles, others)]
    lines += ["", "| cost | without | with adaptation |", "| --- | --- | --- |",
              *canvas_cost(reader, mnist), *batch_cost(mnist, args.model)]
    print("\n".join(lines))
    if args.record:
        append_section(args.record, "python bench/adapt.py " + shlex.join(argv), lines,
                       note=f"; commit {commit()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
