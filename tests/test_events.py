"""The --log-events JSON lines: a public format that outside tests rely on."""

from __future__ import annotations

import io
import json

from desktop.engine.classifier import Prediction
from desktop.window.events import (
    EventLog,
    cleared_event,
    prediction_event,
    ready_event,
    sample_event,
)

SEVEN = Prediction(7, 0.9, (0.0, 0.01, 0.02, 0.0, 0.0, 0.0, 0.0, 0.9, 0.07, 0.0))
ONE = Prediction(1, 0.75, (0.0, 0.75, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25, 0.0, 0.0))


def test_ready_names_the_canvas_area():
    assert ready_event(10, 40, 300, 280) == {
        "event": "ready", "canvas": {"x": 10, "y": 40, "width": 300, "height": 280}}


def test_prediction_lists_every_digit_in_reading_order():
    event = prediction_event("canvas", [SEVEN, ONE])
    assert event["event"] == "prediction" and event["source"] == "canvas"
    assert event["digits"] == [7, 1]
    assert event["confidence"] == [0.9, 0.75]
    assert [len(p) for p in event["probabilities"]] == [10, 10]
    assert event["probabilities"][1][7] == 0.25


def test_cleared():
    assert cleared_event() == {"event": "cleared"}


def test_sample_names_the_digit_and_the_file(tmp_path):
    png = tmp_path / "7" / "20260101-120000-000001.png"
    assert sample_event(7, png) == {"event": "sample", "digit": 7, "path": str(png)}


def test_events_are_written_one_json_object_per_line():
    stream = io.StringIO()
    log = EventLog(stream)
    log.write(ready_event(0, 0, 280, 280))
    log.write(prediction_event("file", [SEVEN]))
    log.write(cleared_event())
    lines = stream.getvalue().splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["ready", "prediction", "cleared"]


def test_a_log_file_is_readable_while_the_app_runs(tmp_path):
    path = tmp_path / "events.jsonl"
    log = EventLog.open(str(path))
    log.write(cleared_event())
    assert json.loads(path.read_text()) == {"event": "cleared"}  # flushed at once
    log.close()


def test_dash_means_standard_error(capsys):
    log = EventLog.open("-")
    log.write(cleared_event())
    assert json.loads(capsys.readouterr().err) == {"event": "cleared"}


def test_no_path_means_no_log(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    log = EventLog.open(None)
    log.write(cleared_event())
    log.close()
    assert capsys.readouterr() == ("", "") and not any(tmp_path.iterdir())
