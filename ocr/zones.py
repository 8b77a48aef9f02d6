"""Reading the zones of an aligned form: checkbox fill, digit boxes and written fields."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np

from ocr import digits
from ocr.engine import DIGITS, SymbolEngine, mean_confidence, words_to_text
from ocr.errors import EngineError
from ocr.identifiers import EMAIL_CHARS, second_read
from ocr.preprocess import below, flatten_background
from ocr.types import Box, CheckboxRead, FieldRead, Symbol, Word

if TYPE_CHECKING:
    from ocr.digits import DigitModels
    from ocr.engine import OcrEngine
    from ocr.reader import Reader
    from ocr.template import FormTemplate, Zone

log = logging.getLogger(__name__)

# Checkboxes: share of ink inside the box once its printed border is cut away.
CHECKBOX_INSET = 0.2  # fraction of the box side skipped on each edge (border + misalignment)
CHECKBOX_MARKED_MIN = 0.07  # at least this much ink: "marcado" (a thin pen X is ~0.1)
CHECKBOX_EMPTY_MAX = 0.02  # at most this much: "vacio"; in between: "ambiguo"
# Digit boxes.
DIGIT_INSET = 0.06  # small: handwriting reaches the box's edges (printed edges are removed)
EDGE_SPAN = 0.92  # a straight run this long (x the crop) is a printed box edge, not a stroke
DIGIT_MIN_INK = 0.008  # below this share of ink a digit box is empty
# Under this model confidence a digit is doubtful: the row is flagged for a person to read
# (on held-out MNIST digits ~94% are above it, and of those 99.6% are right).
DIGIT_MIN_CONF = 80.0
# Rows checked by a check digit.
DIGIT_CHECKS = {"nss": "luhn"}
# Written fields.
FIELD_MIN_INK_PX = 40  # fewer ink pixels than this (at 300 dpi) and the field is empty
LEGIBLE_MIN_CONF = 55.0  # mean word confidence under this: a person should read the crop
PAD = 20  # px of white around a crop: Tesseract reads badly at the very edge
# Fields the second recognizer reads too, with the characters each can hold (None: any):
# the e-mail, and the name, which it reads right where Tesseract slips on handwriting as
# often as the other way round (the classifier keeps the reading more of whose words are
# names).
READ_TWICE: dict[str, str | None] = {"correo": EMAIL_CHARS, "nombre": None}
ROW_PSM = 7  # a digit row re-read by the engine is one line of text...
CHAR_PSM = 10  # ... and a box it misread there, one character
# Inside the zones, on a page whose paper is flattened to white, pencil and light ballpoint
# are ink too: a higher level than the page-wide one. The printed guide lines (grey 184)
# sit just above it, and ruled lines are removed from fields anyway.
ZONE_INK_LEVEL = 180
SPECK_PX = 12  # connected ink smaller than this (at 300 dpi) is dust or JPEG noise


def zone_ink(page: np.ndarray) -> np.ndarray:
    """Ink mask (0/255) for reading zones: flattened paper, light strokes kept, dust dropped."""
    mask = below(flatten_background(page), ZONE_INK_LEVEL)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= SPECK_PX
    keep[0] = False  # label 0 is the paper
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _ink_image(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Ink on white with its contrast stretched, so light pencil reads like pen."""
    if not mask.any():
        return np.full_like(gray, 255)
    ink = gray[mask > 0]
    lo, hi = float(np.percentile(ink, 5)), float(ZONE_INK_LEVEL)
    scale = 200.0 / max(hi - lo, 1.0)
    dark = np.clip((gray.astype(np.float32) - lo) * scale, 0, 255).astype(np.uint8)
    return np.where(mask > 0, dark, 255).astype(np.uint8)


def _crop(page: np.ndarray, box: Box) -> np.ndarray:
    x0, y0, x1, y1 = box
    h, w = page.shape[:2]
    return page[max(y0, 0):min(y1, h), max(x0, 0):min(x1, w)]


def _inset(box: Box, frac: float) -> Box:
    x0, y0, x1, y1 = box
    dx, dy = round((x1 - x0) * frac), round((y1 - y0) * frac)
    return x0 + dx, y0 + dy, x1 - dx, y1 - dy


