"""Turn strokes or image pixels into the model's 28x28 input, the way MNIST itself was made.

Pure NumPy, no I/O and no Tk, so the canvas, image files, batch classification and training on
extra images all share one definition of "what the model sees":
ink map (float, ink = 1) → crop to the ink → longer side scaled to 20 px, anti-aliased →
placed in 28x28 with the centre of mass at the centre.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

INPUT_SIZE = 28
BOX = 20                    # MNIST digits fit a 20x20 box inside the 28x28 frame
CENTRE = 14.0               # MNIST's mean centre of mass, in pixel-index coordinates
STROKE_RATIO = 0.1          # MNIST's stroke width is about a tenth of the digit's box
WORK_SIZE = 512             # images are reduced to at most this before any other work
NOISE_FLOOR = 0.25          # ink weaker than this fraction of the strongest is paper or noise
MIN_CONTRAST = 0.08         # below this the image is treated as blank
FAINT = 0.05                # ink below this does not count when cropping

Point = tuple[float, float]
Stroke = Sequence[Point]


# ---------------------------------------------------------------- resampling

def _resample_matrix(n_in: int, n_out: int, scale: float) -> np.ndarray:
    """Matrix W (n_out, n_in) with out = W @ in: box filter when shrinking, linear when growing."""
    out_centres = (np.arange(n_out) + 0.5) / scale - 0.5
    if scale >= 1:
        weights = np.maximum(0.0, 1.0 - np.abs(out_centres[:, None] - np.arange(n_in)[None, :]))
    else:  # overlap of each output pixel's footprint with each input pixel, in input units
        lo = np.arange(n_out)[:, None] / scale
        hi = lo + 1.0 / scale
        left = np.arange(n_in)[None, :]
        weights = np.clip(np.minimum(hi, left + 1) - np.maximum(lo, left), 0.0, None)
    total = weights.sum(axis=1, keepdims=True)
    return (weights / np.where(total > 0, total, 1.0)).astype(np.float32)


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Anti-aliased resize of a 2-D float array to (height, width)."""
    rows = _resample_matrix(image.shape[0], height, height / image.shape[0])
    cols = _resample_matrix(image.shape[1], width, width / image.shape[1])
    return rows @ image.astype(np.float32) @ cols.T


