"""Draw the app icon (a hand-written 7 on a rounded tile) and write it in each platform's format.

`python build/make_icon.py OUT_DIR` writes DigitRecognizer.ico (Windows), .icns (macOS) and .png
(Linux). Drawn at 1024 px and scaled down, so every size is anti-aliased; needs only Pillow.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

NAME = "DigitRecognizer"
SIDE = 1024
TILE = (32, 64, 112, 255)      # deep blue
INK = (250, 250, 245, 255)     # paper white
STROKE = [(300, 290), (735, 290), (455, 770)]  # the 7: bar, then the long diagonal
WIDTH = 118
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]


def draw_icon() -> Image.Image:
    """The icon at 1024x1024, RGBA."""
    image = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = SIDE // 16
    draw.rounded_rectangle((margin, margin, SIDE - margin, SIDE - margin), radius=SIDE // 5,
                           fill=TILE)
    draw.line(STROKE, fill=INK, width=WIDTH, joint="curve")
    radius = WIDTH // 2
    for x, y in (STROKE[0], STROKE[-1]):  # round pen caps, as the app's canvas draws them
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=INK)
    return image


def write_icons(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    icon = draw_icon()
    paths = [out_dir / f"{NAME}.{ext}" for ext in ("ico", "icns", "png")]
    icon.save(paths[0], sizes=[(s, s) for s in ICO_SIZES])
    icon.save(paths[1])
    icon.resize((256, 256), Image.Resampling.LANCZOS).save(paths[2], optimize=True)
    return paths


if __name__ == "__main__":
    for path in write_icons(Path(sys.argv[1] if len(sys.argv) > 1 else "build/out")):
        print(path)
