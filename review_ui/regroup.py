"""Merge and split documents when the page separation was wrong, then propose again."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select

from models.schema import Document, Page
from models.schema import Proposal as ProposalRow
from models.states import DecisionAction
from review_ui.decide import check_decidable, record_decision, snapshot
from review_ui.errors import InvalidDecisionError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from classifier.types import Proposal
    from review_ui.accounts import Reviewer

log = logging.getLogger(__name__)

# (text, unit, values read from a volante's boxes) -> the classifier's proposal; see
# review_ui.proposer.
Proposer = Callable[[str, "str | None", "Mapping[str, str]"], "Proposal"]


def _text_of(doc: Document) -> str:
    return "\n\n".join(p.text for p in sorted(doc.page_rows, key=lambda p: p.page_no)
                       if p.text).strip()


def form_values(*docs: Document) -> dict[str, str]:
    """What the machine read from the volante's boxes (not the text) in the documents'
    latest proposals; the first document's value wins. A re-proposal after a merge or split
    passes these on, as ingest did, so the boxes' NSS and name are not lost to the text."""
    values: dict[str, str] = {}
    for doc in docs:
        spans = (doc.proposal.spans or {}) if doc.proposal is not None else {}
        for name, span in spans.items():
            if isinstance(span, dict) and span.get("source") == "formulario" and span.get(
                    "value"):
                values.setdefault(name, str(span["value"]))
    return values


def _apply_proposal(session: Session, doc: Document, proposer: Proposer,
                    boxes: Mapping[str, str] | None = None) -> None:
    """Propose again from the document's pages (and its volante's boxes); stored as a new
    machine proposal."""
    doc.text = _text_of(doc)
    prop = proposer(doc.text, doc.unit, dict(boxes or {}))
    session.add(ProposalRow(
        document=doc, model_version=prop.model_version or "desconocido", type=prop.type,
        confidence=prop.confidence, scores=dict(prop.scores), fields=dict(prop.fields),
        spans={k: {"value": v.value, "start": v.start, "end": v.end, "source": v.source,
                   "valid": v.valid} for k, v in prop.spans.items()},
        missing=list(prop.missing), route=prop.route, route_reason=prop.route_reason,
        urgent=prop.urgent, urgent_reason=prop.urgent_reason,
        needs_review=prop.needs_review))
    doc.type, doc.fields, doc.missing = prop.type, dict(prop.fields), list(prop.missing)
    doc.route, doc.route_reason = prop.route, prop.route_reason
    doc.urgent = doc.urgent or prop.urgent
    doc.urgent_reason = doc.urgent_reason or prop.urgent_reason
    doc.needs_review = True
    doc.status = "pendiente"


def next_in_file(session: Session, doc: Document, reviewer: Reviewer) -> Document | None:
    """The document that follows `doc` in the same scanned file (by first page), when a
    merge with it is allowed: same unit as `doc` and visible to `reviewer`.

    A scan may hold several units' volantes one after another; the neighbour from another
    unit is never offered (and the one after it is not adjacent, so nothing is).
    """
    last = max(doc.pages or [0])
    candidates = session.scalars(select(Document).where(
        Document.source_file_id == doc.source_file_id, Document.id != doc.id,
        Document.merged_into_id.is_(None), Document.status != "fusionado"))
    later = [d for d in candidates if d.pages and min(d.pages) > last]
    if not later:
        return None
    following = min(later, key=lambda d: min(d.pages))
    if following.unit != doc.unit or not reviewer.may_see_unit(following.unit):
        return None
    return following


def merge_next(session: Session, doc: Document, reviewer: Reviewer, version_id: int | None,
               proposer: Proposer) -> Document:
    """Join the next document of the same file to this one (its pages come after).

    Both documents must be in the reviewer's units and in the same unit.
    """
    user_id = reviewer.id
    if not reviewer.may_see_unit(doc.unit):
        raise InvalidDecisionError("No tiene acceso a este documento.")
    check_decidable(doc, user_id, version_id)
    other = next_in_file(session, doc, reviewer)
    if other is None:
        raise InvalidDecisionError("No hay otro documento de la misma unidad después de este "
                                   "en el mismo archivo para unir.")
    if other.status not in ("pendiente",):
        raise InvalidDecisionError(f"El documento {other.id} ya fue decidido; no se puede unir.")
    check_decidable(other, user_id, other.version_id)
    before, other_before = snapshot(doc), snapshot(other)
    boxes = form_values(doc, other)
    for page in list(other.page_rows):
        page.document = doc
    session.flush()
    session.expire(doc, ["page_rows"])
    session.expire(other, ["page_rows"])
    doc.pages = sorted({*(doc.pages or []), *(other.pages or [])})
    other.pages = []
    other.status = "fusionado"
    other.merged_into_id = doc.id
    other.needs_review = False
    _apply_proposal(session, doc, proposer, boxes)
    record_decision(session, other, user_id, DecisionAction.MERGE, other_before,
                    f"Unido al documento {doc.id}")
    record_decision(session, doc, user_id, DecisionAction.MERGE, before,
                    f"Se le unió el documento {other.id}")
    return other


def split_at(session: Session, doc: Document, user_id: int, version_id: int | None,
             page_no: int, proposer: Proposer) -> Document:
    """Make pages `page_no`.. of this document a new document of their own."""
    check_decidable(doc, user_id, version_id)
    pages = sorted(doc.pages or [])
    if page_no not in pages or page_no == pages[0]:
        raise InvalidDecisionError("Elija una página del documento, que no sea la primera, "
                                   "donde empieza el nuevo documento.")
    before = snapshot(doc)
    boxes = form_values(doc)  # the volante's boxes are on its first page, which stays
    new = Document(source_file_id=doc.source_file_id, pages=[p for p in pages if p >= page_no],
                   kind=doc.kind, unit=doc.unit, received_on=doc.received_on, type=doc.type,
                   route=doc.route)
    session.add(new)
    session.flush()
    moved = session.scalars(select(Page).where(Page.document_id == doc.id,
                                               Page.page_no >= page_no))
    for page in moved:
        page.document_id = new.id
    session.flush()
    session.expire(doc, ["page_rows"])
    session.expire(new, ["page_rows"])
    doc.pages = [p for p in pages if p < page_no]
    _apply_proposal(session, doc, proposer, boxes)
    _apply_proposal(session, new, proposer)
    record_decision(session, doc, user_id, DecisionAction.SPLIT, before,
                    f"Páginas {page_no}+ al documento {new.id}")
    return new
