"""The supervisors' monthly report page: the same content as `buzon informe`, in scope."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date

from review_ui_testing import login
from sqlalchemy import select

from intake.export import write_jsonl
from models.schema import AuditEvent


def _month(make_document):
    make_document(type="queja_servicio", received_on=date(2026, 11, 3))
    make_document(type="queja_servicio", received_on=date(2026, 11, 10))
    make_document(type="sugerencia", received_on=date(2026, 11, 20), status="confirmado")
    make_document(type="reconocimiento", received_on=date(2026, 10, 31))  # another month
    make_document(type="gestion", unit="HGZ 1", received_on=date(2026, 11, 4))


def test_a_unit_supervisor_sees_her_units_month_with_its_charts(app, db, make_document):
    """GIVEN November's documents in UMF 20 and HGZ 1 WHEN Sofía (supervisor of UMF 20)
    opens the report THEN it covers UMF 20 only, with the three charts drawn on the
    server, the tables in Spanish, and JSON counts by type equal to the export's."""
    _month(make_document)
    client = app.test_client()
    login(client, "sofia")
    page = client.get("/supervision/informe?mes=2026-11").text
    assert "Informe mensual: noviembre de 2026" in page
    assert "UMF 20 · 3 documentos recibidos" in page
    assert page.count('src="data:image/png;base64,') == 3
    assert "Queja de servicio</td><td class=\"num\">2" in page
    assert "HGZ 1" not in page.split("<form")[0]
    response = client.get("/supervision/informe.json?mes=2026-11")
    assert response.mimetype == "application/json"
    report = json.loads(response.data)
    assert (report["unidades"], report["total"]) == (["UMF 20"], 3)
    out = io.StringIO()
    write_jsonl(db, out)
    export = [json.loads(x) for x in out.getvalue().splitlines()]
    assert report["por_tipo"] == dict(Counter(
        x["type"] for x in export if x["received_on"].startswith("2026-11")
        and x["fields"]["unidad"] == "UMF 20"))
    assert client.get("/supervision/informe.pdf?mes=2026-11").data.startswith(b"%PDF")
    assert client.get("/supervision/informe.xlsx?mes=2026-11").status_code == 200
    # Asking for another unit gives her own: the report never leaves her scope.
    assert json.loads(client.get("/supervision/informe.json?mes=2026-11&unidad=HGZ 1")
                      .data)["unidades"] == ["UMF 20"]
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "ver_informe")).all()
    assert [e.detail["formato"] for e in events] == ["html", "json", "pdf", "xlsx", "json"]


def test_an_all_units_admin_can_pick_a_unit(app, make_document):
    _month(make_document)
    client = app.test_client()
    login(client, "admin")
    everything = json.loads(client.get("/supervision/informe.json?mes=2026-11").data)
    assert (everything["unidades"], everything["total"]) == (None, 4)
    hgz = json.loads(client.get("/supervision/informe.json?mes=2026-11&unidad=HGZ 1").data)
    assert (hgz["unidades"], hgz["por_tipo"]) == (["HGZ 1"], {"gestion": 1})
    assert "Informe mensual: noviembre de 2026" in client.get(
        "/supervision/informe?mes=2026-11&unidad=HGZ 1").text
