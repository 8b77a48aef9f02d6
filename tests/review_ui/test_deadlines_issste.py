"""The ISSSTE profile's deadlines in the station: next deadline shown, late ones flagged."""

from __future__ import annotations

import re
from datetime import date

import pytest

from intake.export import document_record
from models.schema import Document


@pytest.fixture()
def institution() -> str:
    return "issste"


def test_issste_document_received_friday_13_is_late_on_friday_20(ana, db, make_document):
    """GIVEN an ISSSTE station on Friday 2026-11-20 and a document received on Friday
    2026-11-13, not forwarded WHEN the queue and the document are shown THEN its next
    deadline is Thursday 2026-11-19 (3 business days: Monday 16 is a holiday), flagged late,
    sorted right after the urgent ones and counted on the day's summary."""
    today = make_document(type="inconformidad")
    urgent = make_document(type="inconformidad", urgent=True, urgent_reason="código infarto")
    late = make_document(type="inconformidad", received_on=date(2026, 11, 13))
    stored = db.get(Document, late.id)
    assert (stored.due_on, stored.due_step) == (date(2026, 11, 19), "turnar")
    assert document_record(stored)["due_on"] == "2026-11-19"
    assert db.get(Document, today.id).due_on == date(2026, 11, 25)  # Mon 23, Tue 24, Wed 25

    html = ana.get("/cola/").text
    assert [int(i) for i in re.findall(r'<a href="/documentos/(\d+)">#', html)] == [
        urgent.id, late.id, today.id]
    assert "19/11/2026" in html and html.count('<span class="badge late"') == 1
    assert '<span>1</span>Con plazo vencido' in html

    page = ana.get(f"/documentos/{late.id}").text
    assert "Próximo plazo: <strong>Dar seguimiento: turnar al área (lineamiento 5)</strong>" in page
    assert "<strong>19/11/2026</strong> <span class=\"late\">(vencido)</span>" in page


def test_a_discarded_document_has_no_deadline(ana, db, make_document):
    doc = make_document(type="inconformidad", received_on=date(2026, 11, 13))
    ana.post(f"/documentos/{doc.id}/descartar",
             data={"version_id": doc.version_id, "motivo": "publicidad"})
    db.expire_all()
    stored = db.get(Document, doc.id)
    assert stored.status == "descartado" and stored.due_on is None
    assert "Sin plazos pendientes." in ana.get(f"/documentos/{doc.id}").text
