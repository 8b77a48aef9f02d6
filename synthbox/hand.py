"""Handwritten pages: letters and notes in a handwriting font, on plain or lined paper."""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image

from synthbox import ink
from synthbox.ink import Hand
from synthbox.letter import Letter, choose_marks, page_mark
from synthbox.typed import MAX_PAGES, PAGE_SIZES_MM


@dataclass
class HandStyle:
    hand: Hand
    size: int  # px
    ink: tuple[int, int, int]
    lined: bool

    @property
    def font_path(self) -> str:
        return self.hand.path

    @classmethod
    def pick(cls, rng: random.Random, dpi: int, hand: Hand,
             large: bool = False) -> HandStyle:
        mm = rng.uniform(5.5, 7.5) if not large else rng.uniform(8.5, 11.0)
        return cls(hand, int(mm * dpi / 25.4),
                   ink.INKS[rng.choice(("azul", "azul", "negro", "azul_claro"))],
                   rng.random() < 0.45)


def _plan(paragraphs: list[tuple[str, str]], style: HandStyle, size: tuple[int, int],
          dpi: int, rng: random.Random
          ) -> tuple[list[list[tuple[int, ink.Line, str]]], dict[str, int]]:
    """Assign wrapped lines to pages; returns per page (indent px, line, role) and geometry."""
    k = dpi / 25.4
    rule = 0
    margin = 0
    if style.lined:
        top, rule = int(rng.uniform(22, 32) * k), int(rng.choice((7.0, 8.0)) * k)
        margin = int(rng.uniform(22, 30) * k)
        # big writing skips every other rule, as people do
        pitch = rule * 2 if style.size > rule * 0.95 else rule
        left = margin + int(rng.uniform(2, 5) * k)
    else:
        top, pitch = int(rng.uniform(18, 35) * k), int(style.size * rng.uniform(1.45, 1.9))
        left = int(rng.uniform(15, 28) * k)
    right = int(rng.uniform(12, 25) * k)
    bottom = int(rng.uniform(15, 25) * k)
    usable = (size[0] - left - right) * 0.92  # spacing jitter and drift take room
    fnt = ink.hand_font(style.font_path, style.size)
    per_page = max(3, (size[1] - top - bottom - pitch) // pitch)
    flat: list[tuple[int, ink.Line, str]] = []
    for role, para in paragraphs:
        lines = ink.wrap(para, fnt, usable,
                         measure=lambda w: ink.word_length(w, style.font_path, fnt))
        for i, line in enumerate(lines):
            indent = int(rng.uniform(8, 15) * k) if role == "body" and i == 0 and \
                rng.random() < 0.4 else 0
            if role == "date" and i == 0:
                indent = int(max(0, usable - fnt.getlength(line.text)) * rng.uniform(0.5, 1))
            flat.append((indent, line, role))
    pages = [flat[i:i + per_page] for i in range(0, len(flat), per_page)] or [[]]
    if len(pages) > 1 and len(pages[-1]) < 3:  # a last page never holds a lone line
        moved = min(3 - len(pages[-1]), len(pages[-2]) - 1)
        if moved > 0:
            pages[-1] = pages[-2][-moved:] + pages[-1]
            pages[-2] = pages[-2][:-moved]
    return pages, {"top": top, "pitch": pitch, "left": left, "rule": rule, "margin": margin}


def render(paragraphs: list[tuple[str, str]], rng: random.Random, dpi: int, hand: Hand,
           paper: str = "a4", large: bool = False,
           numbered: bool = True) -> tuple[list[Image.Image], list[str]]:
    """Handwrite the paragraphs on one to three pages; returns images and per-page text.

    A hand that writes in capitals gives the per-page text in capitals: it is what the
    page shows.
    """
    k = dpi / 25.4
    size = (round(PAGE_SIZES_MM[paper][0] * k), round(PAGE_SIZES_MM[paper][1] * k))
    style = HandStyle.pick(rng, dpi, hand, large)
    state = rng.getstate()
    while True:
        rng.setstate(state)
        pages, geo = _plan(paragraphs, style, size, dpi, rng)
        if len(pages) <= MAX_PAGES or style.size < 0.004 * dpi * 25.4:
            break
        style.size = int(style.size * 0.85)
    mark_style, where, on_first = choose_marks(rng, len(pages)) if numbered else (None, "", False)
    images, texts = [], []
    for n, lines in enumerate(pages, start=1):
        step, left = geo["pitch"], geo["left"]
        if style.lined:
            page = ink.lined_paper(size, dpi, rng, geo["top"], geo["rule"], geo["margin"])
            y0 = geo["top"] + geo["pitch"] - int(geo["rule"] * 0.12)
        else:
            page = ink.paper(size, rng)
            y0 = geo["top"] + geo["pitch"]
        layer = ink.InkLayer(size)
        slope = rng.uniform(-0.01, 0.01)
        page_lines = [ln.text for _, ln, _ in lines]
        for i, (indent, line, _role) in enumerate(lines):
            x = left + indent + rng.uniform(-0.6, 0.6) * k
            ink.hand_line(layer, x, y0 + i * step, line.words, style.font_path, style.size, rng,
                          slope=slope + rng.uniform(-0.006, 0.006))
        mark = page_mark(mark_style, n, len(pages)) if mark_style and (n > 1 or on_first) \
            else None
        if mark:
            msize = int(style.size * 0.85)
            mx = size[0] - int(rng.uniform(30, 45) * k) if rng.random() < 0.6 else size[0] // 2
            my = int(rng.uniform(10, 16) * k) if where == "top" else \
                size[1] - int(rng.uniform(8, 14) * k)
            ink.hand_text(layer, mx, my, mark, style.font_path, msize, rng)
            page_lines = [mark, *page_lines] if where == "top" else [*page_lines, mark]
        layer.apply(page, style.ink)
        images.append(page)
        text = "\n".join(page_lines)
        texts.append(text.upper() if hand.capitals else text)
    return images, texts


def letter_pages(letter: Letter, rng: random.Random, dpi: int, hand: Hand,
                 paper: str = "a4", large: bool = False) -> tuple[list[Image.Image], list[str]]:
    return render(letter.paragraphs, rng, dpi, hand, paper, large)
