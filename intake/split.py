"""Propose document boundaries inside a file that may hold a whole day's box.

No separator sheets: a volante always starts a document, a blank page stands alone
(flagged, never dropped), and a text page joins the previous letter when it reads like a
continuation (a page number >= 2, text that starts mid-sentence, or a previous page that
stops mid-sentence) unless it opens like a letter (date line, salutation, subject).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocr.types import PageRead

_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*(\d{1,2})\s*-|(?:hoja|p[aá]g(?:ina)?\.?)\s*(\d{1,2})(?:\s*(?:de|/)\s*\d{1,2})?"
    r"|(\d{1,2})\s*(?:/|de)\s*\d{1,2}|(\d{1,2}))\s*$",
    re.IGNORECASE)
_OPENING = re.compile(
    r"^\s*(?:a\s+quien\s+corresponda|c\.\s|estimad[oa]s?|buen[oa]s\s+(?:d[ií]as|tardes|noches)"
    r"|asunto\s*:|por\s+medio\s+de(?:l)?\s+(?:la\s+)?presente|presente\b|director|"
    r"[a-záéíóúñ .]+,\s*[a-záéíóúñ.]*\s*(?:a\s+)?\d{1,2}\s+de\s+[a-záéíóú]+)",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?)»\"]\s*$")


@dataclass
class DocumentGroup:
    kind: str  # volante | escrito_libre | otro (otro: blank page; later refined by type)
    pages: list[PageRead] = field(default_factory=list)

    @property
    def page_numbers(self) -> list[int]:
        return [p.page_no for p in self.pages]

    @property
    def text(self) -> str:
        return "\n\n".join(p.text.strip() for p in self.pages if p.text.strip())


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def page_number(text: str) -> int | None:
    """A page number printed alone on one of the first or last two lines, if any."""
    lines = _lines(text)
    for ln in lines[:2] + lines[-2:]:
        m = _PAGE_NUMBER.match(ln)
        if m:
            n = next(g for g in m.groups() if g)
            return int(n)
    return None


def _body_lines(text: str) -> list[str]:
    return [ln for ln in _lines(text) if not _PAGE_NUMBER.match(ln)]


def opens_like_letter(text: str) -> bool:
    return any(_OPENING.match(ln) for ln in _body_lines(text)[:4])


def continues_previous(prev: PageRead, page: PageRead) -> bool:
    """Whether `page` reads as the next page of the letter that ends with `prev`."""
    if opens_like_letter(page.text):
        return False
    number = page_number(page.text)
    if number is not None:
        return number >= 2
    body = _body_lines(page.text)
    prev_body = _body_lines(prev.text)
    if not body:
        return False
    starts_lower = body[0][:1].islower() or body[0][:1] in ",;:"
    prev_open = bool(prev_body) and not _SENTENCE_END.search(prev_body[-1])
    return starts_lower or prev_open


def split_pages(pages: list[PageRead]) -> list[DocumentGroup]:
    """Group the pages of one file into proposed documents, in order."""
    groups: list[DocumentGroup] = []
    for page in pages:
        current = groups[-1] if groups else None
        if page.volante is not None:
            groups.append(DocumentGroup("volante", [page]))
        elif page.is_blank:
            groups.append(DocumentGroup("otro", [page]))
        elif (current is not None and current.kind == "escrito_libre"
              and continues_previous(current.pages[-1], page)):
            current.pages.append(page)
        else:
            groups.append(DocumentGroup("escrito_libre", [page]))
    return groups
