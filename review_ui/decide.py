"""Reviewer decisions on a document: each one checked, applied, recorded and audited.

No Flask here: the functions take a session and plain values, so the rules can be tested
and reused (a future API or batch tool) without a request.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from classifier.types import FIELD_NAMES, Route
from models.schema import AuditEvent, Decision, Document
from models.states import DecisionAction, DocumentStatus
from review_ui.claims import check_claim
from review_ui.errors import InvalidDecisionError, InvalidFieldsError, StaleDocumentError
from review_ui.labels import type_names
from review_ui.routing import discard_type, missing_data, route_for

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from classifier.profile import Profile
    from intake.config import Settings

log = logging.getLogger(__name__)

# Every field a reviewer may correct; a station shows its profile's (Profile.fields).
EDITABLE_FIELDS = FIELD_NAMES
MAX_TEXT = 200
MAX_REASON = 1000
SNAPSHOT_KEYS = ("type", "fields", "missing", "route", "route_reason", "status",
                  "discard_reason", "needs_review", "urgent", "urgent_reason",
                  "contact_outcome", "contact_note", "siade_folio")


def snapshot(doc: Document) -> dict[str, Any]:
    return {k: getattr(doc, k) for k in SNAPSHOT_KEYS}


def _check_version(doc: Document, version_id: int | None) -> None:
    if version_id is None or doc.version_id != version_id:
        raise StaleDocumentError()


def check_decidable(doc: Document, user_id: int, version_id: int | None) -> None:
    """The version the reviewer saw is current and nobody else holds the document."""
    _check_version(doc, version_id)
    check_claim(doc, user_id)


def record_decision(session: Session, doc: Document, user_id: int, action: DecisionAction,
            before: dict[str, Any], reason: str | None = None) -> Decision:
    from models.schema import utcnow

    doc.claimed_by = None  # a decision ends the reviewer's claim
    doc.claimed_at = None
    # Always write the row, even when the decision changes no value: the UPDATE carries the
    # version check, so of two simultaneous decisions exactly one is stored.
    doc.updated_at = utcnow()
    after = snapshot(doc)
    decision = Decision(document_id=doc.id, user_id=user_id, action=action,
                        before=before, after=after, reason=reason)
    session.add(decision)
    session.flush()  # raises StaleDataError if another reviewer committed meanwhile
    changed = sorted(k for k in SNAPSHOT_KEYS if before[k] != after[k])
    session.add(AuditEvent(user_id=user_id, action=action, document_id=doc.id,
                           detail={"decision_id": decision.id, "cambios": changed}))
    session.flush()
    log.info("decision %s on document %s by user %s", action, doc.id, user_id)
    return decision


def reroute(doc: Document, profile: Profile) -> None:
    doc.missing = missing_data(doc.fields, profile, doc.type)
    doc.route, doc.route_reason = route_for(doc.type, doc.fields, profile)


def confirm(session: Session, doc: Document, user_id: int, version_id: int | None) -> Decision:
    """The reviewer agrees with the current type, data and route."""
    check_decidable(doc, user_id, version_id)
    before = snapshot(doc)
    doc.status = DocumentStatus.CONFIRMED
    doc.needs_review = False
    return record_decision(session, doc, user_id, DecisionAction.CONFIRM, before)


def change_type(session: Session, doc: Document, user_id: int, version_id: int | None,
                new_type: str, profile: Profile) -> Decision:
    """Set another petition type and recompute the route; the document stays pending."""
    check_decidable(doc, user_id, version_id)
    if new_type not in type_names(profile):
        raise InvalidDecisionError("Tipo de petición desconocido.")
    before = snapshot(doc)
    doc.type = new_type
    reroute(doc, profile)
    return record_decision(session, doc, user_id, DecisionAction.CHANGE_TYPE, before)


def clean_fields(raw: Mapping[str, str | None]) -> dict[str, str | None]:
    """Validate and normalise the edited fields present in `raw` (others are left as they
    are); raises InvalidFieldsError with Spanish messages."""
    from classifier.validate import is_valid_curp, is_valid_email, is_valid_nss, normalize_phone

    out: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for name in (f for f in EDITABLE_FIELDS if f in raw):
        value = re.sub(r"\s+", " ", (raw.get(name) or "")).strip()
        if len(value) > MAX_TEXT:
            errors[name] = f"El campo {name} es demasiado largo (máximo {MAX_TEXT} caracteres)."
            continue
        out[name] = value or None
    if nss := out.get("nss"):
        digits = re.sub(r"[\s.-]", "", nss)
        if not is_valid_nss(digits):
            errors["nss"] = ("El NSS debe tener 11 dígitos y un dígito verificador válido "
                             "(revise que esté bien copiado).")
        out["nss"] = digits
    if tel := out.get("telefono"):
        phone = normalize_phone(tel)
        if phone is None:
            errors["telefono"] = "El teléfono debe tener 10 dígitos (puede empezar con +52)."
        out["telefono"] = phone or tel
    if mail := out.get("correo"):
        if not is_valid_email(mail):
            errors["correo"] = "El correo electrónico no es válido (ejemplo: nombre@dominio.mx)."
        out["correo"] = mail.lower()
    if curp := out.get("curp"):
        curp = curp.upper()
        if not is_valid_curp(curp):
            errors["curp"] = "La CURP no es válida (18 caracteres con dígito verificador)."
        out["curp"] = curp
    if errors:
        raise InvalidFieldsError(errors)
    return out


def edit_fields(session: Session, doc: Document, user_id: int, version_id: int | None,
                raw: Mapping[str, str | None], profile: Profile) -> Decision:
    """Replace the person's data, then recompute missing data and route."""
    check_decidable(doc, user_id, version_id)
    cleaned = clean_fields(raw)
    before = snapshot(doc)
    doc.fields = {**(doc.fields or {}), **cleaned}
    reroute(doc, profile)
    return record_decision(session, doc, user_id, DecisionAction.EDIT_FIELDS, before)


