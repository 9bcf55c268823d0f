"""Decode an image file (or bytes, or a PIL image) into a NumPy array, with one error type.

Pillow is imported only here and only when a file is decoded. The type is decided by content,
not by extension; large photos are decoded reduced (JPEG draft, `Image.reduce`), so the cost does
not grow needlessly with their pixel count; EXIF orientation is applied; only the first frame of
an animation is read. An image of more than MAX_PIXELS is refused from its header, before any
pixel is decoded, and Pillow's own process-wide pixel limit is left as it is.
"""

from __future__ import annotations

import functools
import io
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from desktop.engine.filekind import special_file

MAX_SIDE = 1024            # decode no larger than this: preprocessing works at <= 512 anyway
MAX_PIXELS = 64_000_000    # beyond this an image is refused as a likely decompression bomb
SNIFF_BYTES = 16           # enough of a file's start to recognize every format below

# Leading bytes of the formats Pillow reads, so a file's type comes from its content.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"qoif", "QOI"),
)


class ImageError(Exception):
    """An image could not be read; the message is one line for the user."""


@functools.cache
def _pil():
    try:
        from PIL import Image, ImageOps, UnidentifiedImageError
    except ImportError:  # pragma: no cover - the app's own installs always include Pillow
        raise ImageError("reading image files needs Pillow: pip install pillow") from None
    # Pillow's warnings (corrupt EXIF data, a large image) are Python's multi-line notes on
    # stderr, not for users: what matters about a file is its row's one-line error.
    warnings.filterwarnings("ignore", module=r"PIL\.")
    return Image, ImageOps, UnidentifiedImageError


def sniff(head: bytes) -> str | None:
    """The Pillow format name of a file from its first SNIFF_BYTES bytes, or None."""
    for signature, name in SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if len(head) >= 3 and head[:1] == b"P" and head[1:2] in b"1234567" and head[2:3].isspace():
        return "PPM"
    return None


def _stream(source: Any) -> Any:
    """A path as it is; bytes as a binary stream; an open binary file from its start."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source))
    if hasattr(source, "read"):
        source.seek(0)
        return source
    return os.fspath(source)


def _known_format(stream: Any, formats: list[str] | None) -> str | None:
    """The format given, or the one the first bytes name."""
    if formats:
        return formats[0] if len(formats) == 1 else None
    if isinstance(stream, str):
        with open(stream, "rb") as file:
            return sniff(file.read(SNIFF_BYTES))
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    return sniff(head)


def _header_only(Image: Any, stream: Any, formats: list[str] | None) -> Any:
    """The image with its header read and no pixel decoded. A known format is opened by
    Pillow's plugin for it, without Pillow's own pixel limit: that limit is process-wide state
    (Image.MAX_IMAGE_PIXELS, and a warning below twice it), so this module neither changes it
    nor depends on it; `_open` checks the size itself."""
    known = _known_format(stream, formats)
    Image.preinit()
    if known is not None and known not in Image.OPEN:
        Image.init()
    if known not in Image.OPEN:  # a format not sniffed: Pillow tries them all
        return Image.open(stream, formats=formats)
    factory, _accept = Image.OPEN[known]
    return factory(stream, "")  # a path is opened, and closed with the image


def _bomb(size: str) -> ImageError:
    return ImageError(f"too many pixels ({size}over {MAX_PIXELS:,}): refused as a possible "
                      "decompression bomb")


def read_bytes(path: str | os.PathLike) -> bytes:
    """A file's bytes, read once to decode it several ways (a file opened in the app is read,
    shown and described; it may change on disk meanwhile). ImageError as `load_image` says."""
    _refuse_special(path)
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as err:
        raise _read_error(err) from None
    except MemoryError:
        raise ImageError("file too large to read") from None


def _refuse_special(path: str | os.PathLike) -> None:
    special = special_file(path)
    if special:
        raise ImageError(f"not a regular file ({special})")


def _read_error(err: OSError) -> ImageError:
    """The one-line reason a file could not be read."""
    if isinstance(err, FileNotFoundError):
        return ImageError("file not found")
    if isinstance(err, IsADirectoryError):
        return ImageError("is a folder, not an image")
    if isinstance(err, PermissionError):
        return ImageError("permission denied")
    return ImageError(f"cannot read: {err}")


def _open(source: Any, formats: list[str] | None = None):
    Image, _, Unidentified = _pil()
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, (str, os.PathLike)):
        _refuse_special(source)
    try:
        image = _header_only(Image, _stream(source), formats)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as err:
        raise _read_error(err) from None
    except Image.DecompressionBombError:  # Pillow's own limit, on a format not sniffed
        raise _bomb("") from None
    except (Unidentified, SyntaxError):
        if formats:  # its first bytes said this format, the rest did not follow
            raise ImageError(f"damaged {formats[0]} file: its header cannot be read") from None
        raise ImageError("not an image (unknown or unsupported format)") from None
    except OSError as err:
        raise _read_error(err) from None
    if image.size[0] * image.size[1] > MAX_PIXELS:
        image.close()
        raise _bomb(f"{image.size[0]}x{image.size[1]}, ")
    return image


def _reduced(image, max_side: int = MAX_SIDE, grey: bool = False):
    """Decode large images smaller. For showing: under 2 * max_side, by JPEG's DCT scaling
    (draft), else an integer reduce. For the model (grey): the brightness channel only, the
    longer side brought to max_side by DCT scaling and an area-average resize."""
    Image, ImageOps, _ = _pil()
    longer = max(image.size)
    if grey and image.format == "JPEG":
        shrink = max(1.0, longer / max_side)
        image.draft("L", (int(image.size[0] / shrink), int(image.size[1] / shrink)))
    elif image.format == "JPEG" and longer // max_side >= 2:
        factor = longer // max_side
        image.draft(image.mode if image.mode in ("L", "RGB") else "RGB",
                    (image.size[0] // factor, image.size[1] // factor))
    image = ImageOps.exif_transpose(image)  # photos from phones are often stored sideways
    longer = max(image.size)
    if grey:
        image = _grey(image)
        if longer > max_side:
            size = tuple(max(1, round(side * max_side / longer)) for side in image.size)
            image = image.resize(size, Image.Resampling.BOX)
        return image
    if longer // max_side >= 2:
        image = image.reduce(longer // max_side)
    return image


def _grey(image):
    """Grey (L), grey and alpha (LA), or 16-bit and float grey as they are: colour becomes grey
    by Pillow's ITU-R 601 luma, transparency is kept."""
    mode = image.mode
    if mode in ("L", "LA", "I", "F"):
        return image
    if mode.startswith("I;16"):
        return image.convert("I")  # 16-bit grey: resized as 32-bit, scaled to [0, 1] later
    transparent = "A" in mode or "a" in mode or "transparency" in image.info
    if mode not in ("RGB", "RGBA"):  # palette, CMYK, 1-bit...: through RGB(A) first
        image = image.convert("RGBA" if transparent else "RGB")
    return image.convert("LA" if transparent else "L")


