"""Claims: the reviewer who opens a pending document holds it for a while, so two
reviewers never work on the same one; optimistic locking settles the rest."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import and_, or_, update

from models.schema import Document, User, utcnow
from models.states import DocumentStatus
from review_ui.errors import ClaimedError

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Table
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

def timeout() -> timedelta:
    """How long an open document stays claimed: the station's `claim_timeout` setting."""
    return timedelta(seconds=current_app.config["BUZON_SETTINGS"].claim_timeout)


def free_for(user_id: int, now: datetime | None = None) -> ColumnElement[bool]:
    """SQL condition: nobody else holds a live claim on the document."""
    cutoff = (now or utcnow()) - timeout()
    return or_(Document.claimed_by.is_(None), Document.claimed_by == user_id,
               Document.claimed_at.is_(None), Document.claimed_at < cutoff)


def _documents() -> Table:
    """The documents table for Core UPDATEs (Document.__table__ is typed as any FROM)."""
    return Document.metadata.tables[Document.__tablename__]


def try_claim(session: Session, doc: Document, user_id: int) -> bool:
    """Take (or refresh) the claim on a pending document in one conditional UPDATE, so two
    reviewers opening it at the same moment cannot both get it. The Core UPDATE leaves
    `version_id` alone: claiming is not a change of the document."""
    if doc.status != DocumentStatus.PENDING:
        return False
    now = utcnow()
    table = _documents()
    result = session.connection().execute(
        update(table).where(and_(table.c.id == doc.id, table.c.status == DocumentStatus.PENDING,
                                 free_for(user_id, now)))
        .values(claimed_by=user_id, claimed_at=now))
    session.commit()
    session.refresh(doc, ["claimed_by", "claimed_at"])
    return bool(result.rowcount)


def holder(doc: Document, user_id: int, now: datetime | None = None) -> int | None:
    """The id of another reviewer holding a live claim on `doc`, else None."""
    if doc.claimed_by is None or doc.claimed_by == user_id or doc.claimed_at is None:
        return None
    if doc.claimed_at < (now or utcnow()) - timeout():
        return None
    return doc.claimed_by


def holder_name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return (user.display_name or user.username) if user else "otra persona"


def check_claim(doc: Document, user_id: int) -> None:
    """Raise ClaimedError when another reviewer holds the document."""
    other = holder(doc, user_id)
    if other is not None:
        from sqlalchemy.orm import object_session

        session = object_session(doc)
        name = holder_name(session, other) if session is not None else "otra persona"
        log.info("decision on document %s refused: claimed by user %s", doc.id, other)
        raise ClaimedError(name)


def release(session: Session, user_id: int) -> None:
    """Drop every claim the user holds (on logout)."""
    table = _documents()
    session.execute(update(table).where(table.c.claimed_by == user_id)
                    .values(claimed_by=None, claimed_at=None))
