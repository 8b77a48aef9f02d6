"""The urgent alert when the machine flags a document at ingest, against aiosmtpd."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from common.errors import ExitCode
from intake.pipeline import ingest_paths, open_database
from models import schema
from models.db import session_scope


def _letter_pdf(path: Path, lines: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for i, line in enumerate(lines):
        c.drawString(72, 760 - 16 * i, line)
    c.showPage()
    c.save()


def test_a_machine_flagged_urgent_document_alerts_the_units_supervisors(
        ready_settings, mail_on, smtp_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN e-mail on and a supervisor of UMF 20 with an address WHEN a letter about a
    código infarto is ingested THEN the machine flags it and the supervisor gets the alert
    before any TAOD opens it, with the reason and no personal data."""
    sink, _port = smtp_server
    settings = mail_on(ready_settings)
    with session_scope(open_database(settings)) as s:
        s.add(schema.User(username="sofia", password_hash="x", role="supervisor",
                          units=["UMF 20"], email="sofia@umf20.example"))
        s.add(schema.User(username="otro", password_hash="x", role="supervisor",
                          units=["HGZ 1"], email="otro@hgz1.example"))
    _letter_pdf(tmp_path / "carta.pdf", [
        "A quien corresponda: ayer trajimos a mi papa a urgencias con codigo infarto,",
        "tenia dolor fuerte en el pecho y nos hicieron esperar dos horas sin atenderlo.",
        "Atte. Juana Perez Lopez, NSS 92919084431, tel 55 1234 5678"])
    report = ingest_paths([str(tmp_path / "carta.pdf")], settings, unit="UMF 20")
    assert report.count("nuevo") == 1
    with session_scope(open_database(settings)) as s:
        [doc] = s.scalars(select(schema.Document)).all()
        assert doc.urgent
        doc_id = doc.id
        [message] = s.scalars(select(schema.OutboxMessage)).all()
        assert (message.kind, message.status) == ("alerta_urgente", "enviado")
    [envelope] = sink.wait_for(1)
    assert envelope.rcpt_tos == ["sofia@umf20.example"]
    body = sink.email(0).get_content()
    assert f"documento {doc_id}" in body and "la lectura automática lo señaló" in body
    assert "Motivo: " in body
    for private in ("Juana", "92919084431", "1234"):
        assert private not in body


def test_buzon_avisos_sends_the_outbox_and_keeps_what_fails(
        settings, cli_env, smtp_server, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """`buzon avisos` (for cron): off by default; on, it sends what is pending; with the
    server down it exits 1 and the notice stays in the outbox for the next run."""
    from intake import mail
    from intake.cli import main

    sink, port = smtp_server
    cli_env(settings)
    assert main(["avisos"]) == 0
    assert "El correo está desactivado" in capsys.readouterr().err
    with session_scope(open_database(settings)) as s:
        mail.queue(s, "acuse", ["persona@correo.example"], "Prueba", "Cuerpo")
    for name, value in (("CORREO_ACTIVO", "sí"), ("SMTP_HOST", "127.0.0.1"),
                        ("SMTP_PORT", "1"), ("SMTP_TLS", "ninguno")):
        monkeypatch.setenv(f"BUZON_{name}", value)
    assert main(["avisos"]) == ExitCode.NOTICES_NOT_SENT
    assert "0 aviso(s) enviado(s), 1 con error (se reintentarán)" in capsys.readouterr().err
    with session_scope(open_database(settings)) as s:
        [message] = s.scalars(select(schema.OutboxMessage)).all()
        assert (message.status, message.attempts) == ("pendiente", 1)
        message.next_attempt_at = schema.utcnow()  # its wait is over
    monkeypatch.setenv("BUZON_SMTP_PORT", str(port))
    assert main(["avisos"]) == 0
    assert sink.wait_for(1)[0].rcpt_tos == ["persona@correo.example"]
