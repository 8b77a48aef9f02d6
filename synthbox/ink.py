"""Putting text on paper: fonts, word wrapping, typed lines and jittered handwriting."""

from __future__ import annotations

import functools
import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class Hand:
    """A handwriting font and how its writer writes."""

    name: str  # as reported by the benchmarks ("breip", "kristi"...)
    path: str
    weight: int  # how often a writer has this hand, relative to the others in its set
    capitals: bool = False  # writes everything in capitals: the truth text is upper-case


_FONTS = "/usr/share/fonts"
# The hands every tool may draw with: print, all-caps and joined cursive. Whatever tunes or
# trains on sample pages (bench.ocr_variants, a threshold chosen on `buzon sample`) sees
# only these.
HANDS = (
    Hand("humor_sans", f"{_FONTS}/truetype/humor-sans/Humor-Sans.ttf", 3),
    Hand("comic_neue", f"{_FONTS}/opentype/comic-neue/ComicNeue-Regular.otf", 3),
    Hand("dkg", f"{_FONTS}/truetype/fifthhorseman/dkg.ttf", 3),
    # outlined capitals and digits: a rarer hand
    Hand("femkeklaver", f"{_FONTS}/truetype/femkeklaver/femkeklaver.ttf", 1),
    Hand("breip", f"{_FONTS}/truetype/breip/Breip.ttf", 3),
    Hand("purisa", f"{_FONTS}/truetype/tlwg/Purisa.ttf", 2),
    Hand("because_we_mentor", f"{_FONTS}/opentype/bwht/BecauseWeMentor-Regular.otf", 2,
         capitals=True),
    Hand("dancing_script", f"{_FONTS}/opentype/dancingscript/DancingScript-Regular.otf", 1),
)
# Hands kept out of every tuning and training step (issue 13): only benchmark boxes
# (`write_sample(held_out=True)`, `buzon sample --estilos-reservados`) hold them, and the
# benchmarks report them in a column of their own ("estilos reservados"). One print, one
# all-caps and one cursive hand, as hard for Tesseract on average as the others.
HELD_OUT_HANDS = (
    Hand("steve_hand", f"{_FONTS}/truetype/sjfonts/SteveHand.ttf", 1),
    Hand("because_we_connect", f"{_FONTS}/opentype/bwht/BecauseWeConnect-Regular.otf", 1,
         capitals=True),
    Hand("kristi", f"{_FONTS}/truetype/kristi/Kristi.ttf", 1),
)
# The share of handwritten documents a benchmark box draws in a held-out hand.
HELD_OUT_SHARE = 0.3

TYPED_FONTS = (
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
BOLD_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
)
# Some handwriting fonts lack Spanish letters: those are drawn from the plain letter plus an
# accent stroked by hand, as a person would.
_ACCENTED = {"á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "Á": "A", "É": "E",
             "Í": "I", "Ó": "O", "Ú": "U", "ñ": "n", "Ñ": "N", "ü": "u", "Ü": "U",
             "¿": "?", "¡": "!"}


def pick_hand(rng: random.Random, held_out: bool = False) -> Hand:
    """One writer's hand; with `held_out`, a share of writers get a held-out hand.

    Both draws happen either way, so a document keeps its hand whether or not held-out
    hands are on, unless it is one of those drawn in a held-out hand.
    """
    reserved = rng.random() < HELD_OUT_SHARE
    pool = HELD_OUT_HANDS if held_out and reserved else HANDS
    return rng.choices(pool, [h.weight for h in pool])[0]


def font_paths(held_out: bool = False) -> list[str]:
    """Every font file a sample box draws with."""
    hands = HANDS + (HELD_OUT_HANDS if held_out else ())
    return [h.path for h in hands] + list(TYPED_FONTS) + list(BOLD_FONTS)


INKS = {
    "azul": (22, 42, 140),
    "azul_claro": (40, 70, 170),
    "negro": (28, 28, 34),
}


