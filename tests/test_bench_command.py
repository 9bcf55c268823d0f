"""`python -m bench`: the commands the README and the benchmarks' own help document reach the
benchmark with their options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_a_benchmark_gets_the_options_after_its_name():
    shown = bench("startup", "--runs", "7", "--help")
    assert shown.returncode == 0, shown.stderr
    assert "--runs" in shown.stdout and "--record" in shown.stdout


def test_the_options_are_the_benchmarks_own():
    refused = bench("startup", "--runs", "seven")
    assert refused.returncode == 2
    assert "argument --runs: invalid int value: 'seven'" in refused.stderr


def test_an_unknown_benchmark_is_refused():
    refused = bench("startup", "nosuch")
    assert refused.returncode == 2 and "unknown benchmark(s) ['nosuch']" in refused.stderr
