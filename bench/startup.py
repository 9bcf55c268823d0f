"""Start-up of the one-file executable against the source: its size, and the median time from
launch to the window shown (the `ready` event of --log-events), under Xvfb.

`python -m bench startup [--runs 7] [--record HEADING]` builds dist/DigitRecognizer first if it
is missing or stale (build/build.sh), then launches it and `python -m desktop` in turn.
"""

from __future__ import annotations

import argparse
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = ROOT / "dist" / ("DigitRecognizer.exe" if sys.platform == "win32" else "DigitRecognizer")
sys.path.insert(0, str(ROOT))

from bench.record import append_section  # noqa: E402
from devtools.xdisplay import x_display  # noqa: E402

TIMEOUT_S = 60.0


def seconds_to_ready(command: list[str]) -> float:
    """Launch the app, wait for its `ready` event, close it (SIGTERM); seconds to `ready`."""
    with tempfile.TemporaryDirectory() as tmp:
        log, errors = Path(tmp) / "events.jsonl", Path(tmp) / "stderr.txt"
        with open(errors, "wb") as err:
            start = time.perf_counter()
            app = subprocess.Popen([*command, "--log-events", str(log)], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=err)
            try:
                while not (log.is_file() and '"ready"' in log.read_text(encoding="utf-8")):
                    if app.poll() is not None:
                        raise RuntimeError(f"{command[0]} exited with {app.returncode} before "
                                           f"ready: {errors.read_text(errors='replace')[-500:]}")
                    if time.perf_counter() - start > TIMEOUT_S:
                        raise RuntimeError(f"{command[0]}: no ready event in {TIMEOUT_S:.0f} s")
                    time.sleep(0.002)
                elapsed = time.perf_counter() - start
            finally:
                app.terminate()  # the one-file bootloader passes it on and removes its temp dir
                app.wait(30)
    return elapsed


def seconds_to_exit(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of a command that exits."""
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, timeout=TIMEOUT_S)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime


def measure(command: list[str], runs: int) -> dict:
    """One warm-up launch (reported as `first`), then `runs` timed ones."""
    first = seconds_to_ready(command)
    ready = [seconds_to_ready(command) for _ in range(runs)]
    version = [seconds_to_exit([*command, "--version"]) for _ in range(runs)]
    return {"first": first, "ready": ready, "version": [wall for wall, _ in version],
            "version_cpu": [cpu for _, cpu in version]}


def row(name: str, size: str, figures: dict) -> str:
    ready = figures["ready"]
    return (f"| {name} | {size} | {statistics.median(ready):.3f} s "
            f"({min(ready):.3f}-{max(ready):.3f}) | {figures['first']:.3f} s "
            f"| {statistics.median(figures['version']):.3f} s "
            f"({statistics.median(figures['version_cpu']):.3f} s CPU) |")


def ensure_built() -> None:
    """build/build.sh rebuilds only when desktop/, build/ or the pins changed since the last."""
    subprocess.run(["bash", str(ROOT / "build" / "build.sh")], cwd=ROOT, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed launches of each (>= 5)")
    parser.add_argument("--exe", type=Path, action="append",
                        help="an executable to time; repeatable (default: dist/DigitRecognizer, "
                             "built first if missing or stale)")
    parser.add_argument("--no-source", action="store_true", help="skip python -m desktop")
    parser.add_argument("--record", metavar="HEADING",
                        help="append the figures under this heading to bench/RESULTS.md")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs: at least 5")
    if not args.exe:
        ensure_built()
    executables = args.exe or [EXE]
    lines = ["| what | size | launch to ready, median (min-max) | first launch "
             "| --version, median (its CPU time) |", "| --- | --- | --- | --- | --- |"]
    with x_display():
        for exe in executables:
            size = exe.stat().st_size
            name = exe.resolve().relative_to(ROOT) if exe.resolve().is_relative_to(ROOT) else exe
            lines.append(row(f"`{name}`", f"{size / 1e6:.1f} MB ({size / 2**20:.1f} MiB)",
                             measure([str(exe)], args.runs)))
            print(lines[-1], flush=True)
        if not args.no_source:
            lines.append(row("python -m desktop (source)", "-",
                             measure([sys.executable, "-m", "desktop"], args.runs)))
            print(lines[-1], flush=True)
    print("\n".join(lines))
    if args.record:
        append_section(args.record, "python -m bench.startup " + shlex.join(argv), lines,
                       f"; {args.runs} timed launches after one warm-up, under Xvfb; `ready` = "
                       "window shown and idle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
