"""Smoke test of a built executable, for the release workflow: `--version`, then `classify` on
PNGs of hand-drawn digits (devtools/data/hand_digits.json rendered with Pillow), each read right:
a few (read on threads), then copies enough for a run in worker processes; then `teach` from
them and `classify --personal` with those samples, read right too.

    python build/smoke_test.py dist/DigitRecognizer            # or any command, e.g.
    python build/smoke_test.py .venv/bin/python -m desktop
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
DIGITS = "048"
COPIES = 100               # 300 files: a run for worker processes
SCALE, MARGIN, PEN = 2, 30, 14  # the 60x100 box drawn at 120x200 px with a 14 px pen


def render(strokes: list, path: Path) -> None:
    """Dark strokes on white paper, as a scanned or photographed digit."""
    size = (60 * SCALE + 2 * MARGIN, 100 * SCALE + 2 * MARGIN)
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        points = [(MARGIN + x * SCALE, MARGIN + y * SCALE) for x, y in stroke]
        draw.line(points, fill=20, width=PEN, joint="curve")
        for x, y in points[:1] + points[-1:]:
            draw.ellipse((x - PEN / 2, y - PEN / 2, x + PEN / 2, y + PEN / 2), fill=20)
    image.save(path)


def run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)}: exit {done.returncode}\n{done.stdout}{done.stderr}")
    return done.stdout


def main(command: list[str]) -> int:
    version = run([*command, "--version"]).strip()
    if not version.startswith("Digit Recognizer "):
        sys.exit(f"--version printed {version!r}")
    sys.path.insert(0, str(ROOT))  # devtools: the hand-drawn digits
    from devtools.handwriting import HAND as hand
    with tempfile.TemporaryDirectory() as folder:
        for digit in DIGITS:
            render(hand[digit], Path(folder) / f"{digit}.png")
        check(run([*command, "classify", "--quiet", folder]), 1)
        for digit in DIGITS:
            for copy in range(1, COPIES):
                shutil.copyfile(Path(folder) / f"{digit}.png", Path(folder) / f"{digit}-{copy}.png")
        rows = check(run([*command, "classify", "--quiet", folder]), COPIES)
        personal(command, Path(folder))
    print(f"{version}: --version and classify of {len(DIGITS)} and {rows} PNGs ok")
    return 0


def personal(command: list[str], folder: Path) -> None:
    """`teach` FOLDER/<digit>/ (one drawing of each digit), then `classify --personal` of
    the folder, in worker processes."""
    taught, samples = folder / "teach", folder / "samples"
    for digit in DIGITS:
        (taught / digit).mkdir(parents=True)
        shutil.copyfile(folder / f"{digit}.png", taught / digit / f"{digit}.png")
    run([*command, "teach", "--quiet", str(taught), "--samples-dir", str(samples)])
    check(run([*command, "classify", "--quiet", "--personal", "--samples-dir", str(samples),
               str(folder)]), COPIES)


def check(output: str, copies: int) -> int:
    """Every row read right; the number of rows."""
    rows = list(csv.DictReader(io.StringIO(output)))
    wrong = {row["path"]: row["digit"] for row in rows if row["path"][0] != row["digit"]}
    if wrong or len(rows) != copies * len(DIGITS):
        sys.exit(f"classify read {len(rows)} rows, expected {copies * len(DIGITS)}; wrong: {wrong}")
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
