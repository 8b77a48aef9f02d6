"""Export documents as JSON Lines (the contract other tools and benchmarks rely on)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from classifier.types import FIELD_NAMES
from models import schema
from models.states import DocumentStatus

EXPORT_KEYS = ("id", "source", "pages", "kind", "type", "confidence", "scores", "fields",
               "missing", "route", "urgent", "needs_review", "status", "received_on", "due_on",
               "duplicates", "text")


def link_record(link: schema.DuplicateLink) -> dict[str, Any]:
    """A duplicate link as exported: to another document (its id) or a history petition
    (its source and folio)."""
    history = link.history
    return {
        "kind": link.kind,
        "status": link.status,
        "score": link.score,
        "similarity": link.similarity,
        "reason": link.reason,
        "document": link.other_document_id,
        "history": ({"source": history.source, "folio": history.folio}
                    if history is not None else None),
    }


def document_record(doc: schema.Document) -> dict[str, Any]:
    """One export line: current values, with the proposal's confidence and scores."""
    proposal = doc.proposal
    fields = {name: (doc.fields or {}).get(name) for name in FIELD_NAMES}
    return {
        "id": doc.id,
        "source": doc.source_file.source_path,
        "pages": list(doc.pages),
        "kind": doc.kind,
        "type": doc.type,
        "confidence": proposal.confidence if proposal else None,
        "scores": dict(proposal.scores) if proposal else {},
        "fields": fields,
        "missing": list(doc.missing),
        "route": doc.route,
        "urgent": doc.urgent,
        "needs_review": doc.needs_review,
        "status": doc.status,
        "received_on": doc.received_on.isoformat(),
        "due_on": doc.due_on.isoformat() if doc.due_on else None,
        "duplicates": [link_record(x) for x in doc.duplicate_links],
        "text": doc.text,
    }


# A document merged into another by a reviewer is no longer a document: its pages and
# its decision history live on in the one it was merged into.
MERGED = DocumentStatus.MERGED


def iter_records(session: Session, batch: int = 500) -> Iterator[dict[str, Any]]:
    """All documents by id, streamed in batches so memory stays flat on big databases."""
    last = 0
    while True:
        docs = session.scalars(
            select(schema.Document)
            .where(schema.Document.id > last, schema.Document.status != MERGED)
            .options(selectinload(schema.Document.source_file),
                     selectinload(schema.Document.proposals),
                     selectinload(schema.Document.duplicate_links)
                     .selectinload(schema.DuplicateLink.history))
            .order_by(schema.Document.id).limit(batch)).all()
        if not docs:
            return
        for doc in docs:
            yield document_record(doc)
        last = docs[-1].id
        session.expunge_all()


def write_jsonl(session: Session, out: IO[str], actor: str | None = None) -> int:
    """Write every document as one JSON line; returns how many.

    Args:
        actor: who exports, for the audit trail (the command line passes its name and the
            system user); None writes no audit event (tests, library callers that audit
            themselves). The event joins the session's transaction.
    """
    n, first, last = 0, None, None
    for rec in iter_records(session):
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
        first = rec["id"] if first is None else first
        last = rec["id"]
    if actor is not None:
        # Exporting is a view of every document's personal data: audited like one, with no
        # reviewer account behind it (user_id None) and the ids it covered.
        session.add(schema.AuditEvent(user_id=None, action="exportar", detail={
            "actor": actor, "formato": "jsonl", "documentos": n, "primer_id": first,
            "ultimo_id": last}))
    return n
