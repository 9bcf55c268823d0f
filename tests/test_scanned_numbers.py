"""Numbers in scans, read with `classify --multi-digit` (and the app's File > Open image, the same
recipe): digits whose ink touches are cut apart by recognition; separators and closing dashes
stay out of the number. Each scan is made of real MNIST test digits on grey paper."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numbers_read import read
from older_export import without_outputs
from PIL import Image

from desktop.batch.cli import main
from desktop.engine.classifier import Classifier
from desktop.engine.cuts import LONE_SURE
from desktop.engine.ink import find_ink
from desktop.engine.reading import read_image_file
from desktop.engine.recipes import file_inputs
from desktop.engine.segment import components, group_digits
from train.numbers import lone_input

DOT = np.full((4, 4), 255, np.uint8)
DASH = np.full((3, 12), 255, np.uint8)


def crop(glyph: np.ndarray) -> np.ndarray:
    cols = np.flatnonzero(glyph.max(axis=0) > 30)
    return glyph[:, cols[0]:cols[-1] + 1]


def scan(parts: list[tuple[np.ndarray, int, int]], path) -> None:
    """Glyphs (white on black, 28 high or less) side by side: (glyph, gap before, top), as a
    grey scan 3x enlarged: dark grey ink on light grey paper, a little noise."""
    width = sum(g.shape[1] + gap for g, gap, _ in parts) + 16
    ink = np.zeros((36, width), np.float32)
    x = 8
    for glyph, gap, top in parts:
        x += gap
        h, w = glyph.shape
        ink[4 + top:4 + top + h, x:x + w] = np.maximum(ink[4 + top:4 + top + h, x:x + w],
                                                        glyph / 255)
        x += w
    page = 0.85 - 0.65 * ink + np.random.default_rng(0).normal(0, 0.02, ink.shape)
    image = Image.fromarray((np.clip(page, 0, 1) * 255).astype(np.uint8))
    image.resize((width * 3, 36 * 3), Image.BILINEAR).save(path)


def touching_pieces(path) -> int:
    return len(components(find_ink(np.asarray(Image.open(path)), 512))[1])


def groups_of_ink(path) -> int:
    """Pieces of ink grouped as the digits they may be (those sharing columns together)."""
    return len(group_digits(components(find_ink(np.asarray(Image.open(path)), 512))[1]))


@pytest.mark.parametrize(("text", "gaps"), [
    ("100", (2, -1)), ("132", (-2, 3)), ("60", (-2,)), ("2026", (3, -2, 3)),
    # overlapping, a narrow 1 among them: cut again finely where the first cut is doubted
    ("01", (-2,)), ("19", (-3,)), ("31", (-2,)), ("100", (-2, -2))])
def test_touching_digits_are_cut_apart(tmp_path, digits, classifier, text, gaps):
    glyphs = [crop(digits[int(d)]) for d in text]
    path = tmp_path / f"{text}.png"
    scan([(g, gap, 0) for g, gap in zip(glyphs, (0, *gaps), strict=True)], path)
    assert touching_pieces(path) < len(text)  # the ink really touches
    assert read(path) == text
    assert "".join(map(str, read_image_file(str(path), classifier).digits)) == text  # the app


TOUCHING_ONE = Path(__file__).parent / "data" / "touching_one"


@pytest.mark.parametrize("path", sorted(TOUCHING_ONE.glob("*.png")), ids=lambda p: p.stem)
def test_a_narrow_1_touching_its_neighbour_is_cut_off(tmp_path, classifier, path):
    """"914" read "94" and "1511" read "154" before: the 1 and its neighbour together were
    narrower than two digits, and such groups were never cut."""
    assert touching_pieces(path) < len(path.stem)  # the ink really touches
    assert readings(path, tmp_path, classifier) == (path.stem, path.stem)


OVERLAPPING = Path(__file__).parent / "data" / "overlapping"


@pytest.mark.parametrize("path", sorted(OVERLAPPING.glob("*.png")), ids=lambda p: p.stem)
def test_digits_that_overlap_are_cut_between_their_strokes(tmp_path, classifier, path):
    """Two digits whose ink overlaps leave no clean column: a cut that bends between their
    strokes (`engine/paths.py`) parts them where the straight one took a piece of one."""
    assert groups_of_ink(path) < len(path.stem)  # the ink really overlaps
    assert readings(path, tmp_path, classifier) == (path.stem, path.stem)


WRITTEN_INTO = Path(__file__).parent / "data" / "written_into"


@pytest.mark.parametrize("path", sorted(WRITTEN_INTO.glob("*.png")), ids=lambda p: p.stem)
def test_a_1_written_into_its_neighbour_is_lifted_out(tmp_path, classifier, path):
    """A 1 drawn through its neighbour's side leaves one blot that no cut parts: read as one
    digit before, now the 1 is lifted out of it as a straight stroke (`engine/lift.py`)."""
    assert groups_of_ink(path) < len(path.stem)  # the ink really overlaps
    assert readings(path, tmp_path, classifier) == (path.stem, path.stem)


FLAGGED_ONE = Path(__file__).parent / "data" / "flagged_one_scans"


@pytest.mark.parametrize("path", sorted(FLAGGED_ONE.glob("*.png")), ids=lambda p: p.stem)
def test_a_1_with_a_long_flag_is_read_as_one_digit(tmp_path, classifier, path):
    """Real pen ink: a 1 whose flag meets its stem on top ("^") read as two 1s ("12" as "112"),
    or as "17" (the stem keeping the flag's top), when the blot was cut between them
    (`engine/flags.py`) or a straight stroke lifted out of it (a digit read as a 1 never is)."""
    assert groups_of_ink(path) >= len(path.stem)  # the 1 a blot of its own (a "." one more)
    assert readings(path, tmp_path, classifier) == (path.stem, path.stem)


BROKEN_FOUR = Path(__file__).parent / "data" / "broken_four"


@pytest.mark.parametrize("path", sorted(BROKEN_FOUR.glob("*.png")), ids=lambda p: p.stem)
def test_a_4_written_in_two_strokes_apart_is_one_digit(tmp_path, classifier, path):
    """Real pen ink: a 4 written as an "L" and then a "|" that does not touch it read "61"
    while the pieces of a broken digit were joined only when nearer (`cuts.BROKEN_GAP`)."""
    assert groups_of_ink(path) > len(path.stem)  # the 4 two pieces (and the marks)
    assert readings(path, tmp_path, classifier) == (path.stem, path.stem)


SMALL_ZEROS = Path(__file__).parent / "data" / "small_zeros"


@pytest.mark.parametrize("pen", [0.05, 0.1])
@pytest.mark.parametrize("path", sorted(SMALL_ZEROS.glob("*.json")), ids=lambda p: p.stem)
def test_a_0_written_small_in_a_picture_is_a_digit(tmp_path, classifier, path, pen):
    """Real pen ink whose 0s are a quarter of the digits' height, drawn as a scan: they were
    left out as marks ("00000001" read "1"), as a separator's dot is; their ink closes round
    paper, a dot's does not."""
    from bench.inkscans import scanned_ink

    item = json.loads(path.read_text())
    (tmp_path / "scan").mkdir()
    picture = tmp_path / "scan" / f"{item['label']}.png"
    picture.write_bytes(scanned_ink(item["strokes"], np.random.default_rng(3), pen))
    assert readings(picture, tmp_path, classifier) == (item["label"], item["label"])


PALE_INK = Path(__file__).parent / "data" / "pale_ink"


@pytest.mark.parametrize("path", sorted(PALE_INK.glob("*.png")), ids=lambda p: p.stem)
def test_a_digit_in_pale_ink_is_read_as_its_strokes_show(tmp_path, classifier, path):
    """A side of a loop at a third of the darkest ink made an 8 a 9 and a 0 a "C" read 6: a
    picture's digit is read with its ink raised to `frame.READING_GAMMA`."""
    shown = path.stem.split("_")[0]
    assert readings(path, tmp_path, classifier) == (shown, shown)
    if len(shown) == 1:  # a picture of one digit, read as one too
        out = tmp_path / "one.json"
        assert main([str(path), "--format", "json", "--out", str(out), "-q"]) == 0
        assert str(json.loads(out.read_text())[0]["digit"]) == shown


DATA = Path(__file__).parent / "data"
# Single digits: wide ones, one group of ink; and with a stray tick beside their top, two
ONE_DIGIT = [(path, 1) for path in sorted((DATA / "single_wide").glob("*.png"))] \
    + [(path, 2) for path in sorted((DATA / "stray_ticks").glob("*.*g"))]


@pytest.mark.parametrize(("path", "groups"), ONE_DIGIT,
                         ids=[f"{p.parent.name}-{p.stem}" for p, _ in ONE_DIGIT])
def test_a_wide_digit_or_one_with_a_stray_tick_is_one_digit(tmp_path, classifier, path, groups):
    """A lone group of ink is far more often one digit than two touching (LONE_CUT_COST); a
    short stroke some writers leave beside a digit's top is a tick, not a 1 (a 6 read "61", a
    9 "91": `marks.stray_ticks`)."""
    digit = path.stem[0]
    assert groups_of_ink(path) == groups
    assert readings(path, tmp_path, classifier) == (digit, digit)


SINGLE_ALONE = Path(__file__).parent / "data" / "single_alone"


@pytest.fixture(scope="module")
def without_lone(tmp_path_factory) -> Classifier:
    """The bundled model as exported before its `one_digit_lone` output."""
    return Classifier(without_outputs(tmp_path_factory.mktemp("older"), ("one_digit_lone",),
                                      ("one_digit_lone",)))


@pytest.mark.parametrize("path", sorted(SINGLE_ALONE.glob("*.*g")), ids=lambda p: p.stem)
def test_a_single_digit_the_model_judges_one_piece_is_read_whole(tmp_path, classifier,
                                                                without_lone, path):
    """A wide digit's parts can read as surely as two digits' (a curled 7 read "17"): a
    picture of one piece of ink the model judges one digit (`one_digit_lone`) is read whole,
    and a model without that judgement still cuts it in two."""
    digit = path.stem[0]
    assert groups_of_ink(path) == 1
    assert readings(path, tmp_path, classifier) == (digit, digit)
    assert len(file_inputs(str(path), number=True, score=without_lone.candidates)) == 2


@pytest.mark.parametrize("name", ["2-mnist-validation-2720.jpg", "4-mnist-test-33.png"])
def test_a_single_digit_the_model_doubts_is_one_piece_is_still_read_whole(tmp_path, classifier,
                                                                          name):
    """The head was taught on as many touching pairs as single digits, but a picture's only
    piece of ink is far more often one digit: a looped 2 whose parts read "76" and a 4 like
    "L1", which it gives less than even odds of being one digit, are read whole (LONE_SURE)."""
    path = SINGLE_ALONE / name
    found = lone_input(path.read_bytes())
    assert found is not None
    assert LONE_SURE < float(classifier.candidates(found[None]).lone[0]) < 0.5
    assert readings(path, tmp_path, classifier) == (name[0], name[0])


def test_a_6_whose_stem_meets_its_loop_at_its_foot_stays_one_digit(tmp_path, classifier):
    """A photographed 6 that looks like a 1 touching a 0: the cut a narrow 1 needs costs more
    than other cuts, so the 6 stays whole (STEM_COST)."""
    path = TOUCHING_ONE / "6-stem-meets-loop-at-foot.jpg"
    assert readings(path, tmp_path, classifier) == ("6", "6")


def readings(path, folder, classifier) -> tuple[str, str]:
    """What `classify --multi-digit` (of a copy in `folder`) and the app's reader read."""
    return read_copy(path, folder), "".join(map(str, read_image_file(str(path),
                                                                     classifier).digits))


def read_copy(path, folder) -> str:
    copy = folder / path.name
    copy.write_bytes(path.read_bytes())
    return read(copy)


def test_a_dash_after_an_amount_is_left_out(tmp_path, digits):
    path = tmp_path / "150-.png"
    scan([(crop(digits[1]), 0, 0), (crop(digits[5]), 4, 0), (crop(digits[0]), 4, 0),
          (DASH, 5, 13)], path)
    assert read(path) == "150"


def test_a_closing_dot_and_dash_that_share_columns_are_left_out(tmp_path, digits):
    """".-" whose dot lies under the dash's start: grouped as a digit's pieces (a 5's bar and
    body share columns too), half a digit high, it was read as a digit."""
    path = tmp_path / "150.-.png"
    scan([(crop(digits[1]), 0, 0), (crop(digits[5]), 4, 0), (crop(digits[0]), 4, 0),
          (DOT, 5, 23), (DASH, -3, 12)], path)
    assert groups_of_ink(path) == 4  # the dot and the dash are one group
    assert read(path) == "150"


CLOSING_MARKS = Path(__file__).parent / "data" / "closing_marks"


@pytest.mark.parametrize("path", sorted(CLOSING_MARKS.glob("*.png")), ids=lambda p: p.stem)
def test_a_closing_mark_the_pen_joined_to_the_amount_is_left_out(tmp_path, classifier, path):
    """Real pen ink as a felt-tip scan: "188106-" read "1881015", "67159=" "671592"."""
    assert readings(path, tmp_path, classifier) == (path.stem, path.stem)


def test_a_dash_the_pen_joined_to_the_last_digit_is_left_out(tmp_path, digits):
    """The dash touches the 0's side at mid-height: cut where the flat run at the right end
    starts, it is one mark, left out (cut also at the column profile's minima within it, its
    slices were each a digit's slice or a mark paying its own cost, and "0-" read "2")."""
    path = tmp_path / "150-.png"
    long_dash = np.full((3, 16), 255, np.uint8)
    scan([(crop(digits[1]), 0, 0), (crop(digits[5]), 4, 0), (crop(digits[0]), 4, 0),
          (long_dash, -1, 13)], path)
    assert groups_of_ink(path) == 3  # the dash is joined to the 0
    assert read(path) == "150"


def test_a_separator_dot_is_left_out(tmp_path, digits):
    path = tmp_path / "1.250.png"
    scan([(crop(digits[1]), 0, 0), (DOT, 3, 23), (crop(digits[2]), 3, 0),
          (crop(digits[5]), 4, 0), (crop(digits[0]), 4, 0)], path)
    assert read(path) == "1250"


def ink_rows(glyph: np.ndarray) -> tuple[int, int]:
    rows = np.flatnonzero(glyph.max(axis=1) > 30)
    return int(rows[0]), int(rows[-1]) + 1


def test_a_stray_tick_beside_a_digit_is_left_out(tmp_path, digits):
    """A narrow stroke half a digit high, close beside the 6's top: a tick, not a 1."""
    top, bottom = ink_rows(digits[6])
    tick = np.full((round(0.5 * (bottom - top)), 2), 255, np.uint8)
    path = tmp_path / "6.png"
    scan([(crop(digits[6]), 0, 0), (tick, 1, top)], path)
    assert groups_of_ink(path) == 2
    assert read(path) == "6"


SHORT_ONES = Path(__file__).parent / "data" / "short_ones"


@pytest.mark.parametrize("path", sorted(SHORT_ONES.glob("*.*g")), ids=lambda p: p.stem)
def test_a_1_written_short_and_raised_apart_from_its_neighbour_is_a_digit(tmp_path, classifier,
                                                                          path):
    """Real pen ink: a 1 a little over half its neighbour's height, its foot well above the
    neighbour's, but standing apart from it: a digit, no tick."""
    assert readings(path, tmp_path, classifier) == (path.stem, path.stem)


def test_a_closing_equals_sign_is_left_out(tmp_path, digits):
    equals = np.zeros((7, 12), np.uint8)
    equals[[0, 1, 5, 6]] = 255
    path = tmp_path / "74=.png"
    scan([(crop(digits[7]), 0, 0), (crop(digits[4]), 4, 0), (equals, 5, 9)], path)
    assert read(path) == "74"


def test_one_digit_alone_is_still_one_digit(tmp_path, digits):
    for digit in range(10):
        path = tmp_path / f"{digit}.png"
        scan([(crop(digits[digit]), 0, 0)], path)
        assert read(path) == str(digit)


def pale_on_the_right(glyph: np.ndarray, share: float) -> np.ndarray:
    """The glyph as a pen running dry draws it: its right half `share` as dark."""
    pale = glyph.astype(np.float32)
    pale[:, pale.shape[1] // 2:] *= share
    return pale.astype(np.uint8)


@pytest.mark.parametrize("text", ["804", "608", "0"])
def test_a_digit_whose_one_side_is_pale_is_read_whole(tmp_path, digits, classifier, text):
    """A stroke at a third of the darkest ink stands far out of the paper's noise: it is ink,
    not paper (the 0s of "804" and "608" lost their pale side and read as 6)."""
    glyphs = [pale_on_the_right(crop(digits[0]), 0.33) if d == "0" else crop(digits[int(d)])
              for d in text]
    path = tmp_path / f"{text}.png"
    scan([(g, 0 if k == 0 else 4, 0) for k, g in enumerate(glyphs)], path)
    assert read(path) == text
    assert "".join(map(str, read_image_file(str(path), classifier).digits)) == text
