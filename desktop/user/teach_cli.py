"""`python -m desktop teach FOLDER... [--samples-dir DIR]`: labelled samples from image files.

Files laid out as FOLDER/<digit>/<files> are read by the app's recipe for image files
(`engine.recipes.file_inputs`) and saved as samples, exactly as the app saves a drawing: the
adaptation and `make finetune` read them back. One line per bad file, then a summary per digit.
Exit status as `classify`: 0 all added, 1 some failed, 2 usage error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import PROG, __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
BLANK = "no ink found: blank image"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} teach",
        description="Add labelled samples of your handwriting from image files laid out as "
                    "FOLDER/<digit>/<files> (digit 0-9), for the app's adaptation to your "
                    "handwriting and for fine-tuning.")
    parser.add_argument("folders", nargs="+", metavar="FOLDER",
                        help="a folder with subfolders 0 to 9 of image files")
    parser.add_argument("--version", action="version", version=f"Digit Recognizer {__version__}")
    parser.add_argument("--samples-dir", metavar="DIR",
                        help="where the samples go (default: the app's samples folder)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    return parser


def labelled_files(folder: Path) -> list[tuple[Path, int]]:
    """(file, digit) for every visible file in folder/0 ... folder/9."""
    return [(path, digit) for digit in range(10) if (folder / str(digit)).is_dir()
            for path in sorted((folder / str(digit)).iterdir())
            if path.is_file() and not path.name.startswith(".")]


def _usage_error(message: str) -> int:
    print(f"{PROG} teach: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version (0) or a usage error (2), already printed
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    from desktop.user.dirs import default_samples_dir

    folders = [Path(f) for f in args.folders]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        return _usage_error(f"no such folder: {', '.join(missing)}")
    files = [item for folder in folders for item in labelled_files(folder)]
    if not files:
        return _usage_error("no files in subfolders 0 to 9 of " + ", ".join(args.folders))
    samples_dir = Path(args.samples_dir).expanduser() if args.samples_dir \
        else default_samples_dir()
    try:
        return _teach(files, samples_dir, args.quiet)
    except KeyboardInterrupt:
        print("Interrupted; the samples added so far stay.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _teach(files: list[tuple[Path, int]], samples_dir: Path, quiet: bool) -> int:
    from desktop.engine.imagefile import ImageError
    from desktop.engine.recipes import file_inputs
    from desktop.user.samples import save_sample

    added, failed = [0] * 10, 0
    for path, digit in files:
        try:
            inputs = file_inputs(str(path))
            if not len(inputs):
                raise ImageError(BLANK)
            save_sample(samples_dir, digit, inputs[0], [], 0.0, source=str(path))
        except ImageError as err:
            print(f"{path}: {err}", file=sys.stderr)
            failed += 1
            continue
        except OSError as err:  # the samples folder, not the file: nothing more can be saved
            print(f"{PROG} teach: error: cannot save in {samples_dir}: {err.strerror or err}",
                  file=sys.stderr)
            return EXIT_USAGE
        added[digit] += 1
    if not quiet:
        per_digit = " ".join(f"{d}:{n}" for d, n in enumerate(added))
        print(f"added {sum(added)} samples to {samples_dir} ({per_digit})"
              + (f"; {failed} files failed" if failed else ""), file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
