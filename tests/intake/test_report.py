"""The monthly report: its contents, its counts against the export, its three formats."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from classifier.profile import load_profile
from intake.business_days import BusinessCalendar
from intake.cli import main
from intake.export import write_jsonl
from intake.pipeline import open_database
from intake.report import monthly_report, parse_month, sections
from models import schema
from models.db import session_scope

NSS = "92919084431"


def _box(settings) -> None:  # type: ignore[no-untyped-def]
    """November 2026 in two units, plus a merged document and one from October."""
    rows = [
        # type, route, status, unit, servicio, nombre, nss, received, registered, reason
        ("queja_servicio", "registrar", "confirmado", "UMF 20", "Farmacia", "Ana Ruiz Soto",
         NSS, date(2026, 11, 3), date(2026, 11, 3), None),
        ("queja_servicio", "registrar", "confirmado", "UMF 20", "farmacia ", "ANA RUÍZ SOTO",
         None, date(2026, 11, 10), date(2026, 11, 12), None),
        ("sugerencia", "publico_general", "confirmado", "UMF 20", "Laboratorio", None, None,
         date(2026, 11, 10), None, None),
        ("gestion", "contactar", "contactar", "HGZ 1", "Farmacia", "Luis Mora", None,
         date(2026, 11, 13), None, None),
        ("no_peticion", "desechar", "descartado", "HGZ 1", None, None, None,
         date(2026, 11, 13), None, "Publicidad"),
        ("no_peticion", "desechar", "descartado", "UMF 20", None, None, None,
         date(2026, 11, 20), None, "publicidad "),
        ("orientacion", "registrar", "pendiente", "UMF 20", "Urgencias", "Eva Ríos", NSS,
         date(2026, 11, 20), None, None),
        ("reconocimiento", "registrar", "fusionado", "UMF 20", None, None, None,
         date(2026, 11, 20), None, None),
        ("gestion", "registrar", "confirmado", "UMF 20", None, None, None,
         date(2026, 10, 30), date(2026, 10, 30), None),
    ]
    with session_scope(open_database(settings)) as s:
        src = schema.SourceFile(sha256="c" * 64, source_path="caja.pdf", stored_path="o/c.pdf",
                                size=1, file_kind="pdf")
        for i, (type_, route, status, unit, service, name, nss, received, registered,
                reason) in enumerate(rows, start=1):
            doc = schema.Document(
                source_file=src, pages=[i], kind="volante", unit=unit, received_on=received,
                type=type_, route=route, status=status, registered_on=registered,
                discard_reason=reason, text="texto",
                fields={"servicio": service, "nombre": name, "nss": nss})
            doc.proposals.append(schema.Proposal(model_version="m", type=type_,
                                                 confidence=0.9, route=route))
            s.add(doc)


def _report(settings, **kw):  # type: ignore[no-untyped-def]
    with session_scope(open_database(settings)) as s:
        return monthly_report(s, load_profile("imss"), BusinessCalendar(), date(2026, 11, 1),
                              today=date(2026, 11, 30), **kw)


def test_the_month_is_counted_by_type_route_status_unit_and_service(settings) -> None:
    _box(settings)
    r = _report(settings)
    assert (r["mes"], r["total"], r["unidades"]) == ("2026-11", 7, None)
    assert r["por_tipo"] == {"orientacion": 1, "gestion": 1, "queja_servicio": 2,
                             "sugerencia": 1, "no_peticion": 2}
    assert r["por_ruta"] == {"desechar": 2, "publico_general": 1, "contactar": 1,
                             "registrar": 3}
    assert r["por_estado"] == {"pendiente": 1, "confirmado": 3, "descartado": 2,
                               "contactar": 1}
    assert r["por_unidad"] == {"UMF 20": 5, "HGZ 1": 2}
    assert r["por_servicio"] == {"Farmacia": 3, "Sin servicio indicado": 2,
                                 "Laboratorio": 1, "Urgencias": 1}
    assert r["por_dia"]["2026-11-10"] == 2 and r["por_dia"]["2026-11-01"] == 0
    assert len(r["por_dia"]) == 30
    hgz = _report(settings, units=["HGZ 1"])
    assert (hgz["total"], hgz["unidades"]) == (2, ["HGZ 1"])


def test_recurrence_registration_days_late_documents_and_discards(settings) -> None:
    """GIVEN the box WHEN reported on 30 November THEN: Farmacia came up 3 times; one
    person twice (same name however written, and the NSS shared with a third letter);
    registration took 0 and 2 days; late: the one registered two days after, and the
    documents never registered; discards grouped by reason."""
    _box(settings)
    r = _report(settings)
    assert r["recurrencia"]["servicios"] == {"Farmacia": 3}
    assert r["recurrencia"]["personas"] == {"personas": 1, "peticiones": 3,
                                            "folios": [[1, 2, 7]]}
    assert r["dias_a_registro"] == {"registrados": 2, "mismo_dia": 1, "promedio": 1.0,
                                    "mediana": 1.0, "maximo": 2, "promedio_habiles": 1.0}
    assert r["atrasados"] == {"total": 4, "por_plazo": {"registro": 4},
                              "folios": [2, 3, 4, 7]}
    assert r["descartes"] == {"total": 2, "motivos": [{"motivo": "Publicidad",
                                                       "documentos": 2}]}
    text = json.dumps(r, ensure_ascii=False)
    for private in ("Ana Ruiz", "Luis Mora", "Eva", NSS):
        assert private not in text  # people only as counts and folios
    titles = [t for t, _rows in sections(r)]
    assert titles[:3] == ["Resumen", "Por tipo", "Por ruta"]
    assert dict(sections(r)[1][1])["Queja de servicio"] == 2


def test_buzon_informe_json_counts_by_type_equal_the_export(settings, cli_env,
                                                            tmp_path: Path) -> None:
    """The JSON's counts by type are the export's for the same month (merged documents
    are in neither), and the command is audited as the system."""
    from sqlalchemy import select

    _box(settings)
    cli_env(settings)
    out = tmp_path / "informe.json"
    assert main(["informe", "--mes", "2026-11", "--formato", "json", "--out", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    lines = io.StringIO()
    with session_scope(open_database(settings)) as s:
        write_jsonl(s, lines)
        [event] = s.scalars(select(schema.AuditEvent).where(
            schema.AuditEvent.action == "informe")).all()
        assert event.detail["mes"] == "2026-11" and event.user_id is None
    exported = [json.loads(x) for x in lines.getvalue().splitlines()]
    november = Counter(x["type"] for x in exported if x["received_on"].startswith("2026-11"))
    assert report["por_tipo"] == dict(november)
    assert sum(report["por_tipo"].values()) == report["total"]


def test_buzon_informe_writes_a_spreadsheet_and_a_pdf_with_charts(settings, cli_env,
                                                                  tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _box(settings)
    cli_env(settings)
    xlsx, pdf = tmp_path / "i.xlsx", tmp_path / "i.pdf"
    assert main(["informe", "--mes", "2026-11", "--unidad", "UMF 20", "--formato", "xlsx",
                 "--out", str(xlsx)]) == 0
    wb = load_workbook(xlsx)
    cells = [tuple(c.value for c in row) for row in wb["Informe"].iter_rows()]
    assert cells[0] == ("Informe mensual del buzón: noviembre de 2026", None)
    assert ("Queja de servicio", 2) in cells and ("Documentos recibidos", 5) in cells
    assert wb["Por día"]["A2"].value == "2026-11-01"
    assert main(["informe", "--mes", "2026-11", "--formato", "pdf", "--out", str(pdf)]) == 0
    with pdfplumber.open(pdf) as doc:
        text = "\n".join(p.extract_text() for p in doc.pages)
        assert sum(len(p.images) for p in doc.pages) == 3  # by type, by service, by day
    assert "Informe mensual del buzón: noviembre de 2026" in text
    assert "Instituto Mexicano del Seguro Social" in text
    assert "Descartes y sus motivos" in text and "Publicidad" in text


def test_a_bad_month_is_refused_in_spanish(settings, cli_env, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    cli_env(settings)
    assert main(["informe", "--mes", "11/2026", "--formato", "json",
                 "--out", str(tmp_path / "x")]) == 2
    assert "no es un mes: use AAAA-MM" in capsys.readouterr().err
    with pytest.raises(ValueError, match="2026-13"):
        parse_month("2026-13")
