"""After the review: forwarding to the area, its sheet and answer, informing the person,
archiving; contact attempts and the desinterés closure on the SIADE worksheet."""

from __future__ import annotations

import csv
import io

import pdfplumber
from PIL import Image
from review_ui_testing import TODAY
from sqlalchemy import select

from models.schema import AuditEvent, ContactAttempt, Decision, Document, Forwarding


def _actions(db, doc_id):
    return [a for a, in db.execute(select(AuditEvent.action).where(
        AuditEvent.document_id == doc_id).order_by(AuditEvent.id))]


def _post(client, db, doc_id, path, **data):
    db.expire_all()
    version = db.get(Document, doc_id).version_id
    return client.post(f"/seguimiento/{doc_id}/{path}", data={"version_id": version, **data},
                       follow_redirects=True)


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 50), (200, 220, 240)).save(buf, format="PNG")
    return buf.getvalue()


def test_forward_answer_inform_and_archive_are_recorded_audited_and_shown(ana, db,
                                                                          make_document):
    """GIVEN a confirmed IMSS petition about Farmacia WHEN it is forwarded to Farmacia, the
    area's answer (with its scan) recorded, the person informed and the document archived
    THEN each step is stored, audited, listed on the document, and out-of-order steps are
    refused with nothing changed."""
    doc = make_document(status="confirmado")
    page = ana.get(f"/documentos/{doc.id}").text
    assert 'id="seguimiento"' in page and "Turnar al área" in page
    assert "<option selected>Farmacia</option>" in page  # the document's service first
    assert "Archivo Clínico" in page  # the rest of the catalogue

    assert "Registre primero la respuesta del área." in _post(
        ana, db, doc.id, "informar", medio="telefono").text
    assert "Elija un área del catálogo" in _post(ana, db, doc.id, "turnar",
                                                   area="Cafetería").text
    assert "Turne primero el documento al área." in _post(ana, db, doc.id, "archivar").text
    done = _post(ana, db, doc.id, "turnar", area="Farmacia").text
    assert f"Documento {doc.id} turnado a Farmacia" in done
    assert "El documento ya se turnó a Farmacia." in _post(ana, db, doc.id, "turnar",
                                                             area="Farmacia").text
    [sent] = db.scalars(select(Forwarding)).all()
    assert (sent.document_id, sent.area, sent.forwarded_on) == (doc.id, "Farmacia", TODAY)

    answered = ana.post(
        f"/seguimiento/{doc.id}/turnos/{sent.id}/respuesta",
        data={"version_id": db.get(Document, doc.id).version_id, "fecha": "2026-11-20",
              "resumen": "Se surtió la metformina el mismo día.",
              "adjunto": (io.BytesIO(_png()), "respuesta.png")},
        content_type="multipart/form-data", follow_redirects=True).text
    assert "Respuesta del área registrada." in answered
    assert "Se surtió la metformina el mismo día." in answered
    db.expire_all()
    sent = db.get(Forwarding, sent.id)
    assert sent.answered_on == TODAY and sent.answer_path.startswith("respuestas/")
    file = ana.get(f"/seguimiento/turnos/{sent.id}/respuesta")
    assert file.status_code == 200 and file.data == _png()

    assert "Informe primero la respuesta a la persona." in _post(ana, db, doc.id,
                                                                 "archivar").text
    assert "no puede ser posterior a hoy" in _post(ana, db, doc.id, "informar",
                                                   medio="telefono", fecha="2026-11-21").text
    _post(ana, db, doc.id, "informar", medio="telefono", fecha="2026-11-20")
    page = _post(ana, db, doc.id, "archivar").text
    assert f"Documento {doc.id} archivado." in page and "Archivado el 20/11/2026." in page
    assert "Se informó la respuesta a la persona el 20/11/2026 (Teléfono)." in page
    for shown in ("Turnó al área</span>", "«Turnado a Farmacia»",
                  "Registró la respuesta del área", "Informó la respuesta a la persona",
                  "Archivó el documento"):
        assert shown.replace("</span>", "") in page
    stored = db.get(Document, doc.id)
    db.refresh(stored)
    assert (stored.informed_on, stored.informed_how, stored.archived_on) == (
        TODAY, "telefono", TODAY)
    assert [a for a in _actions(db, doc.id) if a not in ("ver_documento",)] == [
        "turnar", "respuesta_area", "ver_respuesta", "informar", "archivar"]
    assert [d.action for d in db.scalars(select(Decision).where(
        Decision.document_id == doc.id))] == ["turnar", "respuesta_area", "informar",
                                               "archivar"]
    assert "no se puede deshacer" in ana.post("/documentos/deshacer",
                                              follow_redirects=True).text


