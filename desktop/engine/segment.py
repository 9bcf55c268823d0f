"""Find the digits in an ink map: connected components, merged per digit, in reading order.

Several digits written side by side ("2026") are read as a number. A digit drawn in more than
one piece (the bar and body of a 5, the two strokes of a 4) is one column of ink, so components
whose horizontal extents mostly overlap, or that lie one above the other, are merged. Tiny specks
(paper dirt, JPEG noise) go.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INK_THRESHOLD = 0.2
SPECK_FRACTION = 0.02       # a component with < 2 % of the largest one's ink is noise
MERGE_OVERLAP = 0.5         # merge when x-ranges overlap by half of the narrower one
FLAT = 0.4                  # a piece under 40 % of another's height is a bar, not a digit


@dataclass(frozen=True)
class Region:
    """A digit's place in the ink map: rows top:bottom, columns left:right (exclusive ends)."""
    top: int
    bottom: int
    left: int
    right: int
    mass: float

    def merged(self, other: Region) -> Region:
        return Region(min(self.top, other.top), max(self.bottom, other.bottom),
                      min(self.left, other.left), max(self.right, other.right),
                      self.mass + other.mass)

    def holds(self, other: Region) -> bool:
        """Whether `other` lies within this box (a piece of the group this box is)."""
        return (self.left <= other.left and other.right <= self.right
                and self.top <= other.top and other.bottom <= self.bottom)

    def overlaps(self, other: Region) -> bool:
        """Pieces of one digit: mostly the same columns; or some columns shared by pieces one
        above the other, or by a flat piece and a tall one (the bar of a 5 and its body).
        Digits side by side share rows instead, and are about as tall as each other."""
        shared = min(self.right, other.right) - max(self.left, other.left)
        narrower = min(self.right - self.left, other.right - other.left)
        stacked = min(self.bottom, other.bottom) <= max(self.top, other.top)
        heights = sorted((self.bottom - self.top, other.bottom - other.top))
        flat = heights[0] < FLAT * heights[1]
        return shared >= MERGE_OVERLAP * narrower or ((stacked or flat) and shared > 0)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def label_components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected component labels (0 = background, 1..n) by row runs and union-find.

    All runs are found in one NumPy pass; only the runs (not the pixels) are visited in Python,
    each row's against the row above in one sweep.
    """
    mask = np.asarray(mask, bool)
    height, width = mask.shape
    edges = np.diff(np.pad(mask.view(np.int8), ((0, 0), (1, 1))), axis=1)
    rows, starts = np.nonzero(edges == 1)
    ends = np.nonzero(edges == -1)[1]  # exclusive; paired with starts in row-major order
    parent = list(range(len(starts)))
    first = np.searchsorted(rows, np.arange(height + 1)).tolist()
    starts_l, ends_l = starts.tolist(), ends.tolist()
    for y in range(1, height):
        i, i_end, j, j_end = first[y - 1], first[y], first[y], first[y + 1]
        while i < i_end and j < j_end:
            if starts_l[i] <= ends_l[j] and starts_l[j] <= ends_l[i]:  # touching, diagonals too
                a, b = _find(parent, i), _find(parent, j)
                parent[max(a, b)] = min(a, b)
            if ends_l[i] < ends_l[j]:
                i += 1
            else:
                j += 1
    roots = np.array([_find(parent, i) for i in range(len(parent))], np.int64)
    unique, compact = np.unique(roots, return_inverse=True)
    lengths = ends - starts
    run_of_pixel = np.repeat(np.arange(len(starts)), lengths)
    offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    labels = np.zeros(height * width, np.int32)
    labels[np.repeat(rows * width + starts, lengths) + offset] = compact[run_of_pixel] + 1
    return labels.reshape(height, width), len(unique)


def encloses_paper(ink: np.ndarray, least: int = 2) -> bool:
    """Whether the ink (its pixels above half its darkest) closes round some paper: at least
    `least` pixels the paper around it cannot reach (a small 0's hole; a blurred dot has
    none)."""
    inked = ink > 0.5 * ink.max(initial=0.0)
    labels, count = label_components(~np.pad(inked, 1))
    if count < 2:
        return False
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    sizes[0] = sizes[labels[0, 0]] = 0   # ink, and the paper all around
    return bool(sizes.max() >= least)


def components(ink: np.ndarray) -> tuple[np.ndarray, list[Region]]:
    """Label map and one Region per connected component of the ink (boxes found in one pass
    over the inked pixels, sorted by label, not one pass over the map per component)."""
    labels, count = label_components(ink > INK_THRESHOLD)
    if count == 0:
        return labels, []
    ys, xs = np.nonzero(labels)
    owner = labels[ys, xs]
    order = np.argsort(owner, kind="stable")
    ys, xs, owner = ys[order], xs[order], owner[order]
    starts = np.flatnonzero(np.diff(owner, prepend=0))
    masses = np.add.reduceat(ink[ys, xs].astype(np.float64), starts)
    tops, bottoms = np.minimum.reduceat(ys, starts), np.maximum.reduceat(ys, starts) + 1
    lefts, rights = np.minimum.reduceat(xs, starts), np.maximum.reduceat(xs, starts) + 1
    return labels, [Region(int(t), int(b), int(lf), int(r), float(m)) for t, b, lf, r, m
                    in zip(tops, bottoms, lefts, rights, masses, strict=True)]


Parts = tuple[np.ndarray, list[Region]]  # an ink map's component labels and regions


def keep_significant(ink: np.ndarray) -> np.ndarray:
    """The ink without specks: components much smaller than the largest are erased."""
    return significant(ink)[0]


def significant(ink: np.ndarray) -> tuple[np.ndarray, Parts]:
    """The ink without specks, and its components (what `components` finds in it: the ones
    kept, in their order, so that it need not label the map again)."""
    labels, regions = components(ink)
    if not regions:
        return ink, (labels, regions)
    largest = max(r.mass for r in regions)
    keep = np.array([False] + [r.mass >= SPECK_FRACTION * largest for r in regions])
    kept = keep[labels]
    speck = (labels > 0) & ~kept
    if not speck.any():
        return ink, (labels, regions)
    renumbered = (np.cumsum(keep) * keep).astype(np.int32)[labels]
    return (np.where(_grow(speck) & ~kept, 0.0, ink),  # with the faint halo around each speck
            (renumbered, [r for r, k in zip(regions, keep[1:], strict=True) if k]))


def _grow(mask: np.ndarray) -> np.ndarray:
    """The mask and its 4-neighbours."""
    grown = mask.copy()
    grown[1:] |= mask[:-1]
    grown[:-1] |= mask[1:]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    return grown


def group_digits(regions: list[Region]) -> list[Region]:
    """Merge pieces of one digit and return the digits left to right. The first overlapping
    pair in left-to-right order is merged, then the next: pieces sorted by their left edge stay
    so as they merge, and a piece shares no column with those starting right of its right
    edge, so only a grown piece is compared again (the pieces of a picture full of specks or
    a printed pattern, thousands, took 15 s a picture when every merge began anew)."""
    largest = max((r.mass for r in regions), default=0.0)
    groups = sorted((r for r in regions if r.mass >= SPECK_FRACTION * largest),
                    key=lambda r: r.left)
    i = 0
    while i < len(groups):
        j = next((j for j in range(i + 1, len(groups)) if groups[j].left >= groups[i].right
                  or groups[i].overlaps(groups[j])), len(groups))
        if j == len(groups) or groups[j].left >= groups[i].right:
            i += 1
            continue
        groups[i] = groups[i].merged(groups.pop(j))
        i = _settled(groups, i)
    return sorted(groups, key=lambda r: (r.left + r.right) / 2)


def _settled(groups: list[Region], k: int) -> int:
    """After group k grew: merged into the first earlier group it now overlaps, and that one
    into the first before it, as long as any does; the index of the group that grew last."""
    while True:
        a = next((a for a in range(k) if groups[a].overlaps(groups[k])), None)
        if a is None:
            return k
        groups[a] = groups[a].merged(groups.pop(k))
        k = a


def split_digits(ink: np.ndarray) -> list[np.ndarray]:
    """The ink of each digit, left to right, each cropped to its region."""
    labels, regions = components(ink)
    digits = []
    for region in group_digits(regions):
        crop = ink[region.top:region.bottom, region.left:region.right]
        inside = labels[region.top:region.bottom, region.left:region.right]
        owned = np.zeros(len(regions) + 1, bool)
        for label, r in enumerate(regions, start=1):
            owned[label] = (region.left <= r.left and r.right <= region.right
                            and region.top <= r.top and r.bottom <= region.bottom)
        digits.append(np.where(owned[inside] | (inside == 0), crop, 0.0))
    return digits
