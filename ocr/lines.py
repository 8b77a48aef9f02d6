"""Lines of ink the page read left out, read again one by one.

Tesseract's layout analysis drops some handwritten lines whole (light or uneven ink, a
line apart at the foot of a letter), and the foot of a letter is where people write their
phone, NSS and e-mail. The page's ink is cut into text lines by its horizontal profile; a
line whose ink the page read's words barely cover is read again alone, as one line, and
its words join the page in reading order.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ocr.engine import mean_confidence
from ocr.errors import EngineError
from ocr.identifiers import LINE_PSM
from ocr.preprocess import SPECK_AREA, ink_mask
from ocr.types import Box, Symbol, Word

if TYPE_CHECKING:
    from ocr.engine import OcrEngine, SymbolEngine

log = logging.getLogger(__name__)

MIN_LINE_PX = 14  # a band of ink thinner than this (at 300 dpi) is a rule or dust
MAX_LINE_PX = 220  # thicker: a drawing, a stamp, a photo, not a line of writing
MIN_INK_WIDTH = 0.06  # of the page width: shorter marks are a dot, a tick, a page number
ROW_INK_MIN = 2  # ink pixels for a row to count as part of a line
GAP_PX = 6  # rows of white inside one line of handwriting (descenders, accents)
COVERED = 0.5  # a line whose ink columns are this much inside the read words is read
MAX_REREAD = 6  # lines per page: a page that lost more is an image, not a letter
PAD_PX = 12
MIN_WORD_CONF = 20.0  # a re-read word below this is the engine guessing at a scribble
# Only a doubtful page read is searched: print read this well has lost no line, and a sure
# page pays nothing.
SURE_PAGE_CONF = 70.0
# ... and this many words: a sure read of a few words may have lost the rest of the page.
SURE_PAGE_WORDS = 20
# The second recognizer's reading of a missed line is kept when its characters' mean
# confidence (0..100) is at least this; it then replaces Tesseract's reading of the line.
SECOND_LINE_SURE = 85.0
TESSERACT_LINE_SURE = 80.0  # Tesseract's reading of a missed line this sure may be kept


def _clean_mask(gray: np.ndarray) -> np.ndarray:
    mask = ink_mask(cv2.medianBlur(gray, 3))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = np.zeros(n, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= SPECK_AREA
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def ink_lines(gray: np.ndarray) -> list[Box]:
    """The text lines of a page as boxes, from the rows and columns that hold ink."""
    return _lines_of(_clean_mask(gray))


def _lines_of(mask: np.ndarray) -> list[Box]:
    rows = np.count_nonzero(mask, axis=1) >= ROW_INK_MIN
    bands: list[tuple[int, int]] = []
    start = gap = None
    for y, inked in enumerate(rows):
        if inked:
            start = y if start is None else start
            gap = None
        elif start is not None:
            gap = y if gap is None else gap
            if y - gap >= GAP_PX:
                bands.append((start, gap))
                start = gap = None
    if start is not None:
        bands.append((start, gap if gap is not None else len(rows)))
    out: list[Box] = []
    for y0, y1 in bands:
        if not MIN_LINE_PX <= y1 - y0 <= MAX_LINE_PX:
            continue
        cols = np.flatnonzero(np.count_nonzero(mask[y0:y1], axis=0))
        if cols.size and cols[-1] - cols[0] >= MIN_INK_WIDTH * mask.shape[1]:
            out.append((int(cols[0]), y0, int(cols[-1]) + 1, y1))
    return out


def _coverage(line: Box, mask: np.ndarray, words: list[Word]) -> float:
    """The share of the line's ink columns that lie inside a read word's box."""
    x0, y0, x1, y1 = line
    inked = np.count_nonzero(mask[y0:y1, x0:x1], axis=0) > 0
    covered = np.zeros_like(inked)
    for w in words:
        if w.box[1] < y1 and w.box[3] > y0:  # the word overlaps the line's rows
            covered[max(0, w.box[0] - x0):max(0, w.box[2] - x0)] = True
    total = int(inked.sum())
    return float((inked & covered).sum()) / total if total else 1.0


def missed_lines(gray: np.ndarray, words: list[Word]) -> list[Box]:
    """Lines of ink the words read barely cover (at most MAX_REREAD, top first)."""
    mask = _clean_mask(gray)  # computed once: it cuts the lines and measures their cover
    missed = [b for b in _lines_of(mask) if _coverage(b, mask, words) < COVERED]
    return missed[:MAX_REREAD] if len(missed) <= MAX_REREAD else []


def _better_line(tesseract: list[Word], second: list[Word]) -> list[Word]:
    """Of the two sure readings of a line, Tesseract's unless the second's reads more of it:
    where Tesseract is sure it reads print whole, and the second drops letters of long
    words ("aguilr"); on a hand Tesseract drops words ("Laura Mejía" for "Laura Mejía
    Huerta"). An unsure Tesseract reading gives way to a sure second one."""
    if not second:
        return tesseract
    if not tesseract or mean_confidence(tesseract) < TESSERACT_LINE_SURE:
        return second
    def letters(words: list[Word]) -> int:
        return sum(c.isalnum() for w in words for c in w.text)
    return second if letters(second) > letters(tesseract) else tesseract


def _second_line(crop: np.ndarray, dx: int, dy: int, second: SymbolEngine) -> list[Word]:
    """The line's words as the second recognizer reads them, in page pixels, when it is
    sure of them (mean character confidence SECOND_LINE_SURE); else none."""
    try:
        symbols = second.image_to_symbols(crop, psm=LINE_PSM)
    except EngineError as e:
        log.warning("the second reader could not read a missed line: %s", e)
        return []
    if not symbols or sum(s.confidence for s in symbols) / len(symbols) < SECOND_LINE_SURE:
        return []
    out: list[Word] = []
    for ink in _words_in(symbols):
        x0, x1 = min(s.box[0] for s in ink), max(s.box[2] for s in ink)
        out.append(Word("".join(s.text for s in ink),
                        round(sum(s.confidence for s in ink) / len(ink), 1),
                        (x0 + dx, dy, x1 + dx, dy + crop.shape[0])))
    return [w for w in out if any(c.isalnum() for c in w.text)]


def _words_in(symbols: list[Symbol]) -> list[list[Symbol]]:
    """The symbols grouped into words at the spaces."""
    words: list[list[Symbol]] = [[]]
    for s in symbols:
        if s.text.isspace():
            words.append([])
        else:
            words[-1].append(s)
    return [w for w in words if w]


def _in_order(words: list[Word], extra: list[list[Word]]) -> list[Word]:
    """`words` and the re-read lines, lines numbered again: the read lines keep their own
    order, and a new line goes before the first read line below it; each new line is a
    paragraph of its own."""
    read = [[w for w in words if w.line == n] for n in sorted({w.line for w in words})]
    new = sorted(extra, key=lambda ws: min(w.box[1] for w in ws))

    def top(ws: list[Word]) -> int:
        return min(w.box[1] for w in ws)

    merged: list[tuple[bool, list[Word]]] = []  # (a new line?, its words)
    for line in read:
        while new and top(new[0]) < top(line):
            merged.append((True, new.pop(0)))
        merged.append((False, line))
    merged += [(True, ws) for ws in new]
    last_block = max((w.block for w in words), default=0)
    return [Word(w.text, w.confidence, w.box, n, last_block + 1 + n if is_new else w.block)
            for n, (is_new, ws) in enumerate(merged) for w in ws]


def with_missed_lines(gray: np.ndarray, words: list[Word], engine: OcrEngine,
                      second: SymbolEngine | None = None) -> list[Word]:
    """The page's words plus those of every line of ink the page read left out (pages
    read with a mean confidence below SURE_PAGE_CONF, or holding fewer than SURE_PAGE_WORDS
    words, only). With a second recognizer each such line is read by it too, and its
    reading is kept when it is sure (`_second_line`): Tesseract, alone on a handwritten
    line, often reads nothing of it ("Laura Mejía Huerta / Cel. (33) 7214 9176" under a
    "Gracias." was lost whole)."""
    if words and mean_confidence(words) >= SURE_PAGE_CONF and len(words) >= SURE_PAGE_WORDS:
        return words
    extra: list[list[Word]] = []
    h, w = gray.shape[:2]
    for x0, y0, x1, y1 in missed_lines(gray, words):
        cx0, cy0 = max(0, x0 - PAD_PX), max(0, y0 - PAD_PX)
        crop = gray[cy0:min(h, y1 + PAD_PX), cx0:min(w, x1 + PAD_PX)]
        try:
            got = engine.image_to_data(crop, psm=LINE_PSM)
        except EngineError as e:  # the page's own read stands
            log.warning("a missed line was not read again: %s", e)
            continue
        kept = [Word(g.text, g.confidence,
                     (g.box[0] + cx0, g.box[1] + cy0, g.box[2] + cx0, g.box[3] + cy0))
                for g in got if g.confidence >= MIN_WORD_CONF and any(c.isalnum()
                                                                     for c in g.text)]
        if second is not None:
            kept = _better_line(kept, _second_line(crop, cx0, cy0, second))
        if kept:
            extra.append(kept)
    if not extra:
        return words
    log.debug("%d lines read again", len(extra))
    return _in_order(words, extra)
