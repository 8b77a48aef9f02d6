"""Duplicate links in the review station (policy 5.9): what a reviewer may see of them, the
mark in the queue and on the case system's worksheet, and confirming or rejecting one. No Flask.

Links are computed for the whole installation (a person may write to two units), but shown
by unit: a link to a petition of a unit the reviewer may not see says only that one exists.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from classifier.types import LinkKind
from intake.links import CONFIRMED, PROPOSED, REJECTED, LinkContext, refresh_links
from models.schema import AuditEvent, Document, DuplicateLink, PetitionHistory, utcnow
from models.states import DecisionAction, DocumentStatus
from review_ui.claims import check_claim
from review_ui.errors import InvalidDecisionError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from review_ui.accounts import Reviewer

log = logging.getLogger(__name__)

HIDDEN = "Existe un posible duplicado en otra unidad."
KIND_NAMES: dict[str, str] = {LinkKind.REPEAT: "Posible repetición",
                              LinkKind.RELATED: "Relacionada"}
STATUS_NAMES: dict[str, str] = {PROPOSED: "por revisar", CONFIRMED: "confirmado",
                                REJECTED: "rechazado"}
# What changes who wrote the petition or what it is about: after these the links are
# recomputed (through intake.links.refresh_links, the same path as ingest).
RELINKING_ACTIONS = frozenset({DecisionAction.EDIT_FIELDS, DecisionAction.MERGE,
                               DecisionAction.SPLIT, DecisionAction.CONTACT_RESULT,
                               DecisionAction.UNDO})
_EXCERPT = 600


@dataclass(frozen=True)
class LinkView:
    """One link as this reviewer may see it, from the document's side."""

    id: int
    kind: str
    status: str
    score: float
    direction: str  # "anterior": this document repeats the other; "posterior": the reverse
    visible: bool
    reason: str = HIDDEN
    other_id: int | None = None  # the other document, when it is one
    folio: str = ""  # how the TAOD finds the other one: "folio buzón 12", "folio SIADE ..."
    other: dict[str, Any] = field(default_factory=dict)  # side-by-side values

    @property
    def label(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)


@dataclass(frozen=True)
class Mark:
    """The one-line mark of a document in the queue and on the worksheet."""

    kind: str
    status: str
    text: str
    hidden: bool = False  # the other petition is in a unit the reviewer may not see


def _excerpt(text: str | None) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text[:_EXCERPT] + ("…" if len(text) > _EXCERPT else "")


def _doc_folio(doc: Document) -> str:
    registered = f" (registrado con el folio {doc.siade_folio})" if doc.siade_folio else ""
    return f"folio buzón {doc.id}{registered}"


def side_of(doc: Document) -> dict[str, Any]:
    f = doc.fields or {}
    return {"recibido": doc.received_on, "unidad": doc.unit, "nombre": f.get("nombre"),
            "nss": f.get("nss"), "servicio": f.get("servicio"), "tipo": doc.type,
            "estado": doc.status, "texto": _excerpt(doc.text)}


def _history_side(h: PetitionHistory) -> dict[str, Any]:
    return {"recibido": h.registered_on, "unidad": h.unit, "nombre": h.nombre, "nss": h.nss,
            "servicio": h.servicio, "tipo_historial": h.tipo, "texto": _excerpt(h.resumen)}


def _view(link: DuplicateLink, reviewer: Reviewer, direction: str) -> LinkView:
    other = link.document if direction == "posterior" else link.other_document
    base: dict[str, Any] = {"id": link.id, "kind": link.kind, "status": link.status,
                            "score": link.score, "direction": direction}
    if other is not None:
        if not reviewer.may_see_unit(other.unit):
            return LinkView(**base, visible=False)
        return LinkView(**base, visible=True, reason=link.reason, other_id=other.id,
                        folio=_doc_folio(other), other=side_of(other))
    h = link.history
    if h is None or not reviewer.may_see_unit(h.unit):
        return LinkView(**base, visible=False)
    return LinkView(**base, visible=True, reason=link.reason,
                    folio=f"folio {h.source.upper()} {h.folio}", other=_history_side(h))


def links_of(session: Session, reviewer: Reviewer, doc: Document) -> list[LinkView]:
    """The document's links: to earlier petitions first (repeat first), then the later
    documents that may repeat it; hidden ones carry no detail at all."""
    out = [_view(x, reviewer, "anterior") for x in doc.duplicate_links]
    later = session.scalars(select(DuplicateLink).where(
        DuplicateLink.other_document_id == doc.id).options(
        selectinload(DuplicateLink.document)).order_by(DuplicateLink.id))
    out += [_view(x, reviewer, "posterior") for x in later
            if x.document is not None and x.document.status != DocumentStatus.MERGED]
    return out


def audit_views(session: Session, reviewer: Reviewer, doc: Document,
                views: Sequence[LinkView]) -> None:
    """Showing the other petition side by side is a view of its personal data."""
    for v in views:
        if v.visible and v.other_id is not None:
            session.add(AuditEvent(user_id=reviewer.id, action="ver_duplicado",
                                   document_id=v.other_id, detail={"desde": doc.id,
                                                                   "vinculo": v.id}))


