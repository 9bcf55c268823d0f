"""Make tests/data/font_digits/: digits in the hands of people outside MNIST, from handwriting
fonts (each drawn from one person's writing), each written three times, turned, slanted and
sized a little differently, as grey PNGs named <digit>_<font>_<n>.png.

The fonts come from Debian packages (apt-get install fonts-bwht fonts-breip fonts-dkg-handwriting
fonts-ecolier-court fonts-humor-sans fonts-kiloji fonts-klee fonts-kristi
fonts-rufscript fonts-seto fonts-sjfonts fonts-tomsontalks fonts-tlwg-purisa-otf
fonts-comic-neue fonts-yozvox-yozfont); the images are committed, so the tests need none of them.

    python tests/data/make_font_digits.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

# One regular face of each handwriting font packaged by Debian, except femkeklaver, whose digits
# are drawn as hatched outlines rather than written strokes.
FONTS = {
    "bw-build": "opentype/bwht/BecauseWeBuild-Regular.otf",
    "bw-connect": "opentype/bwht/BecauseWeConnect-Regular.otf",
    "bw-create": "opentype/bwht/BecauseWeCreate-Regular.otf",
    "bw-learn": "opentype/bwht/BecauseWeLearn-Regular.otf",
    "bw-mentor": "opentype/bwht/BecauseWeMentor-Regular.otf",
    "bw-organize": "opentype/bwht/BecauseWeOrganize-Regular.otf",
    "breip": "truetype/breip/Breip.ttf",
    "dkg": "truetype/fifthhorseman/dkg.ttf",
    "ecolier": "truetype/ecolier-court/Ecolier-court.ttf",
    "humor-sans": "truetype/humor-sans/Humor-Sans.ttf",
    "kiloji": "truetype/kiloji/kiloji.ttf",
    "klee": "truetype/klee/KleeOne-Regular.ttf",
    "kristi": "truetype/kristi/Kristi.ttf",
    "rufscript": "truetype/rufscript/Rufscript010.ttf",
    "seto": "truetype/seto/setofont.ttf",
    "delphine": "truetype/sjfonts/Delphine.ttf",
    "steve": "truetype/sjfonts/SteveHand.ttf",
    "tomson": "truetype/tomsontalks/TomsonTalks.ttf",
    "purisa": "opentype/tlwg/Purisa.otf",
    "comic-neue": "opentype/comic-neue/ComicNeue-Regular.otf",
    "yozfont": "truetype/yozvox-yozfont/YOzBA_.ttf",
}
FONT_ROOT = Path("/usr/share/fonts")
OUT = Path(__file__).resolve().parent / "font_digits"
WRITINGS = 3


def glyph(font: ImageFont.FreeTypeFont, digit: int) -> Image.Image:
    """The digit in black on white, cropped to its ink."""
    canvas = Image.new("L", (400, 400), 255)
    ImageDraw.Draw(canvas).text((100, 60), str(digit), font=font, fill=0)
    ink = Image.eval(canvas, lambda v: 255 - v)
    return canvas.crop(ink.getbbox())


def written(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Turned up to 8 degrees, slanted up to 15 %, about 48-80 px tall, with a margin."""
    shear = rng.uniform(-0.15, 0.15)
    wide = image.transform((image.width + int(abs(shear) * image.height) + 2, image.height),
                           Image.Transform.AFFINE,
                           (1, shear, -max(shear, 0) * image.height, 0, 1, 0),
                           Image.Resampling.BICUBIC, fillcolor=255)
    turned = wide.rotate(rng.uniform(-8, 8), Image.Resampling.BICUBIC, expand=True,
                         fillcolor=255)
    height = int(rng.integers(48, 81))
    width = max(1, round(turned.width * height / turned.height))
    small = turned.resize((width, height), Image.Resampling.LANCZOS)
    margin = int(rng.integers(6, 20))
    page = Image.new("L", (width + 2 * margin, height + 2 * margin), 255)
    page.paste(small, (margin, margin))
    return page


def main() -> int:
    rng = np.random.default_rng(2024)
    missing = [str(FONT_ROOT / f) for f in FONTS.values() if not (FONT_ROOT / f).is_file()]
    if missing:
        print("missing fonts (see this file's docstring):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    for name, file in FONTS.items():
        font = ImageFont.truetype(str(FONT_ROOT / file), 160)
        for digit in range(10):
            shape = glyph(font, digit)
            for n in range(WRITINGS):
                written(shape, rng).save(OUT / f"{digit}_{name}_{n}.png", optimize=True)
    print(f"{len(FONTS) * 10 * WRITINGS} images in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
