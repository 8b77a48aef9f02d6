"""The printable "Volante de buzón": drawn with reportlab from the OCR template geometry."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import qrcode
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from ocr.pdf import render_pdf_pages
from ocr.template import FormTemplate, Zone, load_template

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
# Writing lines are light grey so that thresholding drops them before OCR.
GUIDE_GREY = 0.72
LABEL_GAP_MM = 2.0  # space between a label and the zone it names
# The page around the QR zone is blank, so a thin quiet zone inside the zone suffices.
DEFAULT_QR_BORDER_MODULES = 1


def qr_payload(unit: str | None, template: FormTemplate) -> str:
    """What the QR code of a volante encodes: `BUZON|<form>|<unit or empty>`."""
    return f"BUZON|{template.name}|{unit or ''}"


class _Page:
    """Draws in template coordinates (mm from the top-left) on a reportlab canvas."""

    def __init__(self, c: canvas.Canvas, page_mm: tuple[float, float]) -> None:
        self.c = c
        self.h_mm = page_mm[1]

    def y(self, y_mm: float) -> float:
        return (self.h_mm - y_mm) * mm

    def rect(self, x: float, y: float, w: float, h: float, *, fill: bool = False,
             width: float = 0.8) -> None:
        self.c.setLineWidth(width)
        self.c.rect(x * mm, self.y(y + h), w * mm, h * mm, stroke=1, fill=1 if fill else 0)

    def hline(self, x0: float, x1: float, y: float, *, grey: float = 0.0,
              width: float = 0.6) -> None:
        self.c.setStrokeGray(grey)
        self.c.setLineWidth(width)
        self.c.line(x0 * mm, self.y(y), x1 * mm, self.y(y))
        self.c.setStrokeGray(0)

    def text(self, x: float, baseline: float, s: str, *, size: float = 9,
             bold: bool = False, right: bool = False) -> None:
        self.c.setFont(FONT_BOLD if bold else FONT, size)
        if right:
            self.c.drawRightString(x * mm, self.y(baseline), s)
        else:
            self.c.drawString(x * mm, self.y(baseline), s)

    def label_left_of(self, zone: Zone, s: str, *, left_mm: float, size: float = 8.5) -> None:
        """Right-aligned label ending just left of `zone`, wrapped to two lines if needed."""
        right = zone.x - LABEL_GAP_MM
        avail = (right - left_mm) * mm
        lines = [s]
        if stringWidth(s, FONT, size) > avail:
            words = s.split()
            best = (len(words) + 1) // 2
            lines = [" ".join(words[:best]), " ".join(words[best:])]
            while max(stringWidth(t, FONT, size) for t in lines) > avail and size > 5:
                size -= 0.5
        mid = zone.y + zone.h / 2
        lead = size * 0.3528 * 1.15  # pt -> mm, with leading
        first = mid + lead / 3 - lead * (len(lines) - 1) / 2
        for i, t in enumerate(lines):
            self.text(right, first + i * lead, t, size=size, right=True)


def _draw_qr(page: _Page, payload: str, x: float, y: float, size: float,
             border: int) -> None:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # includes the border
    n = len(matrix)
    cell = size / n
    c = page.c
    c.setFillGray(0)
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                c.rect((x + col * cell) * mm, page.y(y + (r + 1) * cell), cell * mm, cell * mm,
                       stroke=0, fill=1)


def _draw(page: _Page, t: FormTemplate, unit: str | None) -> None:
    raw = t.raw
    c = page.c
    c.setFillGray(0)
    c.setStrokeGray(0)
    for m in raw["markers"]:
        page.rect(m["x"], m["y"], m["size"], m["size"], fill=True, width=0)

    q = raw["qr"]
    _draw_qr(page, qr_payload(unit, t), q["x"], q["y"], q["size"],
             q.get("border_modules", DEFAULT_QR_BORDER_MODULES))

    left = 16.0
    page.text(left, 28, "VOLANTE DE BUZÓN", size=17, bold=True)
    page.text(left, 35, "Buzón de sugerencias, reconocimientos y quejas", size=11)
    unit_line = f"Unidad: {unit or '____________________________'}"
    size = 10.0
    room = (q["x"] - 2 - left) * mm  # a long unit name must not run into the QR code
    while stringWidth(unit_line, FONT, size) > room and size > 5:
        size -= 0.5
    page.text(left, 43, unit_line, size=size)
    page.text(left, 53, "Tipo de petición (marque con una X):", size=9, bold=True)

    for key, cb in raw["checkboxes"].items():
        z = t.zone("checkboxes", key)
        page.rect(z.x, z.y, z.w, z.h, width=0.9)
        page.text(z.x + z.w + LABEL_GAP_MM, z.y + z.h * 0.78, cb["label"], size=9)
        log.debug("checkbox %s drawn", key)

    for key, d in raw["digit_boxes"].items():
        zones = t.digit_zones(key)
        for z in zones:
            page.rect(z.x, z.y, z.w, z.h, width=0.8)
        page.label_left_of(zones[0], d["label"], left_mm=left)

    for key, f in raw["fields"].items():
        z = t.zone("fields", key)
        if key == "descripcion":
            page.text(z.x, z.y - LABEL_GAP_MM, f["label"] + ":", size=9, bold=True)
            pitch = f.get("line_pitch", 10)
            y = z.y + pitch
            while y <= z.y + z.h + 1e-6:
                page.hline(z.x, z.x + z.w, y, grey=GUIDE_GREY)
                y += pitch
            continue
        # The writing line is the zone's bottom edge; the label sits to its left.
        page.hline(z.x, z.x + z.w, z.y + z.h, grey=GUIDE_GREY)
        label_left = left
        if key == "fecha":  # shares its row with "servicio"
            label_left = t.zone("fields", "servicio").x + t.zone("fields", "servicio").w + 1
        page.label_left_of(z, f["label"], left_mm=label_left)

    r = raw["reception"]
    page.rect(r["x"], r["y"], r["w"], r["h"], width=0.8)
    page.text(r["x"] + 2, r["y"] + 4.5, r["label"], size=7.5, bold=True)
    third = r["w"] / 3
    for i, s in enumerate(["Nombre del TAOD", "Rúbrica o sello", "Fecha y hora de recepción"]):
        x0 = r["x"] + 3 + i * third
        page.hline(x0, x0 + third - 6, r["y"] + r["h"] - 7, grey=0.4)
        page.text(x0, r["y"] + r["h"] - 3, s, size=7)

    c.setFont(FONT, 6)
    c.drawCentredString(t.page_mm[0] / 2 * mm, page.y(284.5),
                        "Sus datos personales se protegen conforme a la Ley General de "
                        "Protección de Datos Personales en Posesión de Sujetos Obligados.")


def render_form_pdf(unit: str | None = None, template: str = "volante_v1") -> bytes:
    """Draw the volante on one page and return the PDF bytes.

    Args:
        unit: the medical unit printed on the form and encoded in its QR code.
        template: a bundled template name or a path to a zones JSON file.
    """
    t = load_template(template)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(t.page_mm[0] * mm, t.page_mm[1] * mm))
    c.setTitle("Volante de buzón")
    c.setAuthor("buzon-intake")
    _draw(_Page(c, t.page_mm), t, unit)
    c.showPage()
    c.save()
    return buf.getvalue()


def render_form_image(unit: str | None = None, dpi: int = 200,
                      template: str = "volante_v1") -> Image.Image:
    """The volante rasterised as an RGB image of exactly the template page size at `dpi`."""
    from PIL import Image as PILImage

    t = load_template(template)
    pixels = render_pdf_pages(render_form_pdf(unit, template), dpi=dpi)[0]
    img = PILImage.fromarray(pixels).convert("RGB")
    size = t.page_px(dpi)
    if img.size != size:  # pdfium rounds the page size; keep the template's pixel grid
        img = img.resize(size, PILImage.Resampling.LANCZOS)
    return img
