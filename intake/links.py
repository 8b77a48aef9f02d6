"""Duplicate links as stored (policy 5.9): every document's and history petition's blocking
keys, the candidate search by key and date, and each document's links to earlier petitions.

One path for every change: ingest, an edit of the identity data in the review station and
an import of SIADE/SINAPP history all end in `refresh_links` / `relink`. Which petitions are
the same (classifier.duplicates) is decided from plain records, never from ORM rows.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select

from classifier.duplicates import (
    REPETICION,
    DuplicateRules,
    PetitionRecord,
    blocking_keys,
    links_for,
)
from models.schema import Document, DuplicateLink, MatchKey, PetitionHistory
from models.states import DocumentStatus, LinkStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from classifier.profile import Profile

log = logging.getLogger(__name__)

PROPOSED, CONFIRMED, REJECTED = LinkStatus.PROPOSED, LinkStatus.CONFIRMED, LinkStatus.REJECTED
MERGED = DocumentStatus.MERGED
# Petitions compared per search: the key lookup returns at most this many (most recent
# keys first does not matter: a block this large is a name shared by many people).
MAX_CANDIDATES = 200
_IN_CHUNK = 500
_HISTORY_PREFIX = "h"
_RECORD_COLUMNS = (Document.id, Document.text, Document.received_on, Document.fields,
                   Document.unit, Document.type)
_HISTORY_COLUMNS = (PetitionHistory.id, PetitionHistory.resumen,
                    PetitionHistory.registered_on, PetitionHistory.nss, PetitionHistory.nombre,
                    PetitionHistory.servicio, PetitionHistory.unit, PetitionHistory.tipo)


@dataclass(frozen=True)
class LinkContext:
    """What the search needs from the installation: the profile's rules and type names
    (history rows carry the case system's type names; documents carry labels)."""

    rules: DuplicateRules = field(default_factory=DuplicateRules)
    type_names: Mapping[str, str] = field(default_factory=dict)


def link_context(profile: Profile) -> LinkContext:
    """The context for an institution profile: its duplicate rules and type names."""
    return LinkContext(profile.duplicates, dict(profile.types))


def stored_key(key: str) -> str:
    """Keys are stored hashed: the table is an index, not another copy of NSS and phones."""
    return hashlib.blake2b(key.encode("utf-8"), digest_size=12).hexdigest()


def document_record(doc: Any, ctx: LinkContext) -> PetitionRecord:
    """A document (ORM object, or a row of the columns in `_RECORD_COLUMNS`) as a record."""
    f = doc.fields or {}
    return PetitionRecord(
        doc.id, doc.text or "", doc.received_on, nss=f.get("nss"), nombre=f.get("nombre"),
        curp=f.get("curp"), telefono=f.get("telefono"), correo=f.get("correo"),
        servicio=f.get("servicio"), unidad=doc.unit,
        tipo=ctx.type_names.get(doc.type, doc.type))


def history_record(h: Any) -> PetitionRecord:
    """A history row (ORM object or row with the same attributes) as a record; its id is
    "h<id>" so it never collides with a document's."""
    return PetitionRecord(f"{_HISTORY_PREFIX}{h.id}", h.resumen or "", h.registered_on,
                          nss=h.nss, nombre=h.nombre, servicio=h.servicio, unidad=h.unit,
                          tipo=h.tipo)


def _history_id(record_id: int | str) -> int | None:
    text = str(record_id)
    return int(text[1:]) if text.startswith(_HISTORY_PREFIX) else None


def _keys(record: PetitionRecord) -> list[str]:
    return sorted({stored_key(k) for k in blocking_keys(record)})


def index_document(session: Session, doc: Document, ctx: LinkContext) -> list[str]:
    """Replace the document's stored keys (none once merged into another); returns them."""
    session.execute(delete(MatchKey).where(MatchKey.document_id == doc.id))
    keys = [] if doc.status == MERGED else _keys(document_record(doc, ctx))
    if keys:
        session.execute(insert(MatchKey), [
            {"key": k, "received_on": doc.received_on, "document_id": doc.id} for k in keys])
    return keys


def index_history(session: Session, rows: Iterable[Any]) -> list[str]:
    """Store the keys of history rows (already flushed, with ids); returns the keys."""
    values = [{"key": k, "received_on": h.registered_on, "history_id": h.id}
              for h in rows for k in _keys(history_record(h))]
    for i in range(0, len(values), 5000):
        session.execute(insert(MatchKey), values[i:i + 5000])
    return [v["key"] for v in values]


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), _IN_CHUNK):
        yield values[i:i + _IN_CHUNK]


