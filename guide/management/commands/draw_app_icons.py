"""Draws the installed guide's icons (guide/static/guide/icons/) with Pillow: the favicon's "R" in white on the
site's dark teal. Run again only when the mark changes; the PNGs are committed (docs/guide.md, "Hors connexion")."""

from pathlib import Path

from django.core.management.base import BaseCommand

ICONS = Path(__file__).resolve().parents[2] / "static" / "guide" / "icons"
BACKGROUND = "#083f4a"  # --accent-dark in relais.css, the favicon's background
# (name, size, maskable): maskable icons fill the square and keep the mark in the central safe zone (80 %).
SIZES = (("icon-192.png", 192, False), ("icon-512.png", 512, False), ("maskable-512.png", 512, True),
         ("apple-touch-icon.png", 180, True))


def draw(size: int, maskable: bool):
    from PIL import Image, ImageDraw

    scale = 4  # drawn larger, then reduced: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BACKGROUND)
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 6 // 32, fill=BACKGROUND)
    # The favicon's path on a 32-unit grid: M9 24 V8 h7.5 a5 5 0 0 1 0 10 H13 l7 6 (stroke 3).
    unit = big / 32 * (0.72 if maskable else 1.0)
    offset = (big - 32 * unit) / 2

    def at(x, y):
        return (offset + x * unit, offset + y * unit)

    width = round(3 * unit)
    white = "#ffffff"
    pen.line([at(9, 24), at(9, 8), at(16.5, 8)], fill=white, width=width, joint="curve")
    half = 1.5  # Pillow draws an arc's width inside its box: the box grows by half the stroke
    pen.arc([*at(11.5 - half, 8 - half), *at(21.5 + half, 18 + half)], start=-90, end=90, fill=white, width=width)
    pen.line([at(16.5, 18), at(13, 18), at(20, 24)], fill=white, width=width, joint="curve")
    for x, y in ((9, 24), (20, 24)):  # round caps
        cx, cy = at(x, y)
        pen.ellipse((cx - width / 2, cy - width / 2, cx + width / 2, cy + width / 2), fill=white)
    # Two colours and their edges: a 32-colour palette keeps the PNGs small.
    return image.resize((size, size), Image.LANCZOS).quantize(colors=32)


class Command(BaseCommand):
    help = "Draw the web app manifest's icons into guide/static/guide/icons/."

    def handle(self, *args, **options):
        ICONS.mkdir(parents=True, exist_ok=True)
        for name, size, maskable in SIZES:
            draw(size, maskable).save(ICONS / name, optimize=True)
            self.stdout.write(f"{name}: {size} px{' (maskable)' if maskable else ''}")
