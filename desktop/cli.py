"""Entry point: `python -m desktop [--model PATH] [--log-events PATH|-]` starts the app;
`python -m desktop classify PATH...` classifies image files. Answers --version and --help
before importing anything heavy."""

from __future__ import annotations

import argparse
import sys

from desktop import __version__


def app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m desktop",
        description="Draw a digit and see it recognized. "
                    "Run 'python -m desktop classify --help' for batch classification.")
    parser.add_argument("--version", action="version", version=f"Digit Recognizer {__version__}")
    parser.add_argument("--model", help="an exported .onnx model to use instead of the bundled one")
    parser.add_argument("--log-events", metavar="PATH",
                        help="write one JSON object per line for each UI event ('-' = stderr)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["classify"]:
        from desktop.classify_cli import main as classify_main

        return classify_main(argv[1:])
    args = app_parser().parse_args(argv)
    from desktop.app import run

    return run(args)
