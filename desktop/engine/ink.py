"""Pixels → ink map (float, ink = 1): either polarity, any paper, tint, shadow and a printed
pattern removed."""

from __future__ import annotations

import numpy as np

from desktop.engine.blocks import soften_blocks
from desktop.engine.frame import dilate
from desktop.engine.resample import reduce_to, resize

WORK_SIZE = 512             # images are reduced to at most this before any other work
FAINTEST = 0.1              # ink counts down to this fraction of the strongest, where it
NOISE_SIGMAS = 3.0          # stands this many standard deviations of the paper's noise out;
NOISE_FLOOR = 0.25          # and ink at this fraction counts however noisy the picture
GRID = 8                    # the paper's level, and a printed pattern, judged per cell of this grid
PRINTED = 1.5               # a printed pattern: pixels away from the strokes this many times
PRINTED_SHARE = 0.1         # above the floor, at least this share of each of
PRINTED_CELLS = 0.75        # this share of the cells; then the floor rises to the pattern's
PRINTED_CAP = 0.5           # level, at most this x the strongest ink
CORE = 0.5                  # a stroke's core: ink at least this x the strongest;
NEAR = 3                    # its edge: this many pixels around the core
MIN_CONTRAST = 0.08         # below this the image is treated as blank
SPREAD_LEVEL = 0.25         # ink this strong over more than SPREAD of a picture, where the
SPREAD = 0.45               # strongest stands less than SPREAD_CONTRAST out of the paper, is
SPREAD_CONTRAST = 0.25      # the paper's uneven light (`spread_over_paper`; an empty page's at
                            # most 0.17): digits cover at most 0.35 of a tight crop (MNIST,
                            # load_digits, fonts, photos), a thick pen's more, but darkly
PATTERN_CELLS = 0.8         # a printed pattern alone: ink in this share of the grid's cells;
PATTERN_PERIOD = 14         # of its frequencies of periods under this many pixels,
PATTERN_PEAKS = 0.02        # the strongest this share hold
PATTERN_POWER = 0.3         # at least this share of its power;
PATTERN_LONG = 0.1          # longer periods at most this share (digits side by side hold more);
PATTERN_REST = 0.5          # and without those strongest, no ink is left above this


def to_float(image: np.ndarray) -> np.ndarray:
    """Any integer, bool or float pixel array as float32 in [0, 1]."""
    image = np.asarray(image)
    if image.dtype == bool:
        return image.astype(np.float32)
    if np.issubdtype(image.dtype, np.integer):
        return image.astype(np.float32) / np.float32(np.iinfo(image.dtype).max)
    return np.clip(np.nan_to_num(image), 0.0, 1.0).astype(np.float32)  # clip, then narrow


def to_gray(image: np.ndarray) -> np.ndarray:
    """(H, W), (H, W, 1|2|3|4) float → (H, W) grey; transparency composited on paper that
    contrasts with the visible pixels (white paper for dark ink, black for a white digit)."""
    if image.ndim == 2:
        return image
    if image.ndim != 3 or image.shape[2] not in (1, 2, 3, 4):
        raise ValueError(f"unsupported image shape {image.shape}")
    channels = image.shape[2]
    colour, alpha = (image[..., :-1], image[..., -1:]) if channels in (2, 4) else (image, None)
    grey = colour @ np.array([0.299, 0.587, 0.114], np.float32) if colour.shape[2] == 3 \
        else colour[..., 0]
    if alpha is None:
        return grey
    alpha = alpha[..., 0]
    covered = float(alpha.sum())
    ink_level = float((grey * alpha).sum()) / covered if covered > 0 else 0.0
    paper = 0.0 if ink_level > 0.5 else 1.0
    return grey * alpha + paper * (1.0 - alpha)


def paper_is_light(border: np.ndarray, full: float = 1.0) -> np.ndarray:
    """Whether the paper is light, from the pixels along a picture's edge (the last axis; one
    row per picture): at least half of them in the upper half of the range (0..full). A
    majority, not a mean, so strokes running off the edge do not turn the paper dark. The one
    rule for pictures (`find_ink`, also within the picture's own range: `extremes`) and for
    images framed like MNIST (`framed_inputs`)."""
    return np.count_nonzero(border >= full / 2, axis=-1) * 2 >= border.shape[-1]


