"""Where each value was read: boxes on the page images (for highlights and crops). No Flask
here. (Likely duplicates are stored links now: review_ui.links.)"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from classifier._text import fold

if TYPE_CHECKING:
    from models.schema import Page

_DIGIT_FIELDS = ("nss", "telefono")


@dataclass(frozen=True)
class Evidence:
    field: str
    page_id: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the stored page image's pixels


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9@._-]+", fold(text))


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

