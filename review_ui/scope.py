"""What a reviewer may see, in queue order: the queries behind the queue and 'next'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from models.schema import Document
from models.states import DocumentStatus

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Select
    from sqlalchemy.orm import Session

    from review_ui.accounts import Reviewer

STATUSES = tuple(DocumentStatus)


def late(today: date) -> ColumnElement[bool]:
    """The document's next deadline (intake.deadlines) is past."""
    return Document.due_on < today


def queue_order(today: date) -> tuple[ColumnElement[Any], ...]:
    """Urgent first, then the late ones, then those the model was unsure about, then the
    oldest."""
    return (
        Document.urgent.desc(),
        case((late(today), 1), else_=0).desc(),
        Document.needs_review.desc(),
        Document.received_on.asc(),
        Document.created_at.asc(),
        Document.id.asc(),
    )


@dataclass(frozen=True)
class QueueFilter:
    """Filters from the query string; None means "any"."""

    status: str | None = DocumentStatus.PENDING
    type: str | None = None
    route: str | None = None
    day: date | None = None
    unit: str | None = None


def scoped(reviewer: Reviewer, stmt: Select[Any]) -> Select[Any]:
    """Limit a Document query to the reviewer's units."""
    if reviewer.sees_all_units:
        return stmt
    return stmt.where(Document.unit.in_(reviewer.units))


def queue_query(reviewer: Reviewer, flt: QueueFilter, today: date
                ) -> Select[Any]:
    stmt = scoped(reviewer, select(Document))
    if flt.status:
        stmt = stmt.where(Document.status == flt.status)
    if flt.type:
        stmt = stmt.where(Document.type == flt.type)
    if flt.route:
        stmt = stmt.where(Document.route == flt.route)
    if flt.day:
        stmt = stmt.where(Document.received_on == flt.day)
    if flt.unit:
        stmt = stmt.where(Document.unit == flt.unit)
    return stmt.order_by(*queue_order(today))


def visible_document(session: Session, reviewer: Reviewer, doc_id: int) -> Document | None:
    """The document if it exists and is in the reviewer's units, else None."""
    doc = session.get(Document, doc_id)
    if doc is None or not reviewer.may_see_unit(doc.unit):
        return None
    return doc


def next_pending(session: Session, reviewer: Reviewer, today: date,
                 after: Document | None = None) -> int | None:
    """The id of the first pending document in queue order that nobody else holds,
    skipping `after`."""
    from review_ui.claims import free_for

    pending = QueueFilter(status=DocumentStatus.PENDING)
    stmt = queue_query(reviewer, pending, today).with_only_columns(
        Document.id).where(free_for(reviewer.id))
    if after is not None:
        stmt = stmt.where(Document.id != after.id)
    return session.scalar(stmt.limit(1))


def following_pending(session: Session, reviewer: Reviewer, doc: Document, today: date
                      ) -> int | None:
    """The pending document that follows `doc` in queue order (wrapping to the first)."""
    from review_ui.claims import free_for

    ids = list(session.scalars(
        queue_query(reviewer, QueueFilter(status=DocumentStatus.PENDING), today)
        .with_only_columns(Document.id)
        .where(free_for(reviewer.id))))
    if doc.id in ids:
        i = ids.index(doc.id)
        rest = ids[i + 1:] + ids[:i]
        return rest[0] if rest else None
    return ids[0] if ids else None


@dataclass(frozen=True)
class DayCounts:
    recibidos: int
    confirmados: int
    descartados: int
    por_contactar: int
    pendientes: int
    atrasados: int  # pending from earlier days: policy 5.9 asks for same-day registration
    vencidos: int  # any status, with the next deadline of the procedure past


def day_counts(session: Session, reviewer: Reviewer, today: date) -> DayCounts:
    """Counts of the documents received `today`, plus pending ones from earlier days."""
    def n(status: str) -> ColumnElement[Any]:
        return func.sum(case((Document.status == status, 1), else_=0))

    stmt = scoped(reviewer, select(
        func.count(Document.id), n(DocumentStatus.CONFIRMED), n(DocumentStatus.DISCARDED),
        n(DocumentStatus.TO_CONTACT), n(DocumentStatus.PENDING),
    ).where(Document.received_on == today, Document.status != DocumentStatus.MERGED))
    row = session.execute(stmt).one()
    earlier = session.scalar(scoped(reviewer, select(func.count(Document.id)).where(
        Document.status == DocumentStatus.PENDING, Document.received_on < today)))
    overdue = session.scalar(scoped(reviewer, select(func.count(Document.id)).where(
        late(today))))
    received, confirmed, discarded, to_contact, pending = (int(v or 0) for v in row)
    return DayCounts(recibidos=received, confirmados=confirmed, descartados=discarded,
                     por_contactar=to_contact, pendientes=pending,
                     atrasados=int(earlier or 0), vencidos=int(overdue or 0))
