"""Decode small 8-bit grey PNGs (model-sized digits) at twice Pillow's usual speed.

For a 28x28 file `Image.open` spends most of its ~45 µs on Python bookkeeping (plugin lookup,
chunk objects, tile set-up) around ~10 µs of decoding. Reading the header and the IDAT chunks
here and handing them straight to Pillow's PNG ("zip") decoder with the public
`Image.frombytes` halves that. Anything else (colour, 16-bit, interlaced, large, damaged) gets
None, and the caller decodes it the usual way.
"""

from __future__ import annotations

import struct

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_SIDE = 64              # beyond this Pillow's fixed overhead no longer matters
GREY, EIGHT_BITS = 0, 8


def pixels(data: bytes) -> np.ndarray | None:
    """(H, W) uint8 pixels of a small 8-bit grey non-interlaced PNG, or None."""
    if len(data) < 33 or not data.startswith(SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    if (depth, colour, interlace) != (EIGHT_BITS, GREY, 0) or not (
            0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return None
    compressed = idat(data)
    if not compressed:
        return None
    from PIL import Image

    try:
        image = Image.frombytes("L", (width, height), compressed, "zip", "L")
    except (ValueError, OSError):  # damaged: the usual path says what is wrong
        return None
    return np.frombuffer(image.tobytes(), np.uint8).reshape(height, width)  # (asarray: slower)


def idat(data: bytes) -> bytes:
    """The image data: all IDAT chunks joined; empty unless every chunk is whole up to IEND
    (a truncated file is Pillow's to report), or when an eXIf chunk may turn the picture (the
    usual path applies its orientation)."""
    parts, position = [], 8
    while position + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length
        if end > len(data) or kind == b"eXIf":
            return b""
        if kind == b"IDAT":
            parts.append(data[position + 8:end - 4])
        elif kind == b"IEND":
            return b"".join(parts)
        position = end
    return b""
