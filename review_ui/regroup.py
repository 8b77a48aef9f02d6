"""Merge and split documents when the page separation was wrong, then propose again
(through intake.workflow, as ingest does)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select

from intake.workflow import DocumentProposer, pages_of, store_proposal
from models.schema import Document, Page
from models.states import DecisionAction
from review_ui.decide import check_decidable, record_decision, snapshot
from review_ui.errors import InvalidDecisionError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from review_ui.accounts import Reviewer

log = logging.getLogger(__name__)


def _apply_proposal(doc: Document, proposer: DocumentProposer) -> None:
    """Propose again from the document's stored pages (their volante's boxes and
    checkboxes, their identifier regions), kept as a new machine proposal for a person to
    review. The document keeps its unit: a merge never crosses units."""
    pages = pages_of(doc)
    store_proposal(doc, pages, proposer(pages, doc.unit).proposal, review=True)


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
               proposer: DocumentProposer) -> Document:
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
    _apply_proposal(doc, proposer)
    record_decision(session, other, user_id, DecisionAction.MERGE, other_before,
                    f"Unido al documento {doc.id}")
    record_decision(session, doc, user_id, DecisionAction.MERGE, before,
                    f"Se le unió el documento {other.id}")
    return other


def split_at(session: Session, doc: Document, user_id: int, version_id: int | None,
             page_no: int, proposer: DocumentProposer) -> Document:
    """Make pages `page_no`.. of this document a new document of their own."""
    check_decidable(doc, user_id, version_id)
    pages = sorted(doc.pages or [])
    if page_no not in pages or page_no == pages[0]:
        raise InvalidDecisionError("Elija una página del documento, que no sea la primera, "
                                   "donde empieza el nuevo documento.")
    before = snapshot(doc)
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
    _apply_proposal(doc, proposer)
    _apply_proposal(new, proposer)
    record_decision(session, doc, user_id, DecisionAction.SPLIT, before,
                    f"Páginas {page_no}+ al documento {new.id}")
    return new
