"""A picture of a number → its digits, split and joined by recognition.

Connected ink is not always one digit: two digits that touch are one piece of ink. Each group
of pieces (`segment.group_digits`) wider than a narrow digit is cut into slices at the minima of
its column profile and on a grid; a narrower one only where a tall, narrow piece at one end
meets the rest through little ink (a 1 touching its neighbour, at a higher cost). Runs of a
group's slices, each group whole, and neighbouring groups together (a digit broken in two) are
the candidate digits, all read in one call, and the best cut wins as for strokes on the canvas
(`grouping`): the sum of the digits' log top probabilities and, when the model has its
`one_digit` output, of half the log probability that each is one whole digit (not two touching
digits, nor half of one), less the same costs and a cost per cut through ink (more in a picture
of one group of ink, far more often one wide digit than two touching, and read whole where
the model judges it, alone, one digit: `one_digit_lone`). A group whose
chosen digits the model doubts are whole is cut again, finely (the first cuts kept), its cuts
free to bend between the strokes of digits that overlap (`paths`), and only its new candidates
are read. Last, a digit the model doubts is whole may be a 1 written into its neighbour: where
a straight stroke lifted out of it (`lift`) leaves a 1 and a digit both read surely and better
than the one, they replace it (a digit read as a 1 is never lifted); a cut never parts a 1
from its flag (`flags`).
Marks much lower than the digits (separators, a closing dash or "=") are left out of the
number, even joined to the last digit (cut where it begins) or grouped as one (a ".-"), but not
a 0 written small (`marks`).
Without a classifier, each group is a digit, marks aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from desktop.engine.flags import cut_flag
from desktop.engine.frame import READING_GAMMA, normalize
from desktop.engine.grouping import (
    JOIN_COST,
    MAX_STROKES,
    Candidates,
    Run,
    Score,
    group_strokes,
    is_mark,
    log_top,
    log_whole,
    may_be_one,
    writing_height,
)
from desktop.engine.lift import split, straight_strokes
from desktop.engine.marks import (
    SHORT,
    closing_apart,
    closing_cut,
    closing_marks,
    small_zeros,
    stray_ticks,
)
from desktop.engine.paths import cut_paths
from desktop.engine.segment import Parts, Region, components, group_digits

CUT_WIDTH = 0.75      # a group wider than this (x its height) may hold touching digits
CUT_COST = 0.75       # log-probability paid for each cut through connected ink
MIN_PIECE = 0.25      # cuts lie at least this far (x height) from the group's ends
STEP = 0.25           # candidate cuts at least this far apart (x height)
MAX_CUTS = 8          # at most this many cuts in one group
BROKEN_GAP = 0.16     # pieces of a broken digit lie at most this far apart (x height): a 4
                      # written "L" then "|" leaves 0.13 (read "61" at 0.12); at 0.2 a ","
                      # joins a 0 more often
MAX_WIDTH = 1.1       # slices joined into one digit span at most this (x height), unless
                      # they are a whole group
WHOLE_WEIGHT = 0.5    # x log of the model's probability that a candidate is one whole digit
DOUBT = 0.3           # a cut group whose chosen digits are less likely whole is cut again:
FINE_STEP = 0.1       # cuts this far apart (x height),
FINE_MIN_PIECE = 0.06  # this far from the group's ends (a narrow 1 beside its neighbour),
FINE_MAX_CUTS = 16    # at most this many

PAIR_WIDTH = 0.4      # a narrower group may still hold a 1 touching its neighbour: cut where
STEM = 0.3            # a piece at most this wide (x height) at one end spans at least
STEM_SPAN = 0.7       # this share of the group's height (a 1) and meets the rest by
BRIDGE = 0.2          # at most this much ink a column (x height): touching, not one stroke
STEM_COST = 1.25      # paid for such a cut (a 6 whose stem meets its loop at its foot only
                      # is a 1 touching a 0 to these tests)

LONE_CUT_COST = 1.0   # paid more for each cut in a picture of one group of ink: far more often
                      # one wide or broken digit than two touching (4,000 single digits: 6 read
                      # as two, 3 so; 300 touching pairs alone: 1 fewer read)
LONE_SURE = 0.05      # and read whole where the model gives it one chance in 20 of being one
                      # digit (`one_digit_lone`), however well its parts read: the head was
                      # taught on as many touching pairs as single digits, but such a picture
                      # is far more often one digit, which 0.5 weighed as equally likely
                      # (validation: singles read as two 3 -> 2, touching pairs 2 of 1,500 fewer)
LIFT_COST = 0.75      # paid for a 1 lifted out of a digit the model doubts is whole (`lift`),
LIFT_SURE = 0.9       # both parts read at least this surely (its side lifted out of a round
                      # digit leaves a part read less surely),
LIFT_WHOLE_WEIGHT = 0.25  # their `one_digit` weighing less than a cut's parts' (the ink the two
                          # digits shared is gone from one of them)

FAINT = -2            # the owner of faint ink, kept with whichever digit's crop it falls in


@dataclass(frozen=True)
class Slice:
    """Columns left:right of one group of ink pieces, and the rows its ink spans there."""
    group: int
    left: int
    right: int
    top: int
    bottom: int
    after_stem: bool = False  # its left edge is a `stem_cuts` cut
    # A bent edge's column in each row from rows_from, the group's top (`paths.cut_paths`);
    # None: straight, at left or right.
    left_path: tuple[int, ...] | None = None
    right_path: tuple[int, ...] | None = None
    rows_from: int = 0

    def edges(self, top: int, bottom: int) -> tuple[np.ndarray, np.ndarray]:
        """Its first and end column in each of rows top:bottom."""
        rows = np.clip(np.arange(top, bottom) - self.rows_from, 0, None)
        return (_along(self.left_path, rows, self.left),
                _along(self.right_path, rows, self.right))


def _along(path: tuple[int, ...] | None, rows: np.ndarray, column: int) -> np.ndarray:
    if path is None:
        return np.full(len(rows), column)
    return np.asarray(path)[np.minimum(rows, len(path) - 1)]


def cut_columns(profile: np.ndarray, height: int, fine: bool = False) -> list[int]:
    """Where touching digits may meet: the minima of the (smoothed) amount of ink per column,
    the deepest first, then columns every STEP of the height where no minimum is near (digits
    that overlap leave no minimum); at least STEP apart and MIN_PIECE of the height from the
    ends, at most MAX_CUTS. `fine`, for a group cut again: those cuts and more between them,
    by the FINE_ values (the first cut stays possible, so cutting again never reads worse)."""
    smooth = np.convolve(np.pad(profile, 1, mode="edge"), [0.25, 0.5, 0.25], "valid")
    cuts = _spaced(smooth, height, STEP, MIN_PIECE, MAX_CUTS, [])
    return _spaced(smooth, height, FINE_STEP, FINE_MIN_PIECE, FINE_MAX_CUTS, cuts) if fine \
        else cuts


def stem_cuts(mine: np.ndarray, height: int) -> list[int]:
    """In a group too narrow for two digits of their usual width: where a 1 touching its
    neighbour would part from it: the thinnest column at most STEM of the height from either
    end, when the piece it cuts off spans STEM_SPAN of the height and the column holds at most
    BRIDGE of it in ink, as where a 1 touches its neighbour. The side of a round digit drawn
    thin can pass too: the classifier and STEM_COST decide (a cut only where the column
    crosses the ink once read a touching number fewer on two seeds of `bench scans`)."""
    inked = mine > 0.5 * mine.max()
    profile = inked.sum(axis=0)
    width = len(profile)
    near = max(2, round(STEM * height))
    cuts = []
    for zone, piece in ((range(2, min(near, width - 2)), lambda c: inked[:, :c]),
                        (range(max(2, width - near), width - 2), lambda c: inked[:, c:])):
        if not zone:
            continue
        c = min(zone, key=lambda c: profile[c])
        rows = np.flatnonzero(piece(c).any(axis=1))
        if profile[c] <= BRIDGE * height and rows.size and \
                rows[-1] - rows[0] + 1 >= STEM_SPAN * height:
            cuts.append(c)
    return sorted(set(cuts))


def _spaced(smooth: np.ndarray, height: int, step: float, min_piece: float, most: int,
            cuts: list[int]) -> list[int]:
    """`cuts` and more: minima, the deepest first, then a grid, `step` x height apart."""
    margin = max(2, round(min_piece * height))
    inner = np.arange(margin, len(smooth) - margin)
    minima = [int(c) for c in inner if smooth[c] <= smooth[c - 1] and smooth[c] <= smooth[c + 1]]
    spaced = max(2, round(step * height))
    cuts = list(cuts)
    grid = [int(c) for c in inner[::spaced]]
    for c in sorted(minima, key=lambda c: smooth[c]) + grid:
        if len(cuts) < most and all(abs(c - k) >= spaced for k in cuts):
            cuts.append(c)
    return sorted(cuts)


def _cuts(mine: np.ndarray, cut: bool, fine: bool, last: bool) -> tuple[list[int], bool]:
    """Where to cut a group's ink (`mine`: none unless `cut`; `fine`: finely; `last`: the
    picture's last group, where a closing mark may be joined to it), and whether those are
    `stem_cuts`."""
    if not cut:
        return [], False
    height, width = mine.shape
    wide = width > CUT_WIDTH * height
    stems = not wide and width >= PAIR_WIDTH * height  # a 1 touching its neighbour?
    found = cut_columns(mine.sum(axis=0), height, fine) if wide \
        else stem_cuts(mine, height) if stems else []
    return (_with_closing(found, mine) if last else found), stems


def _with_closing(cuts: list[int], mine: np.ndarray) -> list[int]:
    """The last group's cuts, and one where a closing mark the pen joined to its last digit
    begins (`marks.closing_cut`), at least MIN_PIECE of the height from its left end; none
    within the mark: cut into slices, it read as slices of a digit, or as marks paying their
    cost each ("0-" read "2")."""
    at = closing_cut(mine)
    if at is None or at < MIN_PIECE * len(mine):
        return cuts
    return [c for c in cuts if c < at - 1] + [at]


def _slices(mine: np.ndarray, index: int, region: Region, paths: np.ndarray,
            stems: bool) -> list[Slice]:
    """The group's slices between its cuts (`paths`: (rows, cuts), the column each cut takes
    in each row of the group)."""
    height, width = mine.shape
    edges = [np.zeros(height, np.int64), *paths.T, np.full(height, width)]
    out = []
    for k, (a, b) in enumerate(pairwise(edges)):
        left, right = int(a.min()), int(b.max())
        part = mine[:, left:right]
        if a.max() != left or b.min() != right:  # a bent edge: only the ink between
            columns = np.arange(left, right)
            part = part * ((columns >= a[:, None]) & (columns < b[:, None]))
        rows = np.flatnonzero(part.any(axis=1))
        if rows.size:
            out.append(Slice(index, region.left + left, region.left + right,
                             region.top + int(rows[0]), region.top + int(rows[-1]) + 1,
                             stems and k > 0, _path(a, region), _path(b, region), region.top))
    return out


def _path(edge: np.ndarray, region: Region) -> tuple[int, ...] | None:
    """A slice's edge as Slice keeps it: None where it is straight, else absolute columns."""
    return None if edge.min() == edge.max() else tuple(int(x) for x in edge + region.left)


