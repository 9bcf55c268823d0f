"""Help > About: the model card and versions, with the real bundled model."""

from __future__ import annotations

import sys

import numpy as np

from desktop import __version__
from desktop.engine.classifier import sha256_file
from desktop.window.about import about_text, model_card_lines, runtime_versions


def test_the_text_names_accuracy_date_and_checksum_of_the_bundled_model(classifier):
    text = about_text(classifier.card, classifier.path, runtime_versions())
    card = classifier.card
    assert f"Test accuracy: {card['test_accuracy'] * 100:.2f} %" in text
    assert f"Created: {card['created']}" in text
    assert f"SHA-256: {card['sha256']}" in text
    assert str(classifier.path) in text


def test_the_text_names_the_versions_in_use(classifier):
    import onnxruntime

    text = about_text(classifier.card, classifier.path, runtime_versions())
    assert text.startswith(f"Digit Recognizer {__version__}")
    assert f"python {sys.version.split()[0]}" in text
    assert f"numpy {np.__version__}" in text
    assert f"onnxruntime {onnxruntime.__version__}" in text


def test_a_model_without_a_card_still_gets_its_checksum(tmp_path, classifier):
    model = tmp_path / "other.onnx"
    model.write_bytes(classifier.path.read_bytes())
    lines = model_card_lines({}, model)
    assert f"SHA-256: {sha256_file(model)}" in lines
    assert "Test accuracy: unknown (no model card)" in lines
