"""E-mail notices against a real SMTP server on loopback (aiosmtpd): the acknowledgement,
the urgent alert, reminders to the area, and a failed send that is retried and shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from review_ui_testing import VALID_NSS, login
from sqlalchemy import select, update

from intake import mail
from models.schema import AuditEvent, Document, OutboxMessage, User, utcnow

PERSON = {"nombre": "Persona de Prueba", "nss": VALID_NSS, "telefono": "5512345678",
          "correo": "persona@correo.example", "curp": None, "unidad": "UMF 20",
          "servicio": "Farmacia"}


@pytest.fixture()
def settings(settings, mail_on):
    """The station's settings with e-mail on, Farmacia with an address in the catalogue."""
    from intake.config import DEFAULT_SERVICES, Service

    services = tuple(Service(s.name, "farmacia@umf20.example") if s.name == "Farmacia"
                     else s for s in DEFAULT_SERVICES)
    return mail_on(settings, servicios=services)


def _no_personal_data(text: str) -> None:
    for private in ("Persona de Prueba", VALID_NSS, "5512345678", "Texto de prueba"):
        assert private not in text


def _audit(db, action):
    return db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_folio_sends_the_acknowledgement_with_the_consultation_address(
        ana, db, make_document, smtp_server):
    """GIVEN e-mail on and a confirmed petition whose author left an e-mail WHEN the TAOD
    types the SIADE folio THEN the person receives, once, the folio and IMSS's consultation
    address (activity 51), nothing more personal; sent, logged in and audited."""
    sink, _port = smtp_server
    doc = make_document(status="confirmado", fields=PERSON)
    ana.post(f"/registro/{doc.id}/folio", data={"version_id": doc.version_id,
                                                "folio": "Q-2026/000123"})
    sink.wait_for(1)
    message = sink.email(0)
    assert sink.messages[0].rcpt_tos == ["persona@correo.example"]
    assert message["From"] == "buzon@umf20.example"
    assert message["Subject"] == "Su petición quedó registrada: folio Q-2026/000123"
    body = message.get_content()
    assert "folio Q-2026/000123" in body and "20/11/2026" in body
    assert "http://siadeconsulta.imss.gob.mx/consultapeticiones" in body
    _no_personal_data(body)
    assert sink.logins == ["buzon"]

    db.expire_all()
    ana.post(f"/registro/{doc.id}/folio", data={"version_id": db.get(Document,
                                                                      doc.id).version_id,
                                                 "folio": "Q-2026/000124"})  # corrected
    assert len(db.scalars(select(OutboxMessage)).all()) == 1  # one acknowledgement only

    def sent() -> bool:
        db.expire_all()
        return bool(_audit(db, "aviso_enviado"))

    _wait(sent)
    [queued] = _audit(db, "aviso_programado")
    assert (queued.document_id, queued.detail["tipo"]) == (doc.id, "acuse")
    page = " ".join(ana.get(f"/documentos/{doc.id}").text.split())
    assert "Acuse de recibo a la persona (1 destinatario): enviado el" in page


def _wait(condition, timeout: float = 15) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "la condición no se cumplió a tiempo"
        time.sleep(0.05)


def test_an_urgent_mark_alerts_the_units_supervisors(ana, db, make_document, smtp_server):
    """GIVEN Sofía supervises UMF 20 and has an address (an all-units admin too) WHEN a TAOD
    marks a document urgent THEN Sofía gets the alert with the unit, the folio and the
    reason, and a link to the document, but not the person's data."""
    sink, _port = smtp_server
    db.execute(update(User).where(User.username == "sofia")
               .values(email="sofia.jdaod@umf20.example"))
    db.commit()
    doc = make_document(fields=PERSON)
    ana.post(f"/documentos/{doc.id}/urgente", data={"version_id": doc.version_id,
                                                    "motivo": "refiere dolor en el pecho"})
    sink.wait_for(1)
    assert sink.messages[0].rcpt_tos == ["sofia.jdaod@umf20.example"]
    message = sink.email(0)
    assert message["Subject"] == f"Caso urgente: documento {doc.id} (UMF 20)"
    body = message.get_content()
    assert "Motivo: refiere dolor en el pecho" in body
    assert f"https://buzon.example.org/documentos/{doc.id}" in body
    assert "la persona revisora lo marcó" in body
    _no_personal_data(body)


