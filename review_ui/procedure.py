"""After the review: forwarding to the service involved and its answer, informing the person
and archiving (IMSS 46, 52, 53; ISSSTE lineamientos 4-14), and contact attempts (IMSS 47-48).

Every step is a Decision (so it is audited and listed on the document) and none can be
undone: each records something that happened outside the station. No Flask here.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from classifier.types import Route
from models.schema import ContactAttempt, Forwarding
from models.states import DecisionAction, DocumentStatus
from review_ui.decide import MAX_REASON, check_decidable, record_decision, snapshot
from review_ui.errors import InvalidDecisionError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from intake.config import Service, Settings
    from models.schema import Decision, Document

log = logging.getLogger(__name__)

CHANNELS: dict[str, str] = {
    "telefono": "Teléfono",
    "correo": "Correo electrónico",
    "presencial": "Presencial",
    "postal": "Correo postal",
}
CONTACT_OUTCOMES: dict[str, str] = {
    "sin_respuesta": "No contestó",
    "no_localizado": "Número, correo o domicilio equivocado",
    "pidio_despues": "Pidió que se le busque después",
    "se_nego": "No quiso dar los datos",
    "obtenido": "Dio los datos que faltaban",
}
# Steps recorded here: undo refuses them (review_ui.undo), they happened outside.
STEPS = (DecisionAction.FORWARD, DecisionAction.REMIND, DecisionAction.AREA_ANSWER,
         DecisionAction.INFORM, DecisionAction.ARCHIVE, DecisionAction.CONTACT_ATTEMPT)
# Where the procedure goes on after the review: confirmed petitions, and those closed as
# desinterés (archived, IMSS 48).
FOLLOWED = (DocumentStatus.CONFIRMED, DocumentStatus.CLOSED)
MAX_SUMMARY = 2000


def _day(value: date | None, today: date, what: str) -> date:
    day = value or today
    if day > today:
        raise InvalidDecisionError(f"La fecha {what} no puede ser posterior a hoy.")
    return day


def _open(doc: Document) -> None:
    if doc.archived_on is not None:
        raise InvalidDecisionError("El documento ya está archivado.")


def services_for(services: Sequence[Service], unit: str | None) -> list[Service]:
    """The catalogue's areas of the document's unit."""
    return [s for s in services if s.serves(unit)]


def forward(session: Session, doc: Document, user_id: int, version_id: int | None,
            area: str, services: Sequence[Service], today: date) -> Forwarding:
    """Send a copy to the service involved ("Turnar al área"), recorded today."""
    check_decidable(doc, user_id, version_id)
    _open(doc)
    if doc.status != DocumentStatus.CONFIRMED:
        raise InvalidDecisionError("Solo se turnan al área los documentos confirmados.")
    if area not in {s.name for s in services_for(services, doc.unit)}:
        raise InvalidDecisionError("Elija un área del catálogo de servicios de la unidad.")
    if any(f.area == area for f in doc.forwardings):
        raise InvalidDecisionError(f"El documento ya se turnó a {area}.")
    before = snapshot(doc)
    sent = Forwarding(area=area, forwarded_on=today, forwarded_by=user_id)
    doc.forwardings.append(sent)
    record_decision(session, doc, user_id, DecisionAction.FORWARD, before, f"Turnado a {area}")
    return sent


def _forwarding(doc: Document, forwarding_id: int) -> Forwarding:
    found = next((f for f in doc.forwardings if f.id == forwarding_id), None)
    if found is None:
        raise InvalidDecisionError("Ese turno no pertenece a este documento.")
    return found


def remind(session: Session, doc: Document, user_id: int, version_id: int | None,
           forwarding_id: int, today: date, *, settings: Settings) -> Forwarding:
    """A reminder to an area whose answer is pending (ISSSTE 6-7): the first, then the
    second; after that the area's superior is told by letter, outside the station. The
    area gets it by e-mail when e-mail is on and the catalogue has its address."""
    from intake.deadlines import answer_due
    from intake.notices import remind_area

    check_decidable(doc, user_id, version_id)
    _open(doc)
    sent = _forwarding(doc, forwarding_id)
    if sent.answered_on is not None:
        raise InvalidDecisionError(f"{sent.area} ya respondió.")
    before = snapshot(doc)
    if sent.reminded_1_on is None:
        sent.reminded_1_on, n = today, 1
    elif sent.reminded_2_on is None:
        sent.reminded_2_on, n = today, 2
    else:
        raise InvalidDecisionError("Ya se enviaron los dos recordatorios: avise por oficio al "
                                   "superior jerárquico del área.")
    record_decision(session, doc, user_id, DecisionAction.REMIND, before,
                    f"{'Primer' if n == 1 else 'Segundo'} recordatorio a {sent.area}")
    rules = settings.profile.deadlines
    remind_area(session, doc, sent, n, settings, answer_due(doc, rules), actor_id=user_id)
    return sent


def record_answer(session: Session, doc: Document, user_id: int, version_id: int | None,
                  forwarding_id: int, answered_on: date | None, summary: str,
                  attachment: str | None, today: date) -> Forwarding:
    """The area's answer: its date, a summary, and optionally the scanned answer
    (`attachment`, a data-dir path stored by intake.store.store_attachment)."""
    check_decidable(doc, user_id, version_id)
    _open(doc)
    sent = _forwarding(doc, forwarding_id)
    summary = " ".join((summary or "").split())
    if not summary:
        raise InvalidDecisionError("Escriba un resumen de la respuesta del área.")
    if len(summary) > MAX_SUMMARY:
        raise InvalidDecisionError(f"El resumen es demasiado largo (máximo {MAX_SUMMARY}).")
    day = _day(answered_on, today, "de la respuesta")
    if day < sent.forwarded_on:
        raise InvalidDecisionError("La respuesta no puede ser anterior al turno.")
    before = snapshot(doc)
    sent.answered_on, sent.answer_summary, sent.answered_by = day, summary, user_id
    sent.answer_path = attachment or sent.answer_path
    record_decision(session, doc, user_id, DecisionAction.AREA_ANSWER, before,
                    f"Respuesta de {sent.area} del {day.strftime('%d/%m/%Y')}")
    return sent


def inform(session: Session, doc: Document, user_id: int, version_id: int | None,
           informed_on: date | None, how: str, today: date) -> Decision:
    """The person was told the area's answer (IMSS 53, ISSSTE 14): when and how."""
    check_decidable(doc, user_id, version_id)
    _open(doc)
    if how not in CHANNELS:
        raise InvalidDecisionError("Elija cómo se informó a la persona.")
    answered = [f for f in doc.forwardings if f.answered_on is not None]
    if not answered:
        raise InvalidDecisionError("Registre primero la respuesta del área.")
    day = _day(informed_on, today, "en que se informó")
    if day < min(f.answered_on for f in answered if f.answered_on):
        raise InvalidDecisionError("No se pudo informar antes de tener la respuesta.")
    before = snapshot(doc)
    doc.informed_on, doc.informed_how = day, how
    return record_decision(session, doc, user_id, DecisionAction.INFORM, before,
                           f"Informada el {day.strftime('%d/%m/%Y')} ({CHANNELS[how]})")


