"""Numbers made of MNIST training digits, and the candidate digits the app cuts them into.

Each number is composed the way forms look (digits apart or touching, separators and closing
dashes), printed on grey paper 40-80 px high and read back with the app's own recipe
(`recipes.picture_ink`, `cuts.pieces`). Every candidate the cutting offers is labelled from where
each digit's ink really lies: one whole digit (most of its ink one digit's, and most of that
digit's ink in it), or not (two digits, a part of one, a mark); in-between candidates are left
out. `export.one_digit` teaches the model's `one_digit` output from them.

`lone_set` makes pictures of one piece of ink the cutting may cut, a single glyph or two whose
ink touches (as scans, enlarged bitmaps and photos), each read whole: `export.one_digit` teaches
the `one_digit_lone` output from them.

`cut_digit_set` keeps the candidates of touching numbers that are mostly one digit, a piece of
a neighbour's stroke at the cut allowed, labelled with that digit: `python -m train
--cut-digits N` teaches the classifier to read digits as the cutting hands them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.engine.cuts import read_input
from desktop.engine.frame import normalize
from train.cached import cached

UNIT = 20                  # a digit's height while the line is composed (MNIST's box)
KINDS = ("plain", "touching", "touching", "marks")  # in turn: touching ones twice as often
INK = 0.3                  # a pixel is ink above this
PURE, COVERS = 0.92, 0.9   # one whole digit: at least this share of its ink one digit's, and
MIXED, PARTIAL = 0.8, 0.7  # at least this share of that digit's ink; not one: below these
CUT_COVERS = 0.85         # a cut digit taught as its digit: at least MIXED of its ink one
                          # digit's, and this share of that digit's ink
PER_DIGIT = 2             # cut digits taught of each digit of a number, at most
MAX_NUMBERS = 20          # numbers composed for each cut digit asked, at most (about one
                          # suffices: most numbers give several)
LONE_STYLES = ("scan", "enlarged", "photo")  # how pictures of one piece of ink are made


@dataclass(frozen=True)
class Composed:
    """One number's ink, and each digit's own ink (then the marks') in layers of the same size;
    which glyph each digit is."""
    ink: np.ndarray
    layers: np.ndarray
    digits: int
    picks: tuple[int, ...] = ()


def crop(glyph: np.ndarray) -> np.ndarray:
    from desktop.engine.frame import ink_box

    top, bottom, left, right = ink_box(glyph) or (0, glyph.shape[0], 0, glyph.shape[1])
    return glyph[top:bottom, left:right]


def scaled(glyph: np.ndarray, height: int) -> np.ndarray:
    from PIL import Image

    width = max(1, round(glyph.shape[1] * height / glyph.shape[0]))
    image = Image.fromarray((glyph * 255).astype(np.uint8)).resize((width, height),
                                                                   Image.BILINEAR)
    return np.asarray(image, np.float32) / 255


def mark(kind: str) -> tuple[np.ndarray, float]:
    """A separator or closing mark (ink) and where its top sits, as a fraction of a digit."""
    if kind == ".":
        return np.ones((3, 3), np.float32), 0.85
    if kind == ",":
        return np.array([[1, 1, 0], [1, 1, 0], [0, 1, 0], [1, 0, 0]], np.float32), 0.85
    if kind == "-":
        return np.ones((2, 8), np.float32), 0.5
    return np.pad(np.ones((2, 9), np.float32), ((0, 4), (0, 0)))[[0, 1, 2, 3, 0, 1]], 0.4


def compose(rng: np.random.Generator, glyphs: np.ndarray, kind: str,
            length: int | None = None) -> Composed:
    """A number of 2-6 of the glyphs (28x28, ink = 1; `length` of them when given): apart,
    some pairs touching or overlapping ("touching"), or with separators and a closing mark
    ("marks")."""
    length = length or int(rng.integers(2, 7))
    touching = set(rng.choice(length - 1, size=int(rng.integers(1, length)), replace=False)
                   .tolist()) if kind == "touching" else set()
    parts: list[tuple[np.ndarray, float, int]] = []  # ink, height offset, layer
    gaps: list[int] = []
    picks: list[int] = []
    for k in range(length):
        picks.append(int(rng.integers(len(glyphs))))
        glyph = crop(glyphs[picks[-1]])
        height = int(rng.integers(UNIT - 3, UNIT + 2))
        parts.append((scaled(glyph, height), float(rng.uniform(-0.06, 0.06)), k))
        gaps.append(int(rng.integers(-4, 1)) if k in touching else int(rng.integers(2, 8)))
        if kind == "marks" and (length - k - 1) % 3 == 0 and k < length - 1:
            parts.append((*mark("." if rng.random() < 0.5 else ","), length))
            gaps.append(int(rng.integers(1, 4)))
    if kind == "marks":
        parts.append((*mark("-" if rng.random() < 0.5 else "="), length))
    width = sum(p.shape[1] for p, _, _ in parts) + sum(max(g, 0) for g in gaps) + 12
    layers = np.zeros((length + 1, UNIT + 12, width), np.float32)
    x = 6
    for (part, top, layer), gap in zip(parts, [*gaps, 0][:len(parts)], strict=False):
        h, w = part.shape
        y = 6 + round(top * UNIT) if layer == length else 6 + UNIT - h + round(top * 40)
        y = int(np.clip(y, 0, layers.shape[1] - h))
        layers[layer, y:y + h, x:x + w] = np.maximum(layers[layer, y:y + h, x:x + w], part)
        x += w + gap
    cols = np.flatnonzero(layers.max(axis=0).any(axis=0))
    layers = layers[:, :, max(cols[0] - 6, 0):cols[-1] + 7]
    return Composed(layers.max(axis=0), layers, length, tuple(picks))


def printed(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The ink as a grey scan (uint8, dark ink on light paper, a little noise)."""
    paper, pen = float(rng.uniform(0.72, 0.95)), float(rng.uniform(0.05, 0.35))
    page = paper - (paper - pen) * ink + rng.normal(0, 0.02, ink.shape).astype(np.float32)
    return (np.clip(page, 0, 1) * 255).astype(np.uint8)


def lone_picture(ink: np.ndarray, rng: np.random.Generator, style: str) -> bytes:
    """An image file of one piece of writing (`compose`'s ink, UNIT px a digit): a grey scan
    40-80 px high (PNG), enlarged twice on white (a small bitmap: PNG), or photographed
    (`devtools.photos`: JPEG)."""
    from PIL import Image

    from devtools.photos import photo

    out = io.BytesIO()
    if style == "photo":
        photo((ink * 255).astype(np.uint8), rng).convert("L").save(out, "JPEG", quality=85)
        return out.getvalue()
    page = (printed(scaled(ink, int(rng.integers(40, 81))), rng) if style == "scan" else
            ((1 - scaled(ink, 2 * ink.shape[0])) * 255).astype(np.uint8))
    Image.fromarray(page).save(out, "PNG")
    return out.getvalue()


def lone_input(data: bytes) -> np.ndarray | None:
    """The model input of an image file's only group of ink read whole, as the cutting reads
    it; None when it holds more than one group, or one too narrow to be cut."""
    from desktop.engine.cuts import pieces
    from desktop.engine.imagefile import load_image
    from desktop.engine.recipes import NUMBER_WORK_SIZE, picture_ink_and_parts

    ink, parts = picture_ink_and_parts(load_image(data, None, NUMBER_WORK_SIZE, grey=True),
                                       NUMBER_WORK_SIZE)
    found = pieces(ink, parts=parts)
    if found is None or found.groups != 1 or len(found.slices) < 2:
        return None
    return normalize(found.crop((0, len(found.slices))))


def lone_set(glyphs: np.ndarray, count: int, seed: int, cache_dir: Path | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """(n, 28, 28) inputs and (n,) labels of pictures of one piece of ink the cutting may cut
    (`lone_input`): of `count` single glyphs (1: one digit) and `count` pairs of them whose
    ink touches or overlaps (0), in turn in each of LONE_STYLES. Single digits that are one
    piece far outnumber touching pairs, so each kind is taught as often. Kept under
    `cache_dir` (`train.cached`): 80,000 pictures take about 17 minutes."""
    def draw(rng: np.random.Generator, glyphs: np.ndarray, t: int
             ) -> tuple[list[np.ndarray], list[int]]:
        inputs, labels = [], []
        for one in (1, 0):
            number = compose(rng, glyphs, "plain" if one else "touching", length=2 - one)
            found = lone_input(lone_picture(number.ink, rng, LONE_STYLES[t % len(LONE_STYLES)]))
            if found is not None:
                inputs.append(found)
                labels.append(one)
        return inputs, labels

    return _drawn_set("lone", glyphs, count, seed, cache_dir, draw,
                      f"none of {count} single glyphs and pairs is one piece to cut")


Draw = Callable[[np.random.Generator, np.ndarray, int], tuple[list[np.ndarray], list[int]]]


def _drawn_set(name: str, glyphs: np.ndarray, count: int, seed: int, cache_dir: Path | None,
               draw: Draw, nothing: str) -> tuple[np.ndarray, np.ndarray]:
    """The inputs and labels `draw` makes for t = 0 .. count - 1 from the inked glyphs, all
    from one generator seeded `seed`, stacked; kept under `cache_dir` as `name`
    (`train.cached`). ValueError `nothing` when none is made."""
    glyphs = glyphs[inked(glyphs)]

    def make() -> dict[str, np.ndarray]:
        rng = np.random.default_rng(seed)
        inputs: list[np.ndarray] = []
        labels: list[int] = []
        for t in range(count):
            found, kinds = draw(rng, glyphs, t)
            inputs += found
            labels += kinds
        if not inputs:
            raise ValueError(nothing)
        return {"inputs": np.stack(inputs).astype(np.float32),
                "labels": np.array(labels, np.int8)}

    made_of = np.ascontiguousarray(glyphs, np.float32).tobytes() + f"{count} {seed}".encode()
    made = cached(cache_dir, name, made_of, Path(__file__), make)
    return made["inputs"], made["labels"]


@dataclass(frozen=True)
class Owned:
    """A candidate digit's ink, the digit most of its ink belongs to, the share of the
    candidate's ink that is that digit's, and the share of that digit's ink it holds."""
    crop: np.ndarray
    digit: int
    pure: float
    covers: float

    @property
    def input(self) -> np.ndarray:
        """Its model input, as the cutting weighs it."""
        return normalize(self.crop)


def owned_candidates(number: Composed, height: int, rng: np.random.Generator,
                     fine: bool = False, lift: bool = False) -> list[Owned]:
    """The candidate digits the app finds in the number printed `height` px high (`fine`: also
    those of every group cut finely, as the app cuts a doubted group again; `lift`: also the 1
    and the rest a straight stroke lifted out of a candidate of two digits parts it into, as
    `cuts.lift_ones` does), each with where its ink comes from."""
    from desktop.engine.cuts import pieces
    from desktop.engine.lift import split, straight_strokes
    from desktop.engine.recipes import NUMBER_WORK_SIZE, picture_ink_and_parts

    image = printed(scaled(number.ink, height), rng)
    ink, parts = picture_ink_and_parts(image, NUMBER_WORK_SIZE)
    first = pieces(ink, parts=parts)
    if first is None or ink.shape != image.shape:
        return []
    owner = np.stack([scaled(layer, height) for layer in number.layers]).argmax(axis=0)
    totals = np.bincount(owner[ink > INK], minlength=number.digits + 1)[:number.digits]
    cuttings = [first]
    if fine:
        again = pieces(ink, True, frozenset(range(first.groups)), parts)
        cuttings += [again] if again is not None else []
    seen: set[tuple[int, ...]] = set()
    owned: list[Owned] = []
    for cutting in cuttings:
        for run in cutting.runs or [(i, i + 1) for i in range(len(cutting.slices))]:
            left, top, right, bottom = cutting.boxes[run[0]:run[1]].T
            crop_ink = cutting.crop(run)
            inked = crop_ink > INK
            key = (int(left[0]), int(right[-1]), int(inked.sum()))
            if not inked.any() or (cutting is not first and key in seen):
                continue
            seen.add(key)
            within = owner[int(top.min()):int(bottom.max()), int(left[0]):int(right[-1])]
            owned.append(_owned(crop_ink, within, totals))
            if lift and owned[-1].pure < PURE:
                owned += [_owned(part, within, totals) for mask in straight_strokes(crop_ink)
                          if (lifted := split(crop_ink, mask)) is not None
                          for part in lifted[:2]]
    return owned


def _owned(crop_ink: np.ndarray, owner: np.ndarray, totals: np.ndarray) -> Owned:
    """A candidate and where its ink comes from (`owner`: each pixel's digit)."""
    inked = crop_ink > INK
    counts = np.bincount(owner[inked], minlength=len(totals) + 1)[:len(totals)]
    k = int(counts.argmax())
    return Owned(crop_ink, k, counts[k] / max(inked.sum(), 1),
                 counts[k] / max(totals[k], 1))


def labelled_candidates(number: Composed, height: int,
                        rng: np.random.Generator) -> tuple[list[np.ndarray], list[int]]:
    """The model inputs of the candidate digits the app finds in the number printed `height`
    px high, and whether each is one whole digit (1) or not (0); in-between ones left out."""
    inputs, labels = [], []
    for found in owned_candidates(number, height, rng):
        if found.pure >= PURE and found.covers >= COVERS:
            labels.append(1)
        elif found.pure < MIXED or found.covers < PARTIAL:
            labels.append(0)
        else:
            continue
        inputs.append(found.input)
    return inputs, labels


def inked(glyphs: np.ndarray) -> np.ndarray:
    """Indices of the glyphs with any ink (a blank one is no digit to compose); ValueError when
    there are none."""
    found = np.flatnonzero(glyphs.max(axis=tuple(range(1, glyphs.ndim)), initial=0.0) > 0)
    if not found.size:
        raise ValueError("no glyph has any ink")
    return found


def candidate_set(glyphs: np.ndarray, count: int, seed: int, cache_dir: Path | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(n, 28, 28) inputs and (n,) labels of the candidates of `count` numbers of the glyphs
    (kept under `cache_dir`, as `lone_set`)."""
    def draw(rng: np.random.Generator, glyphs: np.ndarray, t: int
             ) -> tuple[list[np.ndarray], list[int]]:
        number = compose(rng, glyphs, KINDS[t % len(KINDS)])
        return labelled_candidates(number, int(rng.integers(40, 81)), rng)

    return _drawn_set("candidates", glyphs, count, seed, cache_dir, draw,
                      f"none of {count} numbers has a candidate digit")


def cut_digit_set(glyphs: np.ndarray, digits: np.ndarray, count: int,
                  seed: int) -> tuple[np.ndarray, np.ndarray]:
    """About `count` model inputs of digits as the app cuts them out of touching numbers of
    the glyphs (first and fine cuts: mostly one digit's ink, a piece of a neighbour's stroke
    at the cut allowed) and reads them (`cuts.read_input`), and their digits: training digits
    read the way numbers hand them."""
    keep = inked(glyphs)
    glyphs, digits = glyphs[keep], digits[keep]
    rng = np.random.default_rng(seed)
    inputs: list[np.ndarray] = []
    labels: list[int] = []
    for _ in range(MAX_NUMBERS * count):
        if len(inputs) >= count:
            break
        number = compose(rng, glyphs, "touching")
        kept = [f for f in owned_candidates(number, int(rng.integers(40, 81)), rng, fine=True,
                                         lift=True)
                if f.pure >= MIXED and f.covers >= CUT_COVERS]
        # Fine cuts offer a digit many times over, a column apart: a few of each, at random.
        for k in range(number.digits):
            mine = [f for f in kept if f.digit == k]
            for pick in rng.permutation(len(mine))[:PER_DIGIT]:
                inputs.append(read_input(mine[pick].crop))  # as the app reads a chosen digit
                labels.append(int(digits[number.picks[k]]))
    if len(inputs) < count:  # glyphs whose cut digits are never mostly one digit's ink
        raise ValueError(f"{len(inputs)} cut digits of the {count} asked for after "
                         f"{MAX_NUMBERS * count} numbers")
    return np.stack(inputs[:count]).astype(np.float32), np.array(labels[:count], np.uint8)
