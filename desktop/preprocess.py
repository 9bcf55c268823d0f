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
MIN_STROKE_RATIO = 0.09     # strokes are drawn at least this thick, relative to the writing,
MAX_STROKE_RATIO = 0.13     # and at most this: a broader pen blots loops shut
MAX_WIDTH_RATIO = 0.15      # strokes broader than 95 % of MNIST's are thinned in images,
THINNED_RATIO = 0.11        # to this (MNIST's median is 0.09 of the digit's size)
WORK_SIZE = 512             # images are reduced to at most this before any other work
NOISE_FLOOR = 0.25          # ink weaker than this fraction of the strongest is paper or noise
MIN_CONTRAST = 0.08         # below this the image is treated as blank
FAINT = 0.05                # ink below this does not count when cropping
SIMPLIFY = 0.25             # stroke points this close to a straight line, in output pixels, go

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
    starts, ends = _pieces(strokes, scale, step=max(1.0, radius))
    if len(starts):
        _draw_capsules(ink, starts, ends, radius)
    return ink


def _simplify(points: np.ndarray, tolerance: float = SIMPLIFY) -> np.ndarray:
    """Ramer-Douglas-Peucker: the points that bend the line by more than tolerance. A pen's
    motion events come far closer than a stroke needs, and each segment costs drawing work."""
    if len(points) <= 2:
        return points
    start, end = points[0], points[-1]
    chord = end - start
    offsets = points[1:-1] - start
    length = float(np.hypot(chord[0], chord[1]))
    if length == 0:
        dist = np.hypot(offsets[:, 0], offsets[:, 1])
    else:
        dist = np.abs(chord[0] * offsets[:, 1] - chord[1] * offsets[:, 0]) / length
    worst = int(dist.argmax()) + 1
    if dist[worst - 1] <= tolerance:
        return points[[0, -1]]
    return np.concatenate([_simplify(points[:worst + 1], tolerance)[:-1],
                           _simplify(points[worst:], tolerance)])


def _pieces(strokes: Sequence[Stroke], scale: float, step: float) -> tuple[np.ndarray, ...]:
    """Start and end points (n, 2) of the strokes' segments, long ones cut to at most 2*step,
    so that every piece fits a small square and all are drawn in one batch."""
    starts, ends = [], []
    for stroke in strokes:
        points = _simplify(np.asarray(stroke, np.float32).reshape(-1, 2) * scale)
        if len(points) == 0:
            continue
        if len(points) == 1:  # a dot
            points = np.repeat(points, 2, axis=0)
        a, d = points[:-1], np.diff(points, axis=0)
        parts = np.maximum(1, np.ceil(np.hypot(d[:, 0], d[:, 1]) / (2 * step))).astype(int)
        segment = np.repeat(np.arange(len(a)), parts)
        k = np.arange(parts.sum()) - np.repeat(np.cumsum(parts) - parts, parts)
        starts.append(a[segment] + d[segment] * (k / parts[segment])[:, None])
        ends.append(a[segment] + d[segment] * ((k + 1) / parts[segment])[:, None])
    if not starts:
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32)
    return np.concatenate(starts), np.concatenate(ends)


