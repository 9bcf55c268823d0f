"""Real files of every awkward kind, made from MNIST test digits, for the batch tests.

`write_cases(folder, digits)` writes them: EXPECTED says, for each file, the digit it shows
("7") or a piece of the error its row must carry ("error:truncated"); the SKIPPED files make no
row. `digits` maps each digit to an MNIST test image of it (28x28 uint8, ink bright) that the
model reads surely (`pick_digits`).
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

ORIENTATION = 0x0112       # the EXIF tag for how a photo was held


def paper(digit: np.ndarray, size: int = 112) -> Image.Image:
    """The digit as dark ink on white paper, enlarged: what a scan looks like."""
    return Image.fromarray(255 - digit).resize((size, size), Image.Resampling.BICUBIC)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb's calling card)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body)
            + _png_chunk(b"IEND", b""))


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def exif_rotated(upright: Image.Image, orientation: int) -> bytes:
    """A JPEG whose pixels are stored sideways, with the EXIF tag that turns them upright."""
    stored = upright.transpose(Image.Transpose.ROTATE_90 if orientation == 6
                               else Image.Transpose.ROTATE_270)
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return encoded(stored, "JPEG", quality=90, exif=exif)


def transparent(digit: np.ndarray) -> Image.Image:
    """Black ink whose opacity is the digit, on a fully transparent background."""
    ink = Image.fromarray(digit).resize((112, 112), Image.Resampling.BICUBIC)
    rgba = Image.new("RGBA", ink.size, (0, 0, 0, 0))
    rgba.putalpha(ink)
    return rgba


def animated(first: np.ndarray, second: np.ndarray) -> bytes:
    frames = [paper(first).convert("P"), paper(second).convert("P")]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200,
                   loop=0)


def sixteen_bit(digit: np.ndarray) -> Image.Image:
    """16 bits per pixel: white paper is 65535."""
    return Image.fromarray(np.asarray(paper(digit), np.uint16) * 257)


def huge_photo(digit: np.ndarray) -> Image.Image:
    """A 3000x4000 photo with the digit in the upper left part of the page."""
    page = Image.new("L", (3000, 4000), 235)
    page.paste(paper(digit, 1400).point(lambda v: min(v, 235)), (400, 700))
    return page.convert("RGB")


EXPECTED = {
    "plain.png": "3",
    "truncated.png": "error:truncated",
    "truncated.jpg": "error:truncated",
    "empty.png": "error:empty file",
    "text.png": "error:not an image",
    "bomb.png": "error:decompression bomb",
    "sixteen-bit.png": "2",
    "cmyk.jpg": "4",
    "palette.png": "6",
    "animated.gif": "7",
    "exif-6.jpg": "7",
    "exif-8.jpg": "4",
    "transparent.png": "9",
    "blank.png": "error:no ink",
    "photo named as text.txt": "0",
    "huge.jpg": "8",
    "my digit.png": "3",
    "chiffre é ñ.png": "3",
    "digit 🙂.png": "3",
    "mnist-framed.png": "1",
}
SKIPPED = {".hidden.png": "hidden", "notes.txt": "not an image"}


def contents(digits: dict[int, np.ndarray]) -> dict[str, bytes]:
    """The bytes of each file of EXPECTED and SKIPPED."""
    good = encoded(paper(digits[3]), "PNG")
    return {
        "plain.png": good,
        "truncated.png": encoded(paper(digits[5], 300).convert("RGB"), "PNG")[:-2000],
        "truncated.jpg": encoded(paper(digits[5], 300), "JPEG", quality=90)[:1500],
        "empty.png": b"",
        "text.png": b"these are notes, not pixels\n" * 4,
        "bomb.png": bomb_png(),
        "sixteen-bit.png": encoded(sixteen_bit(digits[2]), "PNG"),
        "cmyk.jpg": encoded(paper(digits[4]).convert("CMYK"), "JPEG", quality=92),
        "palette.png": encoded(paper(digits[6]).convert("P"), "PNG"),
        "animated.gif": animated(digits[7], digits[1]),
        "exif-6.jpg": exif_rotated(paper(digits[7]), 6),
        "exif-8.jpg": exif_rotated(paper(digits[4]), 8),
        "transparent.png": encoded(transparent(digits[9]), "PNG"),
        "blank.png": encoded(Image.new("L", (64, 64), 240), "PNG"),
        "photo named as text.txt": encoded(paper(digits[0]), "JPEG", quality=90),
        "huge.jpg": encoded(huge_photo(digits[8]), "JPEG", quality=80),
        "my digit.png": good,
        "chiffre é ñ.png": good,
        "digit 🙂.png": good,
        "mnist-framed.png": encoded(Image.fromarray(digits[1]), "PNG"),
        ".hidden.png": good,
        "notes.txt": b"not an image, skipped\n",
    }


def write_cases(folder: Path, digits: dict[int, np.ndarray]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in contents(digits).items():
        (folder / name).write_bytes(data)


def pick_digits(mnist, classifier) -> dict[int, np.ndarray]:
    """For each digit, the first MNIST test image of it that the model reads surely, on paper
    as well as in MNIST's own framing: these cases test files, not the model."""
    from desktop.engine.recipes import digit_input

    chosen = {}
    for digit in range(10):
        for index in np.flatnonzero(mnist.y_test == digit)[:50]:
            image = mnist.x_test[index]
            pair = np.stack([image / 255.0, digit_input(np.asarray(paper(image)))])
            probabilities = classifier.predict(pair)
            if (probabilities.argmax(axis=1) == digit).all() and probabilities.max(1).min() > 0.9:
                chosen[digit] = image
                break
    assert len(chosen) == 10, f"no surely-read sample of {set(range(10)) - set(chosen)}"
    return chosen


def exif_stored_pixels(path: Path) -> np.ndarray:
    """The pixels as stored, without applying the EXIF orientation."""
    with Image.open(path) as image:
        return np.asarray(image.convert("L"))