def marks(session: Session, reviewer: Reviewer, doc_ids: Iterable[int]) -> dict[int, Mark]:
    """One mark per document that may repeat or follow up an earlier petition (links not
    rejected; a repeat wins over a related one), for the queue and the worksheet."""
    ids = sorted(set(doc_ids))
    if not ids:
        return {}
    rows = session.scalars(select(DuplicateLink).where(
        DuplicateLink.document_id.in_(ids), DuplicateLink.status != REJECTED).options(
        selectinload(DuplicateLink.other_document), selectinload(DuplicateLink.history)))
    best: dict[int, DuplicateLink] = {}
    for link in rows:
        held = best.get(link.document_id)
        if held is None or (link.kind == "repeticion", link.score) > (
                held.kind == "repeticion", held.score):
            best[link.document_id] = link
    return {doc_id: _mark(link, reviewer) for doc_id, link in best.items()}


def _mark(link: DuplicateLink, reviewer: Reviewer) -> Mark:
    view = _view(link, reviewer, "anterior")
    if not view.visible:
        return Mark(link.kind, link.status, HIDDEN, hidden=True)
    if link.kind == "repeticion":
        text = (f"Repetición confirmada del {view.folio}: no registrar"
                if link.status == CONFIRMED else f"Posible duplicado de {view.folio}")
    else:
        text = f"Relacionada con {view.folio}: registrar como nueva"
    return Mark(link.kind, link.status, text)


def decide(session: Session, reviewer: Reviewer, doc: Document, link_id: int | None,
           verdict: str) -> DuplicateLink:
    """Confirm or reject one of the document's links (the first one still to review when
    `link_id` is None: the one key of the document page). Audited.

    Raises:
        InvalidDecisionError: no such link here, or one the reviewer may not see.
    """
    if verdict not in (CONFIRMED, REJECTED):
        raise InvalidDecisionError("Decisión sobre el vínculo desconocida.")
    check_claim(doc, reviewer.id)
    views = links_of(session, reviewer, doc)
    if link_id is None:
        pending = [v for v in views if v.visible and v.status == PROPOSED]
        if not pending:
            raise InvalidDecisionError("No hay ningún posible duplicado por revisar.")
        link_id = pending[0].id
    view = next((v for v in views if v.id == link_id), None)
    if view is None or not view.visible:
        raise InvalidDecisionError("Ese vínculo no existe o no está a su alcance.")
    link = session.get(DuplicateLink, link_id)
    assert link is not None
    before = link.status
    link.status, link.decided_by, link.decided_at = verdict, reviewer.id, utcnow()
    session.add(AuditEvent(
        user_id=reviewer.id, action="confirmar_vinculo" if verdict == CONFIRMED
        else "rechazar_vinculo", document_id=doc.id,
        detail={"vinculo": link.id, "tipo": link.kind, "antes": before,
                "documento": link.document_id, "otro_documento": link.other_document_id,
                "historial": link.history_id}))
    session.flush()
    log.info("link %s %s on document %s by user %s", link.id, verdict, doc.id, reviewer.id)
    return link


LINK_ACTIONS = ("confirmar_vinculo", "rechazar_vinculo", "deshacer_vinculo")


def last_link_event(session: Session, reviewer: Reviewer) -> AuditEvent | None:
    """The reviewer's latest decision on a link (or undo of one), for `u`."""
    return session.scalar(select(AuditEvent).where(
        AuditEvent.user_id == reviewer.id, AuditEvent.action.in_(LINK_ACTIONS))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(1))


def undo_decision(session: Session, reviewer: Reviewer, event: AuditEvent) -> Document:
    """Put the link of `event` back as it was before the reviewer's decision. Audited.

    Raises:
        InvalidDecisionError: the last action was an undo, or the link changed since.
    """
    if event.action == "deshacer_vinculo":
        raise InvalidDecisionError("Su última acción fue un «deshacer»; no se puede deshacer.")
    link = session.get(DuplicateLink, event.detail.get("vinculo"))
    doc = session.get(Document, event.document_id) if event.document_id else None
    verdict = CONFIRMED if event.action == "confirmar_vinculo" else REJECTED
    if link is None or doc is None or link.status != verdict or not reviewer.may_see_unit(
            doc.unit):
        raise InvalidDecisionError("El vínculo cambió después de su decisión; no se puede "
                                   "deshacer.")
    check_claim(doc, reviewer.id)
    link.status = event.detail.get("antes") or PROPOSED
    link.decided_by = reviewer.id if link.status != PROPOSED else None
    link.decided_at = utcnow() if link.status != PROPOSED else None
    session.add(AuditEvent(user_id=reviewer.id, action="deshacer_vinculo", document_id=doc.id,
                           detail={"vinculo": link.id, "antes": verdict,
                                   "despues": link.status}))
    session.flush()
    return doc


def refresh(session: Session, ctx: LinkContext, docs: Iterable[Document | None]) -> None:
    """Recompute the links of documents whose identity data or pages changed."""
    for doc in docs:
        if doc is not None:
            refresh_links(session, doc, ctx)

