"""`python -m desktop classify PATH...`: read the digit in each image file, write CSV or JSON.

Exit status: 0 when every image was classified, 1 when some could not be, 2 for a usage error
(bad flag, missing path, unwritable, existing or input output, unusable model, worker processes
that cannot start, a full disk), 130 when interrupted (Ctrl-C), 143 and 129 when stopped by
SIGTERM and SIGHUP, 141 when the reader of standard output went away (`| head`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable

from desktop import (
    PROG,
    __version__,
    exit_status,
    held_signal,
    interrupt,
    say,
    stop_on_signals,
)
from desktop.names import printable

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2  # and EXIT_INTERRUPTED, 130 (desktop)
EXIT_PIPE = 128 + getattr(signal, "SIGPIPE", 13)
JOBS_PER_CORE = 4          # --jobs beyond this many per core only costs memory
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
    say(f"{PROG} classify: error: {message}")
    return EXIT_USAGE


def silence_stdout() -> None:
    """Point standard output at the null device once its reader is gone or it is full, so
    nothing fails again when Python flushes it at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def bounded_jobs(jobs: int | None) -> int | None:
    """--jobs, at most JOBS_PER_CORE per core (one line says so when asked for more)."""
    most = JOBS_PER_CORE * (os.cpu_count() or 1)
    if jobs is not None and jobs > most:
        say(f"warning: --jobs {jobs} is more than {JOBS_PER_CORE} per core; using {most}")
        return most
    return jobs


def main(argv: list[str] | None = None, personalize: Personalize | None = None) -> int:
    """personalize(classifier, samples_dir, quiet): what --personal does (`desktop.user`
    reads the samples; the batch layer below it only receives the adaptation)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if sys.stderr is None:  # started with stderr closed: print() would fall back to stdout
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version (0) or a usage error (2), already printed
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    import desktop.batch.job
    import desktop.batch.output  # noqa: F401  # imported while signals are held (see cli)
    from desktop.engine.classifier import runtime

    runtime()
    with stop_on_signals():
        return _checked_run(args, personalize)


def _checked_run(args: argparse.Namespace, personalize: Personalize | None) -> int:
    """Check every path and the model before reading a file, then run."""
    from desktop.batch.files import holds_input, missing_paths
    from desktop.batch.job import WorkersFailed
    from desktop.batch.output import OutputClosed, OutputError, ResultWriter
    from desktop.batch.sort_into import Sorter
    from desktop.batch.work import batch_classifier
    from desktop.engine.classifier import ModelError

    missing = missing_paths(args.paths)
    if missing:
        return _usage_error(f"no such file or folder: {', '.join(map(printable, missing))}")
    args.jobs = bounded_jobs(args.jobs)
    writer = ResultWriter(args.out, args.format, args.probabilities, args.multi_digit, args.force)
    sorter = Sorter(args.sort_into) if args.sort_into else None
    reading = False
    try:
        held = held_signal()
        if held is not None:  # it came while the modules were imported
            interrupt(held)
        writer.check(args.paths, args.recursive)
        if sorter:
            if holds_input(args.sort_into, args.paths):
                raise OutputError(f"--sort-into {printable(args.sort_into)}: holds files being "
                                  "classified; sort into another folder")
            _prepare(sorter)
        classifier = batch_classifier(args.model)  # before the output file: it takes a moment
        if args.personal:
            if personalize is None:
                return _usage_error("--personal: not available here")
            personalize(classifier, args.samples_dir, args.quiet)
        writer.open()
        reading = True
        return _run(args, writer, sorter, classifier)
    except KeyboardInterrupt as stop:  # outside the loop over files, which reports what it did
        say("Interrupted; nothing written." if reading
            else "Interrupted before any file was read; nothing written.")
        return exit_status(stop)
    except (OutputError, ModelError, WorkersFailed) as err:
        if writer.to_stdout:
            silence_stdout()
        return _usage_error(str(err))
    except OutputClosed:  # `classify ... | head`: stop quietly, as Unix tools do
        silence_stdout()
        return EXIT_PIPE
    finally:
        writer.discard()  # a no-op after commit(); else no temporary file is left behind


def _prepare(sorter) -> None:
    from desktop.batch.output import OutputError

    try:
        sorter.prepare()
    except OSError as err:
        raise OutputError(f"--sort-into {printable(str(sorter.root))}: "
                          f"{err.strerror or err}") from None


def _run(args: argparse.Namespace, writer, sorter, classifier) -> int:
    from desktop.batch.job import BatchJob
    from desktop.batch.progress import Progress, summary

    job = BatchJob(args.paths, classifier, recursive=args.recursive,
                   multi_digit=args.multi_digit, min_confidence=args.min_confidence,
                   exclude=[args.sort_into] if args.sort_into else [], workers=args.jobs)
    progress = Progress(enabled=not args.quiet and sys.stderr.isatty()
                        and not (writer.to_stdout and sys.stdout.isatty()))
    if progress.enabled:
        job.count_in_background(lambda total: setattr(progress, "total", total))
    stop = _classify(job, writer, sorter, progress)
    progress.clear()
    if stop is None:
        writer.commit()
    if not args.quiet:
        say(summary(job.tally, progress.elapsed(), stop is not None))
        if stop is not None and not writer.to_stdout:
            say(f"Nothing written to {printable(args.out)}: the run did not finish.")
    if stop is not None:
        return exit_status(stop)
    return EXIT_FAILED if job.tally.failed else EXIT_OK


def _classify(job, writer, sorter, progress) -> KeyboardInterrupt | None:
    """Write (and sort) each row as it comes; the interruption that stopped it, if any."""
    rows = job.rows()
    try:
        for row in rows:
            writer.write(row)
            if sorter:
                try:
                    sorter.copy(row)
                except OSError as err:
                    progress.clear()
                    say(f"warning: cannot copy {printable(row.path)} into "
                        f"{printable(str(sorter.root))}: {err.strerror or err}")
            progress.update(job.tally.done)
    except KeyboardInterrupt as stop:
        job.cancel()
        return stop
    finally:
        rows.close()  # stops the decoding threads, also when interrupted mid-row
    return None
