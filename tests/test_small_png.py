"""The small-PNG reader: the same pixels as Pillow, or None when it is not its kind of file."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from desktop.batch import small_png


def png(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    return out.getvalue()


def test_same_pixels_as_pillow_for_mnist_digits(mnist):
    """Pillow picks a filter per row (none, sub, up, average, Paeth): all must come out right."""
    for digit in mnist.x_test[:300]:
        assert np.array_equal(small_png.pixels(png(Image.fromarray(digit))), digit)


def test_several_idat_chunks_are_joined():
    pixels = np.random.default_rng(1).integers(0, 256, (40, 40), dtype=np.uint8)
    data = png(Image.fromarray(pixels))
    head, chunk_end = data[:33], data.index(b"IEND") - 4
    body = data[33:chunk_end]  # one IDAT chunk: length, type, data, crc
    length = int.from_bytes(body[:4], "big")
    payload = body[8:8 + length]

    def chunk(part: bytes) -> bytes:
        import zlib
        return (len(part).to_bytes(4, "big") + b"IDAT" + part
                + zlib.crc32(b"IDAT" + part).to_bytes(4, "big"))

    split = head + chunk(payload[:50]) + chunk(payload[50:]) + data[chunk_end:]
    assert np.array_equal(small_png.pixels(split), pixels)


def interlaced(data: bytes) -> bytes:
    """The same file with the header's interlace flag set (Pillow does not write Adam7)."""
    return data[:28] + b"\x01" + data[29:]


@pytest.mark.parametrize("make", [
    lambda: png(Image.new("RGB", (28, 28))),
    lambda: png(Image.new("I;16", (28, 28))),
    lambda: png(Image.new("L", (65, 28))),
    lambda: interlaced(png(Image.new("L", (28, 28)))),
    lambda: png(Image.new("L", (28, 28)))[:60],
    lambda: b"GIF89a" + bytes(40),
    lambda: b"",
])
def test_anything_else_is_left_to_pillow(make):
    assert small_png.pixels(make()) is None


def test_a_png_that_says_how_to_turn_it_is_left_to_pillow(mnist, tmp_path, classifier):
    """A 6 stored upside down with EXIF orientation 3 (turn it half round): batch reads it as
    the app's recipe does, turned, not as the 9 its stored pixels show."""
    from desktop.batch.job import BatchJob
    from desktop.engine.recipes import file_inputs

    six = mnist.x_test[int(np.flatnonzero(mnist.y_test == 6)[0])]
    exif = Image.Exif()
    exif[0x0112] = 3
    data = png(Image.fromarray(255 - six[::-1, ::-1]), exif=exif)
    assert small_png.pixels(data) is None
    (tmp_path / "six.png").write_bytes(data)
    rows = list(BatchJob([str(tmp_path)], classifier).rows())
    app = classifier.classify(file_inputs(str(tmp_path / "six.png")))
    assert [row.digit for row in rows] == [str(p.digit) for p in app] == ["6"]
