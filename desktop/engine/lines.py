"""A form's printed lines out of a picture's ink: underlines, boxes, grid and ruled paper.

A line joins every digit it touches into one piece of ink (a boxed amount read as one digit),
so it goes before the digits are looked for. A horizontal line is a run of ink far longer than
it is thick, longer than the ink is high, reaching past the rest of it at both ends, and when
it is the only one, with ink above it (a digit's bar or foot, a closing dash, is none); a
vertical one is as thin and runs from a horizontal line to another (a box's sides), or crosses
one and reaches past the rest of the ink at both ends, or ends at the picture's edges (a grid's
columns); a 1 stands free of them, or on one. A box around one digit is too short for those
lines: its top and bottom are taken with its sides, around ink (`_cell`). Where a stroke
crosses a line, the line's pixels stay: ink just beyond both of its edges, not a line, is a
stroke going through. A scan askew is turned level first (`_skew`, `_turned`), the digits with
it.
"""

from __future__ import annotations

import numpy as np

from desktop.engine.frame import dilate
from desktop.engine.segment import label_components

LINE_RATIO = 10.0     # a line is at least this many times as long as it is thick
LINE_LENGTH = 1.25    # a horizontal line is this much longer than the ink is high (a digit's
                      # bar or foot, two digits' tops joined are shorter; a 1 on a line as short
                      # as itself stays: a 1 with a foot)
LONE_ABOVE = 0.3      # a lone line has at least this share of the other ink above it
BEYOND = 0.05         # and reaches past the rest by this share of the picture's height
CELL_WIDTH = 2.0      # a box around one digit is at most this much wider than its ink is high
CELL = 0.5            # a box around one digit: its top and bottom this share of its height
SIDE_RATIO = 5.0      # and, meeting horizontal ones at both ends, this many times as long as thick
STANDING = 0.25       # a vertical line spans at least this share of the picture's height
LINE_ALONG = 0.3      # a line looks like one along at least this share of it (digits cross it)
CLEAR = 2             # the pixel this far above and below a line's band is paper along most of it
MIN_LINE = 12         # and any line at least this many pixels
MEETS = 2             # a vertical line's ends lie within this many pixels of a horizontal line
MAX_SKEW = 0.06       # a scan tilted up to about 3.4 degrees has its lines found, searched in
SKEW_STEP = 0.005     # steps of this slope (a third of a degree),
SKEW_SAMPLE = 3       # on every third pixel of ink,
LINE_EDGE = 0.5       # lines are found in ink down to this share of a stroke's threshold
REMNANT = 3           # ink left wholly within this many pixels of a line is part of it


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The horizontal runs of a mask: their rows, first columns and end columns."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = mask
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)  # the same rows, in the same order
    return rows, starts, ends


def _paint(shape: tuple[int, int], rows: np.ndarray, starts: np.ndarray, ends: np.ndarray,
           values: np.ndarray) -> np.ndarray:
    """Each run's pixels set to its value (0 elsewhere)."""
    marks = np.zeros((shape[0], shape[1] + 1), np.int32)
    marks[rows, starts] = values
    marks[rows, ends] -= values
    return np.cumsum(marks, axis=1)[:, :-1]


def _marked(shape: tuple[int, int], rows: np.ndarray, starts: np.ndarray,
            ends: np.ndarray) -> np.ndarray:
    """The runs' pixels as a boolean map."""
    return _paint(shape, rows, starts, ends, np.ones(len(rows), np.int32)) > 0


