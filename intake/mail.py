"""E-mail notices: kept in the outbox table, sent over SMTP (smtplib), retried until sent.

A notice is written to the outbox in the transaction of the step that decides it, so it is
never lost; `deliver_due` sends what is due, one message at a time, and a failure leaves the
message pending with its error and the time of the next attempt (growing waits). After
MAX_ATTEMPTS it stays `fallido`, shown to supervisors, until someone retries it. Every
queueing, send and failure is audited (as the system when no reviewer is behind it).
E-mail is off unless `settings.correo_activo`.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from models.schema import AuditEvent, OutboxMessage, utcnow
from models.states import OutboxStatus

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from intake.config import Settings

log = logging.getLogger(__name__)

RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
               timedelta(hours=1), timedelta(hours=4))
MAX_ATTEMPTS = 8
CLAIM = timedelta(minutes=10)  # a sender holds a message this long while sending it
KINDS = {"acuse": "Acuse de recibo a la persona", "recordatorio": "Recordatorio al área",
         "alerta_urgente": "Alerta de caso urgente a supervisión"}


def queue(session: Session, kind: str, recipients: Sequence[str], subject: str, body: str,
          *, document_id: int | None = None, actor_id: int | None = None,
          actor: str | None = None) -> OutboxMessage:
    """Put a notice in the outbox (joins the caller's transaction) and audit it."""
    message = OutboxMessage(kind=kind, document_id=document_id, recipients=list(recipients),
                            subject=subject, body=body, status=OutboxStatus.PENDING, attempts=0,
                            next_attempt_at=utcnow())
    session.add(message)
    session.flush()
    detail: dict[str, object] = {"aviso": message.id, "tipo": kind,
                                 "destinatarios": len(message.recipients)}
    if actor:
        detail["actor"] = actor
    session.add(AuditEvent(user_id=actor_id, action="aviso_programado",
                           document_id=document_id, detail=detail))
    log.info("notice %s (%s) queued", message.id, kind)
    return message


def already_queued(session: Session, kind: str, document_id: int) -> bool:
    return session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.kind == kind, OutboxMessage.document_id == document_id).limit(1)
    ) is not None


def _email(settings: Settings, message: OutboxMessage) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.correo_remitente
    mail["To"] = ", ".join(message.recipients)
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=settings.correo_remitente.rpartition("@")[2]
                                    or None)
    mail.set_content(message.body)
    return mail


def send(settings: Settings, mail: EmailMessage) -> None:
    """One message over SMTP with the configured TLS and login; every step has a timeout."""
    timeout = settings.smtp_timeout
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.smtp_tls == "ssl":
        smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with smtp:
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(mail)


def _reason(e: Exception) -> str:
    """The failure in Spanish, without the server's words (they may quote an address)."""
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        return "El servidor de correo rechazó el destinatario."
    if isinstance(e, smtplib.SMTPAuthenticationError):
        return "El servidor de correo rechazó el usuario o la contraseña."
    if isinstance(e, smtplib.SMTPResponseException):
        return f"El servidor de correo respondió con el código {e.smtp_code}."
    if isinstance(e, smtplib.SMTPException):
        return f"Falló el envío por SMTP ({type(e).__name__})."
    if isinstance(e, TimeoutError):
        return "El servidor de correo no respondió a tiempo."
    return f"No se pudo conectar con el servidor de correo ({type(e).__name__})."


def _claim(session: Session, message_id: int, now: datetime) -> bool:
    """Take the message for this sender (another process may be delivering too)."""
    result = session.execute(update(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= now).values(next_attempt_at=now + CLAIM))
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0


def deliver_due(session: Session, settings: Settings, now: datetime | None = None,
                limit: int = 100) -> Delivery:
    """Send the pending messages whose time has come; commits after each one."""
    report = Delivery()
    if not settings.correo_activo:
        return report
    now = now or utcnow()
    due = list(session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)))
    for message_id in due:
        if not _claim(session, message_id, now):
            continue
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        message.attempts += 1
        try:
            send(settings, _email(settings, message))
        except (OSError, smtplib.SMTPException) as e:
            message.last_error = _reason(e)
            wait = RETRY_AFTER[min(message.attempts, len(RETRY_AFTER)) - 1]
            message.next_attempt_at = now + wait
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            session.add(AuditEvent(user_id=None, action="aviso_fallido",
                                   document_id=message.document_id,
                                   detail={"aviso": message.id, "intento": message.attempts,
                                           "error": message.last_error}))
            log.warning("notice %s not sent (attempt %s): %s", message.id, message.attempts,
                        type(e).__name__)
            report.failed += 1
        else:
            message.status, message.sent_at, message.last_error = OutboxStatus.SENT, utcnow(), None
            session.add(AuditEvent(user_id=None, action="aviso_enviado",
                                   document_id=message.document_id,
                                   detail={"aviso": message.id, "intento": message.attempts}))
            log.info("notice %s sent", message.id)
            report.sent += 1
        session.commit()
    return report


def retry(session: Session, message: OutboxMessage, user_id: int) -> None:
    """Send a pending or failed message again at the next delivery."""
    if message.status == OutboxStatus.SENT:
        return
    message.status, message.next_attempt_at = OutboxStatus.PENDING, utcnow()
    session.add(AuditEvent(user_id=user_id, action="reintentar_aviso",
                           document_id=message.document_id, detail={"aviso": message.id}))
