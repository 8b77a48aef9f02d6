"""What the station tells by e-mail, and to whom (the words are here; intake.mail sends).

- the acknowledgement to a person who gave an e-mail: the folio and where to follow it
  (IMSS 51, ISSSTE lineamiento 1);
- reminders to an area whose answer is pending (ISSSTE lineamientos 6-7);
- an alert to the unit's supervisors when an urgent document arrives (IMSS 5.28, ISSSTE 2).

Each message carries only what its purpose needs: the folio, dates, the unit and the area;
never the person's name, NSS, phone or the text of the petition (the urgent alert gives
the reason it is urgent, so a supervisor can act before opening the station).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from intake import mail
from intake.business_days import calendar_for
from models.schema import Document, Forwarding, User

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from classifier.profile import Profile
    from intake.config import Settings
    from models.schema import OutboxMessage

log = logging.getLogger(__name__)

SYSTEM = "sistema: avisos automáticos"


def _link(settings: Settings, doc: Document) -> str:
    if not settings.url_estacion:
        return ""
    return f"\nVer el documento: {settings.url_estacion.rstrip('/')}/documentos/{doc.id}\n"


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def acknowledge(session: Session, doc: Document, profile: Profile, settings: Settings,
                actor_id: int | None = None) -> OutboxMessage | None:
    """The acknowledgement to the person, once, when the document gets its folio."""
    email = (doc.fields or {}).get("correo")
    if not settings.correo_activo or not email or not doc.siade_folio:
        return None
    if mail.already_queued(session, "acuse", doc.id):
        return None
    where = (f"Puede consultar el estado de su petición en {profile.consultation_url} con "
             "ese folio." if profile.consultation_url else
             "Le informaremos la respuesta por este medio.")
    body = (f"Recibimos la petición que depositó en el buzón de {doc.unit or 'la unidad'} "
            f"el {_d(doc.received_on)}. Quedó registrada con el folio {doc.siade_folio} y "
            f"está en proceso de atención.\n\n{where}\n\n{profile.name}\n\n"
            "Este mensaje se envió de forma automática; no contiene sus datos personales.")
    return mail.queue(session, "acuse", [email], f"Su petición quedó registrada: folio "
                      f"{doc.siade_folio}", body, document_id=doc.id, actor_id=actor_id,
                      actor=None if actor_id else SYSTEM)


def _case_folio(settings: Settings, doc: Document) -> str:
    """" (folio SINAPP 123)" once the case system's folio is known, else nothing."""
    if not doc.siade_folio:
        return ""
    return f" (folio {settings.profile.case_system} {doc.siade_folio})"


def remind_area(session: Session, doc: Document, sent: Forwarding, n: int,
                settings: Settings, due: date | None = None,
                actor_id: int | None = None) -> OutboxMessage | None:
    """Reminder `n` (1 or 2) to an area whose answer is pending, if it has an address."""
    service = next((s for s in settings.servicios if s.name == sent.area), None)
    if not settings.correo_activo or service is None or not service.email:
        return None
    term = f" Le pedimos responder a más tardar el {_d(due)}." if due else ""
    body = (f"{'Primer' if n == 1 else 'Segundo'} recordatorio: el {_d(sent.forwarded_on)} "
            f"se turnó a {sent.area} la petición con folio de buzón {doc.id}"
            f"{_case_folio(settings, doc)}, recibida el {_d(doc.received_on)} en "
            f"{doc.unit or 'la unidad'}, y aún no tenemos su respuesta.{term}\n"
            f"{_link(settings, doc)}\nMódulo de atención al derechohabiente")
    return mail.queue(session, "recordatorio", [service.email],
                      f"Recordatorio {n}: petición {doc.id} pendiente de respuesta", body,
                      document_id=doc.id, actor_id=actor_id,
                      actor=None if actor_id else SYSTEM)


def supervisors_of(session: Session, unit: str | None) -> list[str]:
    """Addresses of the active supervisors of `unit`; those of every unit when it has none
    of its own."""
    people = list(session.scalars(select(User).where(
        User.role == "supervisor", User.active.is_(True), User.email.is_not(None))))
    own = [u.email for u in people if unit is not None and unit in (u.units or [])]
    return [e for e in (own or [u.email for u in people if not u.units]) if e]


def alert_urgent(session: Session, doc: Document, settings: Settings,
                 actor_id: int | None = None) -> OutboxMessage | None:
    """The alert to the unit's supervisors (CDAOD/JDAOD), once per document."""
    if not settings.correo_activo or mail.already_queued(session, "alerta_urgente", doc.id):
        return None
    recipients = supervisors_of(session, doc.unit)
    if not recipients:
        log.warning("urgent document %s: no supervisor with an e-mail address", doc.id)
        return None
    who = "la persona revisora lo marcó" if actor_id else "la lectura automática lo señaló"
    body = (f"Caso urgente en {doc.unit or 'una unidad sin indicar'}: documento {doc.id}, "
            f"recibido el {_d(doc.received_on)}; {who} como caso especial.\n"
            f"Motivo: {doc.urgent_reason or 'sin indicar'}\n{_link(settings, doc)}\n"
            "Atiéndalo de inmediato (lineamientos para la atención de casos especiales).")
    return mail.queue(session, "alerta_urgente", recipients,
                      f"Caso urgente: documento {doc.id} ({doc.unit or 'sin unidad'})", body,
                      document_id=doc.id, actor_id=actor_id,
                      actor=None if actor_id else SYSTEM)


def remind_overdue(session: Session, settings: Settings, profile: Profile,
                   today: date) -> int:
    """Remind, as the system, every area whose answer is past its deadline (the first
    reminder, then the second once the first's term passes). Returns how many."""
    if not settings.correo_activo:
        return 0
    answer_rules = [r.key for r in profile.deadlines if r.until == "answered"]
    if not answer_rules:
        return 0
    calendar = calendar_for(settings)
    docs = session.scalars(select(Document).where(
        Document.due_step.in_(answer_rules), Document.due_on < today,
        Document.archived_on.is_(None)))
    n = 0
    for doc in docs:
        for sent in doc.forwardings:
            if sent.answered_on is not None or sent.reminded_2_on is not None:
                continue
            number = 1 if sent.reminded_1_on is None else 2
            rule = next((r for r in profile.deadlines if r.start == f"reminded_{number}"),
                        None)
            due = calendar.add(today, rule.business_days) if rule else None
            if remind_area(session, doc, sent, number, settings, due) is None:
                continue
            setattr(sent, f"reminded_{number}_on", today)
            n += 1
    session.flush()
    return n
