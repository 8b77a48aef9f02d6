"""Reading the zones of an aligned form: checkbox fill, digit boxes and written fields."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ocr.engine import DIGITS, mean_confidence, words_to_text
from ocr.preprocess import flatten_background
from ocr.types import Box, CheckboxRead, FieldRead, Word

if TYPE_CHECKING:
    from ocr.engine import OcrEngine
    from ocr.template import FormTemplate, Zone

log = logging.getLogger(__name__)

# Checkboxes: share of ink inside the box once its printed border is cut away.
CHECKBOX_INSET = 0.2  # fraction of the box side skipped on each edge (border + misalignment)
CHECKBOX_MARKED_MIN = 0.07  # at least this much ink: "marcado" (a thin pen X is ~0.1)
CHECKBOX_EMPTY_MAX = 0.02  # at most this much: "vacio"; in between: "ambiguo"
# Digit boxes.
DIGIT_INSET = 0.14
DIGIT_MIN_INK = 0.008  # below this share of ink a digit box is empty
DIGIT_BOX_PSMS = (13, 10)  # raw line first (reads loose handwriting more), then one char
# Written fields.
FIELD_MIN_INK_PX = 40  # fewer ink pixels than this (at 300 dpi) and the field is empty
LEGIBLE_MIN_CONF = 55.0  # mean word confidence under this: a person should read the crop
PAD = 20  # px of white around a crop: Tesseract reads badly at the very edge
# Inside the zones, on a page whose paper is flattened to white, pencil and light ballpoint
# are ink too: a higher level than the page-wide one. The printed guide lines (grey 184)
# sit just above it, and ruled lines are removed from fields anyway.
ZONE_INK_LEVEL = 180
SPECK_PX = 12  # connected ink smaller than this (at 300 dpi) is dust or JPEG noise


def zone_ink(page: np.ndarray) -> np.ndarray:
    """Ink mask (0/255) for reading zones: flattened paper, light strokes kept, dust dropped."""
    flat = flatten_background(page)
    mask = np.where(flat < ZONE_INK_LEVEL, 255, 0).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < SPECK_PX)
    small = small[small > 0]
    if small.size:
        mask[np.isin(labels, small)] = 0
    return mask


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


def _clean(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Ink (contrast stretched) on white paper, long ruled lines removed, padded."""
    mask = mask.copy()
    w = gray.shape[1]
    if w > 60:
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 4, 40), 1))
        lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        mask[lines > 0] = 0
    out = _ink_image(gray, mask)
    return cv2.copyMakeBorder(out, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255)


def read_checkboxes(page: np.ndarray, template: FormTemplate,
                    dpi: int) -> dict[str, CheckboxRead]:
    """State of every checkbox of the template on an aligned page."""
    mask = zone_ink(page)
    out: dict[str, CheckboxRead] = {}
    for key in template.raw.get("checkboxes", {}):
        box = template.zone("checkboxes", key).to_px(dpi)
        inner = _crop(mask, _inset(box, CHECKBOX_INSET))
        ratio = float(cv2.countNonZero(inner)) / max(inner.size, 1)
        if ratio >= CHECKBOX_MARKED_MIN:
            state = "marcado"
        elif ratio <= CHECKBOX_EMPTY_MAX:
            state = "vacio"
        else:
            state = "ambiguo"
        out[key] = CheckboxRead(state=state, fill_ratio=round(ratio, 4), box=box)
    return out


def read_digit_row(page: np.ndarray, mask: np.ndarray, zones: list[Zone], dpi: int,
                    engine: OcrEngine) -> FieldRead:
    """Digits of a row of boxes, one engine call per filled box ("?" where none is read).

    Box by box, not the row at once: on handwriting, Tesseract's line model lets one
    digit's shape bias its neighbours (measured on the sample generator's volantes).
    """
    boxes = [z.to_px(dpi) for z in zones]
    row_box = (boxes[0][0], boxes[0][1], boxes[-1][2], boxes[-1][3])
    chars: list[str] = []
    confs: list[float] = []
    for b in boxes:
        inner = _inset(b, DIGIT_INSET)
        m = _crop(mask, inner)
        if cv2.countNonZero(m) / max(m.size, 1) < DIGIT_MIN_INK:
            continue  # an empty box: people skip boxes, or leave the row half-filled
        # Tight to the ink: wide blank margins make Tesseract doubt the character.
        x, y, w, h = cv2.boundingRect(m)
        digit = _ink_image(_crop(page, inner), m)[y:y + h, x:x + w]
        padded = cv2.copyMakeBorder(digit, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255)
        found, conf = "?", 0.0
        for psm in DIGIT_BOX_PSMS:
            words = engine.image_to_data(padded, psm=psm, whitelist=DIGITS)
            d = "".join(ch for w in words for ch in w.text if ch.isdigit())
            if d:
                found, conf = d[0], mean_confidence(words)
                break
        chars.append(found)
        confs.append(conf)
    if not chars:
        return FieldRead(value="", confidence=0.0, box=row_box, legible=True)
    value = "".join(chars)
    mean = float(np.mean(confs))
    legible = "?" not in value and mean >= LEGIBLE_MIN_CONF
    return FieldRead(value=value, confidence=round(mean, 1), box=row_box, legible=legible)


def _read_field(page: np.ndarray, mask: np.ndarray, box: Box, psm: int,
                engine: OcrEngine) -> FieldRead:
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
    return FieldRead(value=text, confidence=round(conf, 1), box=box,
                     legible=bool(text) and conf >= LEGIBLE_MIN_CONF, words=on_page)


def read_fields(page: np.ndarray, template: FormTemplate, dpi: int,
                engine: OcrEngine) -> dict[str, FieldRead]:
    """Every written field and digit-box row of the template on an aligned page."""
    mask = zone_ink(page)
    out: dict[str, FieldRead] = {}
    for key in template.raw.get("digit_boxes", {}):
        out[key] = read_digit_row(page, mask, template.digit_zones(key), dpi, engine)
    for key, spec in template.raw.get("fields", {}).items():
        box = template.zone("fields", key).to_px(dpi)
        out[key] = _read_field(page, mask, box, int(spec.get("psm", 7)), engine)
    log.debug("volante fields read: %d filled", sum(1 for f in out.values() if f.value))
    return out
