"""`python -m bench`: the commands the README and the benchmarks' own help document reach the
benchmark with their options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_a_benchmark_gets_the_options_after_its_name():
    shown = bench("startup", "--runs", "7", "--help")
    assert shown.returncode == 0, shown.stderr
    assert "--runs" in shown.stdout and "--record" in shown.stdout


def test_the_options_are_the_benchmarks_own():
    refused = bench("startup", "--runs", "seven")
    assert refused.returncode == 2
    assert "argument --runs: invalid int value: 'seven'" in refused.stderr


def test_an_unknown_benchmark_is_refused():
    refused = bench("startup", "nosuch")
    assert refused.returncode == 2 and "unknown benchmark(s) ['nosuch']" in refused.stderr


def test_scans_of_validation_digits_use_those_the_bundled_model_was_validated_on(mnist):
    """`bench scans --digits validation` draws the split the bundled model's training held out:
    the model reads it exactly as its card says training measured it, and none is a test digit."""
    import numpy as np

    from bench.scans import validation_digits
    from desktop.engine.classifier import Classifier

    x, y = validation_digits(mnist)
    model = Classifier()
    card = model.card
    read = model.predict(x.astype(np.float32) / 255).argmax(axis=1)
    assert len(y) == card["training"]["parameters"]["val_split"]
    assert round(float((read == y).mean()), 4) == card["training"]["validation_accuracy"]
    test = {image.tobytes() for image in mnist.x_test}
    assert not any(image.tobytes() in test for image in x)


def test_touching_pairs_alone_are_two_digits_whose_ink_meets():
    """`bench scans --pairs N`: numbers of exactly two digits, most of them one group of ink
    (the others touch only where the scan leaves their ink faint)."""
    import io

    import numpy as np
    from PIL import Image

    from bench.scans import touching_pairs
    from desktop.engine.ink import find_ink
    from desktop.engine.segment import components, group_digits

    pairs = touching_pairs(40, seed=3)
    assert all(len(label) == 2 and label.isdigit() for _, label in pairs)
    groups = [len(group_digits(components(find_ink(np.asarray(Image.open(io.BytesIO(data))),
                                                   512))[1])) for data, _ in pairs]
    assert sum(g == 1 for g in groups) >= 25
    assert touching_pairs(5, seed=3) == pairs[:5]  # the same seed, the same pairs


def test_scans_refuses_counts_it_cannot_read():
    """`--count 0` divided by zero and `--pairs -1` too: refused in one line instead."""
    for args, message in ((("--count", "0"), "must be a whole number of at least 1, not '0'"),
                          (("--pairs", "-1"), "--pairs and --singles take a count of 0 or more"),
                          (("--singles", "-2"), "take a count of 0 or more")):
        refused = bench("scans", *args)
        assert refused.returncode == 2 and message in refused.stderr
        assert "Traceback" not in refused.stderr


def test_forms_put_the_same_numbers_on_each_forms_lines():
    """`bench forms`: one set of numbers, on plain paper and on each form; the lines join the
    digits into fewer groups of ink (what segmentation takes for digits) than plain paper."""
    import io

    import numpy as np
    from PIL import Image

    from bench.forms import FORMS, make_forms
    from desktop.engine.ink import find_ink
    from desktop.engine.segment import components, group_digits

    sets = make_forms(12, seed=3, source="test")
    assert list(sets) == list(FORMS)
    labels = [label for _, label in sets["none"]]
    assert all(3 <= len(label) <= 6 and label.isdigit() for label in labels)

    def groups(data: bytes) -> int:
        ink = find_ink(np.asarray(Image.open(io.BytesIO(data))), 512)
        return len(group_digits(components(ink)[1]))

    plain = [groups(data) for data, _ in sets["none"]]
    for form in ("underlined", "boxed", "comb", "grid"):
        assert [label for _, label in sets[form]] == labels
        joined = [groups(data) for data, _ in sets[form]]
        assert sum(j < p for j, p in zip(joined, plain, strict=True)) >= 9, form


DEV = ROOT.parent / "shared" / "datasets" / "dev"


@pytest.mark.skipif(not (DEV / "crohme_numbers.json.gz").is_file(), reason="no dev ink")
def test_inkscans_draws_real_ink_as_a_scan_of_the_pen_asked():
    """`bench inkscans`: a real number's strokes on grey paper 40-80 px high, dark ink whose
    strokes are about the pen's width (a wider pen inks more paper), as PNG or JPEG."""
    import io

    import numpy as np
    from PIL import Image

    from bench.inkscans import numbers, scanned_ink

    item = numbers(1, seed=4)[0]
    inked = []
    for pen in (0.05, 0.15):
        picture = Image.open(io.BytesIO(scanned_ink(item["strokes"], np.random.default_rng(1),
                                                    pen)))
        grey = np.asarray(picture.convert("L"), np.float32) / 255
        height = grey.shape[0] / 2  # the digits' height: half the picture, margins the rest
        assert 40 <= height <= 81 and picture.format in ("PNG", "JPEG")
        paper = np.median(grey)
        assert paper > 0.6 and grey.min() < paper - 0.3  # dark ink on light paper
        inked.append(np.count_nonzero(grey < paper - 0.2))
    assert inked[1] > 2 * inked[0]


def test_inkscans_amounts_join_two_numbers_of_one_writer_with_pen_drawn_marks():
    """`bench inkscans --amounts`: each number, a separator, a number of the same writer and a
    closing mark, all pen strokes; the label is the two numbers' digits."""
    from bench.ink import load
    from bench.inkscans import amounts, numbers

    items = numbers(40, seed=4)
    joined = amounts(items, seed=4)
    labels = {(i["writer"], i["label"]) for i in load("crohme_numbers.json.gz")}
    for item, amount in zip(items, joined, strict=True):
        rest = amount["label"][len(item["label"]):]
        assert amount["label"].startswith(item["label"]) and amount["writer"] == item["writer"]
        assert (item["writer"], rest) in labels or rest == item["label"]
        n = len(item["strokes"])
        assert amount["strokes"][:n] == item["strokes"]
        first_end = max(x for stroke in item["strokes"] for x, _ in stroke)
        separator, second = amount["strokes"][n], amount["strokes"][n + 1]
        # the separator between the two numbers, its size a mark's, not a digit's
        assert first_end < min(x for x, _ in separator) < min(x for x, _ in second)
        assert max(y for _, y in separator) - min(y for _, y in separator) < 300


def test_inkscans_refuses_a_pen_it_cannot_draw():
    for pen in ("0", "-0.1", "0.9"):
        refused = bench("inkscans", "--pen", pen)
        assert refused.returncode == 2 and "--pen takes widths above 0" in refused.stderr
        assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("name", ["inkscans", "scans", "forms", "ink", "replay"])
def test_a_model_that_cannot_be_loaded_is_refused_in_one_line(tmp_path, name):
    """A typo in --model or --baseline, or a file that is no model, ends the bench with the
    reason before any work, not a traceback after it."""
    missing = tmp_path / "no such model.onnx"
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    for option, path in (("--model", missing), ("--model", broken), ("--baseline", missing)):
        if name == "replay" and option == "--baseline":
            continue  # replay drives one model through the window
        refused = bench(name, option, str(path))
        assert refused.returncode == 2, refused.stderr
        assert "Traceback" not in refused.stderr
        last = refused.stderr.strip().splitlines()[-1]  # after argparse's usage
        assert f"error: {path}: " in last, refused.stderr