def extremes(grey: np.ndarray) -> tuple[float, float]:
    """The darkest and brightest levels of a picture that more than one pixel shows (those of
    its 2x2 cells' brightest and darkest pixels): a hot or dead pixel alone sets no range.
    Paper darker than mid-grey is still light paper where it is light within the picture's
    own range: a photo of white paper taken in dim light, far lighter than its ink. (Within
    its range alone, paper printed all over with a dark pattern looked dark.)"""
    h, w = grey.shape[0] - grey.shape[0] % 2, grey.shape[1] - grey.shape[1] % 2
    if not (h and w):
        return float(grey.min()), float(grey.max())
    corners = (grey[0:h:2, 0:w:2], grey[1:h:2, 0:w:2], grey[0:h:2, 1:w:2], grey[1:h:2, 1:w:2])
    brightest = np.maximum(np.maximum(corners[0], corners[1]), np.maximum(corners[2], corners[3]))
    darkest = np.minimum(np.minimum(corners[0], corners[1]), np.minimum(corners[2], corners[3]))
    return float(brightest.min()), float(darkest.max())


def _light_in_its_range(grey: np.ndarray, border: np.ndarray) -> bool:
    """Whether paper darker than mid-grey is light within the picture's own range
    (`extremes`); asked only of such pictures, so paper lighter than mid-grey costs nothing."""
    low, high = extremes(grey)
    return bool(paper_is_light(border - low, max(high - low, 1e-6)))


def _background(grey: np.ndarray, light_paper: bool) -> np.ndarray:
    """Smooth estimate of the paper's brightness, so shadows and tints are not taken for ink:
    the 90th (10th) percentile of each cell of an 8x8 grid, all cells in one NumPy call."""
    grid, share = GRID, 0.9 if light_paper else 0.1
    h, w = grey.shape
    if min(h, w) < 2 * grid:
        return np.full_like(grey, np.percentile(grey, share * 100))
    ch, cw = h // grid, w // grid  # the last few rows and columns only share their cells' level
    cells = grey[:ch * grid, :cw * grid].reshape(grid, ch, grid, cw).transpose(0, 2, 1, 3)
    k = round((ch * cw - 1) * share)
    levels = np.partition(cells.reshape(grid, grid, ch * cw), k, axis=-1)[..., k]
    # A cell filled by a thick stroke would look like dark paper: take the paper-most neighbour.
    views = _neighbours(levels)
    levels = np.max(views, axis=0) if light_paper else np.min(views, axis=0)
    return resize(levels, h, w)


def _neighbours(image: np.ndarray) -> list[np.ndarray]:
    """The image shifted so that each pixel meets itself and its eight neighbours, one array
    each (edges repeated): reduced across them, a 3x3 filter."""
    padded = np.pad(image, 1, mode="edge")
    h, w = image.shape
    return [padded[dy:dy + h, dx:dx + w] for dy in range(3) for dx in range(3)]


