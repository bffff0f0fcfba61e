"""Draw the app icon: resources/icons/otop-desktop.png (256 px), .ico (16-256 px) and .icns.

    python build_scripts/make_icon.py

A terracotta rounded square with "OT/OP" in two rows of white letters over a woven band in
three colours (a nod to the workshops' textiles). Each size is drawn at that size (not
shrunk from 256 px), so the letters stay crisp in a 16 px task bar; below 32 px the band goes.
The letters use the font the app ships (resources/fonts/wqy-microhei.ttc), emboldened.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
BACKGROUND = (184, 80, 46)  # terracotta
LETTERS = (255, 255, 255)
BAND = ((242, 183, 5), (255, 255, 255), (21, 110, 120))  # maize, cotton, indigo-teal
SUPERSAMPLE = 4


def draw(size: int) -> Image.Image:
    """The icon drawn for a `size`-pixel square (drawn larger, then reduced, for smooth edges)."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    margin = round(big * 0.03)
    radius = round(big * 0.2)
    pen.rounded_rectangle((margin, margin, big - margin, big - margin), radius, fill=BACKGROUND)
    with_band = size >= 32
    bottom = big - margin - (round(big * 0.2) if with_band else 0)
    if with_band:
        stripe = round(big * 0.045)
        top = bottom + round(big * 0.03)
        left, right = margin + radius // 2, big - margin - radius // 2
        for i, colour in enumerate(BAND):
            y = top + i * stripe
            pen.rectangle((left, y, right, y + stripe - 1), colour)
    rows = ("OT", "OP")
    height = (bottom - margin) * 0.44
    font = ImageFont.truetype(str(FONT), round(height * 1.1))
    weight = max(1, round(big * (0.018 if size >= 32 else 0.03)))
    centre_x = big / 2
    for i, text in enumerate(rows):
        centre_y = margin + (bottom - margin) * (0.29 + 0.44 * i) + big * 0.02
        pen.text(
            (centre_x, centre_y),
            text,
            font=font,
            fill=LETTERS,
            anchor="mm",
            stroke_width=weight,
            stroke_fill=LETTERS,
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> int:
    """Write the PNG, the ICO and the ICNS into resources/icons/."""
    ICONS.mkdir(parents=True, exist_ok=True)
    images = {size: draw(size) for size in ICO_SIZES}
    images[256].save(ICONS / "otop-desktop.png")
    largest = images[256]
    largest.save(
        ICONS / "otop-desktop.ico",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != 256],
    )
    largest.save(ICONS / "otop-desktop.icns")
    print(f"wrote otop-desktop.png, .ico ({len(ICO_SIZES)} sizes) and .icns to {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