def _long_and_thin(mask: np.ndarray, shortest: float, ratio: float = LINE_RATIO,
                   either: bool = False) -> np.ndarray:
    """Horizontal runs at least `shortest` long that are, along LINE_ALONG of their length,
    `ratio` times as long as the band of such runs is thick and have paper CLEAR pixels above
    and below that band (with `either`, above or below): a line, which strokes only touch or
    cross here and there. Two digits' strokes that meet in one long run (a 3's top and a 9's
    loop) go on above or below it."""
    rows, starts, ends = _runs(mask)
    lengths = ends - starts
    long = lengths >= max(shortest, MIN_LINE)
    rows, starts, ends, lengths = rows[long], starts[long], ends[long], lengths[long]
    if not len(rows):
        return np.zeros_like(mask)
    length_of = _paint(mask.shape, rows, starts, ends, lengths)
    band = length_of > 0
    columns, tops, bottoms = _runs(band.T)
    flipped = band.shape[::-1]
    thickness = _paint(flipped, columns, tops, bottoms, bottoms - tops).T
    top = _paint(flipped, columns, tops, bottoms, tops).T
    bottom = _paint(flipped, columns, tops, bottoms, bottoms).T
    paper = np.pad(~mask, CLEAR, constant_values=True)[:, CLEAR:-CLEAR]  # rows padded
    x = np.arange(mask.shape[1])
    clear = (paper[top, x] | paper[bottom + 2 * CLEAR - 1, x]) if either else \
        paper[top, x] & paper[bottom + 2 * CLEAR - 1, x]
    line_like = np.zeros((mask.shape[0], mask.shape[1] + 1), np.int32)
    line_like[:, 1:] = np.cumsum(band & clear & (length_of >= ratio * thickness), axis=1)
    mostly = line_like[rows, ends] - line_like[rows, starts] >= LINE_ALONG * lengths
    return _marked(mask.shape, rows[mostly], starts[mostly], ends[mostly])


def _crossed(line: np.ndarray, strokes: np.ndarray) -> np.ndarray:
    """The pixels of a horizontal line where a stroke goes through it: ink that is not line
    just above and just below its band (a column to either side)."""
    h, _ = line.shape
    columns, tops, bottoms = _runs(line.T)  # each column's stretches of line
    reach = np.zeros((h + 2, strokes.shape[1] + 2), bool)
    reach[1:-1, 1:-1] = strokes
    near = reach[:, :-2] | reach[:, 1:-1] | reach[:, 2:]  # padded rows, a column either side
    through = near[tops, columns] & near[bottoms + 1, columns]  # the rows above and below
    return _marked(line.shape[::-1], columns[through], tops[through], bottoms[through]).T


def _standing(tall: np.ndarray, horizontal: np.ndarray, crossing: bool = True,
              rest: tuple[int, int] | None = None) -> np.ndarray:
    """Vertical lines among the long thin vertical runs (`_tall`): those from a horizontal
    line to another (a box's sides), or crossing one and ending at them or at the picture's
    edges, or reaching past the `rest` of the ink (its rows, `_rest`) at both ends (a
    grid's columns). A stroke that only stands on a line, or spans a tightly cropped picture,
    is none."""
    h = tall.shape[0]
    columns, tops, bottoms = _runs(tall.T)
    near = np.zeros((h + 2 * MEETS, tall.shape[1]), bool)  # rows padded by MEETS
    for dy in range(2 * MEETS + 1):
        near[dy:dy + h] |= horizontal
    crossed = np.cumsum(horizontal, axis=0)  # horizontal line pixels down to each row
    top_meets, bottom_meets = near[tops + MEETS, columns], near[bottoms - 1 + MEETS, columns]
    below, above = np.clip(tops + MEETS + 1, 0, h - 1), np.clip(bottoms - MEETS - 2, 0, h - 1)
    inside = (tops + MEETS + 1 < bottoms - MEETS - 2) & \
        (crossed[above, columns] > crossed[below, columns])
    ended = (top_meets | (tops <= MEETS)) & (bottom_meets | (bottoms >= h - MEETS))
    if rest is not None:  # a grid's columns end where the page did, not at the picture's edges
        reach = CLEAR + BEYOND * h
        ended |= (tops < rest[0] - reach) & (bottoms > rest[1] + reach)
    taken = (top_meets & bottom_meets) | (crossing & inside & ended)
    return _marked(tall.shape[::-1], columns[taken], tops[taken], bottoms[taken]).T


def _tall(found: np.ndarray) -> np.ndarray:
    """Long thin vertical runs: a quarter of the picture's height, SIDE_RATIO times as long as
    they are thick (a box's sides, a grid's columns, and some strokes)."""
    return _long_and_thin(found.T, STANDING * found.shape[0], SIDE_RATIO).T


