"""The real window under misuse: a settings file of the wrong types, models that load but cannot
be used, an event log on a full disk. Each ends in one line on stderr and, for a model, a
dialog and exit code 2; never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from app_driver import AppProcess, wait_for_window

pytestmark = pytest.mark.gui

SETTINGS = [{"model": 5}, {"model": ["a"]}, {"model": None, "other": 1}, [1, 2], "text",
            {"model": "bad\u0000name.onnx"}, {"model": True}]


def settings_env(tmp_path: Path, content: object) -> dict:
    """An environment whose settings file holds content (as JSON)."""
    config = tmp_path / "config"
    (config / "digit-recognizer").mkdir(parents=True)
    (config / "digit-recognizer" / "settings.json").write_text(json.dumps(content))
    return {**os.environ, "XDG_CONFIG_HOME": str(config), "XDG_DATA_HOME": str(tmp_path / "d")}


def start_and_close(app: AppProcess) -> tuple[int, str]:
    try:
        app.wait_ready()
        app.close_window()
        return app.finish()
    finally:
        app.kill()


@pytest.mark.parametrize("content", SETTINGS, ids=[json.dumps(s) for s in SETTINGS])
def test_settings_of_the_wrong_type_are_ignored_with_one_line(xvfb_display, tmp_path,
                                                              content):
    app = AppProcess(tmp_path / "events.jsonl", env=settings_env(tmp_path, content))
    code, stderr = start_and_close(app)
    assert code == 0 and "Traceback" not in stderr, stderr
    if content == {"model": "bad\u0000name.onnx"}:
        assert stderr == ""  # the right type: a model that is not there, as a deleted one
    else:
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("warning: settings file "), stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_an_event_log_on_a_full_disk_is_given_up_with_one_line(xvfb_display, tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "c")}
    process = subprocess.Popen([sys.executable, "-m", "desktop", "--log-events", "/dev/full"],
                               cwd=Path(__file__).resolve().parent.parent, env=env,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()  # written at `ready`, the first event
        assert line.startswith("warning: --log-events: cannot write (No space left on device)")
        window = wait_for_window("Digit Recognizer")
        from app_driver import send_delete_window

        send_delete_window(int(window))
        _, rest = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0 and rest == "", rest
