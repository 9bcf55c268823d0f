"""The remembered model choice survives restarts and broken files."""

from __future__ import annotations

from desktop.user.settings import chosen_model, load_settings, remember_model


def test_remember_and_forget_model(tmp_path):
    settings = tmp_path / "conf" / "settings.json"
    model = tmp_path / "mine.onnx"
    model.write_bytes(b"onnx")
    assert chosen_model(settings) is None
    remember_model(model, settings)
    assert chosen_model(settings) == model.resolve()
    remember_model(None, settings)
    assert chosen_model(settings) is None and load_settings(settings) == {}


def test_vanished_model_and_corrupt_file_fall_back(tmp_path):
    settings = tmp_path / "settings.json"
    model = tmp_path / "gone.onnx"
    model.write_bytes(b"onnx")
    remember_model(model, settings)
    model.unlink()
    assert chosen_model(settings) is None
    settings.write_text("{not json")
    assert load_settings(settings) == {} and chosen_model(settings) is None
