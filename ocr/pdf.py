"""PDF pages in, pixels and text layers out: the one module that imports pypdfium2/pdfplumber."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

import numpy as np
import pdfplumber
import pypdfium2 as pdfium

from ocr.errors import UnreadableImageError

log = logging.getLogger(__name__)

POINTS_PER_INCH = 72.0
# A text layer with fewer letters/digits than this is noise (a scanner's page number, an
# invisible OCR stub): such a page is read from its pixels instead.
MIN_TEXT_LAYER_CHARS = 20


@dataclass
class PdfPage:
    pixels: np.ndarray  # RGB uint8
    text_layer: str | None


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY):
            raise UnreadableImageError("el PDF está protegido con contraseña") from e
        raise UnreadableImageError("el PDF está dañado o incompleto") from e


def _check_size(doc: pdfium.PdfDocument, dpi: int, max_pixels: int) -> None:
    k = dpi / POINTS_PER_INCH
    for i in range(len(doc)):
        w, h = doc.get_page_size(i)
        if w <= 0 or h <= 0:
            raise UnreadableImageError(f"la página {i + 1} del PDF no tiene tamaño válido")
        if w * k * h * k > max_pixels:
            raise UnreadableImageError(
                f"la página {i + 1} del PDF es demasiado grande para leerla a {dpi} ppp")


def _text_layers(data: bytes, n: int) -> list[str | None]:
    """Text of each page, None where the layer is (nearly) empty or cannot be extracted."""
    out: list[str | None] = [None] * n
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i, page in enumerate(pdf.pages[:n]):
                text = page.extract_text() or ""
                if len(re.findall(r"\w", text)) >= MIN_TEXT_LAYER_CHARS:
                    out[i] = text
    except Exception as e:  # noqa: BLE001 - pixels are still readable without a text layer
        log.warning("PDF text layer not extracted (%s); reading pixels only", type(e).__name__)
    return out


def render_pdf_pages(data: bytes, *, dpi: int = 300,
                     max_pixels: int = 150_000_000) -> list[np.ndarray]:
    """Render every page of a PDF as an RGB uint8 array at `dpi`."""
    return [p.pixels for p in read_pdf(data, dpi=dpi, max_pixels=max_pixels, text=False)]


def read_pdf(data: bytes, *, dpi: int = 300, max_pixels: int = 150_000_000,
             text: bool = True) -> list[PdfPage]:
    """Render every page at `dpi` and, if `text`, keep each page's real text layer.

    Raises:
        UnreadableImageError: corrupt, password-protected, empty or oversized PDF.
    """
    doc = _open(data)
    try:
        n = len(doc)
        if n == 0:
            raise UnreadableImageError("el PDF no tiene páginas")
        _check_size(doc, dpi, max_pixels)
        layers = _text_layers(data, n) if text else [None] * n
        pages: list[PdfPage] = []
        for i in range(n):
            page = doc[i]
            try:
                bitmap = page.render(scale=dpi / POINTS_PER_INCH)
                pixels = np.asarray(bitmap.to_pil().convert("RGB"))
            except pdfium.PdfiumError as e:
                raise UnreadableImageError(f"no se pudo dibujar la página {i + 1} del PDF") from e
            finally:
                page.close()
            pages.append(PdfPage(pixels=pixels, text_layer=layers[i]))
        log.debug("PDF rendered: %d pages at %d dpi", n, dpi)
        return pages
    finally:
        doc.close()