def _owner_map(labels: np.ndarray, regions: list[Region], groups: list[Region]) -> np.ndarray:
    """Each pixel's group: a component belongs to the group whose box holds it; FAINT for
    the faint ink around strokes (below the components' threshold), -1 for none."""
    of_label = np.full(len(regions) + 1, -1, np.int32)
    of_label[0] = FAINT
    for g, group in enumerate(groups):
        for label, r in enumerate(regions, start=1):
            if group.holds(r):
                of_label[label] = g
    return of_label[labels]


@dataclass(frozen=True)
class Known:
    """A candidate digit already read: its ink and what the model said."""
    crop: np.ndarray
    probabilities: np.ndarray
    whole: float | None
    lone: float | None = None  # `one_digit_lone`, where the model has it


@dataclass(frozen=True)
class Pieces:
    """A picture's ink cut into slices, and the runs of slices that may be one digit."""
    ink: np.ndarray
    owner: np.ndarray        # each pixel's group (`_owner_map`)
    slices: list[Slice]
    boxes: np.ndarray        # (n, 4) left, top, right, bottom of each slice
    runs: list[Run]          # candidate digits: slices start:end ([] without cutting)
    groups: int              # groups of ink before cutting and leaving marks out

    def crop(self, run: Run) -> np.ndarray:
        return _run_ink(self.ink, self.owner, self.slices[run[0]:run[1]])