@functools.lru_cache(maxsize=512)
def _font(path: str, size: int, thread: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A cached font object, one per thread (a FreeType face must not be shared by threads)."""
    return _font(path, size, threading.get_ident())


@dataclass
class Line:
    words: list[str]
    end_of_paragraph: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.words)


def wrap(text: str, fnt: ImageFont.FreeTypeFont, width: float,
         first_width: float | None = None,
         measure: Callable[[str], float] | None = None) -> list[Line]:
    """Greedy word wrap of `text` (paragraphs split on newlines) to `width` pixels."""
    measure = measure or fnt.getlength
    space = fnt.getlength(" ")
    lines: list[Line] = []
    for para in text.split("\n"):
        words = para.split()
        if not words:
            lines.append(Line([], True))
            continue
        cur: list[str] = []
        cur_w = 0.0
        for w in words:
            ww = measure(w)
            limit = first_width if (first_width and not lines) else width
            if cur and cur_w + space + ww > limit:
                lines.append(Line(cur))
                cur, cur_w = [w], ww
            else:
                cur_w = cur_w + space + ww if cur else ww
                cur.append(w)
        lines.append(Line(cur, True))
    return lines


class InkLayer:
    """A coverage mask the size of the page; applied to the paper once, in one ink colour."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.mask = Image.new("L", size, 0)
        self.draw = ImageDraw.Draw(self.mask)

    def apply(self, page: Image.Image, ink: tuple[int, int, int]) -> None:
        page.paste(Image.new("RGB", page.size, ink), (0, 0), self.mask)


def type_line(layer: InkLayer, x: float, baseline: float, text: str,
              fnt: ImageFont.FreeTypeFont, darkness: int = 255) -> None:
    """Machine text: straight, on the baseline."""
    layer.draw.text((x, baseline), text, font=fnt, fill=darkness, anchor="ls")


def _render_char(fnt: ImageFont.FreeTypeFont, ch: str) -> bytes:
    size = int(fnt.size)  # opened at a whole number of pixels (a float in Pillow's stubs)
    img = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(img).text((size // 2, int(size * 1.5)), ch, font=fnt, fill=255,
                             anchor="ls")
    return img.tobytes()


@functools.lru_cache(maxsize=16)
def missing_chars(path: str) -> frozenset[str]:
    """Spanish letters the font draws as a blank or a missing-glyph box."""
    fnt = font(path, 40)
    bad = {_render_char(fnt, "\uffff"), _render_char(fnt, " ")}
    return frozenset(c for c in _ACCENTED if _render_char(fnt, c) in bad)


@functools.lru_cache(maxsize=16)
def hand_scale(path: str) -> float:
    """Size factor that gives every handwriting font the same x-height."""
    _x0, top, _x1, _y1 = font(path, 100).getbbox("x", anchor="ls")
    return 50.0 / max(1, -top)


def hand_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return font(path, max(6, int(size * hand_scale(path))))


def _chars(word: str, path: str) -> list[tuple[str, str]]:
    """(char as written, glyph drawn) pairs; glyph differs where the font lacks the letter."""
    miss = missing_chars(path)
    return [(c, _ACCENTED[c] if c in miss else c) for c in word]


def word_length(word: str, path: str, fnt: ImageFont.FreeTypeFont) -> float:
    """Advance width of a handwritten word (accents drawn by hand take no room)."""
    return fnt.getlength("".join(g for _, g in _chars(word, path)))


def _word_mask(word: str, path: str, fnt: ImageFont.FreeTypeFont) -> Image.Image:
    """The word rendered white on black with room for rotation."""
    size = int(fnt.size)
    w = int(word_length(word, path, fnt)) + size * 2
    img = Image.new("L", (w, int(size * 2.0)), 0)
    d = ImageDraw.Draw(img)
    base = int(size * 1.35)
    pairs = _chars(word, path)
    if all(c == g for c, g in pairs):
        d.text((size // 2, base), word, font=fnt, fill=255, anchor="ls")
        return img
    x = float(size // 2)
    lw = max(1, size // 14)
    for ch, plain in pairs:
        if ch != plain and ch in "¿¡":
            g = Image.new("L", (size, int(size * 1.4)), 0)
            ImageDraw.Draw(g).text((0, int(size * 1.05)), plain, font=fnt, fill=255, anchor="ls")
            g = g.rotate(180)
            img.paste(255, (int(x - size + fnt.getlength(plain)), base - int(size * 1.05)), g)
        else:
            d.text((x, base), plain, font=fnt, fill=255, anchor="ls")
        cw = fnt.getlength(plain)
        top = base + fnt.getbbox(plain, anchor="ls")[1] - int(size * 0.06)
        cx = x + cw / 2
        if ch == plain:
            pass
        elif ch in "áéíóúÁÉÍÓÚ":
            d.line([(cx - size * 0.05, top), (cx + size * 0.12, top - size * 0.16)],
                   fill=255, width=lw)
        elif ch in "ñÑ":
            pts = [(cx - size * 0.16 + i * size * 0.08, top - size * (0.06 if i % 2 else 0.12))
                   for i in range(5)]
            d.line(pts, fill=255, width=lw)
        elif ch in "üÜ":
            for dx in (-0.1, 0.1):
                d.ellipse([cx + dx * size - lw, top - size * 0.1 - lw,
                           cx + dx * size + lw, top - size * 0.1 + lw], fill=255)
        x += cw
    return img


def hand_word(layer: InkLayer, x: float, baseline: float, word: str, path: str, size: int,
              rng: random.Random, *, angle: float = 2.0, lift: float = 0.08) -> float:
    """Draw one handwritten word with its own size, angle and baseline; return its width."""
    fnt = hand_font(path, int(size * rng.uniform(0.94, 1.06)))
    s = fnt.size
    img = _word_mask(word, path, fnt)
    pressure = rng.uniform(0.86, 1.0)
    if pressure < 0.99:
        img = img.point(lambda v, k=pressure: int(v * k))
    img = img.rotate(rng.uniform(-angle, angle), resample=Image.Resampling.BILINEAR,
                     center=(s // 2, int(s * 1.35)))
    dy = rng.uniform(-lift, lift) * s
    layer.mask.paste(255, (int(x - s // 2), int(baseline + dy - int(s * 1.35))),
                     img)
    return word_length(word, path, fnt)


def hand_line(layer: InkLayer, x: float, baseline: float, words: list[str], path: str,
              size: int, rng: random.Random, *, slope: float = 0.0) -> float:
    """Handwrite a line word by word with irregular spacing and a drifting baseline."""
    start = x
    space = hand_font(path, size).getlength(" ")
    for w in words:
        y = baseline + (x - start) * slope
        width = hand_word(layer, x, y, w, path, size, rng)
        x += width + space * rng.uniform(0.8, 1.6)
    return x - start


def hand_text(layer: InkLayer, x: float, baseline: float, text: str, path: str, size: int,
              rng: random.Random) -> float:
    """A short handwritten value (a name, a date) on one line."""
    return hand_line(layer, x, baseline, text.split(), path, size, rng,
                     slope=rng.uniform(-0.015, 0.015))


def paper(size: tuple[int, int], rng: random.Random, *, tint: bool = True) -> Image.Image:
    """Slightly off-white paper with a faint uneven tone."""
    base = (255, 255, 255)
    if tint:
        t = rng.randint(0, 10)
        base = (255 - t, 255 - t, 252 - t - rng.randint(0, 6))
    return Image.new("RGB", size, base)


def lined_paper(size: tuple[int, int], dpi: int, rng: random.Random, top: int, pitch: int,
                margin: int) -> Image.Image:
    """Notebook paper: blue rules every `pitch` px from `top`, a red margin at `margin`."""
    page = paper(size, rng)
    d = ImageDraw.Draw(page)
    rule = (150 + rng.randint(0, 30), 180 + rng.randint(0, 20), 225)
    lw = max(1, dpi // 150)
    for y in range(top, size[1] - pitch // 2, pitch):
        d.line([(0, y), (size[0], y)], fill=rule, width=lw)
    d.line([(margin, 0), (margin, size[1])], fill=(225, 120, 130), width=lw + 1)
    return page


def scribble(layer: InkLayer, rng: random.Random, box: tuple[int, int, int, int], n: int,
             width: int) -> None:
    """Curvy pen strokes inside `box`: a heading that turns a little at every step."""
    x0, y0, x1, y1 = box
    for _ in range(n):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        heading, turn = rng.uniform(0, 2 * math.pi), rng.uniform(-0.25, 0.25)
        pts = [(x, y)]
        for _ in range(rng.randint(30, 160)):
            turn = max(-0.35, min(0.35, turn + rng.uniform(-0.08, 0.08)))
            heading += turn
            x = min(max(x + 9 * math.cos(heading), x0), x1)
            y = min(max(y + 9 * math.sin(heading), y0), y1)
            pts.append((x, y))
        layer.draw.line(pts, fill=255, width=width, joint="curve")