def test_one_forwarding_sheet_per_area_and_day_with_folio_route_and_scan(ana, db,
                                                                          make_document):
    """GIVEN two petitions of UMF 20 forwarded to Farmacia today (and one to Laboratorio)
    WHEN the sheet is downloaded THEN one PDF lists both with folio, date and route, then
    each scan on a page of its own; every document on it is audited."""
    a = make_document(status="confirmado", pages=2)
    b = make_document(status="confirmado", route="publico_general")
    c = make_document(status="confirmado")
    for doc, area in ((a, "Farmacia"), (b, "Farmacia"), (c, "Laboratorio")):
        _post(ana, db, doc.id, "turnar", area=area)
    sent = db.scalar(select(Forwarding).where(Forwarding.document_id == a.id))
    response = ana.get(f"/seguimiento/turnos/{sent.id}/hoja.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        first = pdf.pages[0].extract_text()
        assert len(pdf.pages) == 1 + 2 + 1  # the table, then a page per scanned page
        assert all(p.images for p in pdf.pages[1:])
    assert "Hoja de turno de peticiones del buzón" in first
    assert "Turno: del módulo de atención UMF 20 al área Farmacia" in first
    assert "Fecha de turno: 20/11/2026" in first
    assert f"#{a.id}" in first and f"#{b.id}" in first and f"#{c.id}" not in first
    assert "Registrar" in first and "Público en general" in first
    for doc in (a, b):
        assert "ver_hoja_turno" in _actions(db, doc.id)
    assert "ver_hoja_turno" not in _actions(db, c.id)


def test_another_units_forwarding_is_not_found(app, ana, db, make_document):
    from review_ui_testing import login

    doc = make_document(status="confirmado", unit="HGZ 1")
    beto = app.test_client()
    login(beto, "beto")
    _post(beto, db, doc.id, "turnar", area="Farmacia")
    sent = db.scalar(select(Forwarding))
    assert beto.get(f"/seguimiento/turnos/{sent.id}/hoja.pdf").status_code == 200
    assert ana.get(f"/seguimiento/turnos/{sent.id}/hoja.pdf").status_code == 404
    assert _post(ana, db, doc.id, "archivar").status_code == 404


def test_contact_attempts_then_desinteres_on_the_siade_worksheet(ana, db, make_document):
    """GIVEN a petition to contact (NSS missing) WHEN three attempts fail THEN each is listed
    with date, channel, who and outcome, closing as desinterés is proposed, and once closed
    the document is on the day's SIADE worksheet to close there (activity 48)."""
    doc = make_document(route="contactar", missing=["nss"], status="contactar")
    for n, (medio, resultado) in enumerate((("telefono", "sin_respuesta"),
                                            ("telefono", "no_localizado"),
                                            ("correo", "sin_respuesta"))):
        page = _post(ana, db, doc.id, "intento", fecha="2026-11-20", medio=medio,
                     resultado=resultado, nota="buzón lleno" if n == 0 else "",
                     volver="contactos").text
        assert "Intento de contacto registrado." in page
        assert ("Se propone concluir por desinterés" in page) is (n == 2)
    assert "Personas por contactar" in page  # back on the contact list
    assert "20/11/2026 · Teléfono · Ana TAOD: No contestó — «buzón lleno»" in page
    assert "Correo electrónico · Ana TAOD: No contestó" in page
    assert len(db.scalars(select(ContactAttempt)).all()) == 3
    assert "Elija el resultado" in _post(ana, db, doc.id, "intento", medio="telefono",
                                         resultado="quizá").text
    assert _actions(db, doc.id).count("intento_contacto") == 3
    assert "Se intentó contactar a la persona 3 veces" in ana.get(f"/documentos/{doc.id}").text

    db.expire_all()
    ana.post(f"/contactos/{doc.id}/resultado",
             data={"version_id": db.get(Document, doc.id).version_id,
                   "resultado": "no_obtenido"})
    db.expire_all()
    assert db.get(Document, doc.id).status == "cerrado"
    sheet = ana.get("/registro/").text
    assert f"#{doc.id}" in sheet and "Cerrar por desinterés" in sheet
    rows = list(csv.DictReader(io.StringIO(
        ana.get("/registro/siade.csv").data.decode("utf-8-sig"))))
    assert [(r["Folio buzón"], r["Acción en SIADE"]) for r in rows] == [
        (str(doc.id), "Cerrar por desinterés (actividad 48)")]
    ana.post(f"/registro/{doc.id}/folio", data={"version_id": db.get(Document,
                                                                      doc.id).version_id,
                                                 "folio": "C-77"})
    db.expire_all()
    assert db.get(Document, doc.id).siade_folio == "C-77"
    assert f"Documento {doc.id} archivado." in _post(ana, db, doc.id, "archivar").text
