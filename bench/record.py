"""What the benchmarks share: MNIST found as training finds it, and recording figures in
bench/RESULTS.md with the command and the machine."""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """The CPU, the system, Python, and the load average at the moment (other jobs skew time)."""
    names = []
    if Path("/proc/cpuinfo").is_file():
        names = [line.split(":", 1)[1].strip() for line in
                 Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
    cpu = names[0] if names else platform.processor() or platform.machine()
    load = f", load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} x {cpu}, "
            f"Python {platform.python_version()}{load}")


HISTORY = "\n# History\n"  # superseded sections go below this; new ones above it


def commit() -> str:
    """The commit measured, and whether the working tree differed from it."""
    import subprocess

    root = RESULTS.parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                              capture_output=True, timeout=30, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, text=True, capture_output=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return head + (" with uncommitted changes" if dirty.strip() else "")


def append_section(heading: str, command: str, lines: list[str], note: str = "") -> None:
    """A section: the heading, the commit measured, the command that produced it, when and
    where, the figures; placed after the current sections, before the history."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = (f"\n## {heading}\n\nMeasured at commit {commit()}.\n\n"
            f"`{command}` ({stamp}; {machine()}{note})\n\n" + "\n".join(lines) + "\n")
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else ""
    at = old.find(HISTORY)
    new = old + text if at < 0 else old[:at] + text + old[at:]
    RESULTS.write_text(new, encoding="utf-8")
    print(f"recorded in {RESULTS}")


def mnist():
    """MNIST as training finds it: $DIGITS_DATA, the shared copy beside the project, the Keras
    cache or download."""
    from train.data import load_mnist

    shared = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "mnist"
    return load_mnist(os.environ.get("DIGITS_DATA") or (str(shared) if shared.is_dir() else None))
