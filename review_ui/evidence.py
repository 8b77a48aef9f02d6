"""Where each value was read: boxes on the page images (for highlights and crops). No Flask
here. (Likely duplicates are stored links now: review_ui.links.)"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from intake.provenance import find_value, union_box

if TYPE_CHECKING:
    from models.schema import Page


@dataclass(frozen=True)
class Evidence:
    field: str
    page_id: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the stored page image's pixels
    # As stored at ingest (intake.provenance): "formulario", "texto" or "pagina", the
    # volante zone, the page number; None for a proposal stored before provenance was kept.
    source: str | None = None
    zone: str | None = None
    page_no: int | None = None


def where_read(pages: Sequence[Page], fields: Mapping[str, Any],
               provenance: Mapping[str, Any] | None) -> dict[str, Evidence]:
    """The box of each field that has a value, as the proposal stored it (page, zone,
    source); a proposal stored before provenance was kept (None) has its values found on
    the pages instead (`locate`)."""
    if provenance is None:
        return locate(pages, fields)
    by_no = {p.page_no: p for p in pages}
    found: dict[str, Evidence] = {}
    for name, value in fields.items():
        where = provenance.get(name)
        if not value or not isinstance(where, Mapping):
            continue
        page_no, box = where.get("page"), where.get("box") or ()
        page = by_no.get(page_no) if isinstance(page_no, int) else None
        if page is None or len(box) != 4:
            continue
        found[name] = Evidence(name, page.id, union_box([box]), where.get("source"),
                               where.get("zone"), page.page_no)
    return found


def locate(pages: Sequence[Page], fields: Mapping[str, Any]) -> dict[str, Evidence]:
    """The box of each field value on the document's pages: the form zone where a volante
    was read, else the OCR words that spell the value."""
    found: dict[str, Evidence] = {}
    for page in pages:
        ocr = page.ocr or {}
        zones = ((ocr.get("volante") or {}).get("fields")) or {}
        words = [(str(w.get("text", "")), w.get("box") or ()) for w in ocr.get("words") or ()]
        for name, value in fields.items():
            if name in found or not value:
                continue
            zone = zones.get(name)
            if zone and len(zone.get("box") or ()) == 4:
                found[name] = Evidence(name, page.id, union_box([zone["box"]]))
                continue
            box = find_value(words, name, str(value))
            if box is not None:
                found[name] = Evidence(name, page.id, box)
    return found


@dataclass(frozen=True)
class CandidateCrop:
    """Where the machine saw an identifier it could not read for sure: shown beside the
    empty field ("posible NSS") so the reviewer types it from the crop."""

    field: str
    label: str
    page_id: int
    box: tuple[int, int, int, int]


def candidate_crops(pages: Sequence[Page], candidates: Iterable[Mapping[str, Any]],
                    values: Mapping[str, Any]) -> dict[str, list[CandidateCrop]]:
    """The proposal's candidate regions of each field that is still empty, by field."""
    by_no = {p.page_no: p.id for p in pages}
    out: dict[str, list[CandidateCrop]] = {}
    for c in candidates or ():
        page_no = c.get("page")
        page_id = by_no.get(page_no) if isinstance(page_no, int) else None
        name, box = c.get("field"), c.get("box") or ()
        if not name or values.get(name) or page_id is None or len(box) != 4:
            continue
        crop = CandidateCrop(str(name), str(c.get("label") or ""), page_id,
                             union_box([box]))
        if crop not in out.setdefault(str(name), []):
            out[str(name)].append(crop)
    return out
