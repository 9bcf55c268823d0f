"""Real pen ink drawn through the running window, as the review measures it: the shared
replay tool (`../shared/tools/replay_ink.py`) moves the X pointer along each item's strokes with
xdotool, presses Enter and reads the logged prediction.

`python -m bench replay [--numbers 150] [--digits 150] [--seed 7] [--model M.onnx]` replays a
fixed-seed sample of `crohme_numbers` and of `crohme_digits` (a private Xvfb when DISPLAY is
unset) through the window running the bundled model (or M.onnx) and prints the tool's last line
for each.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.options import load_models, model_options, record  # noqa: E402
from devtools.xdisplay import x_display  # noqa: E402

SHARED = ROOT.parent / "shared"
TOOL = SHARED / "tools" / "replay_ink.py"
DEV = SHARED / "datasets" / "dev"


def replay(name: str, count: int, seed: int, numbers: bool, model: Path | None = None) -> str:
    """The tool's summary line for `count` items of the set, and its misreads; the window
    runs `model` when given (the app's --model), else the bundled model."""
    command = [sys.executable, str(TOOL), str(DEV / name), str(count), "--seed", str(seed),
               *(["--numbers"] if numbers else []), "--", sys.executable, "-m", "desktop",
               *(["--model", str(model.resolve())] if model else [])]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"replay failed ({done.returncode}): {done.stdout}{done.stderr}")
    print(done.stderr.strip(), file=sys.stderr)
    return done.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench replay", description=__doc__)
    parser.add_argument("--numbers", type=int, default=150)
    parser.add_argument("--digits", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    model_options(parser, baseline=False)
    args = parser.parse_args(argv)
    load_models(parser, args)  # a path that holds no model: one line, before any window
    rows = []
    with x_display():
        if args.numbers:
            rows.append(("crohme_numbers", replay("crohme_numbers.json.gz", args.numbers,
                                                  args.seed, True, args.model)))
        if args.digits:
            rows.append(("crohme_digits", replay("crohme_digits.json.gz", args.digits,
                                                 args.seed, False, args.model)))
    lines = ["| set | drawn through the window |", "| --- | --- |",
             *(f"| {name} | {result} |" for name, result in rows)]
    print("\n".join(lines))
    record(args, "replay", argv, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
