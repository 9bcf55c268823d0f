"""The adaptation in the real window: Model > Adapt to my handwriting (remembered, greyed for a
model without features), the quiet note when the samples changed the answer, and taking back
the last sample saved (Undo sample, Ctrl+Z), in this process and through `python -m desktop`
with real key presses."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import onnx
import pytest
from app_driver import AppProcess
from app_window import Window, pump

from desktop.cli import main
from desktop.engine.classifier import bundled_model_path
from desktop.user.samples import count_samples
from desktop.window.view_model import ADAPTED_NOTE
from devtools.handwriting import HAND, fit_strokes
from devtools.made_up import pick, struck_through, write_folder

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def taught(mnist, tmp_path_factory):
    """A samples folder of struck-through digits (5 a digit, by `teach`), and struck-through
    test digits the model misreads: (samples folder, [(image file, its digit)])."""
    root = tmp_path_factory.mktemp("taught")
    index = pick(mnist.y_train, 5)
    write_folder(root / "teach", struck_through(mnist.x_train[index]), mnist.y_train[index],
                 by_digit=True)
    assert main(["teach", str(root / "teach"), "--samples-dir", str(root / "samples"), "-q"]) == 0
    files = write_folder(root / "read", struck_through(mnist.x_test[:200]), mnist.y_test[:200])
    return root / "samples", [(path, int(mnist.y_test[i])) for i, path in enumerate(files)]


def open_and_wait(window: Window, path) -> dict:
    count = len(window.predictions())
    window.app.open_image(path)
    pump(window.root, lambda: len(window.predictions()) > count
         and window.app.session.pending is None)
    return window.predictions()[-1]


def test_the_switch_is_on_by_default_remembered_and_changes_answers(xvfb_display, taught,
                                                                    tmp_path):
    samples, files = taught[0], taught[1]
    shutil.copytree(samples, tmp_path / "samples")
    samples = tmp_path / "samples"
    settings = tmp_path / "settings.json"
    w = Window(samples_dir=samples, settings_file=settings)
    try:
        menu, index = w.app.adapt.menu, w.app.adapt.index
        assert menu.entrycget(index, "label") == "Adapt to my handwriting (50 samples)"
        assert w.app.adapt.var.get() and menu.entrycget(index, "state") == "normal"
        shown = [(open_and_wait(w, path), path, digit) for path, digit in files[:80]]
        fixed = [(path, digit) for event, path, digit in shown
                 if event.get("adapted") and event["digits"] == [digit]]
        assert fixed, "the samples set some readings right"
        path, digit = fixed[0]
        open_and_wait(w, path)
        assert ADAPTED_NOTE in w.app.answer.detail.cget("text")
        menu.invoke(index)
        assert not w.app.adapt.var.get()
        assert json.loads(settings.read_text(encoding="utf-8"))["adapt"] is False
        again = open_and_wait(w, path)
        assert "adapted" not in again and again["digits"] != [digit]
        assert ADAPTED_NOTE not in w.app.answer.detail.cget("text")
        assert {"event": "adaptation", "on": False, "samples": 50} in w.events()
    finally:
        w.close()
    (samples / "3" / "broken.png").write_bytes(b"not a picture")
    w = Window(samples_dir=samples, settings_file=settings)
    try:
        assert not w.app.adapt.var.get()
        w.app.personal.adaptation(w.app.classifier)  # as the window's thread does at start
        assert w.app.commands.about_extra() == (
            "Adaptation to your handwriting: off, 51 samples (1 unreadable, skipped)")
    finally:
        w.close()


def test_a_broken_settings_file_is_named_in_the_window_and_kept_when_replaced(xvfb_display,
                                                                              tmp_path):
    """The windowed executable may have no stderr: the status line says what became of it."""
    settings = tmp_path / "settings.json"
    settings.write_text('{"adapt": false,}')  # a trailing comma
    w = Window(samples_dir=tmp_path / "samples", settings_file=settings)
    try:
        ignored = "Settings file settings.json ignored, defaults in use: "
        assert w.app.status.text.startswith(ignored)
        assert w.app.adapt.var.get()  # the defaults, as the line says
        w.app.adapt.menu.invoke(w.app.adapt.index)
        assert w.app.status.text == ("Settings file settings.json was not valid: kept as "
                                     "settings.json.broken, a new one written.")
        assert (tmp_path / "settings.json.broken").read_text() == '{"adapt": false,}'
        assert json.loads(settings.read_text(encoding="utf-8")) == {"adapt": False}
    finally:
        w.close()


def test_a_model_without_features_greys_the_switch_and_says_why(xvfb_display, taught, tmp_path):
    proto = onnx.load(str(bundled_model_path()))
    del proto.graph.output[1:]
    onnx.save(proto, str(tmp_path / "old.onnx"))
    w = Window(model_path=str(tmp_path / "old.onnx"), samples_dir=taught[0],
               settings_file=tmp_path / "settings.json")
    try:
        menu, index = w.app.adapt.menu, w.app.adapt.index
        assert menu.entrycget(index, "state") == "disabled"
        assert "unavailable" in menu.entrycget(index, "label")
        line = w.app.commands.about_extra()
        assert "\n" not in line and "lacks the features and style outputs" in line
        event = open_and_wait(w, taught[1][0][0])
        assert "adapted" not in event
    finally:
        w.close()


def test_undo_sample_takes_back_the_last_saved_sample(xvfb_display, tmp_path):
    samples = tmp_path / "samples"
    w = Window(samples_dir=samples, settings_file=tmp_path / "settings.json")
    try:
        assert w.app.teach.undo_button.instate(["disabled"])
        for digit in (7, 1):
            w.draw(fit_strokes(HAND[str(digit)], w.area()))
            w.app.teach.digit_buttons[digit].invoke()
        assert count_samples(samples)[1] == 1 and not w.app.teach.undo_button.instate(["disabled"])
        assert w.app.adapt.menu.entrycget(w.app.adapt.index, "label").endswith("(2 samples)")
        w.app.teach.undo_button.invoke()
        removed = w.events()[-1]
        assert removed["event"] == "sample_removed" and removed["digit"] == 1
        assert not os.path.exists(removed["path"]) and count_samples(samples)[1] == 0
        assert [int(label.cget("text")) for label in w.app.teach.count_labels][1] == 0
        assert w.app.adapt.menu.entrycget(w.app.adapt.index, "label").endswith("(1 sample)")
        w.app.teach.undo_button.invoke()
        assert sum(count_samples(samples).values()) == 0
        assert w.app.teach.undo_button.instate(["disabled"])
    finally:
        w.close()


def test_ctrl_z_after_saving_takes_the_sample_back_in_the_real_app(xvfb_display, tmp_path):
    samples = tmp_path / "samples"
    app = AppProcess(tmp_path / "events.jsonl", "--samples-dir", str(samples))
    try:
        canvas = app.wait_ready()
        mark = len(app.events())
        app.draw(fit_strokes(HAND["7"], canvas), then=["7"])
        saved = app.wait_for(lambda e: e["event"] == "sample", mark)
        app.wait_for(lambda e: e["event"] == "cleared", mark)
        app.key("ctrl+z")
        removed = app.wait_for(lambda e: e["event"] == "sample_removed", mark)
        mark = len(app.events())
        app.draw(fit_strokes(HAND["1"], canvas), then=["ctrl+z"])  # a stroke, not a sample
        app.wait_for(lambda e: e["event"] == "cleared", mark)
    finally:
        app.kill()
    assert removed == {"event": "sample_removed", "digit": 7, "path": saved["path"]}
    assert not os.path.exists(saved["path"]) and count_samples(samples)[7] == 0
    assert not [e for e in app.events()[mark:] if e["event"] == "sample_removed"]
    assert np.sum(list(count_samples(samples).values())) == 0