def candidates(session: Session, keys: Sequence[str], day: date, ctx: LinkContext,
               exclude: int | None = None) -> list[PetitionRecord]:
    """Documents (not merged away) and history petitions filed under any of `keys` within
    the window around `day`, as records."""
    if not keys:
        return []
    window = timedelta(days=ctx.rules.window_days)
    hits = session.execute(
        select(MatchKey.document_id, MatchKey.history_id).where(
            MatchKey.key.in_(keys), MatchKey.received_on.between(day - window, day + window))
        .distinct().limit(MAX_CANDIDATES)).all()
    doc_ids = sorted({d for d, _h in hits if d is not None and d != exclude})
    hist_ids = sorted({h for _d, h in hits if h is not None})
    out: list[PetitionRecord] = []
    for chunk in _chunks(doc_ids):  # plain rows: no ORM objects for a comparison
        out += [document_record(row, ctx) for row in session.execute(
            select(*_RECORD_COLUMNS).where(Document.id.in_(chunk), Document.status != MERGED))]
    for chunk in _chunks(hist_ids):
        out += [history_record(row) for row in session.execute(
            select(*_HISTORY_COLUMNS).where(PetitionHistory.id.in_(chunk)))]
    return out


def _earlier(record: PetitionRecord, doc: Document) -> bool:
    """History petitions count as earlier whatever their date (links point to them)."""
    if _history_id(record.id) is not None:
        return True
    return (record.received_on, int(record.id)) < (doc.received_on, doc.id)


def relink(session: Session, doc: Document, ctx: LinkContext,
           found: Sequence[PetitionRecord] | None = None) -> list[DuplicateLink]:
    """Recompute the document's proposed links to earlier petitions from its current data.

    Links a reviewer confirmed or rejected stay as decided, and their pairs are not
    proposed again; once a repeat is confirmed no other repeat is proposed.
    """
    decided = [x for x in doc.duplicate_links if x.status != PROPOSED]
    for link in [x for x in doc.duplicate_links if x.status == PROPOSED]:
        doc.duplicate_links.remove(link)
    if doc.status == MERGED:
        return []
    record = document_record(doc, ctx)
    if found is None:
        found = candidates(session, _keys(record), doc.received_on, ctx, exclude=doc.id)
    pairs = {(x.other_document_id, x.history_id) for x in decided}
    earlier = [c for c in found if _earlier(c, doc) and _pair(c.id) not in pairs]
    proposed = links_for(record, earlier, ctx.rules)
    if any(x.kind == REPETICION and x.status == CONFIRMED for x in decided):
        proposed = [x for x in proposed if x.kind != REPETICION]
    rows = []
    for found_link in proposed:
        other_doc, hist = _pair(found_link.duplicate_of)
        row = DuplicateLink(other_document_id=other_doc, history_id=hist, kind=found_link.kind,
                            score=found_link.score, similarity=found_link.similarity,
                            reason=found_link.reason,
                            status=PROPOSED)
        doc.duplicate_links.append(row)
        rows.append(row)
    return rows


def _pair(record_id: int | str) -> tuple[int | None, int | None]:
    hist = _history_id(record_id)
    return (None, hist) if hist is not None else (int(record_id), None)


def refresh_links(session: Session, doc: Document, ctx: LinkContext) -> list[DuplicateLink]:
    """After a document is stored or its identity data change: store its keys, recompute
    its links, and those of the later documents that share a key with it or pointed at it.

    The one function ingest and the review station call. Returns the document's new links.
    """
    session.flush()  # the document has its id and current values in the database
    keys = index_document(session, doc, ctx)
    found = candidates(session, keys, doc.received_on, ctx, exclude=doc.id)
    rows = relink(session, doc, ctx, found)
    pointing = set(session.scalars(select(DuplicateLink.document_id).where(
        DuplicateLink.other_document_id == doc.id, DuplicateLink.status == PROPOSED)))
    later = {int(c.id) for c in found if not _earlier(c, doc)} | pointing
    for other_id in sorted(later - {doc.id}):
        other = session.get(Document, other_id)
        if other is not None:
            relink(session, other, ctx)
    session.flush()
    log.debug("document %s: %d keys, %d candidates, %d links, %d later documents relinked",
              doc.id, len(keys), len(found), len(rows), len(later))
    return rows


def relink_for_keys(session: Session, keys: Sequence[str], ctx: LinkContext) -> int:
    """Relink the pending documents filed under any of `keys` (after a history import);
    returns how many."""
    doc_ids: set[int] = set()
    if session.scalar(select(MatchKey.id).where(MatchKey.document_id.is_not(None)).limit(1)
                      ) is None:
        return 0  # no document filed yet (a first import): nothing to recheck
    for chunk in _chunks(sorted(set(keys))):
        doc_ids.update(session.scalars(select(MatchKey.document_id).where(
            MatchKey.key.in_(chunk), MatchKey.document_id.is_not(None))))
    n = 0
    for chunk in _chunks(sorted(doc_ids)):
        for doc in session.scalars(select(Document).where(
                Document.id.in_(chunk), Document.status == DocumentStatus.PENDING)):
            relink(session, doc, ctx)
            n += 1
    session.flush()
    return n
