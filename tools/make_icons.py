"""Make the site's icons from the header's brand mark (static/css/site.css, `.brand-mark`): an open
book, two white pages dipping to the spine, on the company's deep red (--accent, #8a1c1c).

    .venv/bin/python tools/make_icons.py

writes static/favicon.svg (what current browsers use), static/favicon.ico (16, 32 and 48 pixels, PNG
images inside: for browsers and tools that ask for /favicon.ico) and static/apple-touch-icon.png
(180 × 180, full-bleed: iOS rounds the corners itself). Pure Python (zlib, struct): no imaging
library. The files are committed; run this again only when the mark changes.
"""
from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static"
RED = (0x8A, 0x1C, 0x1C)
WHITE = (0xFF, 0xFF, 0xFF)
# The mark in a 32-unit square, as `.brand-mark` draws it: pages 27% wide from 20% of each side,
# from 28% to 74% of the height, skewed by 8 degrees about their centres.
SIZE = 32.0
CORNER = 8.2
SKEW = math.tan(math.radians(8))
PAGE_TOP, PAGE_BOTTOM, PAGE_WIDTH, PAGE_INSET = 0.28 * SIZE, 0.74 * SIZE, 0.27 * SIZE, 0.20 * SIZE


def pages() -> list[list[tuple[float, float]]]:
    """The two pages as quadrilaterals (clockwise), in the 32-unit square."""
    result = []
    for left, slope in ((PAGE_INSET, SKEW), (SIZE - PAGE_INSET - PAGE_WIDTH, -SKEW)):
        right = left + PAGE_WIDTH
        centre = (left + right) / 2
        shift = (right - centre) * slope  # how much lower the page's right edge is than its centre

        result.append([(left, PAGE_TOP - shift), (right, PAGE_TOP + shift),
                       (right, PAGE_BOTTOM + shift), (left, PAGE_BOTTOM - shift)])
    return result


def svg() -> str:
    shapes = "".join(
        '<polygon fill="#fff" points="' + " ".join(f"{x:.2f},{y:.2f}" for x, y in page) + '"/>'
        for page in pages())
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
            f'<rect width="32" height="32" rx="{CORNER}" fill="#8a1c1c"/>{shapes}</svg>\n')


def _inside_polygon(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _inside_rounded_square(x: float, y: float, corner: float) -> bool:
    nearest_x = min(max(x, corner), SIZE - corner)
    nearest_y = min(max(y, corner), SIZE - corner)
    return (x - nearest_x) ** 2 + (y - nearest_y) ** 2 <= corner ** 2


def raster(pixels: int, corner: float, samples: int = 4) -> bytes:
    """RGBA rows of the mark at `pixels` × `pixels`, each pixel the average of samples² points."""
    quads = pages()
    rows = bytearray()
    step = SIZE / pixels
    for row in range(pixels):
        rows.append(0)  # PNG filter type: none
        for column in range(pixels):
            red = white = 0
            for i in range(samples):
                for j in range(samples):
                    x = (column + (j + 0.5) / samples) * step
                    y = (row + (i + 0.5) / samples) * step
                    if any(_inside_polygon(x, y, quad) for quad in quads):
                        white += 1
                    elif _inside_rounded_square(x, y, corner):
                        red += 1
            covered = red + white
            if not covered:
                rows += bytes(4)
                continue
            rgb = [round((r * red + w * white) / covered) for r, w in zip(RED, WHITE, strict=True)]
            rows += bytes(rgb + [round(255 * covered / samples ** 2)])
    return bytes(rows)


def png(pixels: int, corner: float = CORNER) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", pixels, pixels, 8, 6, 0, 0, 0)  # 8 bits, RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raster(pixels, corner), 9)) + chunk(b"IEND", b""))


def ico(sizes: tuple[int, ...] = (16, 32, 48)) -> bytes:
    images = [png(size) for size in sizes]
    directory = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, image in zip(sizes, images, strict=True):
        directory += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return directory + b"".join(images)


def main() -> None:
    (STATIC / "favicon.svg").write_text(svg(), encoding="utf-8")
    (STATIC / "favicon.ico").write_bytes(ico())
    (STATIC / "apple-touch-icon.png").write_bytes(png(180, corner=0.0))
    for name in ("favicon.svg", "favicon.ico", "apple-touch-icon.png"):
        print(f"{name}: {(STATIC / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
