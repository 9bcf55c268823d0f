"""The --log-events JSON lines: a public format that outside tests rely on."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from app_window import Window, pump
from PIL import Image

from desktop.engine.classifier import Prediction
from desktop.window.events import (
    EventLog,
    cleared_event,
    prediction_event,
    ready_event,
)
from devtools.handwriting import HAND, fit_strokes, number_strokes

SEVEN = Prediction(7, 0.9, (0.0, 0.01, 0.02, 0.0, 0.0, 0.0, 0.0, 0.9, 0.07, 0.0))

# The fields of each event, as the format is documented (events.py, the README); a canvas
# prediction also has each digit's box.
CANVAS_FIELDS = {"boxes"}
FIELDS = {
    "ready": {"event", "canvas"},
    "prediction": {"event", "source", "digits", "confidence", "probabilities"},
    "cleared": {"event"},
    "sample": {"event", "digit", "path"},
}


# ---------------------------------------------------------------- events the app writes

@pytest.fixture(scope="module")
def logged(xvfb_display, tmp_path_factory, mnist):
    """The events of a short session in the real window: a number drawn, cleared, a 7 drawn
    and saved as a sample, an image file of a 7 opened. (events, samples folder)"""
    folder = tmp_path_factory.mktemp("events")
    seven = folder / "seven.png"
    Image.fromarray(255 - mnist.x_test[0]).resize((112, 112)).save(seven)  # test digit 0: a 7
    assert mnist.y_test[0] == 7
    w = Window(samples_dir=folder / "samples", settings_file=folder / "settings.json")
    try:
        w.draw(number_strokes("2026", w.area()))
        w.app.tools.clear_button.invoke()
        w.draw(fit_strokes(HAND["7"], w.area()))
        w.app.teach.digit_buttons[7].invoke()
        w.app.open_image(seven)
        pump(w.root, lambda: w.predictions() and w.predictions()[-1]["source"] == "file")
        return w.events(), folder / "samples"
    finally:
        w.close()


def of_kind(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["event"] == kind]


@pytest.mark.gui
def test_every_event_written_has_the_documented_fields(logged):
    events, _ = logged
    assert {e["event"] for e in events} == set(FIELDS)
    for event in events:
        extra = CANVAS_FIELDS if event.get("source") == "canvas" else set()
        assert set(event) == FIELDS[event["event"]] | extra, event
    (ready,) = of_kind(events, "ready")
    assert set(ready["canvas"]) == {"x", "y", "width", "height"}
    assert all(isinstance(v, int) for v in ready["canvas"].values())


@pytest.mark.gui
def test_predictions_list_the_digits_in_reading_order_each_with_all_ten(logged):
    events, _ = logged
    predictions = of_kind(events, "prediction")
    assert [(p["source"], p["digits"]) for p in predictions] == [
        ("canvas", [2, 0, 2, 6]), ("canvas", [7]), ("file", [7])]
    for p in predictions:
        rows = np.array(p["probabilities"])
        assert rows.shape == (len(p["digits"]), 10)
        np.testing.assert_allclose(rows.sum(axis=1), 1.0, atol=1e-4)
        assert p["digits"] == rows.argmax(axis=1).tolist()
        assert p["confidence"] == rows.max(axis=1).tolist()


@pytest.mark.gui
def test_a_canvas_prediction_boxes_each_digits_strokes(logged, xvfb_display):
    events, _ = logged
    number = of_kind(events, "prediction")[0]
    (ready,) = of_kind(events, "ready")
    strokes = number_strokes("2026", ready["canvas"])  # as drawn, in canvas coordinates
    per_digit = [len(HAND[d]) for d in "2026"]
    assert len(number["boxes"]) == 4
    first = 0
    for box, count in zip(number["boxes"], per_digit, strict=True):
        xy = np.array([p for stroke in strokes[first:first + count] for p in stroke])
        first += count
        left, top, right, bottom = box
        assert left <= xy[:, 0].min() and xy[:, 0].max() <= right
        assert top <= xy[:, 1].min() and xy[:, 1].max() <= bottom
        assert right - left < np.ptp(xy[:, 0]) + 40  # the digit's own strokes, no neighbour's
    assert [b[0] for b in number["boxes"]] == sorted(b[0] for b in number["boxes"])


@pytest.mark.gui
def test_a_sample_names_its_digit_and_the_file_written_then_clears(logged):
    events, samples = logged
    (sample,) = of_kind(events, "sample")
    path = Path(sample["path"])
    assert sample["digit"] == 7 and path.parent == samples / "7" and path.is_file()
    assert events[events.index(sample) + 1] == {"event": "cleared"}
    assert events.count({"event": "cleared"}) == 2  # the Clear button, then the saved drawing


# ---------------------------------------------------------------- the log itself

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
