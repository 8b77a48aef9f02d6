"""Typed pages and multi-frame TIFFs built at test time, as a scanner writes a day's box."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def typed_page(lines: Sequence[str], size: int = 34) -> Image.Image:
    """An A4 page at 150 ppp with `lines` typed on it (no text layer)."""
    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, size)
    for i, line in enumerate(lines):
        draw.text((120, 200 + 60 * i), line, fill=0, font=font)
    return img


def write_tiff(path: Path, pages: Sequence[Image.Image]) -> Path:
    """The pages as one multi-frame 150 ppp TIFF at `path`."""
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=list(pages[1:]), dpi=(150, 150))
    path.write_bytes(buf.getvalue())
    return path
