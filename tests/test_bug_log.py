"""Unexpected errors (bugs): one line for the user wherever they happen (the recognition
thread, a batch run's thread, a Tk callback, the command line), the traceback in the user's
error log; never a traceback on stderr."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
from pathlib import Path

import pytest
from app_window import Window, pump
from test_model_thread import wait_for

from desktop.user.bug_log import LOG_NAME, MAX_BYTES, bug_line, log_path, record
from desktop.window.batch_window import _work
from desktop.window.model_thread import Failed, LoadFailed, ModelThread

ROOT = Path(__file__).resolve().parent.parent


def broken_step(_value: object = None) -> str:
    raise ZeroDivisionError("a bug in a step")


def raised(function) -> BaseException:
    try:
        function()
    except Exception as err:
        return err
    raise AssertionError("did not raise")


def test_the_traceback_goes_to_the_log_and_the_line_says_where(tmp_path):
    path = tmp_path / "logs" / LOG_NAME
    line = bug_line(raised(broken_step), "Stopped", path)
    assert line == f"Stopped: a bug in a step (details in {path})"
    log = path.read_text()
    assert log.startswith("--- ") and "Traceback" in log and "in broken_step" in log
    bug_line(raised(lambda: {}["key"]), path=path)
    assert log_entries(path) == 2 and path.read_text().startswith(log)  # appended


def test_an_unwritable_log_loses_the_details_not_the_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    error = raised(broken_step)
    assert record(error, blocker / LOG_NAME) is None
    assert bug_line(error, path=blocker / LOG_NAME) == "unexpected error: a bug in a step"


def test_an_error_without_a_message_is_named_by_its_type(tmp_path):
    line = bug_line(raised(lambda: _raise(RuntimeError())), path=tmp_path / LOG_NAME)
    assert line.startswith("unexpected error: RuntimeError (details in ")


def test_an_error_of_several_lines_is_said_in_one(tmp_path):
    line = bug_line(raised(lambda: _raise(ValueError("first\n  second\n"))), path=tmp_path / "l")
    assert line.startswith("unexpected error: first second (details in ") and "\n" not in line


def _raise(error: BaseException) -> None:
    raise error


def test_a_grown_log_keeps_its_newer_whole_entries(tmp_path):
    path = tmp_path / LOG_NAME
    padding = "x" * 1000
    for k in range(MAX_BYTES // 1000 + 20):
        record(raised(lambda k=k: _raise(ValueError(f"entry {k} {padding}"))), path)
    text = path.read_text()
    assert len(text.encode()) <= MAX_BYTES + 4000
    assert text.startswith("--- ") and f"entry {MAX_BYTES // 1000 + 19} " in text
    assert "entry 0 " not in text


def log_entries(path: Path) -> int:
    return sum(line.startswith("--- ") for line in path.read_text().splitlines())


def test_a_bug_in_a_recognition_task_is_one_line_and_the_worker_goes_on(classifier, capfd):
    worker = ModelThread(lambda: classifier)
    try:
        worker.submit(1, broken_step)
        _loaded, failed = wait_for(worker, 2)
        assert isinstance(failed, Failed)
        assert failed.message.startswith("unexpected error: a bug in a step (details in ")
        assert "in broken_step" in log_path().read_text()
        worker.submit(2, lambda _c: "still here")
        (done,) = wait_for(worker, 1)
        assert done.value == "still here"
    finally:
        worker.close()
    assert capfd.readouterr().err == ""


def test_a_bug_loading_the_model_is_one_line(capfd):
    worker = ModelThread(broken_step)
    try:
        (failed,) = wait_for(worker, 1)
        assert isinstance(failed, LoadFailed)
        assert failed.message.startswith("cannot load the model: a bug in a step (details in ")
    finally:
        worker.close()
    assert capfd.readouterr().err == ""


class BrokenJob:
    """A batch run whose reading hits a bug after its count."""

    def count_in_background(self, report) -> None:
        report(3)

    def rows(self):
        broken_step()
        yield  # pragma: no cover


def test_a_bug_in_a_batch_run_is_one_line_in_its_window(capfd):
    results: queue.SimpleQueue = queue.SimpleQueue()
    _work(BrokenJob(), results)  # type: ignore[arg-type]
    assert results.get_nowait() == ("total", 3)
    kind, message = results.get_nowait()
    assert kind == "failed"
    assert message.startswith("Stopped by an unexpected error: a bug in a step (details in ")
    assert capfd.readouterr().err == ""


@pytest.mark.gui
def test_a_bug_in_a_window_callback_is_one_line_and_the_app_goes_on(xvfb_display, capfd):
    window = Window()
    try:
        window.root.after(0, broken_step)
        status = window.app.status
        pump(window.root, lambda: "a bug in a step" in status.text)
        assert status.text.startswith("unexpected error: a bug in a step (details in ")
        err = capfd.readouterr().err
        assert err.startswith("error: unexpected error: a bug in a step (details in ")
        assert err.count("\n") == 1 and "Traceback" not in err
        assert "in broken_step" in log_path().read_text()
        assert window.draw([[(100, 100), (100, 200)]])["event"] == "prediction"
    finally:
        window.close()


def test_a_bug_on_the_command_line_is_one_line_and_exit_code_1(tmp_path):
    code = ("import desktop.cli, desktop.__main__ as main\n"
            "def bug(): raise ZeroDivisionError('a bug in a step')\n"
            "desktop.cli.main = bug\n"
            "raise SystemExit(main.main())\n")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    log = tmp_path / "digit-recognizer" / LOG_NAME
    assert done.returncode == 1
    assert done.stderr == f"error: unexpected error: a bug in a step (details in {log})\n"
    assert "ZeroDivisionError" in log.read_text()
