"""Automatic reminders to an area whose answer is late, on the ISSSTE profile's terms."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from classifier.profile import load_profile
from intake import mail, notices
from models.schema import Document, Forwarding


@pytest.fixture()
def institution() -> str:
    return "issste"


@pytest.fixture()
def settings(settings, mail_on):
    from intake.config import Service

    return mail_on(settings, servicios=(Service("Farmacia", "farmacia@clinica.example"),))


def test_late_answers_get_the_first_then_the_second_reminder(app, ana, db, make_document,
                                                             smtp_server, settings):
    """GIVEN a petition forwarded to Farmacia on Friday 20 November (answer due Wednesday
    25) WHEN the mailer runs on Thursday 26 THEN Farmacia gets the first reminder (answer
    by Monday 30); run again on Tuesday 1 December, the second (by Wednesday 2); nothing
    more after that, and nothing before a term passes."""
    app.extensions["buzon_mailer"].stop()
    sink, _port = smtp_server
    profile = load_profile("issste")
    doc = make_document(type="inconformidad", status="confirmado")
    ana.post(f"/seguimiento/{doc.id}/turnar", data={"version_id": doc.version_id,
                                                    "area": "Farmacia"})
    sent = db.scalar(select(Forwarding))

    def run(day: date) -> int:
        db.expire_all()
        n = notices.remind_overdue(db, settings, profile, day)
        db.commit()
        mail.deliver_due(db, settings)
        return n

    assert run(date(2026, 11, 25)) == 0  # not late yet
    assert run(date(2026, 11, 26)) == 1
    sink.wait_for(1)
    assert "a más tardar el 30/11/2026" in sink.email(0).get_content()
    assert db.get(Document, doc.id).due_step == "primer_recordatorio"
    assert run(date(2026, 11, 30)) == 0
    assert run(date(2026, 12, 1)) == 1
    sink.wait_for(2)
    second = sink.email(1).get_content()
    assert second.startswith("Segundo recordatorio")
    assert "a más tardar el 02/12/2026" in second
    assert run(date(2026, 12, 9)) == 0  # two reminders; then the superior, by letter
    db.expire_all()
    assert (db.get(Forwarding, sent.id).reminded_1_on,
            db.get(Forwarding, sent.id).reminded_2_on) == (date(2026, 11, 26),
                                                           date(2026, 12, 1))
