"""Identifier candidates in running text: where an NSS, a phone or an e-mail seems written,
read again with the characters it can hold, keeping every alternative.

The page's words say where to look (a label such as "NSS", "Cel." or "correo", a run of
digit-heavy words, an @-like token); the region is cut from the page as read (~300 dpi)
and read again as one line with a whitelist. Tesseract's per-character choices and, for
doubtful digits, the handwritten-digit model's probabilities become each character's
alternatives. Which reading is valid is not decided here: that is the classifier's rule.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING

import cv2
import numpy as np
from rapidfuzz import fuzz, process

from ocr import digits
from ocr.engine import SymbolEngine
from ocr.errors import EngineError, OcrError
from ocr.types import Box, IdentifierRead, Symbol, VolanteRead, Word

if TYPE_CHECKING:
    from ocr.digits import DigitModels
    from ocr.reader import Reader

log = logging.getLogger(__name__)

# Folded label words (lower case, no accents, no dots) and the identifier they announce.
LABELS = {
    "nss": "nss", "afiliacion": "nss", "afil": "nss",
    "tel": "telefono", "telefono": "telefono", "tels": "telefono", "cel": "telefono",
    "celular": "telefono", "whatsapp": "telefono", "whats": "telefono", "wa": "telefono",
    "movil": "telefono", "ns": "nss",
    "correo": "correo", "email": "correo", "mail": "correo",
}
# A handwritten label the page read misspelt ("Taéfono:", "Corres:") is still a label when
# it is this close to one of these (rapidfuzz ratio, 0..100): closer without a colon after
# it, as a colon marks a label and running text has words near these ("correr").
FUZZY_LABELS = {"telefono": "telefono", "celular": "telefono", "whatsapp": "telefono",
                "afiliacion": "nss", "correo": "correo", "email": "correo"}
FUZZY_WITH_COLON = 75.0
FUZZY_ALONE = 85.0
# Words people write between a label and its value ("NSS del paciente:", "correo
# electrónico es"); skipped, at most FILLER_MAX of them.
FILLERS = frozenset("de del es mi su no num numero n paciente social seguro electronico "
                    "e y o al particular casa personal".split())
FILLER_MAX = 4
NUMBER_MIN_DIGITS = 10  # an unlabelled run needs this many digits (a phone, an NSS)
NUMBER_MAX_DIGITS = 14  # "+52 1 55 1234 5678"
LABELLED_MAX_WORDS = 4  # words after a label read as a number even when they look like text
LABELLED_FEW_DIGITS = 5  # fewer digit-like characters after a label: the rest of the line
EMAIL_MAX_WORDS = 3  # an address split by the engine into at most this many words
# Characters each kind can hold in the constrained re-read.
# Punctuation that may touch the value is allowed so it is read as itself, not as a digit
# (a typed "5303-1012," has its comma inside the word's box); "(" lets an "@" misread
# as "(W" show as such.
NUMBER_CHARS = "0123456789-.()+,:"
EMAIL_CHARS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
               "._-@+(),")
LINE_PSM = 7
BORDER = 20  # px of white around a crop (Tesseract reads badly at the very edge)
# Digits Tesseract is less sure of than this (0..100) get the digit model's opinion too.
SECOND_OPINION_BELOW = 90.0
MODEL_WEIGHT = 0.5  # the digit model's share in a fused digit's probabilities
MAX_REGIONS = 8  # per page: a list of numbers is not a letter's contact block
SPECK_PX = 12  # connected ink smaller than this is dust, not part of a character
CHAR_MIN_HEIGHT = 0.4  # of the tallest character: shorter marks are dots, commas, dashes
# (some hands write a zero half as tall as the other digits: it must stay)

_DIGITISH = re.compile(r"^[(+$]?[0-9OoIl|!\]\[SsBZgq()\-.,:/]*$")  # "$" a handwritten 5
_DIGIT_LOOKALIKES = frozenset("OoIl|SsBZgq$")
_DOMAINISH = re.compile(r"[@©®]|\.(?:com|mx|net|es|org)\b|mail", re.IGNORECASE)
_ADDRESS_GLUE = (".", "_", "-", "@")  # a word ending or starting so is a piece of one
_GLUED = re.compile(r"^(nss|tel|cel|correo|email)[:.\-]*(.+)$")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def _digit_count(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _digitish_count(text: str) -> int:
    """Digits and the letters OCR takes them for."""
    return sum(c.isdigit() or c in _DIGIT_LOOKALIKES for c in text)


def _is_digitish(word: Word, labelled: bool = False) -> bool:
    """A piece of a written number: digits with the letters OCR takes for them; after a
    label, any word that is half digits ("42m": a handwritten "9291" misread)."""
    t = word.text
    if _DIGITISH.match(t) is not None and (_digit_count(t) >= 1 or t in "()-+"):
        return True
    return labelled and _digit_count(t) >= 1 and 2 * _digit_count(t) >= len(t)


def _label_of(word: Word) -> str | None:
    folded = _fold(word.text)
    exact = LABELS.get(folded)
    colon = word.text.rstrip().endswith(":")
    if exact is not None or len(folded) < (5 if colon else 6) or _digit_count(folded):
        return exact
    needed = FUZZY_WITH_COLON if colon else FUZZY_ALONE
    best = process.extractOne(folded, FUZZY_LABELS.keys(), scorer=fuzz.ratio,
                              score_cutoff=needed)
    return FUZZY_LABELS[best[0]] if best else None


def text_lines(words: list[Word]) -> list[list[Word]]:
    """The words by line (the page's line numbers, in reading order), each left to right."""
    by_line: dict[int, list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    return [sorted(ws, key=lambda w: w.box[0]) for _, ws in sorted(by_line.items())]


def words_box(words: list[Word]) -> Box:
    """The box holding every one of `words`."""
    return (min(w.box[0] for w in words), min(w.box[1] for w in words),
            max(w.box[2] for w in words), max(w.box[3] for w in words))


def _number_words(line: list[Word], start: int, labelled: bool = False) -> list[Word]:
    out: list[Word] = []
    for w in line[start:]:
        if not _is_digitish(w, labelled):
            break
        out.append(w)
        if _digit_count("".join(x.text for x in out)) >= NUMBER_MAX_DIGITS:
            break
    while out and not _digit_count(out[-1].text):
        out.pop()
    return out


def _email_words(line: list[Word], start: int) -> list[Word]:
    out: list[Word] = []
    for w in line[start:start + EMAIL_MAX_WORDS]:
        if out and w.box[0] - out[-1].box[2] > (w.box[3] - w.box[1]):
            break  # a real space: the address has none
        out.append(w)
        if re.search(r"\.(?:com|mx|net|es|org)\W*$", w.text, re.IGNORECASE):
            break
    return out


def _value_after(lines: list[list[Word]], li: int, wi: int, kind: str) -> list[Word]:
    """The value written after the label at lines[li][wi]: on its line, else the next."""
    line = lines[li]
    j = wi + 1
    skipped = 0
    while j < len(line) and skipped < FILLER_MAX and _fold(line[j].text) in FILLERS | {""}:
        j += 1
        skipped += 1
    def pick(words: list[Word], at: int) -> list[Word]:
        return _email_words(words, at) if kind == "correo" else _number_words(words, at, True)

    found = pick(line, j)
    if not found and j >= len(line) and li + 1 < len(lines):
        found = pick(lines[li + 1], 0)
    if kind != "correo" and j < len(line) and \
            _digitish_count("".join(w.text for w in found)) < LABELLED_FEW_DIGITS:
        # A labelled number the page read partly as letters ("Cel. e ve2? ss", "52.
        # SISLU2ZILOZ"): its place is known, so the constrained re-read of the rest of
        # the line gets it, and the classifier's rules judge it.
        rest = line[j:j + LABELLED_MAX_WORDS]
        if sum(_digit_count(w.text) for w in rest) >= 1:
            found = rest
    return found


def find_regions(words: list[Word]) -> list[tuple[str, str, list[Word]]]:
    """(kind, label, value words) for each place an identifier seems written."""
    lines = text_lines(words)
    used: set[int] = set()
    out: list[tuple[str, str, list[Word]]] = []

    def take(kind: str, label: str, value: list[Word]) -> None:
        if value and not any(id(w) in used for w in value):
            used.update(id(w) for w in value)
            out.append((kind, label, value))

    for li, line in enumerate(lines):
        for wi, w in enumerate(line):
            kind = _label_of(w)
            if kind is not None:
                take(kind, w.text, _value_after(lines, li, wi, kind))
                continue
            glued = _GLUED.match(w.text.lower())
            if glued and _fold(glued.group(2)) and (
                    _digit_count(glued.group(2)) >= 8 or "@" in glued.group(2)):
                label = w.text[:len(glued.group(1))]
                value = Word(w.text[len(label):].lstrip(":.-"), w.confidence, w.box,
                             w.line, w.block)
                take(LABELS[_fold(label)], label, [value])
    for line in lines:
        i = 0
        while i < len(line):
            run = _number_words(line, i) if id(line[i]) not in used else []
            if run and NUMBER_MIN_DIGITS <= _digit_count("".join(w.text for w in run)):
                take("numero", "", run)
                i += len(run)
                continue
            i += 1
        for i in reversed(range(len(line))):  # an address is anchored at its last piece
            w = line[i]
            if id(w) in used or not _DOMAINISH.search(w.text) or len(w.text) < 6:
                continue
            take("correo", "", line[_address_start(line, i, used):i + 1])
    return out[:MAX_REGIONS]


def _address_start(line: list[Word], i: int, used: set[int]) -> int:
    """Where the address ending at word `i` starts. A close word before it joins (the
    engine splits a handwritten address at its "@" or its dots, or misreads the "@": "LORO.
    j¡avier(A) Notmoail.com" for "lara.javier@hotmail.com") until the local part has begun
    (an "@" after some letter); from then on only where punctuation glues the two, never a
    plain word before the address ("a ana.ruiz@ gmail.com"). The gap is measured between
    neighbours, in the height of the address's last word."""
    height = line[i].box[3] - line[i].box[1]
    start = i
    while start > 0:
        before, first = line[start - 1], line[start]
        if id(before) in used or before.text.endswith((":", ",")) or \
                first.box[0] - before.box[2] >= 0.5 * height:
            break
        local_begun = any("@" in w.text[1:] for w in line[start:i + 1])
        if local_begun and not (before.text.endswith(_ADDRESS_GLUE)
                                or first.text.startswith(_ADDRESS_GLUE)):
            break
        start -= 1
    return start


def region_crop(image: np.ndarray, box: Box) -> tuple[np.ndarray, int, int]:
    """The region with some white around it, and the page offset of the crop's origin."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    pad_x, pad_y = max(3, h // 5), max(3, h // 3)  # wide, and the label's tail comes in
    ih, iw = image.shape[:2]
    cx0, cy0 = max(0, x0 - pad_x), max(0, y0 - pad_y)
    cx1, cy1 = min(iw, x1 + pad_x), min(ih, y1 + pad_y)
    crop = image[cy0:cy1, cx0:cx1]
    crop = cv2.copyMakeBorder(crop, BORDER, BORDER, BORDER, BORDER, cv2.BORDER_CONSTANT,
                              value=255)
    return crop, cx0 - BORDER, cy0 - BORDER


def _second_opinion(crop: np.ndarray, symbols: list[Symbol], models: DigitModels) -> None:
    """Fuse the digit model's probabilities into doubtful digits (in place)."""
    doubtful = [s for s in symbols if s.text.isdigit() and s.confidence < SECOND_OPINION_BELOW]
    if not doubtful:
        return
    images, keep = [], []
    for s in doubtful:
        x0, y0, x1, y1 = s.box
        ink = 255 - crop[max(0, y0):y1, max(0, x0):x1]
        ink = np.where(ink > 60, ink, 0).astype(np.uint8)
        norm = digits.normalise(ink)
        if norm is not None:
            images.append(norm)
            keep.append(s)
    try:
        guesses = models.get().predict(images)
    except OcrError:
        log.warning("digit model unavailable; identifiers read by Tesseract alone")
        return
    for s, g in zip(keep, guesses, strict=True):
        fused = {c: (1 - MODEL_WEIGHT) * p for c, p in s.alternatives}
        for d, p in enumerate(g.probabilities):
            fused[str(d)] = fused.get(str(d), 0.0) + MODEL_WEIGHT * p
        alts = sorted(fused.items(), key=lambda cp: cp[1], reverse=True)
        s.alternatives = [(c, round(p, 4)) for c, p in alts if p >= 0.005]
        s.text, best = alts[0]
        s.confidence = round(100 * best, 1)


def _characters(crop: np.ndarray) -> list[Box]:
    """Boxes of the characters of a handwritten number, left to right: connected ink,
    pieces that overlap horizontally joined (a "5" written in two strokes), and marks much
    shorter than the digits (dots, commas, dashes) left out."""
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    width = crop.shape[1]
    # Ink cut by the crop's edge belongs to the neighbours (the label, the next word).
    parts = sorted((int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, area in
                   stats[1:n] if area >= SPECK_PX and x > BORDER and x + w < width - BORDER)
    joined: list[list[int]] = []
    for x0, y0, x1, y1 in parts:
        if joined:
            last = joined[-1]
            overlap = min(x1, last[2]) - max(x0, last[0])
            if overlap > 0.5 * min(x1 - x0, last[2] - last[0]):
                joined[-1] = [min(x0, last[0]), min(y0, last[1]), max(x1, last[2]),
                              max(y1, last[3])]
                continue
        joined.append([x0, y0, x1, y1])
    if not joined:
        return []
    tall = max(b[3] - b[1] for b in joined)
    return [(b[0], b[1], b[2], b[3]) for b in joined if b[3] - b[1] >= CHAR_MIN_HEIGHT * tall]


def _segmented(crop: np.ndarray, models: DigitModels) -> list[Symbol]:
    """Each character of the crop read by the digit model alone."""
    boxes = _characters(crop)
    if not boxes or len(boxes) > NUMBER_MAX_DIGITS + 2:
        return []
    images = [digits.normalise(255 - crop[y0:y1, x0:x1]) for x0, y0, x1, y1 in boxes]
    if any(im is None for im in images):
        return []
    try:
        guesses = models.get().predict(images)  # type: ignore[arg-type]
    except OcrError:
        log.warning("digit model unavailable; identifiers read by Tesseract alone")
        return []
    out = []
    for box, g in zip(boxes, guesses, strict=True):
        alts = sorted(((str(d), p) for d, p in enumerate(g.probabilities)),
                      key=lambda dp: dp[1], reverse=True)
        out.append(Symbol(g.digit, g.confidence, box,
                          [(c, round(p, 4)) for c, p in alts if p >= 0.005]))
    return out


def _moved(symbols: list[Symbol], dx: int, dy: int) -> list[Symbol]:
    for s in symbols:
        s.box = (s.box[0] + dx, s.box[1] + dy, s.box[2] + dx, s.box[3] + dy)
    return symbols


def _whitelist(kind: str) -> str:
    """The characters a region of this kind is read again with."""
    return EMAIL_CHARS if kind == "correo" else NUMBER_CHARS


def _reread(crop: np.ndarray, dx: int, dy: int, kind: str, engine: SymbolEngine,
            models: DigitModels) -> tuple[list[Symbol], list[Symbol]]:
    """(Tesseract's constrained reading, the digit model's) of one region's crop, whose
    origin is at (`dx`, `dy`) on the page."""
    symbols = engine.image_to_symbols(crop, psm=LINE_PSM, whitelist=_whitelist(kind))
    if kind == "correo":
        return _moved(symbols, dx, dy), []
    _second_opinion(crop, symbols, models)
    return _moved(symbols, dx, dy), _moved(_segmented(crop, models), dx, dy)


def second_read(crop: np.ndarray, dx: int, dy: int, whitelist: str | None,
                second: SymbolEngine) -> list[Symbol]:
    """A crop whose origin is at (`dx`, `dy`) on the page read by the second recognizer as
    one line of `whitelist`'s characters (None: any), as RGB (it reads grayscale worse)."""
    rgb = cv2.cvtColor(crop, cv2.COLOR_GRAY2RGB) if crop.ndim == 2 else crop
    try:
        return _moved(second.image_to_symbols(rgb, psm=LINE_PSM, whitelist=whitelist),
                      dx, dy)
    except EngineError as e:  # Tesseract's reading stands alone
        log.warning("identifier region not read by the second recognizer: %s", e)
        return []


def read_identifiers(image: np.ndarray, words: list[Word], reader: Reader
                     ) -> list[IdentifierRead]:
    """Every identifier candidate of a page read whole (`words` are pixels of `image`),
    read again by the reader's engine and digit model, and by its second recognizer
    when it has one (every region: the classifier takes its value where Tesseract's is
    not valid, and a valid value of its own that differs makes Tesseract's a doubt)."""
    engine = reader.engine
    out: list[IdentifierRead] = []
    for kind, label, value in find_regions(words):
        box = words_box(value)
        text = " ".join(w.text for w in value)
        conf = float(np.mean([w.confidence for w in value]))
        symbols: list[Symbol] = []
        segmented: list[Symbol] = []
        crop, dx, dy = region_crop(image, box)  # one crop for every reader of the region
        if isinstance(engine, SymbolEngine):
            try:
                symbols, segmented = _reread(crop, dx, dy, kind, engine, reader.digits)
            except EngineError as e:  # the page's own read stands; only the second is lost
                log.warning("identifier region not read again: %s", e)
        second = ([] if reader.second is None
                  else second_read(crop, dx, dy, _whitelist(kind), reader.second))
        out.append(IdentifierRead(kind=kind, label=label, box=box, text=text,
                                  confidence=round(conf, 1), symbols=symbols,
                                  segmented=segmented, second=second))
    log.debug("identifier candidates: %d", len(out))
    return out


# The volante's fields that hold identifiers: its digit rows and its e-mail line.
VOLANTE_FIELDS = ("nss", "telefono", "correo")


def _copies(symbols: list[Symbol]) -> list[Symbol]:
    """Own copies: the page's boxes are scaled once per object holding them."""
    return [replace(s, alternatives=list(s.alternatives)) for s in symbols]


def from_volante(v: VolanteRead) -> list[IdentifierRead]:
    """The volante's identifier fields as candidates, with the alternatives read there.

    A digit row's characters read by the digit model go in `segmented`, the engine's read
    of the same boxes (when it gave one digit per box) in `symbols`, the second
    recognizer's (of a row or of the e-mail field) in `second`; the row's confidence
    is left at 0 so that only the search over their alternatives (never the row's mean)
    can accept a value.
    """
    out = []
    for key in VOLANTE_FIELDS:
        f = v.fields.get(key)
        if f is None or not (f.value.strip() or f.second):
            continue
        row = key != "correo"
        out.append(IdentifierRead(kind=key, label="casillas" if row else "campo", box=f.box,
                                  text=f.value, confidence=0.0 if row else f.confidence,
                                  symbols=_copies(f.reread if row else f.symbols),
                                  segmented=_copies(f.symbols) if row else [],
                                  second=_copies(f.second)))
    return out