def _straight_runs(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """The ink of `mask` lying on straight runs at least width x height long.

    Outside the crop counts as paper: OpenCV's default border counts it as ink, and then a
    stroke that merely touches the crop's edge (a 7's bar beside its box) passes for a run
    twice its real length and is erased with the printed lines.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (width, height))
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel, borderType=cv2.BORDER_CONSTANT,
                            borderValue=0)


def _clean(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Ink (contrast stretched) on white paper, long ruled lines removed, padded."""
    mask = mask.copy()
    w = gray.shape[1]
    if w > 60:
        mask[_straight_runs(mask, max(w // 4, 40), 1) > 0] = 0
    out = _ink_image(gray, mask)
    return cv2.copyMakeBorder(out, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255)


def read_checkboxes(page: np.ndarray, template: FormTemplate, dpi: int,
                    mask: np.ndarray | None = None) -> dict[str, CheckboxRead]:
    """State of every checkbox of the template on an aligned page (`mask`: its zone_ink)."""
    mask = zone_ink(page) if mask is None else mask
    out: dict[str, CheckboxRead] = {}
    for key in template.raw.get("checkboxes", {}):
        box = template.zone("checkboxes", key).to_px(dpi)
        inner = _crop(mask, _inset(box, CHECKBOX_INSET))
        ratio = float(cv2.countNonZero(inner)) / max(inner.size, 1)
        state: Literal["marcado", "vacio", "ambiguo"]
        if ratio >= CHECKBOX_MARKED_MIN:
            state = "marcado"
        elif ratio <= CHECKBOX_EMPTY_MAX:
            state = "vacio"
        else:
            state = "ambiguo"
        out[key] = CheckboxRead(state=state, fill_ratio=round(ratio, 4), box=box)
    return out


def _digit_ink(page: np.ndarray, mask: np.ndarray, box: Box) -> tuple[np.ndarray, Box] | None:
    """The ink of one digit box, bright on black (MNIST's way), and its tight page box."""
    inner = _inset(box, DIGIT_INSET)
    m = _without_box_edges(_crop(mask, inner))
    if cv2.countNonZero(m) / max(m.size, 1) < DIGIT_MIN_INK:
        return None  # an empty box: people skip boxes, or leave the row half-filled
    ink = 255 - _ink_image(_crop(page, inner), m)
    x, y, w, h = cv2.boundingRect(m)
    return ink, (inner[0] + x, inner[1] + y, inner[0] + x + w, inner[1] + y + h)


def _without_box_edges(mask: np.ndarray) -> np.ndarray:
    """The mask minus straight lines spanning (nearly) the whole crop: the printed box.

    A small inset keeps digits that touch the box whole; the box's own edges that then
    fall inside the crop are removed here instead.
    """
    h, w = mask.shape[:2]
    if h < 10 or w < 10:
        return mask
    out = mask.copy()
    for kw, kh in ((max(3, round(w * EDGE_SPAN)), 1), (1, max(3, round(h * EDGE_SPAN)))):
        lines = cv2.dilate(_straight_runs(mask, kw, kh), np.ones((3, 3)))
        out[lines > 0] = 0
    return out


def _row_line(inks: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The boxes' ink side by side on one white line (printed edges gone), and the x span
    each box takes on it."""
    height = max(i.shape[0] for i in inks)
    line = np.full((height + 2 * PAD, sum(i.shape[1] for i in inks) + 2 * PAD), 255, np.uint8)
    spans: list[tuple[int, int]] = []
    x = PAD
    for ink in inks:
        h, w = ink.shape[:2]
        y = PAD + (height - h) // 2
        line[y:y + h, x:x + w] = 255 - ink  # the model's bright-on-black back to ink on paper
        spans.append((x, x + w))
        x += w
    return line, spans


def _engine_digits(inks: list[np.ndarray], boxes: list[Box], engine: SymbolEngine
                   ) -> list[Symbol]:
    """The engine's reading of the row, one digit per box with its alternatives, or [] if
    it did not see exactly one digit in each box (then it says nothing about the row).

    The row is read as one line first (one call); where that does not give one digit per
    box, each box the line left wrong is read alone as a single character.
    """
    line, spans = _row_line(inks)
    per_box: list[list[Symbol]] = [[] for _ in spans]
    for sym in engine.image_to_symbols(line, psm=ROW_PSM, whitelist=DIGITS):
        centre = (sym.box[0] + sym.box[2]) / 2
        for i, (a, b) in enumerate(spans):
            if a <= centre < b:
                per_box[i].append(sym)
    for i, ink in enumerate(inks):
        if len(per_box[i]) != 1:
            alone, _ = _row_line([ink])
            per_box[i] = engine.image_to_symbols(alone, psm=CHAR_PSM, whitelist=DIGITS)
    if any(len(found) != 1 for found in per_box):
        return []
    return [Symbol(found[0].text, found[0].confidence, box, found[0].alternatives)
            for found, box in zip(per_box, boxes, strict=True)]


def read_digit_row(page: np.ndarray, mask: np.ndarray, zones: list[Zone], dpi: int,
                   models: DigitModels, *, check: str | None = None,
                   engine: OcrEngine | None = None, second: SymbolEngine | None = None
                   ) -> FieldRead:
    """Digits of a row of boxes, each read by the handwritten-digit model ("?" if none).

    Every filled box becomes a Word (its digit, the model's confidence, its ink box). The
    row is legible only when every box is filled and every digit is confident (an empty
    row is legible: nothing was written); with `check="luhn"` (the NSS) a
    row of the full length must also pass the check digit, and a failing one is repaired
    only when exactly one low-confidence digit can make it pass - flagged either way.
    A full row is also read by the `second` recognizer, box by box, for `FieldRead.second`;
    without one, a full row without a check digit is read by `engine` (when it keeps
    alternatives) for `FieldRead.reread`.
    """
    boxes = [z.to_px(dpi) for z in zones]
    row_box = (boxes[0][0], boxes[0][1], boxes[-1][2], boxes[-1][3])
    found = [f for f in (_digit_ink(page, mask, b) for b in boxes) if f is not None]
    if not found:
        return FieldRead(value="", confidence=0.0, box=row_box, legible=True)
    normal = [digits.normalise(ink) for ink, _ in found]
    readable = [n for n in normal if n is not None]
    guesses = iter(models.get().predict(readable))
    words: list[Word] = []
    probs: list[list[float]] = []
    for n, (_ink, box) in zip(normal, found, strict=True):
        g = next(guesses) if n is not None else digits.DigitGuess("?", 0.0, [0.0] * 10)
        words.append(Word(g.digit, g.confidence, box, 0, 0))
        probs.append(g.probabilities)
    value = "".join(w.text for w in words)
    # A row with some boxes left empty is a number missing digits (or a misread gap).
    legible = ("?" not in value and len(value) == len(zones)
               and all(w.confidence >= DIGIT_MIN_CONF for w in words))
    if check == "luhn" and len(value) == len(zones) and "?" not in value:
        if not digits.luhn_ok(value):
            legible = False
            repaired = digits.repair_luhn(value, [w.confidence for w in words], probs,
                                          DIGIT_MIN_CONF)
            if repaired is not None:
                pos, digit = repaired
                log.debug("check digit repaired at position %d", pos)
                w = words[pos]
                words[pos] = Word(digit, round(100 * probs[pos][int(digit)], 1), w.box, 0, 0)
                value = "".join(w.text for w in words)
    mean = float(np.mean([w.confidence for w in words]))
    symbols = [Symbol(w.text, w.confidence, w.box, sorted(
        ((str(d), round(q, 4)) for d, q in enumerate(p) if q >= 0.005),
        key=lambda dq: dq[1], reverse=True)) for w, p in zip(words, probs, strict=True)]
    reread: list[Symbol] = []
    again: list[Symbol] = []
    inks, ink_boxes = [ink for ink, _ in found], [b for _, b in found]
    if second is not None and len(found) == len(zones):
        # The second recognizer reads handwritten digits far better than Tesseract (9 of 9
        # phone rows on a tuning box, against 0): it reads every full row, the NSS too.
        try:
            again = _engine_digits(inks, ink_boxes, second)
        except EngineError as e:  # the digit model's reading stands alone
            log.warning("digit row not read by the second recognizer: %s", e)
    elif check is None and isinstance(engine, SymbolEngine) and len(found) == len(zones):
        # A row with no check digit (the phone) has nothing else to catch a confident slip
        # of the digit model: the engine reads it too. On the NSS, Luhn does that job better
        # (Tesseract's handwritten-digit slips vetoed right NSS as often as wrong ones).
        reread = _engine_digits(inks, ink_boxes, engine)
    return FieldRead(value=value, confidence=round(mean, 1), box=row_box, legible=legible,
                     words=words, symbols=symbols, reread=reread, second=again)


def _read_field(page: np.ndarray, mask: np.ndarray, box: Box, psm: int,
                engine: OcrEngine, *, alternatives: str | None = None,
                second: SymbolEngine | None = None, second_whitelist: str | None = None
                ) -> FieldRead:
    """A written field read by the engine; with `alternatives` (a whitelist) it is read a
    second time keeping each character's choices, when the engine can; by the `second`
    recognizer (restricted to `second_whitelist`) if it is given one."""
    m = _crop(mask, box)
    if cv2.countNonZero(m) < FIELD_MIN_INK_PX:
        return FieldRead(value="", confidence=0.0, box=box, legible=True)
    clean = _clean(_crop(page, box), m)
    if cv2.countNonZero(255 - clean) < FIELD_MIN_INK_PX:  # it was only the ruled lines
        return FieldRead(value="", confidence=0.0, box=box, legible=True)
    words = engine.image_to_data(clean, psm=psm)
    text = words_to_text(words).strip()
    conf = mean_confidence(words)
    dx, dy = box[0] - PAD, box[1] - PAD  # crop (padded) -> page pixels
    on_page = [Word(w.text, w.confidence, (w.box[0] + dx, w.box[1] + dy, w.box[2] + dx,
                                           w.box[3] + dy), w.line, w.block) for w in words]
    symbols: list[Symbol] = []
    if alternatives is not None and text and isinstance(engine, SymbolEngine):
        symbols = engine.image_to_symbols(clean, psm=psm, whitelist=alternatives)
        for sym in symbols:
            sym.box = (sym.box[0] + dx, sym.box[1] + dy, sym.box[2] + dx, sym.box[3] + dy)
    # Read again even where Tesseract read nothing: the ink is there.
    again = [] if second is None else second_read(clean, dx, dy, second_whitelist, second)
    return FieldRead(value=text, confidence=round(conf, 1), box=box,
                     legible=bool(text) and conf >= LEGIBLE_MIN_CONF, words=on_page,
                     symbols=symbols, second=again)


def read_fields(page: np.ndarray, reader: Reader, dpi: int,
                mask: np.ndarray | None = None) -> dict[str, FieldRead]:
    """Every written field and digit-box row of the reader's template on an aligned page
    (digit rows by its digit model, fields by its engine; the rows and `READ_TWICE`'s
    fields again by its second recognizer when it has one)."""
    template, engine = reader.template, reader.engine
    mask = zone_ink(page) if mask is None else mask
    out: dict[str, FieldRead] = {}
    for key in template.raw.get("digit_boxes", {}):
        out[key] = read_digit_row(page, mask, template.digit_zones(key), dpi, reader.digits,
                                  check=DIGIT_CHECKS.get(key), engine=engine,
                                  second=reader.second)
    for key, spec in template.raw.get("fields", {}).items():
        box = template.zone("fields", key).to_px(dpi)
        twice = reader.second is not None and key in READ_TWICE
        out[key] = _read_field(page, mask, box, int(spec.get("psm", 7)), engine,
                               alternatives=EMAIL_CHARS if key == "correo" else None,
                               second=reader.second if twice else None,
                               second_whitelist=READ_TWICE.get(key))
    log.debug("volante fields read: %d filled", sum(1 for f in out.values() if f.value))
    return out
