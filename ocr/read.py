"""Read one page: text layer, or our volante's zones, or full-page Tesseract."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ocr import closing, identifiers, lines, volante
from ocr.engine import mean_confidence, words_to_text
from ocr.errors import OcrError
from ocr.match import align_by_features
from ocr.preprocess import (
    READ_MIN_DPI,
    denoise,
    deskew,
    detect_orientation,
    flatten_background,
    flatten_sheet,
    is_blank,
    normalise_dpi,
    rotate_clockwise,
    to_gray,
)
from ocr.types import Box, PageRead, VolanteRead, Word

if TYPE_CHECKING:
    from ocr.engine import OcrEngine
    from ocr.reader import Reader
    from ocr.types import PageImage

log = logging.getLogger(__name__)

IMAGE_DPI = 150  # resolution of PageRead.image_png; every box in a PageRead refers to it
FULL_PAGE_PSM = 3  # automatic layout: letters have headers, paragraphs, signatures
A4_LONG_SIDE_IN = 297 / 25.4
# The QR search (~0.3 s a page) and feature matching (~0.3 s) are tried only on photos and
# on pages showing at least this many of our marker squares (the rest may be covered or
# out of the frame).
FORM_HINT_MARKERS = 2
# Mean word confidence of a full-page read above which the page is taken as upright: typed
# pages read upright score 80-95, turned ones under 50 (measured on the sample box).
SURE_UPRIGHT_CONF = 70.0


def read_page(page: PageImage, reader: Reader) -> PageRead:
    """Read one page with the reader's engine, volante template and digit model.

    A page with a text layer is taken as is (no OCR; no words, no boxes). Otherwise a
    photographed sheet is cut out of its surroundings and warped flat, the page is
    brought to ~300 dpi with its lighting flattened; blank pages stop there. Our
    volante (found by its QR code, or by its four corner markers once upright) is aligned
    to the template and read zone by zone; any other page is deskewed and read whole with
    Tesseract, and turned upright and read again only when that read is doubtful.

    The returned `image_png` is the upright, cleaned page (for a volante: the page aligned
    to the template) at IMAGE_DPI, and all boxes (words, fields, checkboxes) are pixels of
    that image; `width`/`height` are its size. For a volante, `text` and `words` are the
    description field's.
    """
    if page.text_layer:
        return _from_text_layer(page)
    gray, warped = flatten_sheet(to_gray(page.pixels))
    dpi = page.dpi
    if warped:  # a photo: its resolution was guessed from the whole frame, not the sheet
        dpi = min(dpi, max(1, round(max(gray.shape[:2]) / A4_LONG_SIDE_IN)))
    gray, dpi = normalise_dpi(gray, dpi, keep_from=READ_MIN_DPI)
    gray = flatten_background(gray, dpi)
    if is_blank(gray, dpi):
        log.debug("page %d is blank", page.page_no)
        return _finish(PageRead(page_no=page.page_no, text="", confidence=0.0,
                                method="tesseract", is_blank=True), gray, dpi)
    engine, template = reader.engine, reader.template
    # Our volante shows its corner markers; without two of them (or a photo, where they
    # may be out of frame) the page is no form of ours and the QR search is not paid.
    rotation: int | None = None
    if warped or len(volante.marker_candidates(gray, template)) >= FORM_HINT_MARKERS:
        aligned, rotation = _align_form(gray, reader)
        if aligned is not None:
            return _read_volante(page, aligned, reader)
    clean, words, rotation, skew = _read_upright(gray, engine, rotation)
    words = lines.with_missed_lines(clean, words, engine, reader.second)
    read = PageRead(page_no=page.page_no, text=words_to_text(words),
                    confidence=round(mean_confidence(words), 1), method="tesseract",
                    rotation=rotation, skew=skew, words=words,
                    identifiers=identifiers.read_identifiers(clean, words, reader),
                    closing=[] if reader.second is None
                    else closing.read_closing(clean, words, reader.second))
    log.debug("page %d read by tesseract: %d words", page.page_no, len(words))
    return _finish(read, clean, dpi)


def _align_form(gray: np.ndarray, reader: Reader
                ) -> tuple[volante.Aligned | None, int | None]:
    """The page aligned to the template if it is a volante: QR or markers in any
    orientation; else markers once upright; else (photos) the blank form's features.

    Also returns the page's orientation when it had to be detected (None otherwise), so a
    page that is no volante after all is not sent through OSD a second time.
    """
    template = reader.template
    aligned = volante.detect(gray, template)
    if aligned is not None:
        return aligned, None
    rotation = detect_orientation(gray, reader.engine)
    upright, skew = deskew(rotate_clockwise(gray, rotation))
    aligned = volante.align(upright, template, upright=True)  # markers without a QR
    if aligned is None:
        aligned = align_by_features(upright, template)
        if aligned is None:
            return None, rotation
        turned = rotation + aligned.rotation
    else:
        turned = rotation
    return replace(aligned, rotation=turned % 360, skew=round(skew + aligned.skew, 2)), rotation


def _read_upright(gray: np.ndarray, engine: OcrEngine, rotation: int | None = None
                  ) -> tuple[np.ndarray, list[Word], int, float]:
    """Read the page once as it lies; only a doubtful read pays for orientation detection.

    Print read upside down or sideways never scores SURE_UPRIGHT_CONF, so a page read
    that well is upright; below it (handwriting, or a turned page) OSD proposes a turn and
    the turned page is read again. A `rotation` already detected is applied and the page
    read once. Returns the image read, its words, rotation and skew.
    """
    if rotation is None:
        level, skew = deskew(gray)
        clean = denoise(level)
        words = engine.image_to_data(clean, psm=FULL_PAGE_PSM)
        if mean_confidence(words) >= SURE_UPRIGHT_CONF:
            return clean, words, 0, skew
        rotation = detect_orientation(gray, engine)
        if not rotation:
            return clean, words, 0, skew
    level, skew = deskew(rotate_clockwise(gray, rotation))
    clean = denoise(level)
    return clean, engine.image_to_data(clean, psm=FULL_PAGE_PSM), rotation, skew


def _read_volante(page: PageImage, aligned: volante.Aligned, reader: Reader) -> PageRead:
    v = volante.read_volante(aligned, reader)
    desc = v.fields.get("descripcion")
    filled = [f for f in v.fields.values() if f.value]
    conf = desc.confidence if desc is not None and desc.value else (
        float(np.mean([f.confidence for f in filled])) if filled else 0.0)
    words = list(desc.words) if desc is not None else []
    # People also write their NSS, phone or e-mail in the description ("Nss 0796..., mi
    # correo ..."): those are candidates too, read again as in a letter's running text.
    found = identifiers.from_volante(v) + identifiers.read_identifiers(aligned.image, words,
                                                                       reader)
    read = PageRead(page_no=page.page_no, text=desc.value if desc is not None else "",
                    confidence=round(conf, 1), method="volante", rotation=aligned.rotation,
                    skew=aligned.skew, volante=v, words=words, identifiers=found)
    log.debug("page %d read as volante (%s): %d boxes marked, %d fields filled",
              page.page_no, aligned.method, len(v.checked_types), len(filled))
    return _finish(read, aligned.image, volante.ALIGN_DPI)


def unread_page(page: PageImage, reason: str) -> PageRead:
    """The page as it came, for a person to read: the engine failed on it with `reason`."""
    read = PageRead(page_no=page.page_no, text="", confidence=0.0, method="tesseract",
                    error=reason)
    return _finish(read, to_gray(page.pixels), page.dpi)


def _from_text_layer(page: PageImage) -> PageRead:
    read = PageRead(page_no=page.page_no, text=page.text_layer or "", confidence=100.0,
                    method="text_layer", notes=list(page.notes))
    return _finish(read, to_gray(page.pixels), page.dpi)


def _scale_box(box: Box, k: float) -> Box:
    return (round(box[0] * k), round(box[1] * k), round(box[2] * k), round(box[3] * k))


def _scale_words(words: list[Word], k: float) -> list[Word]:
    return [Word(w.text, w.confidence, _scale_box(w.box, k), w.line, w.block) for w in words]


def _finish(read: PageRead, gray: np.ndarray, dpi: int) -> PageRead:
    """Attach the page image at IMAGE_DPI and scale every box to it."""
    k = IMAGE_DPI / dpi if dpi > IMAGE_DPI else 1.0
    image = gray if k == 1.0 else cv2.resize(gray, None, fx=k, fy=k,
                                             interpolation=cv2.INTER_AREA)
    ok, png = cv2.imencode(".png", image)
    if not ok:
        raise OcrError("no se pudo codificar la imagen de la página")
    read.image_png = png.tobytes()
    read.height, read.width = image.shape[:2]
    if k != 1.0:
        read.words = _scale_words(read.words, k)
        for ident in read.identifiers:
            ident.box = _scale_box(ident.box, k)
            for s in [*ident.symbols, *ident.segmented, *ident.second]:
                s.box = _scale_box(s.box, k)
        if read.volante is not None:
            _scale_volante(read.volante, k)
    return read


def _scale_volante(v: VolanteRead, k: float) -> None:
    for c in v.checkboxes.values():
        c.box = _scale_box(c.box, k)
    for f in v.fields.values():
        f.box = _scale_box(f.box, k)
        f.words = _scale_words(f.words, k)
        for s in [*f.symbols, *f.reread, *f.second]:
            s.box = _scale_box(s.box, k)
