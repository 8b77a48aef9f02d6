"""The forwarding sheet ("hoja de turno"): one PDF per area and day with each petition's
folio, dates and route, then its scanned pages (IMSS 46, 52: a copy goes to the service)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)


@dataclass(frozen=True)
class SheetItem:
    """One petition on the sheet; `pages` are page images inside the data dir."""

    folio: int
    siade_folio: str | None
    type_name: str
    route_name: str
    received_on: date
    answer_due: date | None
    pages: tuple[Path, ...]


_PRIVACY = ("Contiene datos personales protegidos por la Ley General de Protección de Datos "
            "Personales en Posesión de Sujetos Obligados: úsela solo para atender estas "
            "peticiones y no la reproduzca.")


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def render_sheet(institution: str, unit: str | None, area: str, day: date,
                 items: list[SheetItem], case_system: str = "") -> bytes:
    """The sheet as PDF bytes: a summary table, then each petition's scan, a page each."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title=f"Hoja de turno {area} {day.isoformat()}",
                            author="buzon-intake")
    story = [
        Paragraph(escape(institution), styles["Heading3"]),
        Paragraph("Hoja de turno de peticiones del buzón", styles["Title"]),
        # Helvetica has no arrow glyph: the route in words.
        Paragraph(f"<b>Turno:</b> del módulo de atención {escape(unit or '')} al área "
                  f"<b>{escape(area)}</b>", styles["BodyText"]),
        Paragraph(f"<b>Fecha de turno:</b> {_d(day)} · <b>Peticiones:</b> {len(items)}",
                  styles["BodyText"]),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[str | Paragraph]] = [[
        "Folio buzón", f"Folio {case_system}".strip(), "Tipo", "Ruta", "Recibido",
        "Responder a más tardar"]]
    rows += [[f"#{i.folio}", i.siade_folio or "—", Paragraph(escape(i.type_name), small),
              Paragraph(escape(i.route_name), small), _d(i.received_on), _d(i.answer_due)]
             for i in items]
    table = Table(rows, repeatRows=1, colWidths=[22 * mm, 30 * mm, 38 * mm, 34 * mm,
                                                 24 * mm, 32 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6efec")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5ad")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, Spacer(1, 6 * mm),
              Paragraph("Recibió (nombre, firma y fecha): ____________________________",
                        styles["BodyText"]),
              Spacer(1, 4 * mm), Paragraph(_PRIVACY, small)]
    width, height = A4[0] - 30 * mm, A4[1] - 45 * mm
    for item in items:
        for n, page in enumerate(item.pages, start=1):
            story += [PageBreak(),
                      Paragraph(f"Folio buzón #{item.folio} · página {n} de "
                                f"{len(item.pages)}", styles["Heading4"])]
            img = Image(str(page))
            scale = min(width / img.imageWidth, height / img.imageHeight)
            img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
            story.append(img)
        if not item.pages:
            story += [PageBreak(), Paragraph(f"Folio buzón #{item.folio}: sin imagen "
                                             "escaneada.", styles["Heading4"])]
    doc.build(story)
    return buf.getvalue()
