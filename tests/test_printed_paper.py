"""Numbers on paper printed with a security pattern, as cheques are: the pattern is paper, not
ink (`ink.printed_level`); a form's lines and a stroke's pale side are no pattern; an empty
field of such paper is blank (`ink.only_a_pattern`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numbers_read import read
from PIL import Image, ImageFilter

from desktop.batch.cli import main
from desktop.engine.frame import dilate
from desktop.engine.ink import find_ink, only_a_pattern, printed_level
from desktop.engine.reading import read_image_file
from desktop.engine.recipes import BLANK
from desktop.engine.segment import INK_THRESHOLD
from devtools.photos import dot_screen, guilloche, hatching

PRINTED = Path(__file__).parent / "data" / "printed_paper"
PHOTOS = Path(__file__).parent / "data" / "printed_photos"
# Patterns as cheques print them (1 on a line or dot, 0 between), a few pixels apart.
PATTERNS = {"guilloche": lambda shape: guilloche(shape, 6.0),
            "hatching": lambda shape: hatching(shape, 7.0, 0.35),
            "dot screen": lambda shape: dot_screen(shape, 8.0)}


@pytest.mark.parametrize("path", sorted(PRINTED.glob("*.png")), ids=lambda p: p.stem)
def test_real_ink_on_a_printed_pattern_reads_whole(tmp_path, classifier, path):
    """Guilloche, hatching and a dot screen behind real pen ink: the pattern's lines were ink,
    joining the digits into one blot ("881.781-" read "2") or into other digits ("188": "88")."""
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    assert read(copy) == path.stem  # classify --multi-digit
    assert "".join(map(str, read_image_file(str(path), classifier).digits)) == path.stem


def written(digits, text: str) -> np.ndarray:
    """MNIST test digits side by side, 3x enlarged, with a margin: ink 0..1."""
    row = np.concatenate([digits[int(d)] for d in text], axis=1)
    big = Image.fromarray(row).resize((row.shape[1] * 3, row.shape[0] * 3), Image.BILINEAR)
    return np.pad(np.asarray(big, np.float32) / 255, 30)


def page(ink: np.ndarray, printed: np.ndarray, depth: float) -> np.ndarray:
    """Dark ink on light grey paper printed `depth` darker where `printed` is 1, a little noise."""
    paper = 0.88 - depth * printed
    noise = np.random.default_rng(0).normal(0, 0.02, ink.shape)
    return np.clip(paper - (paper - 0.15) * ink + noise, 0, 1).astype(np.float32)


def far_from(ink: np.ndarray, mask: np.ndarray) -> int:
    """How many pixels of `ink` are ink more than 4 px from `mask`."""
    return int(np.count_nonzero((ink > INK_THRESHOLD) & (dilate(mask, 4) == 0)))


def test_a_printed_pattern_is_paper(tmp_path, digits):
    ink = written(digits, "4071")
    picture = page(ink, PATTERNS["guilloche"](ink.shape), 0.3)
    assert far_from(find_ink(picture), ink > 0.1) == 0
    path = tmp_path / "4071.png"
    Image.fromarray((picture * 255).astype(np.uint8)).save(path)
    assert read(path) == "4071"


def level(picture: np.ndarray) -> float:
    """The printed pattern's level `printed_level` finds behind a `page` (its paper's own level
    taken away), over the lowest floor `find_ink` takes (a tenth of the strongest ink)."""
    ink = 0.88 - picture
    strongest = float(ink.max())
    return printed_level(ink, strongest, 0.1 * strongest)


def test_plain_paper_a_forms_box_and_a_pale_stroke_are_no_pattern(digits):
    ink = written(digits, "4071")
    plain = np.zeros_like(ink)
    box = plain.copy()
    box[[20, 21, -22, -21], 20:-20] = 1
    box[20:-20, [20, 21, -22, -21]] = 1
    pale = ink.copy()
    pale[:, :pale.shape[1] // 3] *= 0.3  # the first digit written with a pen running dry
    assert level(page(ink, plain, 0.0)) == 0.0
    assert level(page(ink, box, 0.3)) == 0.0  # a form's light printed lines round the number
    assert level(page(pale, plain, 0.0)) == 0.0
    printed = PATTERNS["guilloche"](ink.shape)
    assert level(page(ink, printed, 0.3)) > 0.25  # found, near its depth (0.3)



def rows_of(path: Path, *flags: str) -> tuple[int, list[dict]]:
    """`classify`'s exit status and JSON rows for one picture."""
    out = path.with_name(f"rows{len(flags)}.json")
    status = main([str(path), *flags, "--format", "json", "--out", str(out), "-q"])
    return status, json.loads(out.read_text())


@pytest.mark.parametrize("kind", PATTERNS)
def test_an_empty_field_printed_with_a_pattern_is_blank(tmp_path, classifier, kind):
    """A cheque's amount field left empty: its pattern was the strongest ink, and read as a
    number of dozens of 1s (each column of dots a digit) or as one 2 or 8."""
    shape = (64, 300)
    picture = page(np.zeros(shape, np.float32), PATTERNS[kind](shape), 0.25)
    path = tmp_path / "champ vide.png"
    Image.fromarray((picture * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6)) \
        .save(path)
    for flags in (["--multi-digit"], []):
        status, rows = rows_of(path, *flags)
        assert (status, rows[0]["digit"], rows[0]["error"]) == (1, None, BLANK)
    assert read_image_file(str(path), classifier).digits == []  # the app's File > Open


def test_a_digit_among_a_stronger_pattern_is_no_pattern(tmp_path):
    """A photo whose hatching stays ink beside a small 8 and holds most of its power: what is
    left without the pattern's frequencies is the 8, read as one digit and as a number."""
    path = tmp_path / "8.jpg"
    path.write_bytes((PHOTOS / "8.jpg").read_bytes())
    for flags in (["--multi-digit"], []):
        status, rows = rows_of(path, *flags)
        assert (status, rows[0]["digit"]) == (0, "8" if flags else 8)


def test_writing_that_fills_the_picture_is_no_pattern(digits):
    """Ink in every cell, or a row of strokes a few pixels apart, is still writing: a row of 1s
    cropped tight, and a 0 filling its picture."""
    ones = written(digits, "1111111111")[30:-30, 30:-30]
    zero = written(digits, "0")[30:-30, 30:-30]
    for ink in (ones, zero):
        assert not only_a_pattern(find_ink(page(ink, np.zeros_like(ink), 0.0)), INK_THRESHOLD)
    empty = page(np.zeros_like(ones), PATTERNS["hatching"](ones.shape), 0.3)
    assert only_a_pattern(find_ink(empty), INK_THRESHOLD)