def _may_hold_cell(found: np.ndarray, across: np.ndarray, height: int) -> bool:
    """Whether the ink has what a box around a digit needs (most pictures have not, and this
    is cheap): two rows as long as its top and bottom, that far apart, and two columns as
    long as its sides."""
    inked = np.flatnonzero(found.any(axis=0))
    if inked[-1] + 1 - inked[0] > CELL_WIDTH * height:  # several digits: boxed by long lines
        return False
    shortest = max(CELL * height, MIN_LINE)
    wide = np.flatnonzero(across >= shortest)
    if len(wide) < 2 or wide[-1] - wide[0] < shortest:
        return False
    tall = np.flatnonzero(found.sum(axis=0) >= max(STANDING * found.shape[0], MIN_LINE))
    return len(tall) >= 2 and tall[-1] - tall[0] >= shortest


def _cell(found: np.ndarray, mask: np.ndarray, height: int, tall: np.ndarray) -> np.ndarray:
    """The top and bottom of a box around one digit, too short to be lines alone: horizontal
    runs at least CELL of the ink's height, each ending at sides (vertical lines from one to
    the other), around ink that is none of them (a square 0 encloses nothing)."""
    edges = _long_and_thin(found, CELL * height, SIDE_RATIO)
    if not edges.any():
        return edges
    sides = dilate(_standing(tall, edges, crossing=False).astype(np.float32), MEETS) > 0
    rows, starts, ends = _runs(edges)
    ended = sides[rows, starts] & sides[rows, ends - 1]
    edges = _marked(edges.shape, rows[ended], starts[ended], ends[ended])
    box = edges | _standing(tall, edges, crossing=False)
    inside = mask & ~(dilate(box.astype(np.float32), REMNANT) > 0)
    return edges if inside.any() and box.any() else np.zeros_like(edges)


def _spanning(horizontal: np.ndarray, mask: np.ndarray, tall: np.ndarray) -> np.ndarray:
    """The horizontal lines that reach past the rest of the ink at both ends (a box's sides
    and any other tall thin stroke aside): an underline, a box, a grid do; a wide digit's bar
    or foot ends where its next stroke begins."""
    beside = dilate((horizontal | tall).astype(np.float32), CLEAR) > 0  # their soft edges too
    columns = np.flatnonzero((mask & ~beside).any(axis=0))
    if not len(columns):
        return horizontal
    rows, starts, ends = _runs(horizontal)
    reach = CLEAR + BEYOND * mask.shape[0]
    spans = (starts < columns[0] - reach) & (ends > columns[-1] + 1 + reach)
    lines = _marked(horizontal.shape, rows[spans], starts[spans], ends[spans])
    return lines if not _a_bar_on_top(lines, mask) else np.zeros_like(lines)


def _a_bar_on_top(lines: np.ndarray, mask: np.ndarray) -> bool:
    """Whether the lines are one band with little of the rest of the ink above it: a wide
    7's or 5's bar. (A box, ruled or squared paper has more than one; an underline, or a rule
    through the digits, has ink above it.)"""
    rows = np.flatnonzero(lines.any(axis=1))
    if not len(rows) or np.any(np.diff(rows) > 1):
        return False
    rest = (mask & ~lines).sum(axis=1)
    return rest[:rows[0]].sum() < LONE_ABOVE * rest.sum()


def _grown(mask: np.ndarray, axis: int) -> np.ndarray:
    """The mask and its neighbours along an axis (a line's faint edge, below the threshold)."""
    grown = mask.copy()
    if axis == 0:
        grown[1:] |= mask[:-1]
        grown[:-1] |= mask[1:]
    else:
        grown[:, 1:] |= mask[:, :-1]
        grown[:, :-1] |= mask[:, 1:]
    return grown


