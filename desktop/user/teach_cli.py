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

from desktop import PROG, __version__, exit_status, held_signal, interrupt, say, stop_on_signals
from desktop.names import printable

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2  # and EXIT_INTERRUPTED, 130 (desktop)
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


def labelled_files(folder: Path) -> tuple[list[tuple[Path, int]], list[str]]:
    """(file, digit) for every visible file in folder/0 ... folder/9; and a line for each of
    those subfolders that cannot be listed."""
    found, unlisted = [], []
    for digit in range(10):
        subfolder = folder / str(digit)
        try:
            names = sorted(subfolder.iterdir()) if subfolder.is_dir() else []
        except OSError as err:
            unlisted.append(f"{printable(str(subfolder))}: cannot list folder: "
                            f"{err.strerror or err}")
            continue
        found += [(path, digit) for path in names
                  if path.is_file() and not path.name.startswith(".")]
    return found, unlisted


def _usage_error(message: str) -> int:
    say(f"{PROG} teach: error: {message}")
    return EXIT_USAGE


def _overlapping(folders: list[Path], samples_dir: Path) -> Path | None:
    """A folder that holds the samples folder or lies in it: teaching from it would add the
    samples again (the layout is the same)."""
    samples = samples_dir.resolve()
    for folder in folders:
        real = folder.resolve()
        if real == samples or real in samples.parents or samples in real.parents:
            return folder
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version (0) or a usage error (2), already printed
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    import PIL.Image  # noqa: F401  # imported while signals are held (see desktop.cli)

    import desktop.engine.recipes
    import desktop.user.samples  # noqa: F401

    try:
        with stop_on_signals():
            held = held_signal()
            if held is not None:  # it came while the modules were imported
                interrupt(held)
            return _checked(args)
    except KeyboardInterrupt as stop:
        say("Interrupted; the samples added so far stay.")
        return exit_status(stop)


def _checked(args: argparse.Namespace) -> int:
    """Check the folders, then teach."""
    from desktop.user.dirs import default_samples_dir

    folders = list(dict.fromkeys(Path(f) for f in args.folders))  # each once
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        return _usage_error(f"no such folder: {', '.join(map(printable, missing))}")
    samples_dir = Path(args.samples_dir).expanduser() if args.samples_dir \
        else default_samples_dir()
    overlapping = _overlapping(folders, samples_dir)
    if overlapping:
        return _usage_error(f"{printable(str(overlapping))} and the samples folder "
                            f"{printable(str(samples_dir))} overlap: its samples would be "
                            "added again")
    files, unlisted = [], []
    for folder in folders:
        found, cannot = labelled_files(folder)
        files += found
        unlisted += cannot
    for line in unlisted:
        say(line)
    if not files:
        return _usage_error("no files in subfolders 0 to 9 of "
                            + ", ".join(map(printable, args.folders)))
    code = _teach(files, samples_dir, args.quiet)
    return EXIT_FAILED if unlisted and code == EXIT_OK else code


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
            say(f"{printable(str(path))}: {err}")
            failed += 1
            continue
        except OSError as err:  # the samples folder, not the file: nothing more can be saved
            say(f"{PROG} teach: error: cannot save in {printable(str(samples_dir))}: "
                f"{err.strerror or err}")
            return EXIT_USAGE
        added[digit] += 1
    if not quiet:
        per_digit = " ".join(f"{d}:{n}" for d, n in enumerate(added))
        say(f"added {sum(added)} samples to {printable(str(samples_dir))} ({per_digit})"
            + (f"; {failed} files failed" if failed else ""))
    return EXIT_FAILED if failed else EXIT_OK
