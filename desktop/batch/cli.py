"""`python -m desktop classify PATH...`: read the digit in each image file, write CSV or JSON.

Exit status: 0 when every image was classified, 1 when some could not be, 2 for a usage error
(bad flag, missing path, unwritable or existing output, unusable model, worker processes that
cannot start), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable

from desktop import PROG, __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
Personalize = Callable[..., None]

EXAMPLES = f"""examples:
  {PROG} classify scans/ --out results.csv
  {PROG} classify photos/ --recursive --format json --out - > results.json
  {PROG} classify inbox/ --min-confidence 0.9 --sort-into sorted/
  {PROG} classify forms/ --multi-digit --probabilities
"""


def confidence(text: str) -> float:
    """argparse type: a probability in [0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return value


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} classify",
        description="Read the handwritten digit in each image file and write one row per file. "
                    "Image types are recognized by content; hidden files and files that are "
                    "not images are skipped and counted.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    parser.add_argument("--version", action="version", version=f"Digit Recognizer {__version__}")
    parser.add_argument("-r", "--recursive", action="store_true", help="look inside subfolders")
    parser.add_argument("-o", "--out", default="-", metavar="FILE",
                        help="where to write the results ('-' = stdout, the default)")
    parser.add_argument("--format", choices=("csv", "json"), default="csv",
                        help="csv (the default) or json")
    parser.add_argument("--force", action="store_true", help="replace an existing --out file")
    parser.add_argument("--probabilities", action="store_true",
                        help="add the ten probabilities p0..p9")
    parser.add_argument("--multi-digit", action="store_true",
                        help="read whole numbers (several digits side by side)")
    parser.add_argument("--min-confidence", type=confidence, default=0.0, metavar="C",
                        help="mark rows below this confidence (0-1) as uncertain")
    parser.add_argument("--sort-into", metavar="DIR",
                        help="copy each file into DIR/<digit>/, DIR/uncertain/ or DIR/errors/ "
                             "(originals are never moved or changed)")
    parser.add_argument("--model", help="an exported .onnx model instead of the bundled one")
    parser.add_argument("--jobs", type=positive, metavar="N",
                        help="worker processes, each decoding and classifying 64 files at a "
                             "time (default: one per core); 1: none, all in this process "
                             "(small runs are read that way anyway)")
    parser.add_argument("--personal", action="store_true",
                        help="read with the adaptation to your handwriting learned from your "
                             "samples (off by default, so results are reproducible)")
    parser.add_argument("--samples-dir", metavar="DIR",
                        help="the samples --personal learns from (default: the app's)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress and no summary on stderr")
    return parser


def _usage_error(message: str) -> int:
    print(f"{PROG} classify: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None, personalize: Personalize | None = None) -> int:
    """personalize(classifier, samples_dir, quiet): what --personal does (`desktop.user`
    reads the samples; the batch layer below it only receives the adaptation)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version (0) or a usage error (2), already printed
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    from desktop.batch.files import missing_paths
    from desktop.batch.job import WorkersFailed
    from desktop.batch.output import OutputError, ResultWriter
    from desktop.batch.sort_into import Sorter
    from desktop.batch.work import batch_classifier
    from desktop.engine.classifier import ModelError

    missing = missing_paths(args.paths)
    if missing:
        return _usage_error(f"no such file or folder: {', '.join(missing)}")
    writer = ResultWriter(args.out, args.format, args.probabilities, args.multi_digit, args.force)
    sorter = Sorter(args.sort_into) if args.sort_into else None
    try:
        writer.check()
        if sorter:
            sorter.prepare()
        classifier = batch_classifier(args.model)  # before the output file: it takes a moment
        if args.personal:
            if personalize is None:
                return _usage_error("--personal: not available here")
            personalize(classifier, args.samples_dir, args.quiet)
        writer.open()
    except (OutputError, ModelError) as err:
        return _usage_error(str(err))
    except OSError as err:
        return _usage_error(f"--sort-into {args.sort_into}: {err.strerror or err}")
    except KeyboardInterrupt:
        writer.discard()
        print("Interrupted before any file was read; nothing written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        return _run(args, writer, sorter, classifier)
    except (OutputError, WorkersFailed) as err:
        return _usage_error(str(err))
    except KeyboardInterrupt:  # outside the loop over files, which reports what it did
        print("Interrupted; nothing written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        writer.discard()  # a no-op after commit(); else no temporary file is left behind


def _run(args: argparse.Namespace, writer, sorter, classifier) -> int:
    from desktop.batch.job import BatchJob
    from desktop.batch.output import OutputError
    from desktop.batch.progress import Progress, summary

    job = BatchJob(args.paths, classifier, recursive=args.recursive,
                   multi_digit=args.multi_digit, min_confidence=args.min_confidence,
                   exclude=[args.sort_into] if args.sort_into else [], workers=args.jobs)
    progress = Progress(enabled=not args.quiet and sys.stderr.isatty()
                        and not (writer.to_stdout and sys.stdout.isatty()))
    if progress.enabled:
        threading.Thread(target=lambda: setattr(progress, "total", job.count()),
                         daemon=True).start()
    interrupted = _classify(job, writer, sorter, progress)
    progress.clear()
    if not interrupted:
        try:
            writer.commit()
        except OSError as err:
            raise OutputError(f"{args.out}: cannot write ({err.strerror or err})") from None
    if not args.quiet:
        print(summary(job.tally, progress.elapsed(), interrupted), file=sys.stderr)
        if interrupted and not writer.to_stdout:
            print(f"Nothing written to {args.out}: the run did not finish.", file=sys.stderr)
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if job.tally.failed else EXIT_OK


def _classify(job, writer, sorter, progress) -> bool:
    """Write (and sort) each row as it comes; True when stopped by Ctrl-C."""
    rows = job.rows()
    try:
        for row in rows:
            writer.write(row)
            if sorter:
                try:
                    sorter.copy(row)
                except OSError as err:
                    progress.clear()
                    print(f"warning: cannot copy {row.path} into {sorter.root}: "
                          f"{err.strerror or err}", file=sys.stderr)
            progress.update(job.tally.done)
    except KeyboardInterrupt:
        job.cancel()
        return True
    finally:
        rows.close()  # stops the decoding threads, also when interrupted mid-row
    return False
