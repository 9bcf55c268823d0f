"""`desktop.stop_on_signals`: a run's Ctrl-C raises once, wherever it lands, and no traceback
reaches the user. Each case runs in a Python of its own, with Python's own error reporting."""

import subprocess
import sys
import textwrap

import pytest

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

RUN = """
import signal, sys, time
from desktop import stop_on_signals

class SignalWhenCollected:  # a finalizer (as a generator the collector closes) that is
    def __del__(self):      # running when Ctrl-C comes
        signal.raise_signal(signal.SIGINT)

class Broken:
    def __del__(self):
        raise ValueError("broken finalizer")

def busy(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:  # Python code, where a pending signal is acted on
        pass

try:
    with stop_on_signals():
{body}
    print("finished")
except KeyboardInterrupt as stop:
    print("stopped", type(stop).__name__)
print("hook restored", sys.unraisablehook is sys.__unraisablehook__)
"""


def run(body: str) -> subprocess.CompletedProcess:
    code = RUN.format(body=textwrap.indent(textwrap.dedent(body), " " * 8))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)


@POSIX
def test_a_ctrl_c_that_lands_in_a_finalizer_still_stops_the_run_and_prints_nothing():
    result = run("""
        SignalWhenCollected()  # collected at once: the signal comes inside its __del__
        busy(5)
    """)
    assert result.stdout.split("\n")[:2] == ["stopped KeyboardInterrupt", "hook restored True"]
    assert result.stderr == ""  # Python alone prints "Exception ignored in ..." and goes on


@POSIX
def test_such_a_stop_not_yet_delivered_when_the_run_ends_is_dropped():
    result = run("SignalWhenCollected()")  # the run ends at once, before it comes again
    assert result.stdout.split("\n")[:2] == ["finished", "hook restored True"]
    assert result.stderr == ""


@POSIX
def test_other_errors_in_finalizers_are_reported_as_python_reports_them():
    result = run("""
        Broken()
        busy(0.01)
    """)
    assert result.stdout.startswith("finished")
    assert "Exception ignored in" in result.stderr and "broken finalizer" in result.stderr


@POSIX
def test_a_second_signal_while_stopping_is_ignored():
    result = run("""
        try:
            signal.raise_signal(signal.SIGINT)
        finally:
            signal.raise_signal(signal.SIGTERM)  # the clean-up is not cut short
            busy(0.2)
    """)
    assert result.stdout.startswith("stopped KeyboardInterrupt")
    assert result.stderr == ""
