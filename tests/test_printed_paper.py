"""Numbers on paper printed with a security pattern, as cheques are: the pattern is paper, not
ink (`ink.printed_level`); a form's lines and a stroke's pale side are no pattern."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numbers_read import read
from PIL import Image

from desktop.engine.frame import dilate
from desktop.engine.ink import find_ink, printed_level
from desktop.engine.reading import read_image_file
from desktop.engine.segment import INK_THRESHOLD

PRINTED = Path(__file__).parent / "data" / "printed_paper"


@pytest.mark.parametrize("path", sorted(PRINTED.glob("*.png")), ids=lambda p: p.stem)
def test_real_ink_on_a_printed_pattern_reads_whole(tmp_path, classifier, path):
    """Guilloche, hatching and a dot screen behind real pen ink: the pattern's lines were ink,
    joining the digits into one blot ("881.781-" read "2") or into other digits ("188": "88")."""
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    assert read(copy) == path.stem  # classify --multi-digit
    assert "".join(map(str, read_image_file(str(path), classifier).digits)) == path.stem


def guilloche(shape: tuple[int, int], period: float = 6.0) -> np.ndarray:
    """Wavy lines `period` px apart (1 on a line, 0 between), as cheques print them."""
    ys, xs = np.mgrid[:shape[0], :shape[1]].astype(np.float32)
    wave = np.cos(2 * np.pi * (ys + 5 * np.sin(2 * np.pi * xs / 40)) / period)
    return np.clip((wave - 0.6) / 0.4, 0, 1)


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
    picture = page(ink, guilloche(ink.shape), 0.3)
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
    assert level(page(ink, guilloche(ink.shape), 0.3)) > 0.25  # found, near its depth (0.3)
