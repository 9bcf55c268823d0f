"""The folders the throughput benchmark classifies, built once into bench/out/ and reused:

- `photos/`: 2,000 photo-like pictures of the first MNIST test digits (tests/photos.py: dark
  ink on tinted paper with a light gradient, noise, blur, the digit 60-400 px on a larger
  page, JPEG quality 60-92 and some PNG, every 250th a full 3000x4000 phone photo), plus the
  630 digits in handwriting fonts (tests/data/font_digits) and the hand-drawn digits
  (devtools/data/hand_digits.json) drawn with a broad and a thin pen;
- `huge/`: 20 full 3000x4000 phone photos alone, to time that case by itself;
- `mnist-png/`: the 10,000 MNIST test digits as 28x28 PNGs.

Every file's name ends in _<label> before its suffix, so accuracy needs no other record.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))  # devtools: the photo maker and handwriting

PHOTOS, HUGE_EVERY, HUGE_ALONE = 2000, 250, 20
GRAINY = 600
PRINTED = 600
DIM = 600


def label_of(path: Path) -> int:
    return int(path.stem.rsplit("_", 1)[1])


def image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def _done(folder: Path, count: int) -> bool:
    return folder.is_dir() and len(image_files(folder)) == count


def _photos(folder: Path, digits: np.ndarray, labels: np.ndarray, seed: int,
            huge_every: int, grain: tuple[float, float] | None = None,
            printed: bool = False, light: tuple[float, float] | None = None) -> None:
    """Photo-like pictures (`devtools.photos`); `light`: each dimmed to a share of its
    brightness drawn from this range, as taken in dim light."""
    from PIL import Image

    from devtools.photos import GRAIN, photo, save_photo

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i, (digit, label) in enumerate(zip(digits, labels, strict=True)):
        huge = huge_every == 1 or (huge_every > 1 and i % huge_every == huge_every - 1)
        picture = photo(digit, rng, huge, grain or GRAIN, printed)
        if light:
            dimmed = np.asarray(picture, np.float32) * rng.uniform(*light)
            picture = Image.fromarray(dimmed.astype(np.uint8))
        save_photo(picture, folder, f"photo_{i:05d}_{label}", rng)


def _hand_drawn(folder: Path) -> None:
    """The hand-drawn digits rendered with a broad and a thin pen, dark on white, as PNG."""
    from PIL import Image

    from desktop.engine.raster import render_strokes
    from devtools.handwriting import HAND, moved

    folder.mkdir(parents=True, exist_ok=True)
    for digit, strokes in HAND.items():
        for pen in (6.0, 22.0):
            ink = render_strokes(moved(strokes, 2.0, 40, 40), 300, 220, pen)
            picture = Image.fromarray((255 - 235 * np.clip(ink, 0, 1)).astype(np.uint8))
            picture.save(folder / f"hand_pen{pen:.0f}_{digit}.png")


def _fonts(folder: Path) -> None:
    """The font digits, named <digit>_<font>.png, copied under the bench's naming."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted((ROOT / "tests" / "data" / "font_digits").glob("*.png")):
        shutil.copyfile(source, folder / f"{source.stem[2:]}_{source.stem[0]}.png")


def build(mnist) -> dict[str, Path]:
    """Build what is missing; the folders by name."""
    from PIL import Image

    folders = {"photos": OUT / "photos", "huge": OUT / "huge", "mnist-png": OUT / "mnist-png"}
    if not _done(folders["photos"], PHOTOS + 630 + 2 * 10):
        shutil.rmtree(folders["photos"], ignore_errors=True)
        _photos(folders["photos"] / "mnist", mnist.x_test[:PHOTOS], mnist.y_test[:PHOTOS], 11,
                HUGE_EVERY)
        _fonts(folders["photos"] / "fonts")
        _hand_drawn(folders["photos"] / "hand")
    if not _done(folders["huge"], HUGE_ALONE):
        shutil.rmtree(folders["huge"], ignore_errors=True)
        _photos(folders["huge"], mnist.x_test[-HUGE_ALONE:], mnist.y_test[-HUGE_ALONE:], 12, 1)
    if not _done(folders["mnist-png"], len(mnist.x_test)):
        folders["mnist-png"].mkdir(parents=True, exist_ok=True)
        for i, (digit, label) in enumerate(zip(mnist.x_test, mnist.y_test, strict=True)):
            Image.fromarray(digit).save(folders["mnist-png"] / f"{i:05d}_{label}.png")
    return folders


def printed(mnist) -> Path:
    """Photo-like pictures of PRINTED other MNIST test digits on paper printed with a security
    pattern, as cheques are (guilloche, hatching or a dot screen)."""
    folder = OUT / "printed"
    if not _done(folder, PRINTED):
        shutil.rmtree(folder, ignore_errors=True)
        digits = slice(5000 + GRAINY, 5000 + GRAINY + PRINTED)
        _photos(folder, mnist.x_test[digits], mnist.y_test[digits], 17, 0, printed=True)
    return folder


def dim(mnist) -> Path:
    """Photo-like pictures of other MNIST test digits taken in DIM light: each at 15-50 % of
    its brightness, the paper darker than mid-grey and still far lighter than the ink."""
    folder = OUT / "dim"
    if not _done(folder, DIM):
        shutil.rmtree(folder, ignore_errors=True)
        digits = slice(5000 + GRAINY + PRINTED, 5000 + GRAINY + PRINTED + DIM)
        _photos(folder, mnist.x_test[digits], mnist.y_test[digits], 19, 0, light=(0.15, 0.5))
    return folder


def grainy(mnist) -> Path:
    """Photo-like pictures of GRAINY other MNIST test digits, their sensor noise three times
    the usual (sd 15-30 of 255): where faint ink and the paper's grain are hard to tell."""
    folder = OUT / "grainy"
    if not _done(folder, GRAINY):
        shutil.rmtree(folder, ignore_errors=True)
        digits = slice(5000, 5000 + GRAINY)
        _photos(folder, mnist.x_test[digits], mnist.y_test[digits], 13, 0, grain=(15.0, 30.0))
    return folder