def remove_lines(ink: np.ndarray, threshold: float) -> np.ndarray:
    """The ink without the printed lines of a form (ink above `threshold` is a stroke's). A
    scan whose lines lie askew comes back turned level, in a picture grown to hold it (the
    digits are read level too); any other ink keeps its shape."""
    mask = ink > threshold
    if not mask.any():
        return ink
    found = ink > LINE_EDGE * threshold  # a line's blurred edges too: solid bands
    slope = _skew(found, mask)
    if not slope:
        return _remove_level(ink, mask, found)
    level = _turned(ink, slope)
    out = _remove_level(level, level > threshold, level > LINE_EDGE * threshold)
    if out is level:  # no line after all: left as it was
        return ink
    kept = _remove_level(ink, mask, found)  # a level scan's digits can tip the search a little:
    return kept if kept.sum() < out.sum() else out  # the one that took more line wins


def _skew(found: np.ndarray, mask: np.ndarray) -> float:
    """The slope of a tilted scan's lines (rows per column), 0 for level ones or none: the
    shear, within MAX_SKEW, whose rows of ink are most uneven (the sum of their squares: a
    line piled into a row or two), when its fullest row holds a line's worth and a line's
    length of it is one unbroken run (a number's ink alone piles up in rows, but in pieces).
    Only ink wider than a line must be long is searched (not a single digit's)."""
    rows = np.flatnonzero(mask.any(axis=1))
    columns = np.flatnonzero(found.any(axis=0))
    height = rows[-1] + 1 - rows[0]
    if columns[-1] + 1 - columns[0] < LINE_LENGTH * height:
        return 0.0
    ys, xs = np.nonzero(mask)
    ys, xs = ys[::SKEW_SAMPLE], xs[::SKEW_SAMPLE]

    def piles(slope: float) -> np.ndarray:
        along = ys - np.round(xs * slope).astype(np.int64)
        return np.bincount(along - along.min()).astype(np.float64)

    def uneven(slope: float) -> float:
        return float(np.square(piles(slope)).sum())

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 2 * SKEW_STEP)
    best = float(max(coarse, key=uneven))
    best = max((best - SKEW_STEP, best, best + SKEW_STEP), key=uneven)
    longest = LINE_LENGTH * height
    if abs(best) < SKEW_STEP / 2 or piles(best).max() * SKEW_SAMPLE < longest:
        return 0.0
    _, starts, ends = _runs(_sheared(found, best))
    return best if (ends - starts).max() >= longest else 0.0


def _sheared(mask: np.ndarray, slope: float) -> np.ndarray:
    """The mask with its columns shifted so lines of that slope lie level (rows added)."""
    h, w = mask.shape
    down = np.round(np.arange(w) * slope).astype(np.int64)
    rows = np.arange(h)[:, None] - down[None, :] + down.max()
    level = np.zeros((h + int(down.max() - down.min()), w), bool)
    level[rows, np.arange(w)[None, :]] = mask
    return level


def _turned(ink: np.ndarray, slope: float) -> np.ndarray:
    """The ink turned so lines of that slope lie level (bilinear), in a picture grown to hold
    all of it: a line across comes out one level band, and one down it upright."""
    angle = np.arctan(slope)
    cos, sin = np.cos(angle), np.sin(angle)
    h, w = ink.shape
    xs, ys = np.array([0, w - 1, 0, w - 1]), np.array([0, 0, h - 1, h - 1])
    across, down = xs * cos + ys * sin, ys * cos - xs * sin  # the corners, turned
    left, top = np.floor(across.min()), np.floor(down.min())
    y, x = np.mgrid[0:int(np.ceil(down.max()) - top) + 1, 0:int(np.ceil(across.max()) - left) + 1]
    x, y = x + left, y + top
    source_x, source_y = x * cos - y * sin, x * sin + y * cos  # where each pixel comes from
    fx, fy = np.floor(source_x).astype(np.int64), np.floor(source_y).astype(np.int64)
    ax, ay = source_x - fx, source_y - fy
    padded = np.pad(ink, 1)  # paper around: a pixel from outside is paper

    def at(dy: int, dx: int) -> np.ndarray:
        return padded[np.clip(fy + dy + 1, 0, h + 1), np.clip(fx + dx + 1, 0, w + 1)]

    turned = ((at(0, 0) * (1 - ax) + at(0, 1) * ax) * (1 - ay)
              + (at(1, 0) * (1 - ax) + at(1, 1) * ax) * ay)
    return turned.astype(ink.dtype)