def pieces(ink: np.ndarray, cut: bool = True, fine: frozenset[int] = frozenset(),
           parts: Parts | None = None) -> Pieces | None:
    """The slices of a picture's ink and its candidate digits (None when there is no ink);
    `cut`: groups as tall as digits are cut at candidate columns (finely: those in `fine`);
    `parts`: the ink's components, when known."""
    labels, regions = parts or components(ink)
    groups = closing_apart(group_digits(regions), regions)
    if not groups:
        return None
    owner = _owner_map(labels, regions, groups)
    tallest = max(r.bottom - r.top for r in groups)  # marks are never cut
    mine = [np.where(owner[r.top:r.bottom, r.left:r.right] == g,
                     ink[r.top:r.bottom, r.left:r.right], 0.0) for g, r in enumerate(groups)]
    cuts = [_cuts(m, cut and len(m) >= SHORT * tallest, g in fine, g == len(mine) - 1)
            for g, m in enumerate(mine)]
    # Only groups cut again bend: bending all read 2 numbers more of 3,600 at 1.3x the time.
    paths = cut_paths([(m, c) for m, (c, _) in zip(mine, cuts, strict=True)], fine)
    slices = [s for g, region in enumerate(groups)
              for s in _slices(mine[g], g, region, paths[g], cuts[g][1])]
    boxes = np.array([(s.left, s.top, s.right, s.bottom) for s in slices], np.float64)
    # The writing's height from whole groups: thin slices of a group cut finely are lower.
    height = writing_height(np.array([(g.left, g.top, g.right, g.bottom) for g in groups]))
    runs = _candidates(slices, boxes, height) if cut else []
    return Pieces(ink, owner, slices, boxes, runs, len(groups))


