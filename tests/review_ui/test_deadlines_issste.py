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


def test_each_step_moves_the_next_deadline(ana, db, make_document):
    """GIVEN an ISSSTE petition received Friday 13, confirmed, WHEN on Friday 20 it is
    forwarded, reminded twice, answered and notified THEN its next deadline follows the
    guide: answer by Wednesday 25 (3 days), after the first reminder Tuesday 24 (2), after
    the second Monday 23 (1), notify the person by Tuesday 24 (2), then nothing."""
    from sqlalchemy import select

    from models.schema import Forwarding

    doc = make_document(type="inconformidad", status="confirmado",
                        received_on=date(2026, 11, 13))

    def post(path, **data):
        db.expire_all()
        ana.post(f"/seguimiento/{doc.id}/{path}",
                 data={"version_id": db.get(Document, doc.id).version_id, **data})
        db.expire_all()
        stored = db.get(Document, doc.id)
        return stored.due_step, stored.due_on

    assert db.get(Document, doc.id).due_step == "turnar"
    assert post("turnar", area="Farmacia") == ("respuesta", date(2026, 11, 25))
    sent = db.scalar(select(Forwarding))
    assert post(f"turnos/{sent.id}/recordatorio") == ("primer_recordatorio",
                                                      date(2026, 11, 24))
    assert post(f"turnos/{sent.id}/recordatorio") == ("segundo_recordatorio",
                                                      date(2026, 11, 23))
    page = ana.get(f"/documentos/{doc.id}").text
    assert "Dar seguimiento: turnar al área <small" in page
    assert "cumplido el 20/11/2026 (fuera de plazo)" in page  # due on the 19th
    assert post(f"turnos/{sent.id}/respuesta", resumen="Se atendió.") == (
        "notificar", date(2026, 11, 24))
    assert post("informar", medio="correo") == (None, None)
