"""The monthly report as a file: JSON (the data), a spreadsheet, or a PDF with its charts."""

from __future__ import annotations

import io
import json
from typing import Any
from xml.sax.saxutils import escape

from intake.report import month_name, sections

FORMATS = ("json", "xlsx", "pdf")
MIMETYPES = {"json": "application/json",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf"}


def _scope(report: dict[str, Any]) -> str:
    units = report["unidades"]
    return ", ".join(units) if units else "todas las unidades"


def _d(iso: str) -> str:
    """2026-11-30 -> 30/11/2026."""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def to_json(report: dict[str, Any]) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_xlsx(report: dict[str, Any]) -> bytes:
    """One sheet with every table, one with the documents received per day."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on one empty worksheet
    ws.title = "Informe"
    ws.append([f"Informe mensual del buzón: {month_name(report)}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Unidades: {_scope(report)} · plazos evaluados al "
               f"{_d(report['plazos_al'])}"])
    for title, rows in sections(report):
        ws.append([])
        ws.append([title])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for label, value in rows or [("Ninguno", 0)]:
            ws.append([label, value])
    ws.column_dimensions["A"].width = 62
    ws.column_dimensions["B"].width = 14
    days = wb.create_sheet("Por día")
    days.append(["Día", "Documentos recibidos"])
    for cell in days[1]:
        cell.font = Font(bold=True)
    for day, n in report["por_dia"].items():
        days.append([day, n])
    days.column_dimensions["A"].width = 14
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_pdf(report: dict[str, Any], charts: dict[str, bytes], institution: str) -> bytes:
    """Title, the three charts, then every table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    styles["Heading4"].keepWithNext = True  # a table's title never ends a page alone
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title=f"Informe mensual {report['mes']}", author="buzon-intake")
    width = A4[0] - 36 * mm
    story: list[Any] = [
        Paragraph(escape(institution), styles["Heading3"]),
        Paragraph(f"Informe mensual del buzón: {month_name(report)}", styles["Title"]),
        Paragraph(f"Unidades: {escape(_scope(report))} · generado el "
                  f"{_d(report['generado'][:10])} · plazos evaluados al "
                  f"{_d(report['plazos_al'])}", styles["BodyText"]),
        Spacer(1, 4 * mm),
    ]
    for key in ("tipos", "servicios", "dias"):
        img = Image(io.BytesIO(charts[key]))
        scale = width / img.imageWidth
        img.drawWidth, img.drawHeight = width, img.imageHeight * scale
        story += [img, Spacer(1, 3 * mm)]
    for title, rows in sections(report):
        story.append(Paragraph(escape(title), styles["Heading4"]))
        table = Table([[Paragraph(escape(str(label)), styles["BodyText"]), str(value)]
                       for label, value in rows or [("Ninguno", "")]],
                      colWidths=[width - 30 * mm, 30 * mm])
        table.setStyle(TableStyle([
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#d9dee2")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        story += [table, Spacer(1, 2 * mm)]
    doc.build(story)
    return buf.getvalue()


def render(report: dict[str, Any], fmt: str, institution: str) -> bytes:
    """The report in `fmt` (json, xlsx or pdf)."""
    if fmt == "json":
        return to_json(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    from intake.report_charts import report_charts

    return to_pdf(report, report_charts(report), institution)