def _remove_level(ink: np.ndarray, mask: np.ndarray, found: np.ndarray) -> np.ndarray:
    """`remove_lines` for lines that lie level and stand upright, the ink's `mask` above the
    threshold and `found` above LINE_EDGE of it; the very `ink` given when there is none."""
    rows = np.flatnonzero(mask.any(axis=1))
    height = int(rows[-1] + 1 - rows[0])
    across = found.sum(axis=1)  # a row holding a line's run holds that much ink at least
    candidates = _long_and_thin(found, LINE_LENGTH * height) \
        if across.max() >= max(LINE_LENGTH * height, MIN_LINE) else np.zeros_like(mask)
    cell = _may_hold_cell(found, across, height)
    if not (cell or candidates.any()):
        return ink
    tall = _tall(found)
    horizontal = _spanning(candidates, mask, tall) if candidates.any() else candidates
    if cell:
        horizontal |= _cell(found, mask, height, tall)
    if not horizontal.any():  # a vertical line is known by the horizontal ones it meets
        return ink
    vertical = _standing(tall | _touched(found, tall, horizontal), horizontal,
                         rest=_rest(found, horizontal | tall))
    strokes = mask & ~horizontal & ~vertical
    horizontal &= ~_crossed(horizontal, strokes)
    vertical &= ~_crossed(vertical.T, strokes.T).T
    lines = horizontal | vertical
    if not lines.any():  # every one crossed by strokes: a stroke's own run
        return ink
    faint_edge = (_grown(horizontal, 0) | _grown(vertical, 1)) & ~mask
    left = mask & ~lines
    gone = lines | faint_edge | _remnants(left, lines)
    return np.where(gone, 0.0, ink).astype(ink.dtype)


def _touched(found: np.ndarray, tall: np.ndarray, horizontal: np.ndarray) -> np.ndarray:
    """Long thin vertical runs with paper on one side only, no thicker than the horizontal
    lines, where those are a box's top and bottom: its dividers that digits touch, printed with
    the same pen (a digit's stem that touches another stroke is thicker; on grid paper, a stem
    along a column is left alone)."""
    bands = np.diff(horizontal.any(axis=1).astype(np.int8), prepend=0) == 1  # where one starts
    if np.count_nonzero(bands) != 2:  # not a box's top and bottom
        return np.zeros_like(tall)
    loose = _long_and_thin(found.T, STANDING * found.shape[0], SIDE_RATIO, either=True).T & ~tall
    _, line_tops, line_bottoms = _runs(horizontal.T)
    pen = float(np.median(line_bottoms - line_tops))
    rows, starts, ends = _runs(loose)
    thickness = np.zeros((loose.shape[0] + 1, loose.shape[1]))
    thickness[1:] = np.cumsum(_paint(loose.shape, rows, starts, ends, ends - starts), axis=0)
    columns, tops, bottoms = _runs(loose.T)
    thin = thickness[bottoms, columns] - thickness[tops, columns] <= (pen + 1) * (bottoms - tops)
    return _marked(loose.shape[::-1], columns[thin], tops[thin], bottoms[thin]).T


def _rest(found: np.ndarray, lines: np.ndarray) -> tuple[int, int] | None:
    """The first row of the ink that is not near lines, and the row past its last (None:
    there is none)."""
    beside = dilate(lines.astype(np.float32), CLEAR) > 0
    rows = np.flatnonzero((found & ~beside).any(axis=1))
    return (int(rows[0]), int(rows[-1]) + 1) if len(rows) else None


def _remnants(left: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """The pieces of ink left that lie wholly beside the lines taken out: their blurred ends
    and corners, not strokes."""
    beside = dilate(lines.astype(np.float32), REMNANT) > 0
    labels, count = label_components(left)
    outside = np.bincount(labels[~beside], minlength=count + 1)
    remnant = outside == 0
    remnant[0] = False
    return remnant[labels]
