"""Typed letters: a layout in millimetres, rasterised with Pillow or drawn as a digital PDF."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageFont

from synthbox import ink
from synthbox.letter import Letter, choose_marks, page_mark

PT_MM = 25.4 / 72
MAX_PAGES = 3
PAGE_SIZES_MM = {"a4": (210.0, 297.0), "carta": (215.9, 279.4)}


@dataclass
class Placed:
    x: float  # mm from the left
    y: float  # baseline, mm from the top
    text: str


@dataclass
class TypedLayout:
    page_mm: tuple[float, float]
    font_path: str
    pt: float
    pages: list[list[Placed]]
    page_texts: list[str]


def _measure(font_path: str, pt: float) -> tuple[ImageFont.FreeTypeFont, Callable[[str], float]]:
    """The font at ten pixels per point, and a function giving a string's width in mm."""
    fnt = ink.font(font_path, int(pt * 10))
    return fnt, lambda s: fnt.getlength(s) / 10 * PT_MM


def _layout_once(letter: Letter, page_mm: tuple[float, float], font_path: str, pt: float,
                 spacing: float, rng: random.Random) -> tuple[list[list[Placed]],
                                                              list[list[str]]]:
    fnt, width = _measure(font_path, pt)
    left, right = rng.uniform(22, 30), rng.uniform(20, 28)
    top, bottom = rng.uniform(22, 32), rng.uniform(22, 30)
    usable = page_mm[0] - left - right
    lead = pt * PT_MM * spacing
    indent = rng.choice((0.0, 0.0, 10.0))
    gap = rng.choice((0.0, lead * 0.6, lead))
    date_right = rng.random() < 0.7
    pages: list[list[Placed]] = [[]]
    texts: list[list[str]] = [[]]
    y = top + pt * PT_MM
    for role, para in letter.paragraphs:
        if role == "closing" and para == letter.closing[0]:
            y += lead
        lines = ink.wrap(para, fnt, usable * 10 / PT_MM,
                         first_width=(usable - indent) * 10 / PT_MM)
        for i, line in enumerate(lines):
            if y > page_mm[1] - bottom:
                pages.append([])
                texts.append([])
                y = top + pt * PT_MM
            x = left + (indent if role == "body" and i == 0 else 0.0)
            if role == "date" and date_right:
                x = page_mm[0] - right - width(line.text)
            pages[-1].append(Placed(x, y, line.text))
            texts[-1].append(line.text)
            y += lead
        if role == "body":
            y += gap
        elif role == "date":
            y += lead
    return pages, texts


def layout(letter: Letter, rng: random.Random, paper: str = "a4",
           long_hand: bool = False) -> TypedLayout:
    """Lay the letter out on pages (at most three, shrinking the type if needed)."""
    page_mm = PAGE_SIZES_MM[paper]
    font_path = rng.choice(ink.TYPED_FONTS)
    pt = rng.choice((11.0, 12.0, 12.0, 13.0)) + (2.0 if long_hand else 0.0)
    spacing = rng.choice((1.2, 1.4, 1.5, 2.0)) if not long_hand else 2.0
    state = rng.getstate()
    while True:
        rng.setstate(state)
        pages, texts = _layout_once(letter, page_mm, font_path, pt, spacing, rng)
        if len(pages) <= MAX_PAGES or pt <= 8:
            break
        pt -= 1
        spacing = max(1.15, spacing - 0.3)
    style, where, on_first = choose_marks(rng, len(pages))
    page_texts = []
    for i, (placed, lines) in enumerate(zip(pages, texts, strict=True), start=1):
        mark = page_mark(style, i, len(pages)) if style and (i > 1 or on_first) else None
        if mark:
            my = 14.0 if where == "top" else page_mm[1] - 12.0
            mx = page_mm[0] / 2 - 3 if rng.random() < 0.6 else page_mm[0] - 35
            placed.append(Placed(mx, my, mark))
            lines = [mark, *lines] if where == "top" else [*lines, mark]
        page_texts.append("\n".join(lines))
    return TypedLayout(page_mm, font_path, pt, pages, page_texts)


def rasterise(lay: TypedLayout, dpi: int, rng: random.Random) -> list[Image.Image]:
    """Print the layout: one RGB image per page."""
    k = dpi / 25.4
    size = (round(lay.page_mm[0] * k), round(lay.page_mm[1] * k))
    fnt = ink.font(lay.font_path, round(lay.pt * dpi / 72))
    toner = rng.choice(((20, 20, 20), (35, 35, 38), (10, 10, 10)))
    out = []
    for placed in lay.pages:
        page = ink.paper(size, rng, tint=False)
        layer = ink.InkLayer(size)
        for p in placed:
            ink.type_line(layer, p.x * k, p.y * k, p.text, fnt, darkness=rng.randint(225, 255))
        layer.apply(page, toner)
        out.append(page)
    return out


def digital_pdf(lay: TypedLayout) -> bytes:
    """The layout as a born-digital PDF with a real text layer (a letter typed and exported)."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    name = "Sample-" + lay.font_path.rsplit("/", 1)[-1].split(".")[0]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, lay.font_path))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(lay.page_mm[0] * mm, lay.page_mm[1] * mm), invariant=1)
    for placed in lay.pages:
        c.setFont(name, lay.pt)
        for p in placed:
            c.drawString(p.x * mm, (lay.page_mm[1] - p.y) * mm, p.text)
        c.showPage()
    c.save()
    return buf.getvalue()