def required_reason(reason: str | None, when_missing: str) -> str:
    """The reviewer's reason, trimmed; refused when empty or longer than MAX_REASON."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidDecisionError(when_missing)
    if len(reason) > MAX_REASON:
        raise InvalidDecisionError(f"El motivo es demasiado largo (máximo {MAX_REASON}).")
    return reason


def discard(session: Session, doc: Document, user_id: int, version_id: int | None,
            reason: str, profile: Profile) -> Decision:
    """Not a petition (activity 42): kept for audit, routed to desechar."""
    check_decidable(doc, user_id, version_id)
    reason = required_reason(reason, "Indique por qué no es una petición.")
    before = snapshot(doc)
    doc.type = discard_type(profile)
    doc.route = Route.DISCARD
    doc.route_reason = "Descartado por la persona revisora: no es una petición."
    doc.status = DocumentStatus.DISCARDED
    doc.discard_reason = reason
    doc.needs_review = False
    return record_decision(session, doc, user_id, DecisionAction.DISCARD, before, reason)


def mark_contact(session: Session, doc: Document, user_id: int, version_id: int | None,
                 reason: str | None = None) -> Decision:
    """The person must be contacted to obtain missing data."""
    check_decidable(doc, user_id, version_id)
    before = snapshot(doc)
    doc.status = DocumentStatus.TO_CONTACT
    doc.needs_review = False
    return record_decision(session, doc, user_id, DecisionAction.MARK_CONTACT, before,
                           (reason or "").strip() or None)


def escalate(session: Session, doc: Document, user_id: int, version_id: int | None,
             reason: str, *, settings: Settings) -> Decision:
    """Mark the document urgent, put it on the supervisors' list (CDAOD/JDAOD) and, when
    e-mail is on, alert the unit's supervisors (intake.notices)."""
    from intake.notices import alert_urgent
    from models.schema import utcnow

    check_decidable(doc, user_id, version_id)
    reason = required_reason(reason, "Indique por qué es urgente.")
    before = snapshot(doc)
    doc.urgent = True
    doc.urgent_reason = reason
    doc.escalated_at = utcnow()
    decision = record_decision(session, doc, user_id, DecisionAction.URGENT, before, reason)
    alert_urgent(session, doc, settings, actor_id=user_id)
    return decision


def record_view(session: Session, doc: Document, user_id: int) -> None:
    """Audit that a reviewer saw the document's personal data."""
    session.add(AuditEvent(user_id=user_id, action="ver_documento", document_id=doc.id))