@dataclass(frozen=True)
class NumberDigits:
    """The digits found in a picture of a number, left to right."""
    crops: list[np.ndarray]      # their ink
    inputs: list[np.ndarray]     # their model inputs (`read_input` of the crops)
    groups: int                  # groups of ink found before cutting and leaving marks out


def number_crops(ink: np.ndarray, score: Score | None = None,
                 parts: Parts | None = None) -> NumberDigits:
    """The digits of a number (one group of ink and one crop: a picture of one digit); `parts`:
    the ink's components, when known. The groups whose chosen digits the model doubts are
    whole digits are cut again, finely, and read again."""
    parts = parts or components(ink)
    found = pieces(ink, score is not None, parts=parts)
    if found is None:
        return NumberDigits([], [], 0)
    if all(j == i + 1 for i, j in found.runs):  # nothing to cut or join: every group a digit
        height = writing_height(found.boxes)
        rings, ticks = small_zeros(found, height), stray_ticks(found, height)
        crops = [found.crop((i, i + 1)) for i in range(len(found.slices))
                 if len(found.slices) == 1 or rings[i]
                 or not (ticks[i] or is_mark(found.boxes[i], height, SHORT, rounds=False))]
        if score is None or found.groups == 1 or not crops:
            return NumberDigits(crops, [read_input(c) for c in crops], found.groups)
        chosen = _read_crops(crops, score)
    else:
        assert score is not None
        known: dict[tuple[Slice, ...], Known] = {}
        chosen, doubted = _best_cut(found, score, known)
        if doubted:
            again = pieces(ink, True, frozenset(doubted), parts)
            assert again is not None
            chosen = _best_cut(again, score, known)[0]
        if found.groups == 1:
            chosen = _whole_if_one(chosen, known[tuple(found.slices)])
    if found.groups > 1:  # one blot alone is far more often one digit than a 1 in another
        chosen = _lift_ones(chosen, score)
    return NumberDigits([k.crop for k in chosen], [read_input(k.crop) for k in chosen],
                        found.groups)


def _whole_if_one(chosen: list[Known], whole: Known) -> list[Known]:
    """The digits chosen in a picture's only group of ink, or the group whole where the model
    judges it one digit rather than touching ones (`one_digit_lone`): its cuts' readings weigh
    candidates one by one, and a wide digit (a 7 with a curled top, read "17") has parts read
    as surely as two digits' are."""
    if len(chosen) > 1 and whole.lone is not None and whole.lone > LONE_SURE:
        return [whole]
    return chosen


def read_input(crop: np.ndarray) -> np.ndarray:
    """A chosen digit's input, as a picture of one digit is read (`frame.READING_GAMMA`)."""
    return normalize(crop, gamma=READING_GAMMA)


