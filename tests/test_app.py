"""The real window under Xvfb, with the real model.

In-process tests build the App and press its buttons; end-to-end tests start
`python -m desktop --log-events FILE`, draw with real pointer events (xdotool) and read the log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tkinter as tk
from pathlib import Path

import numpy as np
import pytest
from app_driver import AppProcess, wait_for_window
from app_window import Window, pump
from bad_models import CARD_KINDS, MODEL_KINDS, unusable_model

from desktop.engine.classifier import Prediction
from desktop.engine.reading import Reading
from desktop.window.drawing import default_brush
from devtools.handwriting import (
    HAND,
    densify,
    fit_strokes,
    number_strokes,
    place,
    random_placements,
)
from devtools.photos import dot_screen
from train.skeleton import trace

pytestmark = pytest.mark.gui

ACCURACY_DIGITS = 150
REQUIRED_ACCURACY = 0.97


# ---------------------------------------------------------------- in-process

@pytest.fixture
def window(xvfb_display):
    w = Window()
    yield w
    w.close()


def test_ready_gives_the_canvas_area_on_the_screen(window):
    (ready,) = [e for e in window.events() if e["event"] == "ready"]
    canvas = window.app.canvas
    assert ready["canvas"] == {"x": canvas.winfo_rootx(), "y": canvas.winfo_rooty(),
                               "width": canvas.winfo_width(), "height": canvas.winfo_height()}
    assert min(ready["canvas"]["width"], ready["canvas"]["height"]) >= 280


def test_the_canvas_grows_with_the_window(window):
    before = window.app.canvas.winfo_width(), window.app.canvas.winfo_height()
    window.root.geometry(f"{window.root.winfo_width() + 200}x{window.root.winfo_height() + 150}")
    pump(window.root, lambda: window.app.canvas.winfo_width() > before[0])
    assert window.app.canvas.winfo_height() > before[1]


def test_a_drawn_digit_is_shown_large_with_its_confidence(window):
    event = window.draw(fit_strokes(HAND["7"], window.area()))
    assert event["source"] == "canvas" and event["digits"] == [7]
    assert window.app.answer.headline.cget("text") == "7"
    assert window.app.answer.detail.cget("text").endswith("% sure")
    assert len(window.app.answer.seen.grid_slaves()) == 2  # the 28x28 view and its caption


def test_strokes_are_round_and_as_broad_as_the_brush(window):
    window.draw(fit_strokes(HAND["1"], window.area()))
    (line,) = window.app.canvas.find_withtag("stroke")
    canvas = window.app.canvas
    assert canvas.itemcget(line, "capstyle") == "round"
    assert float(canvas.itemcget(line, "width")) == default_brush(window.app._px(360))
    window.app.tools.brush_scale.set(40)
    assert float(canvas.itemcget(line, "width")) == 40
    assert window.app.tools.brush_label.cget("text") == "40 px"


def test_undo_removes_the_last_stroke_and_reads_again(window):
    four = fit_strokes(HAND["4"], window.area())
    window.draw([*four, [(20, 20), (60, 25)]])  # and a stray stroke
    count = len(window.predictions())
    window.app.tools.undo_button.invoke()
    pump(window.root, lambda: len(window.predictions()) > count)
    assert window.predictions()[-1]["digits"] == [4]
    assert len(window.app.board.drawing) == 2


def test_undoing_the_last_stroke_clears(window):
    window.draw(fit_strokes(HAND["1"], window.area()))
    window.app.tools.undo_button.invoke()
    assert window.events()[-1] == {"event": "cleared"}
    assert window.app.answer.headline.cget("text").strip() == ""


def test_clear_empties_the_canvas_and_shows_no_digit(window):
    window.draw(fit_strokes(HAND["3"], window.area()))
    window.app.tools.clear_button.invoke()
    assert window.events()[-1] == {"event": "cleared"}
    assert window.app.canvas.find_all() == ()
    assert window.app.answer.headline.cget("text").strip() == ""
    assert window.app.answer.seen.grid_slaves() == []


def test_predict_on_an_empty_canvas_shows_no_digit(window):
    window.app.tools.predict_button.invoke()
    window.root.update()
    assert window.predictions() == []
    assert window.app.answer.headline.cget("text").strip() == ""
    assert window.app.answer.detail.cget("text") == "Draw a digit"


def test_a_number_shows_each_digit_and_a_click_picks_the_chart(window):
    event = window.draw(number_strokes("2026", window.area()))
    assert event["digits"] == [2, 0, 2, 6]
    assert window.app.answer.headline.cget("text") == "2026"
    images = [w for w in window.app.answer.seen.grid_slaves() if w.cget("image")]
    assert len(images) == 4
    last = next(w for w in images if int(w.grid_info()["column"]) == 3)
    last.event_generate("<Button-1>")
    assert window.app.answer.chart_title.cget("text") == "Probabilities of digit 4 of 4"


def test_an_unsure_reading_says_so(window):
    probabilities = (0.0, 0.0, 0.0, 0.0, 0.48, 0.0, 0.0, 0.0, 0.0, 0.52)
    unsure = Reading("canvas", np.zeros((1, 28, 28), np.float32),
                     (Prediction(9, 0.52, probabilities),))
    window.app.show_reading(unsure)
    assert window.app.answer.headline.cget("text") == "?"
    assert window.app.answer.detail.cget("text") == "Not sure: 9 (52 %) or 4 (48 %)?"


@pytest.mark.parametrize("digits", ["397154", "3141592653589793238462643383279502884197"])
def test_a_long_number_fits_the_panel(window, digits):
    """A number too wide for the panel in full-size type is set smaller (then wrapped): it
    pushed the panel past the window's edge, cutting off the bars and the sample buttons. Its
    row keeps the height of full-size type."""
    def show(number: str) -> None:
        sure = tuple(Prediction.of(np.eye(10)[int(d)]) for d in number)
        window.app.show_reading(Reading("canvas", np.zeros((len(number), 28, 28), np.float32),
                                        sure))
        window.root.update()

    headline = window.app.answer.headline
    show("7")
    width, row = window.root.winfo_reqwidth(), headline.master.grid_bbox(0, 0)
    show(digits)
    assert headline.cget("text") == digits
    assert headline.winfo_reqwidth() <= window.app.answer.width
    assert window.root.winfo_reqwidth() == width
    assert headline.master.grid_bbox(0, 0) == row


def test_a_detail_line_that_wraps_keeps_the_window_as_high(window):
    """The line under the number wraps where it is long (six digits, adapted to the person's
    samples): its row keeps room for two lines, so the window neither grows nor jumps."""
    def show(number: str, adapted: bool) -> None:
        sure = tuple(Prediction.of(np.eye(10)[int(d)] * 0.98 + 0.002) for d in number)
        window.app.show_reading(Reading("canvas", np.zeros((len(number), 28, 28), np.float32),
                                        sure, adapted=adapted))
        window.root.update()

    detail = window.app.answer.detail
    show("7", False)
    height, line = window.root.winfo_reqheight(), detail.winfo_reqheight()
    show("397154", True)
    assert detail.winfo_reqheight() > line  # wrapped
    assert window.root.winfo_reqheight() == height


def mnist_png(mnist, indices, path: Path) -> list[int]:
    from PIL import Image

    row = np.hstack([np.pad(mnist.x_test[i], 6) for i in indices])
    Image.fromarray(255 - np.kron(row, np.ones((6, 6), np.uint8))).save(path)
    return [int(mnist.y_test[i]) for i in indices]


@pytest.mark.parametrize("indices", [[0], [11, 12, 13]], ids=["digit", "number"])
def test_open_image_shows_the_picture_and_its_reading(window, mnist, tmp_path, indices):
    labels = mnist_png(mnist, indices, tmp_path / "digits.png")
    window.app.open_image(tmp_path / "digits.png")
    pump(window.root, lambda: window.predictions())
    (event,) = window.predictions()
    assert event["source"] == "file" and event["digits"] == labels
    assert window.app.canvas.find_withtag("picture")
    assert len([w for w in window.app.answer.seen.grid_slaves() if w.cget("image")]) == len(labels)
    window.app.tools.predict_button.invoke()  # Enter on a picture: its reading, logged again
    assert window.predictions()[-1] == event


def test_drawing_over_a_picture_starts_a_new_drawing(window, mnist, tmp_path):
    mnist_png(mnist, [0], tmp_path / "digit.png")
    window.app.open_image(tmp_path / "digit.png")
    pump(window.root, lambda: window.predictions())
    assert window.app.status.text == ("digit.png (PNG 240x240 L) shown; "  # its name and size,
                                      "draw to start a new drawing.")  # not the size shown
    event = window.draw(fit_strokes(HAND["8"], window.area()))
    assert event["digits"] == [8] and not window.app.canvas.find_withtag("picture")
    assert window.app.status.text.startswith("Model: bundled")  # no longer the image's note


def test_an_image_without_a_digit_says_so_and_logs_no_digit(window, tmp_path):
    """A blank page and an empty field printed with a pattern: no digit shown, and an event a
    UI test can wait for (no prediction comes)."""
    from PIL import Image

    Image.new("L", (300, 80), 235).save(tmp_path / "blank.png")
    dots = dot_screen((64, 300), 8.0)
    Image.fromarray((225 - 60 * dots).astype(np.uint8)).save(tmp_path / "dots.png")
    for name in ("blank.png", "dots.png"):
        count = len(window.events())
        window.app.open_image(tmp_path / name)
        pump(window.root, lambda before=count: len(window.events()) > before)
        assert window.events()[count:] == [{"event": "no_digit", "source": "file"}]
        assert window.app.answer.detail.cget("text") == "No digit found"
    assert window.predictions() == []


def test_a_broken_image_gets_a_one_line_dialog(window, tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    shown = []

    def answer_dialog():
        dialog = ".__tk__messagebox"
        if not window.root.tk.call("winfo", "exists", dialog):
            window.root.after(50, answer_dialog)
            return
        shown.append(window.root.tk.call(f"{dialog}.msg", "cget", "-text"))
        window.root.tk.call(f"{dialog}.ok", "invoke")

    window.root.after(50, answer_dialog)
    window.app.open_image(path)
    pump(window.root, lambda: shown)
    assert len(shown) == 1 and "\n" not in shown[0]
    assert window.predictions() == []


def test_about_shows_the_model_card_and_versions(window):
    window.app.commands.show_about()
    text = window.app.about_window.winfo_children()[0].winfo_children()[0].get("1.0", "end")
    card = window.app.classifier.card
    assert f"SHA-256: {card['sha256']}" in text
    assert f"{card['test_accuracy'] * 100:.2f} %" in text
    assert "onnxruntime" in text and "numpy" in text and "python" in text
    window.app.about_window.destroy()


def test_the_menus_offer_open_classify_folder_and_about(window):
    menubar = window.root.nametowidget(window.root.cget("menu"))
    labels = []
    for i in range(menubar.index("end") + 1):
        if menubar.type(i) != "cascade":
            continue
        submenu = window.root.nametowidget(menubar.entrycget(i, "menu"))
        labels += [submenu.entrycget(j, "label") for j in range(submenu.index("end") + 1)
                   if submenu.type(j) == "command"]
    assert {"Open image…", "Classify folder…", "About Digit Recognizer"} <= set(labels)


def test_closing_the_window_stops_the_worker_and_destroys_the_root(window):
    handler = window.root.tk.call("wm", "protocol", window.root._w, "WM_DELETE_WINDOW")
    window.root.tk.call(handler)  # what the window manager's close button triggers
    assert not window.app.session.worker._thread.is_alive()
    with pytest.raises(tk.TclError):
        window.root.winfo_exists()


# ---------------------------------------------------------------- end to end

class TestThroughTheWindow:
    """One app process for all these tests, closed before the next ones start."""

    def test_the_ready_area_is_the_white_canvas_on_screen(self, app):
        c = app.canvas
        shot = np.asarray(app.screenshot().convert("RGB")).astype(int)
        inside = shot[c["y"] + 2:c["y"] + c["height"] - 2, c["x"] + 2:c["x"] + c["width"] - 2]
        assert (inside == 255).all()
        assert (shot[c["y"] + c["height"] // 2, c["x"] - 1] != 255).any()  # the frame around it
        assert (shot[c["y"] - 1, c["x"] + c["width"] // 2] != 255).any()

    @pytest.mark.parametrize("digit", sorted(HAND))
    def test_hand_drawn_digits_through_the_window(self, app, digit):
        event = app.read(fit_strokes(HAND[digit], app.canvas))
        assert event["source"] == "canvas"
        assert event["digits"] == [int(digit)]
        assert len(event["probabilities"][0]) == 10
        assert sum(event["probabilities"][0]) == pytest.approx(1.0, abs=1e-3)

    def test_a_number_through_the_window(self, app):
        event = app.read(number_strokes("2026", app.canvas))
        assert event["digits"] == [2, 0, 2, 6], event
        assert len(event["confidence"]) == 4 and len(event["probabilities"]) == 4

    @pytest.mark.parametrize("key", ["Escape", "Delete"])
    def test_escape_and_delete_clear(self, app, key):
        app.read(fit_strokes(HAND["9"], app.canvas))
        mark = len(app.events())
        app.key(key)
        assert app.wait_for(lambda e: e["event"] == "cleared", mark) == {"event": "cleared"}

    def test_enter_predicts_again(self, app):
        app.read(fit_strokes(HAND["6"], app.canvas))
        mark = len(app.events())
        app.key("Return")
        event = app.wait_for(lambda e: e["event"] == "prediction", mark)
        assert event["digits"] == [6]

    def test_ctrl_z_undoes_the_last_stroke(self, app):
        stray = [(10, 10), (70, 40)]
        event = app.read([*fit_strokes(HAND["4"], app.canvas), stray], then=["ctrl+z", "Return"])
        assert event["digits"] == [4]

    def test_a_screenshot_shows_the_drawing_and_the_answer(self, app, tmp_path):
        app.read(fit_strokes(HAND["7"], app.canvas, 0.7))
        image = app.screenshot(tmp_path / "app.png").convert("RGB")
        pixels = np.asarray(image)
        assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50  # text, bars, ink: not blank
        c = app.canvas
        canvas = pixels[c["y"]:c["y"] + c["height"], c["x"]:c["x"] + c["width"]]
        assert 0.02 < (canvas.max(axis=2) < 80).mean() < 0.3  # the drawn ink, and only that much

    def test_mnist_digits_drawn_through_the_window_are_read(self, app, mnist):
        """150 MNIST test digits, traced into strokes, drawn at 45-80 % of the canvas anywhere."""
        rng = np.random.default_rng(2026)
        indices = rng.choice(len(mnist.x_test), ACCURACY_DIGITS, replace=False)
        size = (app.canvas["width"], app.canvas["height"])
        brush = default_brush(360)
        right = []
        for index, (fraction, where) in zip(indices, random_placements(ACCURACY_DIGITS, size, 7),
                                            strict=True):
            strokes, box = trace(mnist.x_test[index])
            placed = [densify(s, 10) for s in place(strokes, box, size, fraction, where, brush / 2)]
            event = app.read(placed, before=["Escape"])
            right.append(event["digits"] == [int(mnist.y_test[index])])
            if not right[-1]:
                print(f"test digit {index} ({mnist.y_test[index]}) read as {event['digits']}")
        accuracy = sum(right) / len(right)
        print(f"MNIST through the window: {sum(right)}/{len(right)} = {accuracy:.1%}")
        assert accuracy >= REQUIRED_ACCURACY


# ---------------------------------------------------------------- start and end

def test_closing_the_window_exits_with_code_0(xvfb_display, tmp_path):
    app = AppProcess(tmp_path / "events.jsonl")
    try:
        app.wait_ready()
        app.close_window()
        code, stderr = app.finish()
    finally:
        app.kill()
    assert (code, stderr) == (0, "")


def wrong_shaped_model(path: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Identity", ["image"], ["probabilities"])], "not-digits",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 32, 32, 3])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 32, 32, 3])])
    onnx.save(helper.make_model(graph), path)
    return path


@pytest.mark.parametrize("kind", ["missing", "corrupt", "wrong-shape",
                                  *MODEL_KINDS, *CARD_KINDS])
def test_a_bad_model_gets_a_dialog_one_line_and_exit_code_2(xvfb_display, tmp_path, kind):
    """Models that cannot be used: missing, corrupt, of the wrong shape, and ones that load
    but fail in use (tests/bad_models.py) or whose card has fields of the wrong type."""
    model = tmp_path / "model.onnx"
    if kind == "corrupt":
        model.write_bytes(b"\x08\x07 this is not protobuf" * 50)
    elif kind == "wrong-shape":
        wrong_shaped_model(model)
    elif kind != "missing":
        model = unusable_model(tmp_path / "models", kind)
    app = AppProcess(tmp_path / "events.jsonl", "--model", str(model))
    try:
        dialog = wait_for_window("Cannot load the model")
        subprocess.run(["xdotool", "windowfocus", "--sync", dialog, "key", "Return"],
                       check=True, timeout=10)
        code, stderr = app.finish()
    finally:
        app.kill()
    assert code == 2
    assert len(stderr.splitlines()) == 1 and stderr.startswith("error: "), stderr
    assert "Traceback" not in stderr and str(model.parent) in stderr


LIGHTNESS_SCRIPT = """
import json, sys, time
from desktop.window.app import App
from desktop.window.controls import make_root
root = make_root()
app = App(root)
app.show()
canvas = app.canvas
canvas.event_generate("<ButtonPress-1>", x=100, y=60)
canvas.event_generate("<Motion>", x=104, y=200, state=0x100)
canvas.event_generate("<ButtonRelease-1>", x=104, y=200, state=0x100)
deadline = time.monotonic() + 30
while app.reading is None and time.monotonic() < deadline:
    root.update()
    time.sleep(0.01)
print(json.dumps({"digits": app.reading.digits, "modules": sorted(sys.modules)}))
app.close()
"""


def test_drawing_and_reading_never_import_pillow(xvfb_display):
    result = subprocess.run([sys.executable, "-c", LIGHTNESS_SCRIPT], capture_output=True,
                            text=True, timeout=60, cwd=Path(__file__).parent.parent, check=True)
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["digits"] == [1]
    assert "onnxruntime" in report["modules"] and "PIL" not in report["modules"]


def test_without_a_display_one_line_and_exit_code_1():
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    result = subprocess.run([sys.executable, "-m", "desktop"], env=env, capture_output=True,
                            text=True, timeout=60, cwd=Path(__file__).parent.parent)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")