def test_a_failed_send_is_retried_shown_and_never_lost(app, ana, db, make_document,
                                                       smtp_server, settings):
    """GIVEN the relay refuses the first attempt (451) WHEN the acknowledgement is sent
    THEN it stays pending with the error in Spanish, audited, shown to the supervisor on the
    queue and the Avisos page; the next attempt, after the wait, delivers it."""
    app.extensions["buzon_mailer"].stop()  # this test drives the deliveries itself
    sink, _port = smtp_server
    sink.fail_next = 1
    doc = make_document(status="confirmado", fields=PERSON)
    ana.post(f"/registro/{doc.id}/folio", data={"version_id": doc.version_id, "folio": "F-9"})

    report = mail.deliver_due(db, settings)
    assert (report.sent, report.failed) == (0, 1)
    [message] = db.scalars(select(OutboxMessage)).all()
    assert (message.status, message.attempts) == ("pendiente", 1)
    assert message.last_error == "El servidor de correo respondió con el código 451."
    assert message.next_attempt_at > utcnow()
    assert mail.deliver_due(db, settings).sent == 0  # not before its time
    [failed] = _audit(db, "aviso_fallido")
    assert failed.detail == {"aviso": message.id, "intento": 1,
                             "error": "El servidor de correo respondió con el código 451."}

    client = app.test_client()
    login(client, "sofia")
    assert "1 aviso no se ha podido enviar" in client.get("/cola/").text
    page = " ".join(client.get("/supervision/avisos").text.split())
    assert "Falló el envío</strong> (1 intento): El servidor de correo respondió" in page
    assert "Reintentar ahora" in page

    later = utcnow() + timedelta(minutes=2)
    assert mail.deliver_due(db, settings, now=later).sent == 1
    sink.wait_for(1)
    db.expire_all()
    assert (db.get(OutboxMessage, message.id).status, db.get(OutboxMessage,
                                                              message.id).attempts) == (
        "enviado", 2)
    assert "1 aviso no se ha podido enviar" not in client.get("/cola/").text


def test_a_server_that_is_down_keeps_the_message_until_someone_retries(
        app, ana, db, make_document, settings):
    """GIVEN no server listens WHEN every attempt fails THEN after MAX_ATTEMPTS the notice
    is 'fallido' (still kept and shown); a supervisor's retry queues it again."""
    from dataclasses import replace

    app.extensions["buzon_mailer"].stop()
    doc = make_document(status="confirmado", fields=PERSON)
    ana.post(f"/registro/{doc.id}/folio", data={"version_id": doc.version_id, "folio": "F-1"})
    down = replace(settings, smtp_port=1)  # nothing listens on port 1
    now = utcnow()
    for _ in range(mail.MAX_ATTEMPTS):
        now += timedelta(hours=5)
        assert mail.deliver_due(db, down, now=now).failed == 1
    [message] = db.scalars(select(OutboxMessage)).all()
    assert message.status == "fallido"
    assert message.last_error.startswith("No se pudo conectar con el servidor de correo")
    client = app.test_client()
    login(client, "sofia")
    page = " ".join(client.get("/supervision/avisos").text.split())
    assert f"No se pudo enviar tras {mail.MAX_ATTEMPTS} intentos" in page
    client.post(f"/supervision/avisos/{message.id}/reintentar")
    db.expire_all()
    assert db.get(OutboxMessage, message.id).status == "pendiente"
    assert _audit(db, "reintentar_aviso")


def test_a_reminder_recorded_by_hand_reaches_the_area(ana, db, make_document, smtp_server):
    """GIVEN Farmacia has an address WHEN the TAOD records a reminder THEN Farmacia gets it
    by e-mail: the folio and dates, no personal data."""
    from models.schema import Forwarding

    sink, _port = smtp_server
    doc = make_document(status="confirmado", fields=PERSON)
    ana.post(f"/seguimiento/{doc.id}/turnar", data={"version_id": doc.version_id,
                                                    "area": "Farmacia"})
    db.expire_all()
    sent = db.scalar(select(Forwarding))
    ana.post(f"/seguimiento/{doc.id}/turnos/{sent.id}/recordatorio",
             data={"version_id": db.get(Document, doc.id).version_id})
    sink.wait_for(1)
    assert sink.messages[0].rcpt_tos == ["farmacia@umf20.example"]
    body = sink.email(0).get_content()
    assert ("Primer recordatorio: el 20/11/2026 se turnó a Farmacia la petición con folio de "
            f"buzón {doc.id}") in body
    _no_personal_data(body)
