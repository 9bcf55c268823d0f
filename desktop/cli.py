"""Entry point: `python -m desktop [--model PATH] [--log-events PATH|-] [--samples-dir DIR]`
starts the app; `python -m desktop classify PATH...` classifies image files, `python -m desktop
teach FOLDER...` adds labelled samples from image files. Answers --version
and --help before importing anything heavy."""

from __future__ import annotations

import argparse
import sys

from desktop import FROZEN, PROG, __version__, release_signals


def attach_parent_console(argv: list[str]) -> None:
    """Give the windowed Windows executable the console of the terminal it was started from.

    It is built without a console so that a double-click opens no console window; started from
    cmd or PowerShell with arguments (classify, --help, --version, or wrong ones), it writes to
    that terminal instead. Output already redirected to a file or pipe is left alone.
    """
    if not (FROZEN and sys.platform == "win32" and argv):
        return
    if sys.stdout is not None and sys.stderr is not None:
        return
    import ctypes

    if not ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS; none: Explorer
        return
    if sys.stdout is None:
        sys.stdout = open("CONOUT$", "w", encoding="utf-8", buffering=1)  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open("CONOUT$", "w", encoding="utf-8", buffering=1)  # noqa: SIM115


def app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Draw a digit and see it recognized. "
                    f"Run '{PROG} classify --help' for batch classification, "
                    f"'{PROG} teach --help' to add samples of your handwriting from files.")
    parser.add_argument("--version", action="version", version=f"Digit Recognizer {__version__}")
    parser.add_argument("--model", help="an exported .onnx model to use instead of the bundled one")
    parser.add_argument("--log-events", metavar="PATH",
                        help="write one JSON object per line for each UI event ('-' = stderr)")
    parser.add_argument("--samples-dir", metavar="DIR",
                        help="where the samples you label are saved (default: 'samples' in the "
                             "user data folder)")
    return parser


def _personalize(classifier, samples_dir: str | None, quiet: bool) -> None:
    """classify --personal: the user layer reads the samples into the batch's classifier."""
    from desktop.user.personal import personalize as adapt

    adapt(classifier, samples_dir, quiet)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    attach_parent_console(argv)
    if argv[:1] == ["classify"]:
        from desktop.batch.cli import main as classify_main

        return classify_main(argv[1:], _personalize)
    if argv[:1] == ["teach"]:
        from desktop.user.teach_cli import main as teach_main

        return teach_main(argv[1:])
    args = app_parser().parse_args(argv)
    from desktop.window.app import run

    stopped = release_signals()
    return stopped if stopped is not None else run(args)