def _read_crops(crops: list[np.ndarray], score: Score) -> list[Known]:
    """The digits whole, each group one, read in one call (for `_lift_ones`)."""
    inputs = np.stack([normalize(c) for c in crops])
    read = score(inputs)
    return [Known(c, read.probabilities[k],
                  None if read.whole is None else float(read.whole[k]))
            for k, c in enumerate(crops)]


def _read(found: Pieces, score: Score,
          known: dict[tuple[Slice, ...], Known]) -> tuple[list[Known], Candidates]:
    """Every candidate digit and its reading; those of the same slices as a candidate read
    before (in `known`, which gains the new ones) are not cropped and read again."""
    keys = [tuple(found.slices[i:j]) for i, j in found.runs]
    new = [k for k, key in enumerate(keys) if key not in known]
    if new:
        crops = [found.crop(found.runs[k]) for k in new]
        inputs = np.stack([normalize(c) for c in crops])
        read = score(inputs)
        for n, k in enumerate(new):
            known[keys[k]] = Known(crops[n], read.probabilities[n],
                                   None if read.whole is None else float(read.whole[n]),
                                   None if read.lone is None else float(read.lone[n]))
    entries = [known[key] for key in keys]
    whole = None if entries[0].whole is None else np.array([e.whole for e in entries])
    return entries, Candidates(np.stack([e.probabilities for e in entries]), whole)


def _best_cut(found: Pieces, score: Score,
              known: dict[tuple[Slice, ...], Known]) -> tuple[list[Known], set[int]]:
    """The best cut's digits, and the groups cut into slices whose chosen digits the model
    doubts are whole digits."""
    slices, runs = found.slices, found.runs
    crops, read = _read(found, score, known)
    # Slices of one group are one piece of ink: free to keep together, a cost to cut apart.
    joins = np.array([JOIN_COST * (len({s.group for s in slices[i:j]}) - 1) for i, j in runs])
    lone = LONE_CUT_COST if found.groups == 1 else 0.0
    cuts = np.array([0.0] + [(lone + (STEM_COST if b.after_stem else CUT_COST))
                             * (a.group == b.group) for a, b in pairwise(slices)])
    cut_groups = {a.group for a, b in pairwise(slices) if a.group == b.group}
    # A slice of a digit is no mark (but a dash joined to the last digit may be), nor a small 0.
    height = writing_height(found.boxes)
    sliced = np.array([s.group in cut_groups for s in slices]) & ~closing_marks(found, height)
    sliced |= small_zeros(found, height)
    chosen = [runs.index((g[0], g[-1] + 1)) for g in group_strokes(
        found.boxes, runs, read, joins, cuts, SHORT, WHOLE_WEIGHT, sliced, rounds=False,
        marked=stray_ticks(found, height)).groups]
    chosen = _flagged_ones(found, chosen, read.probabilities, crops)
    doubted = set() if read.whole is None else {
        slices[runs[r][0]].group for r in chosen
        if read.whole[r] < DOUBT and slices[runs[r][0]].group in cut_groups}
    return [crops[r] for r in chosen], doubted


def _flagged_ones(found: Pieces, chosen: list[int], probabilities: np.ndarray,
                  crops: list[Known]) -> list[int]:
    """The chosen runs, where two neighbours cut from one group read as 1s (or 7s: the stem
    keeps the flag's top), their union as a 1, and are a flag and its stem (`flags.cut_flag`):
    that union instead."""
    index = {run: r for r, run in enumerate(found.runs)}
    digits = probabilities.argmax(axis=1)
    ones = digits == 1
    part = np.isin(digits, (1, 7))  # the stem with the flag's top: a 7
    k = 0
    while k + 1 < len(chosen):
        (i, j), (_, end) = found.runs[chosen[k]], found.runs[chosen[k + 1]]
        both = index.get((i, end))
        if both is not None and part[chosen[k]] and part[chosen[k + 1]] and ones[both] \
                and found.slices[j - 1].group == found.slices[j].group \
                and _is_flag(crops[both].crop, found.slices[i:end], j - i):
            chosen[k:k + 2] = [both]
        else:
            k += 1
    return chosen


