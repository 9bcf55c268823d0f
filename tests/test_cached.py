"""Sets made slowly from training digits are kept between runs (`train/cached.py`): the
export's teaching pictures (`train.numbers`) come back from the cache as they were made, are
made again when what they are made of or the code that makes them changes, and a set that
failed half way leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import train.numbers as numbers
from train.cached import ROOT, cached, key, sources


def test_the_teaching_pictures_come_back_from_the_cache_without_being_made_again(
        mnist, tmp_path, monkeypatch):
    glyphs = mnist.x_train[:400].astype(np.float32) / 255
    first = numbers.lone_set(glyphs, 12, seed=4, cache_dir=tmp_path)
    candidates = numbers.candidate_set(glyphs, 6, seed=4, cache_dir=tmp_path)
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == ["candidates", "lone"]

    def never(*args, **kwargs):
        raise AssertionError("made again")

    monkeypatch.setattr(numbers, "lone_picture", never)
    monkeypatch.setattr(numbers, "labelled_candidates", never)
    again = numbers.lone_set(glyphs, 12, seed=4, cache_dir=tmp_path)
    assert all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(first, again,
                                                                           strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(
        candidates, numbers.candidate_set(glyphs, 6, seed=4, cache_dir=tmp_path), strict=True))
    with pytest.raises(AssertionError, match="made again"):  # another seed: another set
        numbers.lone_set(glyphs, 12, seed=5, cache_dir=tmp_path)


def test_a_set_is_made_again_when_its_digits_or_its_code_change(tmp_path):
    made: list[int] = []

    def make() -> dict[str, np.ndarray]:
        made.append(1)
        return {"inputs": np.arange(6, dtype=np.float32).reshape(2, 3)}

    module = tmp_path / "maker.py"
    module.write_text("from train import numbers\n", encoding="utf-8")
    for made_of in (b"digits", b"digits", b"other digits"):
        assert cached(tmp_path / "cache", "set", made_of, module, make)["inputs"].shape == (2, 3)
    assert len(made) == 2
    before = key(b"digits", module)
    module.write_text("from train import numbers  # changed\n", encoding="utf-8")
    assert key(b"digits", module) != before
    cached(tmp_path / "cache", "set", b"digits", module, make)
    assert len(made) == 3 and len(list((tmp_path / "cache").iterdir())) == 3
    kept = tmp_path / "cache" / f"set-{key(b'digits', module)}.npz"
    kept.write_bytes(kept.read_bytes()[:100])  # damaged: made again and replaced
    assert cached(tmp_path / "cache", "set", b"digits", module, make)["inputs"].shape == (2, 3)
    assert len(made) == 4
    assert cached(tmp_path / "cache", "set", b"digits", module, make)["inputs"].shape == (2, 3)
    assert len(made) == 4


def test_a_set_that_fails_half_way_or_cannot_be_kept_leaves_nothing_behind(tmp_path):
    def broken() -> dict[str, np.ndarray]:
        raise ValueError("none of 3 single glyphs and pairs is one piece to cut")

    with pytest.raises(ValueError):
        cached(tmp_path / "cache", "lone", b"x", Path(numbers.__file__), broken)
    assert not (tmp_path / "cache").exists()
    assert cached(None, "lone", b"x", Path(numbers.__file__),
                  lambda: {"a": np.zeros(2)})["a"].shape == (2,)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "a file").write_text("not a folder", encoding="utf-8")  # cannot be written
    assert cached(tmp_path / "a file", "lone", b"x", Path(numbers.__file__),
                  lambda: {"a": np.ones(2)})["a"].tolist() == [1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["a file"]


def test_the_teaching_pictures_follow_the_code_that_draws_and_cuts_them():
    """Their key reads the photos that draw them and the cutting that finds the piece, at
    any depth, not the classifier (the sets do not depend on the model)."""
    names = {str(p.relative_to(ROOT)) for p in sources(Path(numbers.__file__))}
    assert {"train/numbers.py", "devtools/photos.py", "desktop/engine/cuts.py",
            "desktop/engine/recipes.py", "desktop/engine/imagefile.py"} <= names
    assert "desktop/engine/classifier.py" not in names
