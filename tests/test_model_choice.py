"""Which model runs: the flag, the remembered choice or the bundled model; switching models in the
window (Model > Open model..., Use bundled model), remembered across restarts. Real models: the
bundled one and copies of it, intact or damaged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from app_window import Window, pump

from desktop.engine.classifier import bundled_model_path, card_path
from desktop.user.model_choice import (
    BUNDLED_NAME,
    FALLBACK_NOTICE,
    ModelChoice,
    display_name,
    is_bundled,
    startup_model,
    window_title,
)
from desktop.user.settings import chosen_model, remember_model
from desktop.window.app import TITLE
from devtools.handwriting import HAND, fit_strokes


def exported_copy(folder: Path) -> Path:
    """The bundled model and its card, copied as a fine-tuned model is installed."""
    folder.mkdir(parents=True)
    model = folder / "digits.onnx"
    shutil.copy(bundled_model_path(), model)
    shutil.copy(card_path(bundled_model_path()), card_path(model))
    return model


def bad_model(tmp_path: Path, kind: str) -> Path:
    model = tmp_path / "bad" / "digits.onnx"
    if kind == "corrupt":
        model.parent.mkdir()
        model.write_bytes(b"\x08\x07 this is not protobuf" * 50)
    elif kind == "altered":  # its card's SHA-256 no longer matches the file
        exported_copy(model.parent)
        card = json.loads(card_path(model).read_text(encoding="utf-8"))
        card["sha256"] = "0" * 64
        card_path(model).write_text(json.dumps(card), encoding="utf-8")
    return model


# ---------------------------------------------------------------- the logic

@pytest.mark.parametrize(("flag", "remembered", "expected"), [
    ("given.onnx", Path("chosen.onnx"), ModelChoice(Path("given.onnx"), "flag")),
    (None, Path("chosen.onnx"), ModelChoice(Path("chosen.onnx"), "remembered")),
    (None, None, ModelChoice(None, "bundled")),
])
def test_the_flag_beats_the_remembered_model_which_beats_the_bundled_one(flag, remembered,
                                                                         expected):
    assert startup_model(flag, remembered) == expected


def test_the_bundled_model_is_named_so_and_others_by_file_and_folder(tmp_path):
    model = exported_copy(tmp_path / "finetuned-20260101-120000")
    assert is_bundled(None) and is_bundled(bundled_model_path()) and not is_bundled(model)
    assert display_name(None) == display_name(bundled_model_path()) == BUNDLED_NAME
    assert display_name(model) == "finetuned-20260101-120000/digits.onnx"
    assert display_name(tmp_path / "mine.onnx") == "mine.onnx"
    assert window_title(TITLE, bundled_model_path()) == TITLE
    assert window_title(TITLE, model) == f"{TITLE} — finetuned-20260101-120000/digits.onnx"


# ---------------------------------------------------------------- the window

@pytest.fixture
def settings(tmp_path) -> Path:
    return tmp_path / "config" / "settings.json"


@pytest.fixture
def window(xvfb_display, tmp_path, settings):
    w = Window(samples_dir=tmp_path / "samples", settings_file=settings)
    yield w
    w.close()


def switch(window: Window, path) -> None:
    """Ask for another model and wait until it has taken over or failed."""
    window.app.models.open_model(path)
    pump(window.root, lambda: window.app.session.next_worker is None)


def model_menu(window: Window):
    menubar = window.root.nametowidget(window.root.cget("menu"))
    (index,) = [i for i in range(menubar.index("end") + 1)
                if menubar.type(i) == "cascade" and menubar.entrycget(i, "label") == "Model"]
    return window.root.nametowidget(menubar.entrycget(index, "menu"))


@pytest.mark.gui
class TestSwitchingModels:
    def test_the_model_menu_offers_open_bundled_and_adaptation(self, window):
        menu = model_menu(window)
        labels = [menu.entrycget(i, "label") for i in range(menu.index("end") + 1)
                  if menu.type(i) != "separator"]
        assert labels == ["Open model…", "Use bundled model",
                          "Adapt to my handwriting (0 samples)", "Open samples folder"]

    def test_an_opened_model_takes_over_reads_again_and_is_remembered(self, window, tmp_path,
                                                                      settings):
        model = exported_copy(tmp_path / "finetuned-test")
        window.draw(fit_strokes(HAND["4"], window.area()))
        before = len(window.predictions())
        switch(window, model)
        assert window.app.classifier.path == model
        assert window.root.title() == f"{TITLE} — finetuned-test/digits.onnx"
        assert "finetuned-test/digits.onnx" in window.app.status.text
        assert chosen_model(settings) == model.resolve()
        pump(window.root, lambda: len(window.predictions()) > before)  # read by the new model
        assert window.predictions()[-1]["digits"] == [4]

    @pytest.mark.parametrize("kind", ["missing", "corrupt", "altered"])
    def test_a_bad_model_gets_a_one_line_dialog_and_the_current_one_stays(self, window, tmp_path,
                                                                          settings, kind):
        current = window.app.classifier
        shown = window.answer_dialogs()
        switch(window, bad_model(tmp_path, kind))
        assert len(shown) == 1 and "\n" not in shown[0] and "digits.onnx" in shown[0]
        assert window.app.classifier is current and window.root.title() == TITLE
        assert not settings.exists()
        assert window.draw(fit_strokes(HAND["2"], window.area()))["digits"] == [2]

    def test_use_bundled_model_goes_back_and_forgets_the_choice(self, window, tmp_path, settings):
        switch(window, exported_copy(tmp_path / "finetuned-test"))
        menu = model_menu(window)
        menu.invoke(menu.index("Use bundled model"))
        pump(window.root, lambda: window.app.session.next_worker is None)
        assert window.app.classifier.path == bundled_model_path()
        assert window.root.title() == TITLE and chosen_model(settings) is None


@pytest.mark.gui
@pytest.mark.parametrize("flag", [None, "bundled"])
def test_the_remembered_model_is_used_at_start_unless_a_model_is_given(xvfb_display, tmp_path,
                                                                       settings, flag):
    model = exported_copy(tmp_path / "finetuned-test")
    remember_model(model, settings)
    given = str(bundled_model_path()) if flag else None
    w = Window(model_path=given, samples_dir=tmp_path / "samples", settings_file=settings)
    try:
        assert w.app.classifier.path == (bundled_model_path() if flag else model.resolve())
    finally:
        w.close()


@pytest.mark.gui
def test_a_remembered_model_that_no_longer_loads_falls_back_to_the_bundled_one(
        xvfb_display, tmp_path, settings, capsys):
    model = exported_copy(tmp_path / "finetuned-test")
    remember_model(model, settings)
    model.write_bytes(b"damaged since")
    w = Window(samples_dir=tmp_path / "samples", settings_file=settings)
    try:
        assert w.app.classifier.path == bundled_model_path()
        assert w.app.status.text == FALLBACK_NOTICE
        assert chosen_model(settings) is None  # not tried again at the next start
        assert w.draw(fit_strokes(HAND["9"], w.area()))["digits"] == [9]
    finally:
        w.close()
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("warning: ") and "bundled model" in line
