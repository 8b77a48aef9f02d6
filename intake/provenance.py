"""Where each proposed value was read: page, volante zone, source and box, from the
proposal's spans (stored with the proposal; the document view draws it)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from classifier.text import fold
from classifier.types import FIELD_NAMES
from intake.split import PAGE_SEPARATOR

if TYPE_CHECKING:
    from classifier.types import Extracted, Proposal
    from ocr.types import PageRead

log = logging.getLogger(__name__)

Box = tuple[int, int, int, int]
# (text, box) of each word of a page, as read or as stored in its `ocr` JSON.
WordBoxes = Sequence[tuple[str, Sequence[int]]]

_DIGIT_FIELDS = ("nss", "telefono")


def union_box(boxes: Iterable[Sequence[int]]) -> Box:
    """The smallest box around `boxes` (x0, y0, x1, y1), in whole pixels."""
    bs = list(boxes)
    return (int(min(b[0] for b in bs)), int(min(b[1] for b in bs)),
            int(round(max(b[2] for b in bs))), int(round(max(b[3] for b in bs))))


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9@._-]+", fold(text))


def _find_digits(words: WordBoxes, value: str) -> list[Sequence[int]] | None:
    """Consecutive words whose digits spell `value` (NSS and phones are often split)."""
    for i in range(len(words)):
        acc, used = "", []
        for text, box in words[i:i + 8]:
            digits = re.sub(r"\D", "", text)
            if not digits:
                if acc:
                    break
                continue
            acc += digits
            used.append(box)
            if not value.startswith(acc) and not acc.endswith(value):
                break
            if value in acc:
                return used
    return None


def _find_tokens(words: WordBoxes, value: str) -> list[Sequence[int]] | None:
    want = _tokens(value)
    if not want:
        return None
    flat = [(t, box) for text, box in words for t in _tokens(text)]
    n = len(want)
    for i in range(len(flat) - n + 1):
        if [t for t, _b in flat[i:i + n]] == want:
            return [b for _t, b in flat[i:i + n]]
    return None


def find_value(words: WordBoxes, name: str, value: str) -> Box | None:
    """The box of the words that spell `value` (digits alone for an NSS or a phone), for a
    value whose place in the text is not known."""
    words = [(t, b) for t, b in words if len(b or ()) == 4]
    match = (_find_digits(words, value) if name in _DIGIT_FIELDS
             else _find_tokens(words, value))
    return union_box(match) if match else None


def _page_at(pages: Sequence[PageRead], offset: int) -> tuple[PageRead, int] | None:
    """The page holding character `offset` of the document's text, and the offset in that
    page's own text."""
    start = 0
    for page in pages:
        text = page.text.strip()
        if not text:
            continue
        if offset < start + len(text):
            lead = len(page.text) - len(page.text.lstrip())
            return (page, offset - start + lead) if offset >= start else None
        start += len(text) + len(PAGE_SEPARATOR)
    return None


def _words_at(page: PageRead, start: int, end: int) -> list[Sequence[int]]:
    """Boxes of the page's words that cover characters start..end of its text (the text
    is the words in order, joined by spaces and line breaks)."""
    boxes: list[Sequence[int]] = []
    cursor = 0
    for w in page.words:
        at = page.text.find(w.text, cursor) if w.text else -1
        if at < 0:
            continue
        cursor = at + len(w.text)
        if at < end and cursor > start:
            boxes.append(w.box)
    return boxes


def _zone_of(page: PageRead, box: Sequence[int] | None) -> str | None:
    """The volante field whose zone is `box`, if the page is a volante."""
    if page.volante is None or box is None:
        return None
    return next((k for k, f in page.volante.fields.items() if tuple(f.box) == tuple(box)),
                None)


def _where(name: str, span: Extracted, pages: Sequence[PageRead]) -> dict[str, Any] | None:
    by_no = {p.page_no: p for p in pages}
    if span.source == "formulario":  # the boxes of the first page's volante
        first = pages[0]
        zone = first.volante.fields.get(name) if first.volante is not None else None
        return {"page": first.page_no, "zone": name if zone is not None else None,
                "source": span.source, "box": list(zone.box) if zone is not None else None}
    if span.source == "pagina" and span.page is not None:
        page = by_no.get(span.page)
        return {"page": span.page, "zone": _zone_of(page, span.box) if page else None,
                "source": span.source, "box": list(span.box) if span.box else None}
    if span.start < 0:
        return None
    found = _page_at(pages, span.start)
    if found is None:
        return None
    page, start = found
    boxes = _words_at(page, start, start + (span.end - span.start))
    box = union_box(boxes) if boxes else find_value(
        [(w.text, w.box) for w in page.words], name, span.value)
    return {"page": page.page_no, "zone": None, "source": span.source,
            "box": list(box) if box else None}


def provenance_of(pages: Sequence[PageRead], proposal: Proposal) -> dict[str, dict[str, Any]]:
    """For each field the proposal found (its spans, valid or not), where it was read:

    `page` (number in the file), `zone` (the volante field whose box it is, or None),
    `source` ("formulario": a volante box; "texto": the text; "pagina": read again from
    the page) and `box` ([x0, y0, x1, y1] in the stored page image's pixels, or None when
    the page gives no place, e.g. a PDF's text layer).
    """
    out: dict[str, dict[str, Any]] = {}
    if not pages:
        return out
    for name, span in proposal.spans.items():
        if name in FIELD_NAMES and (where := _where(name, span, pages)) is not None:
            out[name] = where
    log.debug("provenance of %d fields", len(out))
    return out

