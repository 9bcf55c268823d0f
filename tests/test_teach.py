"""Teach it your handwriting: the drawing saved as a labelled sample, by the logic alone, in the
window (the "It's a..." buttons and the digit keys) and through `python -m desktop` under Xvfb.
Real strokes, the real model; the saved samples load back as training data."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from app_driver import AppProcess
from app_window import Window
from PIL import Image

from desktop.engine.reading import read_strokes
from desktop.user.samples import count_samples, save_sample
from desktop.user.teach import NOT_ONE_DIGIT, NotOneDigit, SampleError, sample_input, save_drawing
from desktop.window.drawing import default_brush
from devtools.handwriting import HAND, fit_strokes, number_strokes
from train.extra import load_extra

CANVAS = {"x": 0, "y": 0, "width": 440, "height": 360}
BRUSH = default_brush(360)
NUM_LOCK = 0x10  # the Mod2 modifier: keypad keys type digits


def seven() -> list:
    return fit_strokes(HAND["7"], CANVAS)


# ---------------------------------------------------------------- the logic

def test_the_sample_is_what_the_model_sees(classifier):
    strokes = seven()
    reading = read_strokes(strokes, BRUSH, classifier)
    np.testing.assert_array_equal(sample_input(strokes, BRUSH), reading.inputs[0])


@pytest.mark.parametrize("strokes", [[], number_strokes("12", CANVAS)], ids=["empty", "two"])
def test_only_one_digit_makes_a_sample(strokes):
    with pytest.raises(NotOneDigit, match=NOT_ONE_DIGIT):
        sample_input(strokes, BRUSH)


def test_a_saved_drawing_loads_back_as_training_data_with_its_label(tmp_path, classifier):
    strokes = seven()
    png = save_drawing(tmp_path, 7, strokes, BRUSH)
    assert png.parent == tmp_path / "7"
    record = json.loads(png.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["digit"] == 7 and record["thickness"] == BRUSH
    assert record["strokes"] == [[[round(x, 2), round(y, 2)] for x, y in s] for s in strokes]
    images, labels, skipped = load_extra(tmp_path)
    assert labels.tolist() == [7] and skipped == []
    assert classifier.classify(images)[0].digit == 7


def test_an_unwritable_folder_is_one_line_naming_it(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(SampleError) as caught:
        save_drawing(blocker / "samples", 7, seven(), BRUSH)
    message = str(caught.value)
    assert "\n" not in message and str(blocker / "samples") in message
    assert not isinstance(caught.value, NotOneDigit)


# ---------------------------------------------------------------- the window

@pytest.fixture
def window(xvfb_display, tmp_path):
    w = Window(samples_dir=tmp_path / "samples", settings_file=tmp_path / "settings.json")
    yield w
    w.close()


def saved(window) -> list[dict]:
    return [e for e in window.events() if e["event"] == "sample"]


def counts_shown(window) -> list[int]:
    return [int(label.cget("text")) for label in window.app.teach.count_labels]


@pytest.mark.gui
class TestTheItsARow:
    def test_a_digit_button_saves_the_drawing_with_its_label_and_clears(self, window, tmp_path):
        window.draw(fit_strokes(HAND["7"], window.area()))
        window.app.teach.digit_buttons[7].invoke()
        (event,) = saved(window)
        assert event["digit"] == 7
        png = tmp_path / "samples" / "7" / os.path.basename(event["path"])
        assert event["path"] == str(png) and png.is_file() and png.with_suffix(".json").is_file()
        with Image.open(png) as image:
            assert image.size == (28, 28)
        assert window.events()[-1] == {"event": "cleared"}
        assert window.app.board.drawing.is_empty and window.app.canvas.find_all() == ()
        assert window.app.status.text == (
            "Saved a sample of 7 — you have 1 of that digit. Draw the next one.")

    def test_the_saved_note_counts_that_digit_and_goes_with_the_next_drawing(self, window):
        window.draw(fit_strokes(HAND["9"], window.area()))
        window.app.teach.digit_buttons[9].invoke()
        window.draw(fit_strokes(HAND["9"], window.area()))
        window.app.teach.digit_buttons[9].invoke()
        assert window.app.status.text == (
            "Saved a sample of 9 — you have 2 of that digit. Draw the next one.")
        window.draw(fit_strokes(HAND["4"], window.area()))
        assert window.app.status.text.startswith("Model: bundled")

    def test_the_counts_follow_the_samples(self, window, tmp_path):
        assert counts_shown(window) == [0] * 10
        for digit in (1, 7, 7):
            window.draw(fit_strokes(HAND[str(digit)], window.area()))
            window.app.teach.digit_buttons[digit].invoke()
        assert counts_shown(window) == [0, 1, 0, 0, 0, 0, 0, 2, 0, 0]
        assert count_samples(tmp_path / "samples")[7] == 2
        assert window.app.teach.samples_label.cget("text") == f"3 samples in {tmp_path / 'samples'}"

    def test_samples_already_there_are_counted_at_start(self, xvfb_display, tmp_path, mnist):
        for index in np.flatnonzero(mnist.y_test == 4)[:3]:
            save_sample(tmp_path, 4, mnist.x_test[index] / 255.0, [], 0)
        w = Window(samples_dir=tmp_path, settings_file=tmp_path / "settings.json")
        try:
            assert counts_shown(w) == [0, 0, 0, 0, 3, 0, 0, 0, 0, 0]
        finally:
            w.close()

    @pytest.mark.parametrize(("keysym", "state"), [("3", 0), ("KP_3", NUM_LOCK)])
    def test_the_digit_keys_save_too(self, window, keysym, state):
        window.draw(fit_strokes(HAND["3"], window.area()))
        window.app.canvas.event_generate("<KeyPress>", keysym=keysym, state=state)
        window.root.update()
        assert [e["digit"] for e in saved(window)] == [3]
        assert counts_shown(window)[3] == 1

    def test_an_empty_canvas_saves_nothing(self, window, tmp_path):
        assert all(button.instate(["disabled"]) for button in window.app.teach.digit_buttons)
        window.app.canvas.event_generate("<KeyPress>", keysym="5")
        window.root.update()
        assert saved(window) == [] and not (tmp_path / "samples").exists()
        assert window.app.status.text.startswith("Draw a digit first")
        window.draw(fit_strokes(HAND["5"], window.area()))
        assert not any(button.instate(["disabled"]) for button in window.app.teach.digit_buttons)
        window.app.tools.clear_button.invoke()
        assert all(button.instate(["disabled"]) for button in window.app.teach.digit_buttons)

    def test_several_digits_are_refused_and_kept(self, window, tmp_path):
        window.draw(number_strokes("12", window.area()))
        window.app.teach.digit_buttons[1].invoke()
        assert saved(window) == [] and not (tmp_path / "samples").exists()
        assert NOT_ONE_DIGIT in window.app.status.text
        assert len(window.app.board.drawing) > 0  # the drawing stays: undo a digit and try again

    def test_an_unwritable_folder_gets_a_one_line_dialog(self, xvfb_display, tmp_path):
        blocker = tmp_path / "a file"
        blocker.write_text("not a folder")
        w = Window(samples_dir=blocker / "samples", settings_file=tmp_path / "settings.json")
        try:
            shown = w.answer_dialogs()
            w.draw(fit_strokes(HAND["7"], w.area()))
            w.app.teach.digit_buttons[7].invoke()
            assert len(shown) == 1 and "\n" not in shown[0] and "cannot save" in shown[0]
            assert saved(w) == [] and not w.app.board.drawing.is_empty
        finally:
            w.close()


# ---------------------------------------------------------------- end to end

@pytest.mark.gui
def test_a_digit_key_saves_a_sample_through_the_real_app(xvfb_display, tmp_path, classifier):
    samples = tmp_path / "samples"
    app = AppProcess(tmp_path / "events.jsonl", "--samples-dir", str(samples))
    try:
        canvas = app.wait_ready()
        strokes = fit_strokes(HAND["7"], canvas)
        mark = len(app.events())
        app.draw(strokes, then=["7"])
        event = app.wait_for(lambda e: e["event"] == "sample", mark)
        app.wait_for(lambda e: e["event"] == "cleared", mark)
    finally:
        app.kill()
    assert event["digit"] == 7
    png = samples / "7" / os.path.basename(event["path"])
    assert event["path"] == str(png)
    with Image.open(png) as image:
        assert (image.size, image.mode) == ((28, 28), "L")
    record = json.loads(png.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["digit"] == 7 and len(record["strokes"]) == len(strokes)
    # The strokes in canvas pixels, as drawn: each starts and ends where the pen went down and up.
    for saved_stroke, drawn in zip(record["strokes"], strokes, strict=True):
        assert np.abs(np.subtract(saved_stroke[0], drawn[0])).max() <= 1
        assert np.abs(np.subtract(saved_stroke[-1], drawn[-1])).max() <= 1
    images, labels, _ = load_extra(samples)
    assert labels.tolist() == [7]
    assert classifier.classify(images)[0].digit == 7
