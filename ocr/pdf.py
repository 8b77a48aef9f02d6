"""PDF pages in, pixels and text layers out: the one module that imports pypdfium2."""

from __future__ import annotations

import logging
import re
from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium

from ocr.errors import UnreadableImageError

log = logging.getLogger(__name__)

POINTS_PER_INCH = 72.0
# A text layer with fewer letters/digits than this is noise (a scanner's page number, an
# invisible OCR stub): such a page is read from its pixels instead.
MIN_TEXT_LAYER_CHARS = 20
# Text kept from one page's layer: a dense typed page holds some 5,000 characters. A layer
# of a megabyte (generated, or hostile) would otherwise be stored, split and classified
# whole; pdfplumber took 147 s and 2.5 GB on one, pdfium's text API takes a fraction of a
# second and is asked for this many characters only.
MAX_TEXT_LAYER_CHARS = 20_000
DAMAGED = "el PDF está dañado o incompleto"
# pdfium marks a hyphen that breaks a word at the end of a line with U+FFFE and joins the
# two halves ("pala\ufffebra"): dropped, the word is whole again. Control characters go too
# (PostgreSQL refuses NUL in text); line breaks and tabs stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass
class PdfPage:
    pixels: np.ndarray  # RGB uint8
    text_layer: str | None
    notes: list[str] = field(default_factory=list)  # Spanish: what was done to the page


PdfPages = Generator[PdfPage, None, None]


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY):
            raise UnreadableImageError("el PDF está protegido con contraseña") from e
        raise UnreadableImageError(DAMAGED) from e


def _check_size(doc: pdfium.PdfDocument, dpi: int, max_pixels: int) -> None:
    k = dpi / POINTS_PER_INCH
    for i in range(len(doc)):
        try:
            w, h = doc.get_page_size(i)
        except pdfium.PdfiumError as e:  # e.g. a page tree that loops: no such page
            raise UnreadableImageError(DAMAGED) from e
        if w <= 0 or h <= 0:
            raise UnreadableImageError(f"la página {i + 1} del PDF no tiene tamaño válido")
        if w * k * h * k > max_pixels:
            raise UnreadableImageError(
                f"la página {i + 1} del PDF es demasiado grande para leerla a {dpi} ppp")


def _text_layer(page: pdfium.PdfPage, notes: list[str]) -> str | None:
    """The page's text, None where the layer is (nearly) empty or cannot be extracted;
    at most MAX_TEXT_LAYER_CHARS of it, with a note in `notes` when it was cut."""
    try:
        textpage = page.get_textpage()
        try:
            total = textpage.count_chars()
            text = textpage.get_text_range(0, min(total, MAX_TEXT_LAYER_CHARS))
        finally:
            textpage.close()
    except pdfium.PdfiumError as e:  # pixels are still readable without a text layer
        log.warning("PDF text layer not extracted (%s); reading pixels only", type(e).__name__)
        return None
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(re.findall(r"\w", text)) < MIN_TEXT_LAYER_CHARS:
        return None
    if total > MAX_TEXT_LAYER_CHARS:
        text = text[:MAX_TEXT_LAYER_CHARS]
        notes.append(f"la capa de texto tiene {total:,} caracteres; se conservaron los "
                     f"primeros {MAX_TEXT_LAYER_CHARS:,}")
    return text


def render_pdf_pages(data: bytes, *, dpi: int = 300,
                     max_pixels: int = 150_000_000) -> list[np.ndarray]:
    """Render every page of a (small) PDF as an RGB uint8 array at `dpi`."""
    return [p.pixels for p in read_pdf(data, dpi=dpi, max_pixels=max_pixels, text=False)]


def read_pdf(data: bytes, *, dpi: int = 300, max_pixels: int = 150_000_000,
             text: bool = True, max_pages: int | None = None) -> PdfPages:
    """The pages of a PDF, one at a time: each rendered at `dpi` only when asked for and,
    if `text`, with its real text layer.

    Everything that can refuse the file (damage, password, page count over `max_pages`,
    a page too large) is checked before the first page is rendered; a caller that drops
    each page before asking for the next holds one page's pixels at a time.

    Raises:
        UnreadableImageError: corrupt, password-protected, empty, too long or oversized PDF
            (a page that cannot be drawn is found only when it is reached).
    """
    doc = _open(data)
    try:
        n = len(doc)
        if n == 0:
            raise UnreadableImageError("el PDF no tiene páginas")
        if max_pages is not None and n > max_pages:
            raise UnreadableImageError(too_many_pages(n, max_pages))
        _check_size(doc, dpi, max_pixels)
    except BaseException:
        doc.close()
        raise
    return _pages(doc, dpi, text)


def too_many_pages(count: int, max_pages: int) -> str:
    """The Spanish reason for a file over the page cap (PDF and TIFF say the same)."""
    return (f"el archivo tiene {count:,} páginas y se leen como máximo {max_pages:,} por "
            "archivo; divídalo en partes más pequeñas")


def _pages(doc: pdfium.PdfDocument, dpi: int, text: bool) -> PdfPages:
    try:
        for i in range(len(doc)):
            # No local keeps the page between two yields: once the caller drops it, its
            # pixels are freed before the next page is rendered.
            yield _render(doc, i, dpi, text)
        log.debug("PDF rendered: %d pages at %d dpi", len(doc), dpi)
    finally:
        doc.close()


def _render(doc: pdfium.PdfDocument, i: int, dpi: int, text: bool) -> PdfPage:
    try:
        page = doc[i]
    except pdfium.PdfiumError as e:
        raise UnreadableImageError(DAMAGED) from e
    try:
        notes: list[str] = []
        layer = _text_layer(page, notes) if text else None
        # RGB straight from pdfium, copied once out of its buffer (through Pillow it took
        # three page-sized copies).
        bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True)
        try:
            pixels = np.array(bitmap.to_numpy()[:, :, :3])  # no alpha: white fill
        finally:
            bitmap.close()
    except pdfium.PdfiumError as e:
        raise UnreadableImageError(f"no se pudo dibujar la página {i + 1} del PDF") from e
    finally:
        page.close()
    return PdfPage(pixels=pixels, text_layer=layer, notes=notes)
