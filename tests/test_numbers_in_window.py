"""Numbers as people write them, drawn in the real window with real pointer events (xdotool):
digits whose ink touches, a dash after an amount, a separator dot; and the faint box the canvas
shows around each digit read."""

from __future__ import annotations

import numpy as np
import pytest
from app_window import Window, pump

from desktop.window.canvas import SPLIT
from devtools.handwriting import LAYOUTS, laid_out

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("text", sorted(LAYOUTS))
def test_numbers_as_written_are_read_whole(app, text):
    event = app.read(laid_out(text, app.canvas))
    assert "".join(map(str, event["digits"])) == text.replace("-", "").replace(".", ""), event


SLACK = 16  # px: a box holds its strokes and half the pen's breadth (11.5 px) around them, but
            # under load Tk merges queued motion events, and a stroke's end may be cut short
            # (seen once in a full run: the top 12 px of a 1); the boxes still tell the digits


def test_each_digit_read_has_its_box_on_the_canvas(app):
    strokes = laid_out("132", app.canvas)
    event = app.read(strokes)
    assert event["digits"] == [1, 3, 2] and len(event["boxes"]) == 3
    for box, stroke in zip(event["boxes"], strokes, strict=True):  # one stroke per digit
        xy = np.array(stroke)
        assert box[0] <= xy[:, 0].min() + SLACK and xy[:, 0].max() - SLACK <= box[2]
        assert box[1] <= xy[:, 1].min() + SLACK and xy[:, 1].max() - SLACK <= box[3]
    one_right = np.array(strokes[0])[:, 0].max()
    assert event["boxes"][0][2] < np.array(strokes[1])[:, 0].min() + 0.5 * (
        event["boxes"][1][2] - event["boxes"][1][0])  # the 1's box stops short of the 3's
    assert event["boxes"][0][2] - one_right < 20


def test_the_boxes_show_on_screen(app):
    app.read(laid_out("100", app.canvas))
    c = app.canvas
    shot = np.asarray(app.screenshot().convert("RGB")).astype(int)
    canvas = shot[c["y"]:c["y"] + c["height"], c["x"]:c["x"] + c["width"]]
    faint = np.array([int(SPLIT[i:i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(canvas - faint).sum(axis=2) < 10).sum() > 100  # dashed outlines


def test_boxes_go_with_a_new_stroke_undo_and_clear(xvfb_display):
    w = Window()
    try:
        strokes = laid_out("60", w.area())
        w.draw(strokes)
        split = w.app.canvas.find_withtag("split")
        assert len(split) == 2
        w.app.canvas.event_generate("<ButtonPress-1>", x=5, y=5)  # a new stroke begins
        assert not w.app.canvas.find_withtag("split")
        w.app.canvas.event_generate("<ButtonRelease-1>", x=5, y=5, state=0x100)
        w.app.undo()
        assert not w.app.canvas.find_withtag("split")
        count = len(w.predictions())
        pump(w.root, lambda: len(w.predictions()) > count and w.app.session.pending is None)
        assert len(w.app.canvas.find_withtag("split")) == 2  # read again: 6 and 0
        w.app.clear()
        assert not w.app.canvas.find_withtag("split")
    finally:
        w.close()
