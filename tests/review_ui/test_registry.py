"""SIADE worksheet (CSV, XLSX), folio entry, contact list and outcomes (activity 48)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from review_ui_testing import VALID_NSS, login
from sqlalchemy import select

from models.schema import AuditEvent, Decision, Document


def _confirmed(make_document, **kw):
    return make_document(status="confirmado", **kw)


def test_worksheet_csv_and_xlsx_list_confirmed_documents_of_the_day(ana, db, make_document):
    a = _confirmed(make_document, fields={"nombre": "=HYPERLINK(\"x\")", "nss": VALID_NSS,
                                          "telefono": "5512345678"})
    b = _confirmed(make_document, route="publico_general", type="sugerencia")
    make_document()  # pending: not in the worksheet
    _confirmed(make_document, unit="HGZ 1")  # another unit: never exported to Ana
    response = ana.get("/registro/siade.csv")
    assert response.status_code == 200
    assert 'filename="siade-2026-11-20.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Folio buzón", "Fecha de recepción", "Unidad"]
    assert sorted(int(r[0]) for r in rows[1:]) == [a.id, b.id]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert by_id[a.id][5] == "'=HYPERLINK(\"x\")"  # no formula injection
    assert by_id[a.id][6] == VALID_NSS and by_id[a.id][1] == "20/11/2026"
    book = load_workbook(io.BytesIO(ana.get("/registro/siade.xlsx").data))
    assert sorted(book.sheetnames) == ["Público en general", "Registrar"]
    assert book["Registrar"]["A2"].value == str(a.id)
    exports = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "exportar_siade")
                              .order_by(AuditEvent.id)))
    assert sorted((e.detail["formato"], e.document_id) for e in exports) == sorted(
        (fmt, d) for fmt in ("csv", "xlsx") for d in (a.id, b.id))


def test_worksheet_and_contact_list_views_audit_each_document_id(ana, db, make_document):
    """The SIADE page and the contact list record which documents were shown, one audit
    row per document, so the audit page finds them by document (issue 12, item 16)."""
    a, b = _confirmed(make_document), _confirmed(make_document)
    c = make_document(status="contactar")
    _confirmed(make_document, unit="HGZ 1")  # not shown to Ana: not audited for her
    assert ana.get("/registro/").status_code == 200
    assert ana.get("/contactos/").status_code == 200

    def seen(action):
        return sorted(e.document_id for e in db.scalars(
            select(AuditEvent).where(AuditEvent.action == action)))

    assert seen("ver_registro") == sorted([a.id, b.id])
    assert seen("ver_contactos") == [c.id]


def test_folio_is_stored_shown_and_validated(ana, db, make_document):
    doc = _confirmed(make_document)
    ana.post(f"/registro/{doc.id}/folio", data={"version_id": doc.version_id,
                                                "folio": "Q-2026/000123"})
    stored = db.get(Document, doc.id)
    assert stored.siade_folio == "Q-2026/000123"
    assert "Q-2026/000123" in ana.get("/registro/").text
    assert "Q-2026/000123" in ana.get("/registro/siade.csv").data.decode("utf-8-sig")
    bad = ana.post(f"/registro/{doc.id}/folio", data={"version_id": stored.version_id,
                                                      "folio": "<script>"},
                   follow_redirects=True)
    assert "El folio SIADE debe tener" in bad.text
    db.expire_all()
    assert db.get(Document, doc.id).siade_folio == "Q-2026/000123"
    pending = make_document()
    refused = ana.post(f"/registro/{pending.id}/folio",
                       data={"version_id": pending.version_id, "folio": "A1"},
                       follow_redirects=True)
    assert "Solo los documentos confirmados" in refused.text


def test_the_folio_meets_the_same_day_registration_deadline(ana, db, make_document):
    """GIVEN an IMSS document received two days ago, confirmed but not registered (late:
    policy 5.9) WHEN its SIADE folio is typed back THEN it is registered today and has no
    deadline left (nothing late on the queue's summary)."""
    from datetime import timedelta

    from review_ui_testing import TODAY

    doc = _confirmed(make_document, received_on=TODAY - timedelta(days=2))
    assert db.get(Document, doc.id).due_on == TODAY - timedelta(days=2)
    assert "<span>1</span>Con plazo vencido" in ana.get("/cola/").text
    ana.post(f"/registro/{doc.id}/folio", data={"version_id": doc.version_id, "folio": "F-1"})
    db.expire_all()
    stored = db.get(Document, doc.id)
    assert (stored.registered_on, stored.due_on, stored.due_step) == (TODAY, None, None)
    assert "<span>0</span>Con plazo vencido" in ana.get("/cola/").text


def test_contact_list_asks_for_missing_data(ana, make_document):
    make_document(status="contactar", missing=["nss"],
                  fields={"nombre": "Luis Mora", "nss": None, "telefono": "5511112222"})
    html = ana.get("/contactos/").text
    assert "Luis Mora" in html and "5511112222" in html
    assert "¿Cuál es su Número de Seguridad Social" in html


def test_contact_obtained_confirms_for_registration(ana, db, make_document):
    doc = make_document(status="contactar", missing=["nss"], route="contactar",
                        fields={"nombre": "Luis Mora", "nss": None, "telefono": "5511112222"})
    ana.post(f"/contactos/{doc.id}/resultado",
             data={"version_id": doc.version_id, "resultado": "obtenido", "nss": VALID_NSS,
                   "nota": "llamada 10:30"})
    stored = db.get(Document, doc.id)
    assert (stored.status, stored.route, stored.contact_outcome) == (
        "confirmado", "registrar", "obtenido")
    assert stored.fields["nss"] == VALID_NSS and stored.missing == []


def test_contact_not_obtained_closes_for_lack_of_interest(ana, db, make_document):
    doc = make_document(status="contactar", missing=["nss"])
    ana.post(f"/contactos/{doc.id}/resultado",
             data={"version_id": doc.version_id, "resultado": "no_obtenido"})
    stored = db.get(Document, doc.id)
    assert (stored.status, stored.contact_outcome) == ("cerrado", "no_obtenido")
    assert "actividad 48" in stored.route_reason
    [decision] = db.scalars(select(Decision).where(Decision.document_id == doc.id))
    assert decision.action == "resultado_contacto"


def test_contact_with_invalid_nss_changes_nothing(ana, db, make_document):
    doc = make_document(status="contactar", missing=["nss"])
    page = ana.post(f"/contactos/{doc.id}/resultado",
                    data={"version_id": doc.version_id, "resultado": "obtenido",
                          "nss": "12345"}, follow_redirects=True)
    assert "El NSS debe tener 11 dígitos" in page.text
    assert db.get(Document, doc.id).status == "contactar"


def test_other_units_cannot_be_registered_or_contacted(client, db, make_document):
    theirs = _confirmed(make_document, unit="HGZ 1")
    contact = make_document(unit="HGZ 1", status="contactar")
    login(client, "ana")
    assert client.post(f"/registro/{theirs.id}/folio",
                       data={"version_id": theirs.version_id, "folio": "X1"}).status_code == 404
    assert client.post(f"/contactos/{contact.id}/resultado",
                       data={"version_id": contact.version_id,
                             "resultado": "no_obtenido"}).status_code == 404
    assert f"contacto-{contact.id}" not in client.get("/contactos/").text
    assert db.get(Document, theirs.id).siade_folio is None
