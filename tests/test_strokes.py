"""The drawing as data: strokes, undo, versions, snapshots."""

from __future__ import annotations

import pytest

from desktop.window.drawing import Drawing, default_brush


def test_a_new_drawing_is_empty():
    drawing = Drawing()
    assert drawing.is_empty and len(drawing) == 0 and drawing.snapshot() == ()


def test_strokes_collect_points_until_the_pen_lifts():
    drawing = Drawing()
    drawing.begin(10, 10)
    assert drawing.extend(20, 15)
    drawing.end()
    assert not drawing.extend(30, 30)  # pen up: moves do not draw
    assert drawing.snapshot() == (((10.0, 10.0), (20.0, 15.0)),)


def test_points_closer_than_a_pixel_are_skipped():
    drawing = Drawing()
    drawing.begin(10, 10)
    assert not drawing.extend(10.4, 10.6)
    assert drawing.last_stroke() == ((10.0, 10.0),)


def test_a_tap_is_a_one_point_stroke():
    drawing = Drawing()
    drawing.begin(5, 6)
    drawing.end()
    assert drawing.snapshot() == (((5.0, 6.0),),)


def test_undo_removes_the_last_stroke_only():
    drawing = Drawing()
    for x in (0, 50):
        drawing.begin(x, 0)
        drawing.extend(x, 40)
        drawing.end()
    assert drawing.undo()
    assert drawing.snapshot() == (((0.0, 0.0), (0.0, 40.0)),)
    assert drawing.undo() and not drawing.undo()
    assert drawing.is_empty


def test_every_change_bumps_the_version():
    drawing = Drawing()
    versions = [drawing.version]
    drawing.begin(0, 0)
    versions.append(drawing.version)
    drawing.extend(10, 0)
    versions.append(drawing.version)
    drawing.undo()
    versions.append(drawing.version)
    drawing.clear()
    versions.append(drawing.version)
    assert versions == sorted(set(versions))


def test_a_snapshot_does_not_change_with_the_drawing():
    drawing = Drawing()
    drawing.begin(0, 0)
    before = drawing.snapshot()
    drawing.extend(10, 10)
    assert before == (((0.0, 0.0),),)


@pytest.mark.parametrize(("side", "brush"), [(280, 18), (360, 22), (1000, 62), (10, 4)])
def test_default_brush_grows_with_the_canvas(side, brush):
    assert default_brush(side) == brush