def _is_flag(crop: np.ndarray, run: list[Slice], at: int) -> bool:
    """Whether a run of slices (its ink: `crop`) cut before its slice `at` is a 1's flag and
    stem."""
    top = min(s.top for s in run)
    return cut_flag(crop, run[at].edges(top, top + len(crop))[0] - run[0].left)


def _value(probabilities: np.ndarray, whole: np.ndarray,
           weight: float = WHOLE_WEIGHT) -> np.ndarray:
    """A digit's part of a cut's score (`grouping.run_scores` without the costs of its box)."""
    return log_top(probabilities) + log_whole(whole, weight)


def _lift_ones(chosen: list[Known], score: Score) -> list[Known]:
    """The chosen digits, each the model doubts is one whole digit replaced by a 1 and the
    rest where a straight stroke lifted out of it (`lift`) reads better so, by LIFT_COST. A
    digit read as a 1 is left whole: lifted, a 1 whose flag is as long as its stem read as two
    ("18" read "118"), a thick 1 as a 1 and a 0, and lifting it read no touching pair of MNIST
    digits right (bench/RESULTS.md)."""
    tries = [(k, *parts) for k, digit in enumerate(chosen)
             if digit.whole is not None and digit.whole < DOUBT
             and digit.probabilities.argmax() != 1
             for mask in straight_strokes(digit.crop)
             if (parts := split(digit.crop, mask)) is not None]
    if not tries:
        return chosen
    inputs = np.stack([normalize(c) for _, line, rest, _ in tries for c in (line, rest)])
    read = score(inputs)
    assert read.whole is not None
    values = _value(read.probabilities, read.whole, LIFT_WHOLE_WEIGHT).reshape(-1, 2).sum(
        axis=1) - LIFT_COST
    sure = (read.probabilities.max(axis=1) >= LIFT_SURE).reshape(-1, 2).all(axis=1)
    ones = sure & (read.probabilities[0::2].argmax(axis=1) == 1)  # the line read as a 1
    out = [[digit] for digit in chosen]
    best = {k: float(_value(digit.probabilities, np.array(digit.whole)))
            for k, digit in enumerate(chosen) if digit.whole is not None}
    for t, (k, line, rest, first) in enumerate(tries):
        if ones[t] and values[t] > best[k]:
            best[k] = float(values[t])
            pair = [Known(c, read.probabilities[2 * t + n],
                          float(read.whole[2 * t + n])) for n, c in enumerate((line, rest))]
            out[k] = pair if first else pair[::-1]
    return [digit for digits in out for digit in digits]


def _candidates(slices: list[Slice], boxes: np.ndarray, height: float) -> list[Run]:
    """Candidate digits: each group whole; runs of its slices up to MAX_WIDTH wide; two whole
    groups side by side that `grouping` would join (a digit broken in two)."""
    spans: dict[int, list[int]] = {}
    for k, piece in enumerate(slices):
        spans.setdefault(piece.group, []).append(k)
    runs = {(ks[0], ks[-1] + 1) for ks in spans.values()}
    for ks in spans.values():
        runs |= {(i, j) for i in ks for j in range(i + 1, ks[-1] + 2)
                 if boxes[j - 1, 2] - boxes[i, 0] <= MAX_WIDTH * height}
    pairs = [(a[0], b[-1] + 1) for a, b in pairwise(spans.values())]
    runs |= {(i, j) for i, j in pairs if j - i <= MAX_STROKES
             and may_be_one(boxes[i:j], height, BROKEN_GAP)}
    return sorted(runs)


def _run_ink(ink: np.ndarray, owner: np.ndarray, run: list[Slice]) -> np.ndarray:
    """The ink of consecutive slices: their columns, their groups' pixels and the faint ink
    among them (as `segment.split_digits` crops a digit)."""
    left, right = run[0].left, run[-1].right
    top, bottom = min(s.top for s in run), max(s.bottom for s in run)
    area = owner[top:bottom, left:right]
    mine = area == FAINT
    for group in {s.group for s in run}:  # one or two: cheaper than np.isin
        mine |= area == group
    if run[0].left_path is not None or run[-1].right_path is not None:
        columns = np.arange(left, right)
        first, end = run[0].edges(top, bottom)[0], run[-1].edges(top, bottom)[1]
        mine &= (columns >= first[:, None]) & (columns < end[:, None])
    return np.where(mine, ink[top:bottom, left:right], 0.0).astype(np.float32)
