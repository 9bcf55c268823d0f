"""The model the app ships: accurate on the whole MNIST test set, intact, small, self-describing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from desktop.engine.classifier import bundled_model_path, card_path, sha256_file
from desktop.engine.cuts import LONE_SURE

REQUIRED_ACCURACY = 0.995  # 99.59 %: 0.05 points below the last model, +1.5-1.8 on other writers


@pytest.fixture(scope="module")
def predicted(classifier, mnist_test_inputs) -> np.ndarray:
    """The bundled model's answers on the 10,000 MNIST test digits, measured here."""
    return classifier.predict(mnist_test_inputs).argmax(axis=1)


def test_accuracy_on_full_test_set(classifier, predicted, mnist):
    accuracy = float((predicted == mnist.y_test).mean())
    assert accuracy >= REQUIRED_ACCURACY
    assert abs(accuracy - classifier.card["test_accuracy"]) < 1e-9  # the card tells the truth


def test_sha256_matches_card():
    path = bundled_model_path()
    card = json.loads(card_path(path).read_text())
    assert sha256_file(path) == card["sha256"]
    assert path.stat().st_size == card["size_bytes"] < 1_000_000


@pytest.mark.parametrize("where", ["card file", "embedded"])
def test_the_card_tells_what_the_model_does_on_mnist(classifier, predicted, mnist, where):
    card = classifier.card if where == "card file" else json.loads(
        classifier.metadata["model_card"])
    matrix = confusion_matrix(mnist.y_test, predicted, labels=range(10))
    assert card["confusion_matrix"] == matrix.tolist()
    assert card["test_errors"] == int((predicted != mnist.y_test).sum())
    for digit in range(10):
        of_digit = mnist.y_test == digit
        assert card["per_class_accuracy"][str(digit)] == pytest.approx(
            (predicted[of_digit] == digit).mean(), abs=1e-6)


@pytest.mark.parametrize("where", ["card file", "embedded"])
def test_the_card_describes_the_graph(classifier, where):
    card = classifier.card if where == "card file" else json.loads(
        classifier.metadata["model_card"])
    (image,), outputs = classifier.session.get_inputs(), classifier.session.get_outputs()
    probabilities = outputs[0]  # the app's first output; the others it finds by name, in the
    # order they came to the interface (tests make older exports by dropping the last ones)
    assert [o.name for o in outputs] == ["probabilities", "features", "one_digit", "style",
                                         "one_digit_pen", "one_digit_lone"]
    by_name = {output.name: output for output in outputs[1:]}
    features, style = by_name["features"], by_name["style"]
    assert card["input"]["name"] == image.name and card["input"]["shape"][1:] == image.shape[1:]
    assert card["output"]["name"] == probabilities.name
    assert card["output"]["shape"][1:] == probabilities.shape[1:] == [10]
    assert card["features"]["name"] == features.name == "features"
    assert card["features"]["shape"][1:] == features.shape[1:] == [classifier.features]
    for name in ("one_digit", "one_digit_pen", "one_digit_lone"):
        assert card[name]["name"] == by_name[name].name == name
        assert card[name]["shape"][1:] == by_name[name].shape[1:] == [1]
    assert card["style"]["name"] == style.name == "style"
    assert card["style"]["shape"][1:] == style.shape[1:] == [1024]
    assert card["training"]["command"].startswith("python -m train")
    assert card["export_command"].startswith("python -m export")


@pytest.mark.parametrize("where", ["card file", "embedded"])
def test_the_card_tells_where_the_app_reads_a_lone_piece_whole(classifier, where):
    """The card says at what `one_digit_lone` the app reads a picture's only piece whole."""
    card = classifier.card if where == "card file" else json.loads(
        classifier.metadata["model_card"])
    assert f"whole where it is above {LONE_SURE} " in card["one_digit_lone"]["meaning"]