def _as_array(image) -> np.ndarray:
    """Grey or grey+alpha uint8/float array; palette, CMYK, 16-bit and the rest converted."""
    mode = image.mode
    if mode in ("L", "LA", "RGB", "RGBA"):
        pass
    elif mode in ("I;16", "I;16B", "I;16L", "I"):
        data = np.asarray(image, dtype=np.float32)
        peak = 65535.0 if data.max(initial=0) > 255 else 255.0
        return np.clip(data / peak, 0, 1)
    elif mode == "F":  # a NaN or an infinity among the pixels is no ink
        data = np.nan_to_num(np.asarray(image, dtype=np.float32), nan=0.0, posinf=0.0,
                             neginf=0.0)
        return np.clip(data / max(float(data.max(initial=0)), 1.0), 0, 1)
    elif (mode in ("P", "PA") and "transparency" in image.info) or mode in ("PA", "La"):
        image = image.convert("RGBA")
    elif mode == "1":
        image = image.convert("L")
    else:  # P, CMYK, YCbCr, LAB, HSV, RGBX, RGBa
        image = image.convert("RGBA" if "A" in mode or "a" in mode else "RGB")
    return np.asarray(image)


def load_image(source: str | os.PathLike | bytes | Any, formats: list[str] | None = None,
               max_side: int = MAX_SIDE, grey: bool = False) -> np.ndarray:
    """Pixels of an image file, open binary file, bytes or PIL image as an array (H, W) or
    (H, W, C), decoded reduced when its longer side is at least twice max_side; with grey, as
    (H, W) or, with transparency, (H, W, 2). `formats` (Pillow names, e.g. from `sniff`)
    spares trying the others.

    Raises ImageError with a one-line reason for anything that cannot be decoded.
    """
    if isinstance(source, np.ndarray):
        return source
    image = _open(source, formats)
    try:
        image.seek(0)  # first frame of an animated GIF, WebP or multi-page TIFF
        array = _as_array(_reduced(image, max_side, grey))
    except ImageError:
        raise
    except _pil()[0].DecompressionBombError:  # Pillow's limit on a frame or tile
        raise _bomb("") from None
    except (OSError, ValueError, SyntaxError, EOFError) as err:
        raise ImageError(f"damaged or truncated image: {err}") from None
    except MemoryError:
        raise ImageError("image too large to decode") from None
    finally:
        if not isinstance(source, _pil()[0].Image):
            image.close()
    if array.size == 0:
        raise ImageError("image has no pixels")
    return array


def describe(source: str | Path | bytes) -> str:
    """'PNG 640x480 RGBA' for a file (path or bytes), without decoding its pixels (for previews
    and logs)."""
    image = _open(source)
    try:
        return f"{image.format} {image.size[0]}x{image.size[1]} {image.mode}"
    finally:
        image.close()