def _draw_capsules(ink: np.ndarray, starts: np.ndarray, ends: np.ndarray, radius: float) -> None:
    """Coverage of capsules (segments widened by radius), anti-aliased, max-blended: each
    computed on its own small square of pixels, all squares at once."""
    side = int(np.ceil(np.abs(ends - starts).max() + 2 * radius + 3))
    corner = np.floor(np.minimum(starts, ends) - radius - 1).astype(np.int64)  # (n, 2) x, y
    offsets = np.arange(side)
    xs = corner[:, 0, None, None] + offsets[None, None, :]          # (n, 1, side)
    ys = corner[:, 1, None, None] + offsets[None, :, None]          # (n, side, 1)
    sx, sy = starts[:, 0, None, None], starts[:, 1, None, None]
    d = ends - starts
    dx, dy = d[:, 0, None, None], d[:, 1, None, None]
    length2 = dx * dx + dy * dy
    t = np.clip(((xs + 0.5 - sx) * dx + (ys + 0.5 - sy) * dy)
                / np.where(length2 > 0, length2, 1.0), 0.0, 1.0)
    dist = np.hypot(xs + 0.5 - (sx + t * dx), ys + 0.5 - (sy + t * dy))
    coverage = np.clip(radius + 0.5 - dist, 0.0, 1.0).astype(np.float32)
    xs, ys = np.broadcast_to(xs, coverage.shape), np.broadcast_to(ys, coverage.shape)
    inside = (coverage > 0) & (xs >= 0) & (xs < ink.shape[1]) & (ys >= 0) & (ys < ink.shape[0])
    np.maximum.at(ink, (ys[inside], xs[inside]), coverage[inside])


def strokes_extent(strokes: Sequence[Stroke]) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of all stroke points, or None when there are none."""
    points = [p for stroke in strokes for p in stroke]
    if not points:
        return None
    xy = np.asarray(points, np.float32)
    (left, top), (right, bottom) = xy.min(axis=0), xy.max(axis=0)
    return float(left), float(top), float(right), float(bottom)


def model_thickness(strokes: Sequence[Stroke], thickness: float) -> float:
    """The pen thickness to rasterize with: the user's, kept within MNIST's proportions of the
    writing's height, so a hairline or a broad pen on small digits reads the same."""
    extent = strokes_extent(strokes)
    if extent is None:
        return thickness
    height = extent[3] - extent[1]
    return max(1.0, min(max(thickness, MIN_STROKE_RATIO * height), MAX_STROKE_RATIO * height))


def rasterize(strokes: Sequence[Stroke], thickness: float, resolution: int = 112) -> np.ndarray:
    """The ink of strokes, cropped to them and rendered with the longer side near resolution."""
    extent = strokes_extent(strokes)
    if extent is None:
        return np.zeros((1, 1), np.float32)
    left, top, right, bottom = extent
    pad = thickness / 2 + 1
    side = max(right - left, bottom - top) + 2 * pad
    scale = resolution / side
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


def _spread(ink: np.ndarray, radius: int, reduce) -> np.ndarray:
    """Separable (2r+1)-square max or min filter; outside the array counts as background."""
    out = ink
    for axis in (0, 1):
        padded = np.pad(out, [(radius, radius) if a == axis else (0, 0) for a in (0, 1)])
        n = out.shape[axis]
        out = reduce([np.take(padded, range(k, k + n), axis=axis) for k in range(2 * radius + 1)],
                     axis=0)
    return out


def dilate(ink: np.ndarray, radius: int) -> np.ndarray:
    """Grey dilation with a (2r+1) square: thickens strokes by r pixels each side."""
    return _spread(ink, radius, np.max)


def erode(ink: np.ndarray, radius: int) -> np.ndarray:
    """Grey erosion with a (2r+1) square: thins strokes by r pixels each side."""
    return _spread(ink, radius, np.min)


def normalize_stroke_width(ink: np.ndarray) -> np.ndarray:
    """Bring strokes far thinner or thicker than MNIST's, relative to the digit's size, back to
    MNIST's proportion: a hairline pen is thickened, a marker or a blurred blob thinned."""
    box = ink_box(ink)
    if box is None:
        return ink
    size = max(box[1] - box[0], box[3] - box[2])
    width = stroke_width(ink)
    if width < MIN_STROKE_RATIO * size:
        radius = int((STROKE_RATIO * size - width) / 2)
        return dilate(np.pad(ink, radius), radius) if radius >= 1 else ink
    if width > MAX_WIDTH_RATIO * size:
        radius = int((width - THINNED_RATIO * size) / 2)
        return erode(ink, radius) if radius >= 1 else ink
    return ink


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
    return normalize(rasterize(strokes, model_thickness(strokes, thickness)))