def reduce_to(image: np.ndarray, max_side: int) -> np.ndarray:
    """Shrink by an integer block mean until the longer side is at most max_side (cheap, exact)."""
    factor = -(-max(image.shape[:2]) // max_side)
    if factor <= 1:
        return image
    h, w = (image.shape[0] // factor) * factor, (image.shape[1] // factor) * factor
    if h == 0 or w == 0:  # a sliver thinner than the factor: resample it instead
        return resize(image, max(1, image.shape[0] // factor), max(1, image.shape[1] // factor))
    blocks = image[:h, :w].reshape(h // factor, factor, w // factor, factor, *image.shape[2:])
    return blocks.mean(axis=(1, 3), dtype=np.float32)


# ---------------------------------------------------------------- ink from pixels

def to_float(image: np.ndarray) -> np.ndarray:
    """Any integer, bool or float pixel array as float32 in [0, 1]."""
    image = np.asarray(image)
    if image.dtype == bool:
        return image.astype(np.float32)
    if np.issubdtype(image.dtype, np.integer):
        return image.astype(np.float32) / np.float32(np.iinfo(image.dtype).max)
    return np.clip(np.nan_to_num(image.astype(np.float32)), 0.0, 1.0)


def to_gray(image: np.ndarray) -> np.ndarray:
    """(H, W), (H, W, 1|2|3|4) float → (H, W) grey, transparency composited on white paper."""
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
    return grey * alpha[..., 0] + (1.0 - alpha[..., 0])


def _background(grey: np.ndarray, light_paper: bool) -> np.ndarray:
    """Smooth estimate of the paper's brightness, so shadows and tints are not taken for ink."""
    grid = 8
    h, w = grey.shape
    if min(h, w) < 2 * grid:
        level = np.percentile(grey, 90 if light_paper else 10)
        return np.full_like(grey, level)
    ys = np.linspace(0, h, grid + 1).astype(int)
    xs = np.linspace(0, w, grid + 1).astype(int)
    pct = 90 if light_paper else 10
    cells = np.array([[np.percentile(grey[ys[i]:ys[i + 1], xs[j]:xs[j + 1]], pct)
                       for j in range(grid)] for i in range(grid)], np.float32)
    # A cell filled by a thick stroke would look like dark paper: take the paper-most neighbour.
    padded = np.pad(cells, 1, mode="edge")
    views = [padded[dy:dy + grid, dx:dx + grid] for dy in range(3) for dx in range(3)]
    cells = np.max(views, axis=0) if light_paper else np.min(views, axis=0)
    return resize(cells, h, w)


def find_ink(image: np.ndarray) -> np.ndarray:
    """Ink map in [0, 1] (ink = 1) from any picture of a digit: either polarity, any paper."""
    grey = to_gray(reduce_to(to_float(image), WORK_SIZE))
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    light_paper = np.median(border) >= 0.5
    background = _background(grey, light_paper)
    ink = background - grey if light_paper else grey - background
    strongest = float(ink.max(initial=0.0))
    if strongest < MIN_CONTRAST:
        return np.zeros_like(grey)
    floor = NOISE_FLOOR * strongest
    return np.clip((ink - floor) / (strongest - floor), 0.0, 1.0)


# ---------------------------------------------------------------- strokes

def render_strokes(strokes: Sequence[Stroke], height: int, width: int, thickness: float,
                   scale: float = 1.0) -> np.ndarray:
    """Anti-aliased round-capped strokes on a (height*scale, width*scale) ink map."""
    out_h, out_w = max(1, round(height * scale)), max(1, round(width * scale))
    ink = np.zeros((out_h, out_w), np.float32)
    radius = max(thickness * scale / 2.0, 0.5)
    for stroke in strokes:
        points = np.asarray(stroke, np.float32).reshape(-1, 2) * scale
        if len(points) == 0:
            continue
        starts = points if len(points) == 1 else points[:-1]
        ends = points if len(points) == 1 else points[1:]
        for start, end in zip(starts, ends, strict=True):
            _draw_segment(ink, start, end, radius)
    return ink


def _draw_segment(ink: np.ndarray, start: np.ndarray, end: np.ndarray, radius: float) -> None:
    """Coverage of a capsule (segment widened by radius), anti-aliased, max-blended."""
    lo = np.floor(np.minimum(start, end) - radius - 1).astype(int)
    hi = np.ceil(np.maximum(start, end) + radius + 1).astype(int)
    x0, y0 = max(lo[0], 0), max(lo[1], 0)
    x1, y1 = min(hi[0], ink.shape[1]), min(hi[1], ink.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    px = np.arange(x0, x1, dtype=np.float32)[None, :] + 0.5
    py = np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5
    d = end - start
    length2 = float(d @ d)
    t = 0.0 if length2 == 0 else np.clip(((px - start[0]) * d[0] + (py - start[1]) * d[1])
                                         / length2, 0.0, 1.0)
    dist = np.hypot(px - (start[0] + t * d[0]), py - (start[1] + t * d[1]))
    coverage = np.clip(radius + 0.5 - dist, 0.0, 1.0)
    np.maximum(ink[y0:y1, x0:x1], coverage, out=ink[y0:y1, x0:x1])


def strokes_extent(strokes: Sequence[Stroke]) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of all stroke points, or None when there are none."""
    points = [p for stroke in strokes for p in stroke]
    if not points:
        return None
    xy = np.asarray(points, np.float32)
    (left, top), (right, bottom) = xy.min(axis=0), xy.max(axis=0)
    return float(left), float(top), float(right), float(bottom)


def rasterize(strokes: Sequence[Stroke], thickness: float, resolution: int = 112) -> np.ndarray:
    """The ink of strokes, cropped to them and rendered with the longer side near resolution."""
    extent = strokes_extent(strokes)
    if extent is None:
        return np.zeros((1, 1), np.float32)
    left, top, right, bottom = extent
    pad = thickness / 2 + 1
    side = max(right - left, bottom - top) + 2 * pad
    scale = min(1.0, resolution / side)
    shifted = [[(x - left + pad, y - top + pad) for x, y in stroke] for stroke in strokes]
    return render_strokes(shifted, int(bottom - top + 2 * pad) + 1,
                          int(right - left + 2 * pad) + 1, thickness, scale)


# ---------------------------------------------------------------- MNIST framing

def ink_box(ink: np.ndarray, threshold: float = 0.0) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right), exclusive ends, of pixels above threshold; None when blank."""
    rows = np.flatnonzero((ink > threshold).any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero((ink > threshold).any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def stroke_width(ink: np.ndarray) -> float:
    """Mean stroke width in pixels: twice the inked area over its outline length."""
    solid = ink > 0.5
    outline = (np.count_nonzero(solid[1:] != solid[:-1])
               + np.count_nonzero(solid[:, 1:] != solid[:, :-1]))
    return 2.0 * np.count_nonzero(solid) / outline if outline else 0.0


def dilate(ink: np.ndarray, radius: int) -> np.ndarray:
    """Grey dilation with a (2r+1) square, separable: thickens strokes by r pixels each side."""
    out = ink
    for axis in (0, 1):
        padded = np.pad(out, [(radius, radius) if a == axis else (0, 0) for a in (0, 1)])
        n = out.shape[axis]
        out = np.max([np.take(padded, range(k, k + n), axis=axis) for k in range(2 * radius + 1)],
                     axis=0)
    return out


def normalize_stroke_width(ink: np.ndarray) -> np.ndarray:
    """Thicken strokes that are much thinner than MNIST's, relative to the digit's size."""
    box = ink_box(ink)
    if box is None:
        return ink
    size = max(box[1] - box[0], box[3] - box[2])
    missing = STROKE_RATIO * size - stroke_width(ink)
    radius = int(missing / 2)
    if radius < 1:
        return ink
    return dilate(np.pad(ink, radius), radius)


def normalize(ink: np.ndarray) -> np.ndarray:
    """Ink map of one digit → the 28x28 float32 model input (zeros when there is no ink)."""
    frame = np.zeros((INPUT_SIZE, INPUT_SIZE), np.float32)
    box = ink_box(ink, FAINT)
    if box is None:
        return frame
    top, bottom, left, right = box
    digit = normalize_stroke_width(ink[top:bottom, left:right])
    box = ink_box(digit, FAINT)
    digit = digit[box[0]:box[1], box[2]:box[3]]
    h, w = digit.shape
    scale = BOX / max(h, w)
    small = resize(digit, max(1, round(h * scale)), max(1, round(w * scale)))
    peak = small.max()
    if peak <= 0:
        return frame
    small = np.clip(small / peak, 0.0, 1.0)  # a faint or thin digit still reaches full ink
    sh, sw = small.shape
    ys, xs = np.mgrid[0:sh, 0:sw]
    mass = small.sum()
    cy, cx = (ys * small).sum() / mass, (xs * small).sum() / mass
    top = int(np.clip(round(CENTRE - cy), 0, INPUT_SIZE - sh))
    left = int(np.clip(round(CENTRE - cx), 0, INPUT_SIZE - sw))
    frame[top:top + sh, left:left + sw] = small
    return frame


def image_to_input(image: np.ndarray) -> np.ndarray:
    """A picture of one digit (any size, polarity, channels) → 28x28 model input."""
    from desktop.segment import keep_significant

    return normalize(keep_significant(find_ink(image)))


def strokes_to_input(strokes: Sequence[Stroke], thickness: float) -> np.ndarray:
    """Canvas strokes of one digit → 28x28 model input."""
    return normalize(rasterize(strokes, thickness))
