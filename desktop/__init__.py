"""Digit Recognizer: the desktop app and batch classifier (runtime: onnxruntime and NumPy).

Layers, each importing only those before it: `engine` (pictures and strokes to model inputs,
the classifier; NumPy, onnxruntime, Pillow for decoding), `batch` (classifying many files, the
`classify` command) and `user` (the user's folders, settings and samples), then `window` (the
Tk app). `model/` holds the bundled model.
"""

import signal
import sys

__version__ = "1.1.0"
FROZEN = bool(getattr(sys, "frozen", False))  # running as the PyInstaller executable
PROG = "DigitRecognizer" if FROZEN else "python -m desktop"  # how users start it

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))
_held: list[int] = []   # signals that came while held, oldest first
EXIT_INTERRUPTED = 130  # the exit status of a run stopped by Ctrl-C (128 + SIGINT)
REDELIVER_S = 0.05      # a stop Python swallowed (see stop_on_signals) comes again after this


def hold_signals() -> None:
    """Note Ctrl-C, SIGTERM and SIGHUP instead of acting on them, while the program imports
    its modules: a KeyboardInterrupt inside the import of a compiled module (NumPy,
    onnxruntime) surfaces as an ImportError with a traceback. `held_signal()` says which came."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, lambda signum, _frame: _held.append(signum))


def started_as_program() -> bool:
    """Whether this import is `python -m desktop` finding its `__main__` (Python keeps
    sys.argv[0] at "-m" until then). Such a run holds signals from its first import: a Ctrl-C
    between importing this package and `__main__.main()` would otherwise end in a traceback
    from runpy. Any other importer (tests, the batch workers, `-m desktop.<module>`) keeps the
    default handling."""
    if sys.argv[:1] != ["-m"]:
        return False
    args = list(getattr(sys, "orig_argv", []))
    for at, arg in enumerate(args[1:], start=1):
        if arg.startswith("-m"):  # "-m desktop" or "-mdesktop"
            target = arg[2:] or (args[at + 1] if at + 1 < len(args) else "")
            return target in ("desktop", "desktop.__main__")
    return False


if started_as_program():  # before any other import; desktop.cli releases them
    hold_signals()

import _thread  # noqa: E402 (after the hold)
import contextlib  # noqa: E402
import threading  # noqa: E402
from collections.abc import Iterator  # noqa: E402


def held_signal() -> int | None:
    """The first signal that came while held, if any."""
    return _held[0] if _held else None


def release_signals() -> int | None:
    """Back to the default handling (Ctrl-C raises KeyboardInterrupt); the exit status the
    program owes a signal that came while held, if any."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT
                      else signal.SIG_DFL)
    return 128 + _held[0] if _held else None


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stopped as Ctrl-C stops a run, with the exit status of the signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def interrupt(signum: int) -> None:
    """Raise what a signal means to a run: KeyboardInterrupt, or Stopped for the others."""
    raise Stopped(signum) if signum != signal.SIGINT else KeyboardInterrupt()


def exit_status(stop: KeyboardInterrupt) -> int:
    return 128 + stop.signum if isinstance(stop, Stopped) else EXIT_INTERRUPTED


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP raise once (the run stops, cleans up and reports); any that
    follow while it does so are ignored, so the clean-up itself is never cut short."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread (tests call main() from others)
        return
    stopping: list[int] = []  # the signal the run is stopping for, once one came
    again: list[threading.Timer] = []

    def stop(signum: int, _frame) -> None:
        if not stopping:
            stopping.append(signum)
            interrupt(signum)

    def swallowed(unraisable) -> None:
        """A stop raised inside a finalizer (a `__del__`, a generator the collector closes)
        is printed and swallowed by Python: deliver it again, silently, a moment later (from
        a thread: delivered from here, it would land in this hook and be swallowed again)."""
        if not (isinstance(unraisable.exc_value, KeyboardInterrupt) and stopping
                and threading.current_thread() is threading.main_thread()):
            hook(unraisable)
            return
        again.append(threading.Timer(REDELIVER_S, _thread.interrupt_main,
                                     (signal.Signals(stopping.pop()),)))
        again[-1].start()

    before = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    hook, sys.unraisablehook = sys.unraisablehook, swallowed
    try:
        yield
    finally:
        for timer in again:
            timer.cancel()  # the run is over: a stop not yet delivered has nothing to stop
        sys.unraisablehook = hook
        for signum, handler in before.items():
            signal.signal(signum, handler)


def say(text: str) -> None:
    """A line on stderr, where there is one (the windowed executable may have none); a closed
    or full stderr loses the line, never the run."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            print(text, file=sys.stderr, flush=True)