def noise_level(ink: np.ndarray) -> float:
    """The standard deviation of the paper's noise: from the differences of neighbouring
    pixels (the median absolute one, as for a normal distribution), which the few edges of
    strokes barely move, unlike the pixels' own spread, which large or blurred digits widen.
    Some 32 rows are enough."""
    steps = np.abs(np.diff(ink[::max(1, len(ink) // 32)], axis=1)).ravel()
    if not steps.size:
        return 0.0
    middle = steps.size // 2  # the median, by partition: np.median costs more on so few
    return 1.4826 / np.sqrt(2) * float(np.partition(steps, middle)[middle])


def printed_level(ink: np.ndarray, strongest: float, floor: float) -> float:
    """The level of a pattern printed behind the writing (a cheque's guilloche, hatching, a
    dot screen), 0 where there is none: the 99th percentile of the ink away from strokes, when
    in most cells (PRINTED_CELLS) PRINTED_SHARE of those pixels at least stand PRINTED times
    above the noise floor: a pattern all over, not a form's lines (a few cells) nor the pale
    side of a stroke."""
    if min(ink.shape) < 2 * GRID:
        return 0.0
    away = ~dilate(ink > CORE * strongest, NEAR)
    room = _cell_counts(away)
    share = _cell_counts(away & (ink > PRINTED * floor))
    open_cells = room * 2 > (ink.shape[0] // GRID) * (ink.shape[1] // GRID)  # mostly paper
    textured = open_cells & (share >= PRINTED_SHARE * room)
    if not textured.any() or textured.sum() < PRINTED_CELLS * open_cells.sum():
        return 0.0
    values = ink[away]
    k = int(0.99 * (values.size - 1))
    return min(float(np.partition(values, k)[k]), PRINTED_CAP * strongest)


def only_a_pattern(ink: np.ndarray, threshold: float) -> bool:
    """Whether the ink (above `threshold`, form lines already removed) is a pattern printed all
    over and nothing else: an empty field of a cheque, whose dot screen, hatching or guilloche
    is then the strongest ink and no level parts it from writing. Such ink fills most cells of
    the grid, its power gathers in a few frequencies of short period (a regular pattern's
    harmonics) and little of it lies at longer ones, and without those few no stroke is left:
    a digit written on such paper, however small beside the pattern, stands out of the rest."""
    if min(ink.shape) < GRID or (_cell_counts(ink > threshold) > 0).mean() < PATTERN_CELLS:
        return False
    spectrum = np.fft.rfft2(ink - ink.mean())
    power = np.abs(spectrum) ** 2
    rows, columns = np.fft.fftfreq(ink.shape[0])[:, None], np.fft.rfftfreq(ink.shape[1])[None, :]
    short = np.hypot(rows, columns) > 1 / PATTERN_PERIOD
    values = power[short]
    top = max(8, int(PATTERN_PEAKS * values.size))
    if values.size <= top:
        return False
    least = np.partition(values, values.size - top)[values.size - top]
    peaks = short & (power >= least)
    total = float(power.sum())
    if float(power[peaks].sum()) < PATTERN_POWER * total \
            or float(power[~short].sum()) - float(power[0, 0]) > PATTERN_LONG * total:
        return False
    spectrum[peaks] = 0
    # What is left, each pixel averaged with its neighbours: one noisy pixel is no stroke.
    rest = np.mean(_neighbours(np.fft.irfft2(spectrum, s=ink.shape)), axis=0)
    return float(rest.max()) < PATTERN_REST


def _cell_counts(mask: np.ndarray) -> np.ndarray:
    """How many pixels of each cell of a GRID x GRID grid `mask` holds (the last few rows and
    columns left out)."""
    h, w = mask.shape
    ch, cw = h // GRID, w // GRID
    return mask[:ch * GRID, :cw * GRID].reshape(GRID, ch, GRID, cw).sum(axis=(1, 3),
                                                                         dtype=np.int32)


def find_ink(image: np.ndarray, work_size: int = WORK_SIZE) -> np.ndarray:
    """Ink map in [0, 1] (ink = 1) from any picture of a digit: either polarity, any paper;
    found on a copy reduced to at most work_size (a bitmap enlarged pixel for pixel softened:
    `blocks`)."""
    grey = soften_blocks(to_gray(reduce_to(to_float(image), work_size)))
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    light_paper = bool(paper_is_light(border)) or _light_in_its_range(grey, border)
    background = _background(grey, light_paper)
    ink = background - grey if light_paper else grey - background
    strongest = float(ink.max(initial=0.0))
    if strongest < MIN_CONTRAST:
        return np.zeros_like(grey)
    # Faint strokes (a pen running dry, a pale pencil line of a dark digit) are ink wherever
    # they stand out of the noise: a fixed quarter of the strongest cut them off (a scanned 0
    # whose thin side is pale read as 6).
    floor = strongest * min(max(NOISE_SIGMAS * noise_level(ink) / strongest, FAINTEST),
                            NOISE_FLOOR)
    # A pattern printed behind the writing stands out of the noise too: below its level.
    floor = max(floor, printed_level(ink, strongest, floor))
    found = np.clip((ink - floor) / (strongest - floor), 0.0, 1.0)
    if strongest < SPREAD_CONTRAST and spread_over_paper(found):
        return np.zeros_like(grey)
    return found


def spread_over_paper(ink: np.ndarray) -> bool:
    """Whether the ink found lies over so much of the picture (SPREAD) that, faint as it is
    (SPREAD_CONTRAST), it is the paper's uneven light, not writing: an empty page photographed
    under a lamp read as a 0 or an 8. (A thick digit cropped tight covers as much, darkly.)"""
    return bool(np.count_nonzero(ink > SPREAD_LEVEL) > SPREAD * ink.size)