def archive(session: Session, doc: Document, user_id: int, version_id: int | None,
            today: date) -> Decision:
    """The end of the procedure: closed as desinterés (IMSS 48), or forwarded (público en
    general, IMSS 46) and, when the person can be reached, informed of the answer."""
    check_decidable(doc, user_id, version_id)
    _open(doc)
    if doc.status not in FOLLOWED:
        raise InvalidDecisionError("Solo se archivan documentos confirmados o cerrados.")
    if doc.status == DocumentStatus.CONFIRMED:
        if not doc.forwardings:
            raise InvalidDecisionError("Turne primero el documento al área.")
        if doc.route == Route.REGISTER and doc.informed_on is None:
            raise InvalidDecisionError("Informe primero la respuesta a la persona.")
    before = snapshot(doc)
    doc.archived_on = today
    return record_decision(session, doc, user_id, DecisionAction.ARCHIVE, before, "Archivado")


def failed_attempts(doc: Document) -> int:
    return sum(1 for a in doc.contact_attempts if a.outcome != "obtenido")


def proposes_closing(doc: Document, limit: int) -> bool:
    """After `limit` failed attempts the station proposes closing as desinterés."""
    return doc.status == DocumentStatus.TO_CONTACT and failed_attempts(doc) >= limit


def record_attempt(session: Session, doc: Document, user_id: int, version_id: int | None,
                   attempted_on: date | None, channel: str, outcome: str, note: str,
                   today: date) -> ContactAttempt:
    """One try to reach the person for the missing data (IMSS 47)."""
    check_decidable(doc, user_id, version_id)
    if doc.status != DocumentStatus.TO_CONTACT:
        raise InvalidDecisionError("Este documento no está marcado para contactar.")
    if channel not in CHANNELS:
        raise InvalidDecisionError("Elija el medio del intento de contacto.")
    if outcome not in CONTACT_OUTCOMES:
        raise InvalidDecisionError("Elija el resultado del intento de contacto.")
    note = (note or "").strip()
    if len(note) > MAX_REASON:
        raise InvalidDecisionError(f"La nota es demasiado larga (máximo {MAX_REASON}).")
    day = _day(attempted_on, today, "del intento")
    before = snapshot(doc)
    attempt = ContactAttempt(attempted_on=day, channel=channel, user_id=user_id,
                             outcome=outcome, note=note or None)
    doc.contact_attempts.append(attempt)
    record_decision(session, doc, user_id, DecisionAction.CONTACT_ATTEMPT, before,
                    f"{CHANNELS[channel]}: {CONTACT_OUTCOMES[outcome]}")
    return attempt
