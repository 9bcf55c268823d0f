"""Decoding image files: content sniffing, reduced decoding of big photos, one error type."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
from image_cases import bomb_png
from PIL import Image

from desktop.engine.imagefile import ImageError, describe, load_image, sniff

PILLOWS_DEFAULT_LIMIT = 89_478_485  # Image.MAX_IMAGE_PIXELS as Pillow ships it


def encoded(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "PPM", "ICO"])
def test_sniff_knows_a_format_by_its_first_bytes(fmt):
    data = encoded(Image.new("RGB", (16, 16), "white"), fmt)
    assert sniff(data[:16]) == fmt


@pytest.mark.parametrize("head", [b"", b"hello world, not", b"PK\x03\x04zipzipzip", b"%PDF-1.7"])
def test_sniff_says_none_for_other_content(head):
    assert sniff(head) is None


def test_an_open_file_with_a_format_hint(tmp_path):
    (tmp_path / "x.png").write_bytes(encoded(Image.new("L", (30, 20), 9), "PNG"))
    with open(tmp_path / "x.png", "rb") as f:
        pixels = load_image(f, ["PNG"])
    assert pixels.shape == (20, 30) and pixels.max() == 9


def test_a_format_hint_that_the_content_betrays_is_a_damaged_file():
    with pytest.raises(ImageError, match="damaged PNG"):
        load_image(b"\x89PNG\r\n\x1a\n and then garbage", ["PNG"])


def test_big_pictures_are_decoded_reduced_to_under_twice_max_side():
    photo = encoded(Image.new("RGB", (3000, 4000), "white"), "JPEG")
    assert max(load_image(photo).shape) < 2 * 1024
    assert max(load_image(photo, max_side=128).shape) < 256


def test_a_decompression_bomb_is_refused():
    with pytest.raises(ImageError, match="decompression bomb"):
        load_image(bomb_png())


def test_more_pixels_than_allowed_is_refused_even_below_pillows_own_error():
    data = bomb_png(9000, 9000)  # 81 M pixels: Pillow alone would only warn
    with pytest.raises(ImageError, match="9000x9000"):
        load_image(data)


def test_pillows_own_pixel_limit_is_left_as_it_is(tmp_path):
    (tmp_path / "x.png").write_bytes(encoded(Image.new("L", (30, 20), 9), "PNG"))
    load_image(tmp_path / "x.png")
    load_image(encoded(Image.new("RGB", (40, 30), "white"), "JPEG"), grey=True)
    describe(tmp_path / "x.png")
    with pytest.raises(ImageError):
        load_image(bomb_png())
    assert Image.MAX_IMAGE_PIXELS == PILLOWS_DEFAULT_LIMIT


@pytest.mark.parametrize("side", [10_000, 100_000], ids=["pillow-would-warn", "pillow-raises"])
@pytest.mark.parametrize("given", ["path", "bytes", "file", "hinted"])
def test_a_bomb_is_refused_from_its_header_in_our_words_and_silently(tmp_path, side, given):
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb_png(side, side))
    with warnings.catch_warnings(), path.open("rb") as file:
        warnings.simplefilter("error")  # Pillow's DecompressionBombWarning would raise
        source = {"path": path, "bytes": path.read_bytes(), "file": file, "hinted": path}[given]
        with pytest.raises(ImageError, match=f"too many pixels \\({side}x{side}, over"):
            load_image(source, ["PNG"] if given == "hinted" else None)


def test_sixteen_bit_grey_becomes_floats_in_0_1():
    image = Image.fromarray(np.full((8, 8), 65535, np.uint16))
    assert load_image(encoded(image, "PNG")).max() == pytest.approx(1.0)
