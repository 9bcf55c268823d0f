"""The model's `one_digit` output (`export/one_digit.py`): it tells one whole digit from two
touching digits or a part of one, numbers are cut better with it, an older export gets it in
place with its probabilities unchanged by a bit, and a model without it cuts as before."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from older_export import without_outputs

from bench.scans import Glyphs, compose, scan
from desktop.engine.classifier import Classifier, card_path
from desktop.engine.recipes import file_inputs
from export.one_digit import add_to_model
from train.numbers import candidate_set, lone_set


@pytest.fixture(scope="module")
def older_export(tmp_path_factory):
    """The bundled model and its card as they were before the output."""
    heads = ("one_digit", "one_digit_pen", "one_digit_lone")
    return without_outputs(tmp_path_factory.mktemp("older"), heads, (*heads, "one_digit_command"))


def test_the_bundled_model_tells_whole_digits_from_pieces(mnist):
    """Candidates the cutting finds in numbers of MNIST test digits, which taught it nothing,
    labelled from where each digit's ink really lies."""
    inputs, whole = candidate_set(mnist.x_test.astype(np.float32) / 255, 150, seed=3)
    judged = Classifier().candidates(inputs).whole
    assert judged is not None and judged.shape == (len(inputs),)
    assert 0.2 < whole.mean() < 0.5  # both kinds are there
    assert (judged[whole == 1] > 0.5).mean() > 0.85
    assert (judged[whole == 0] < 0.5).mean() > 0.9


def test_the_bundled_model_tells_a_lone_digit_from_touching_ones(mnist):
    """Pictures of one piece of ink to cut (scans, enlarged bitmaps, photos of MNIST test
    digits, which taught it nothing): a digit alone, or two whose ink touches. `one_digit`
    judges candidates of numbers and mistakes several times as many of them."""
    inputs, one = lone_set(mnist.x_test.astype(np.float32) / 255, 150, seed=3)
    read = Classifier().candidates(inputs)
    assert read.lone is not None and read.whole is not None and 0.3 < one.mean() < 0.7
    assert (read.lone[one == 1] > 0.5).mean() > 0.97
    assert (read.lone[one == 0] < 0.5).mean() > 0.97
    lone_wrong = ((read.lone > 0.5) != (one == 1)).sum()
    assert 3 * lone_wrong <= ((read.whole > 0.5) != (one == 1)).sum()


def test_touching_numbers_are_cut_better_than_by_the_probabilities_alone(older_export):
    rng = np.random.default_rng(5)
    glyphs = Glyphs()
    numbers = [compose(rng, glyphs, "touching") for _ in range(120)]
    scans = [(scan(ink, rng, False), label) for ink, label in numbers]

    def whole(model: Classifier) -> int:
        return sum("".join(str(p.digit) for p in model.classify(
            file_inputs(data, number=True, score=model.candidates))) == label
            for data, label in scans)

    older = Classifier(older_export)
    assert not older.judges_whole and older.candidates(np.zeros((2, 28, 28))).whole is None
    before, after = whole(older), whole(Classifier())
    assert after >= before + 12, (before, after)


def test_an_older_export_gets_it_in_place_with_the_same_probabilities(
        older_export, tmp_path, mnist, mnist_test_inputs):
    path = tmp_path / "digits.onnx"
    shutil.copy(older_export, path)
    shutil.copy(card_path(older_export), card_path(path))
    before = Classifier(path).predict(mnist_test_inputs)
    card = add_to_model(path, mnist, "test", numbers=300, lone=100)
    model = Classifier(path)  # its card's new SHA-256 is checked on load
    assert model.judges_whole and card["one_digit"]["shape"] == ["batch", 1]
    assert "of 300 numbers" in card["one_digit"]["taught_on"]
    assert model.judges_lone and "single digits and touching pairs" in card[
        "one_digit_lone"]["taught_on"]
    assert np.array_equal(model.predict(mnist_test_inputs), before)
    found = model.candidates(mnist_test_inputs[:500])
    assert np.array_equal(found.probabilities, before[:500])
    assert found.whole is not None and np.median(found.whole) > 0.5  # whole digits, mostly


def test_an_export_without_the_lone_head_gets_it_and_keeps_the_heads_it_has(
        tmp_path, mnist, mnist_test_inputs):
    """`--keep-taught`: the heads a model has keep their weights (the cutting that makes their
    candidates has changed since they were taught) and only the one it lacks is taught."""
    path = without_outputs(tmp_path, ("one_digit_lone",), ("one_digit_lone",))
    older, inputs = Classifier(path), mnist_test_inputs[:300]
    assert not older.judges_lone
    before = older.run(["probabilities", "one_digit", "one_digit_pen"], inputs)
    card = add_to_model(path, mnist, "test", lone=60, keep_taught=True)
    model = Classifier(path)
    after = model.run(["probabilities", "one_digit", "one_digit_pen"], inputs)
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    assert model.judges_lone and "of 6,000 numbers" in card["one_digit"]["taught_on"]
    assert "pictures of one piece of ink" in card["one_digit_lone"]["taught_on"]


def test_strokes_are_judged_by_the_pen_head_and_an_older_export_by_its_only_one(
        tmp_path, mnist_test_inputs):
    model, inputs = Classifier(), mnist_test_inputs[:200]
    pen, picture = model.run(["one_digit_pen", "one_digit"], inputs)
    assert not np.allclose(pen, picture)  # two judgements
    assert np.array_equal(model.pen_candidates(inputs).whole, pen[:, 0])
    assert np.array_equal(model.candidates(inputs).whole, picture[:, 0])
    older = Classifier(without_outputs(tmp_path, 4, ("one_digit_pen", "one_digit_lone")))
    assert np.array_equal(older.pen_candidates(inputs).whole, picture[:, 0])
    # Only a picture's candidates are judged alone: strokes part touching digits themselves.
    assert model.pen_candidates(inputs).lone is None
    assert np.array_equal(model.candidates(inputs).lone, model.run(["one_digit_lone"],
                                                                   inputs)[0][:, 0])
    assert not older.judges_lone and older.candidates(inputs).lone is None


def test_a_model_without_style_is_refused_and_left_as_it_was(tmp_path, mnist):
    """The head reads `style` beside `features`: an export from before `style` gets it from
    `python -m export.features` first."""
    path = without_outputs(tmp_path, 2, ("one_digit", "one_digit_pen", "one_digit_lone",
                                         "one_digit_command", "style"))
    before = path.read_bytes()
    with pytest.raises(ValueError, match=r"no style output \(python -m export.features adds it\)"):
        add_to_model(path, mnist, "test", numbers=20)
    assert path.read_bytes() == before


def test_the_export_command_refuses_an_absurd_teaching_size(capsys):
    from export.cli import main

    assert main(["runs/none", "--one-digit-numbers", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--one-digit-numbers must be at least 1" in err


def test_fine_tuning_refuses_it_too_before_it_trains(tmp_path, capsys):
    from export.finetune import main

    assert main(["--samples", str(tmp_path), "--out", str(tmp_path / "runs"),
                 "--one-digit-numbers", "-3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--one-digit-numbers must be at least 1, not -3" in err
    assert not (tmp_path / "runs").exists()
