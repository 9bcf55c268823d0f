"""`python -m bench [NAME ...]`: run the benchmarks (all by default) and print their figures;
`python -m bench NAME OPTION...`: run one, with its own options (`python -m bench NAME --help`)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("accuracy", "generalize", "adapt", "latency", "throughput", "startup", "ink",
              "replay", "scans", "inkscans", "forms", "training")


def planned(args: list[str]) -> list[tuple[str, list[str]]]:
    """(benchmark, its options) to run: options after a first name all belong to it."""
    if len(args) > 1 and args[1].startswith("-"):
        return [(args[0], args[1:])]
    return [(name, []) for name in args or BENCHMARKS]


def main(argv: list[str] | None = None) -> int:
    plan = planned(sys.argv[1:] if argv is None else argv)
    unknown = [name for name, _ in plan if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}; options go after "
              "a single name", file=sys.stderr)
        return 2
    status = 0
    for name, options in plan:
        print(f"== bench/{name}.py", flush=True)
        module = importlib.import_module(f"bench.{name}")
        status = max(status, module.main(options) or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
