"""Export documents as JSON Lines (the contract other tools and benchmarks rely on)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from classifier.types import FIELD_NAMES
from models import schema

EXPORT_KEYS = ("id", "source", "pages", "kind", "type", "confidence", "scores", "fields",
               "missing", "route", "urgent", "needs_review", "status", "text")


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
        "text": doc.text,
    }


# A document merged into another by a reviewer is no longer a document: its pages and
# its decision history live on in the one it was merged into.
MERGED = "fusionado"


def iter_records(session: Session, batch: int = 500) -> Iterator[dict[str, Any]]:
    """All documents by id, streamed in batches so memory stays flat on big databases."""
    last = 0
    while True:
        docs = session.scalars(
            select(schema.Document)
            .where(schema.Document.id > last, schema.Document.status != MERGED)
            .options(selectinload(schema.Document.source_file),
                     selectinload(schema.Document.proposals))
            .order_by(schema.Document.id).limit(batch)).all()
        if not docs:
            return
        for doc in docs:
            yield document_record(doc)
        last = docs[-1].id
        session.expunge_all()


def write_jsonl(session: Session, out: IO[str]) -> int:
    n = 0
    for rec in iter_records(session):
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n
