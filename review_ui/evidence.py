"""Where each value was read: boxes on the page images (for highlights and crops), and the
likely duplicates of a document. No Flask here."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from models.schema import Document

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.schema import Page
    from review_ui.accounts import Reviewer

_DIGIT_FIELDS = ("nss", "telefono")
# Same-person documents compared per view (the most recent first): keeps the document page
# fast even for a frequent petitioner.
MAX_DUPLICATE_CANDIDATES = 20


@dataclass(frozen=True)
class Evidence:
    field: str
    page_id: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the stored page image's pixels


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9@._-]+", _fold(text))


def _union(boxes: Iterable[Sequence[int]]) -> tuple[int, int, int, int]:
    bs = list(boxes)
    return (int(min(b[0] for b in bs)), int(min(b[1] for b in bs)),
            int(round(max(b[2] for b in bs))), int(round(max(b[3] for b in bs))))


def _find_digits(words: list[dict[str, Any]], value: str) -> list[Sequence[int]] | None:
    """Consecutive words whose digits spell `value` (NSS and phones are often split)."""
    for i in range(len(words)):
        acc, used = "", []
        for w in words[i:i + 8]:
            digits = re.sub(r"\D", "", str(w.get("text", "")))
            if not digits:
                if acc:
                    break
                continue
            acc += digits
            used.append(w["box"])
            if not value.startswith(acc) and not acc.endswith(value):
                break
            if value in acc:
                return used
    return None


def _find_tokens(words: list[dict[str, Any]], value: str) -> list[Sequence[int]] | None:
    want = _tokens(value)
    if not want:
        return None
    folded = [(_tokens(str(w.get("text", ""))), w) for w in words]
    flat = [(t, w) for toks, w in folded for t in toks]
    n = len(want)
    for i in range(len(flat) - n + 1):
        if [t for t, _w in flat[i:i + n]] == want:
            return [w["box"] for _t, w in flat[i:i + n]]
    return None


def locate(pages: Sequence[Page], fields: Mapping[str, Any]) -> dict[str, Evidence]:
    """The box of each field value on the document's pages: the form zone where a volante
    was read, else the OCR words that spell the value."""
    found: dict[str, Evidence] = {}
    for page in pages:
        ocr = page.ocr or {}
        zones = ((ocr.get("volante") or {}).get("fields")) or {}
        words = [w for w in ocr.get("words") or [] if len(w.get("box") or ()) == 4]
        for name, value in fields.items():
            if name in found or not value:
                continue
            zone = zones.get(name)
            if zone and len(zone.get("box") or ()) == 4:
                found[name] = Evidence(name, page.id, _union([zone["box"]]))
                continue
            match = (_find_digits(words, str(value)) if name in _DIGIT_FIELDS
                     else _find_tokens(words, str(value)))
            if match:
                found[name] = Evidence(name, page.id, _union(match))
    return found


def likely_duplicates(session: Session, reviewer: Reviewer, doc: Document,
                      window_days: int | None = None) -> list[tuple[int, str]]:
    """(document id, Spanish reason) of earlier documents this one may repeat: same NSS or
    name within the window and a similar text (classifier.duplicates decides)."""
    from classifier.duplicates import (
        DEFAULT_WINDOW_DAYS,
        PetitionRecord,
        find_duplicates,
        name_key,
    )
    from review_ui.scope import scoped

    fields = doc.fields or {}
    nss = re.sub(r"\D", "", fields.get("nss") or "")
    name = name_key(fields.get("nombre"))
    if len(nss) != 11 and not name:
        return []
    days = timedelta(days=window_days or DEFAULT_WINDOW_DAYS)
    # Matched in SQL (json_extract / ->>) so the page stays fast with many documents; the
    # name is matched as written here, and classifier.duplicates compares the texts.
    same = []
    if len(nss) == 11:
        same.append(Document.fields["nss"].as_string() == nss)
    if name and fields.get("nombre"):
        same.append(Document.fields["nombre"].as_string() == fields["nombre"])
    ids = list(session.scalars(scoped(reviewer, select(Document.id)).where(
        Document.id != doc.id, Document.status != "fusionado", or_(*same),
        Document.received_on.between(doc.received_on - days, doc.received_on + days),
    ).order_by(Document.received_on.desc(), Document.id.desc())
        .limit(MAX_DUPLICATE_CANDIDATES)))
    if not ids:
        return []
    others = session.scalars(select(Document).where(Document.id.in_(ids))).all()
    records = [PetitionRecord(d.id, d.text or "", d.received_on, (d.fields or {}).get("nss"),
                              (d.fields or {}).get("nombre")) for d in [doc, *others]]
    links = find_duplicates(records, window_days=days.days)
    out = []
    for link in links:
        if link.document_id == doc.id:
            out.append((int(link.duplicate_of), link.reason))
        elif link.duplicate_of == doc.id:
            out.append((int(link.document_id), link.reason))
    return out
