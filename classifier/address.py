"""The person's postal address (domicilio) in a petition's text or a volante's box.

A full address (ISSSTE guía, lineamiento 3c: street, numbers, colonia and postal code) is
valid; a partial one is kept, marked invalid, for the reviewer to complete.
"""

from __future__ import annotations

import re

from classifier.text import fold
from classifier.types import Extracted

# Words that introduce an address ("mi domicilio es", "vivo en", "dirección:").
_LABEL = re.compile(
    r"\b(?:mi\s+)?(?:domicilio(?:\s+particular)?|direcci[oó]n(?:\s+postal)?|vivo\s+en|"
    r"con\s+domicilio\s+en|domiciliad[oa]\s+en)\s*(?:es|en)?\s*[:\-,]?\s*",
    re.IGNORECASE)
# Where a street starts: its kind, then its name, then a number.
_STREET = re.compile(
    r"\b(?:calle|c\.|av\.?|avenida|andador|and\.|privada|priv\.|cerrada|cda\.|calzada|"
    r"calz\.|boulevard|blvd\.?|bulevar|prolongaci[oó]n|prol\.|callej[oó]n|circuito|"
    r"retorno|camino|carretera|paseo|manzana|mz\.?)\s+[^\n.;]{1,60}?\b(?:\d+|s/n)\b",
    re.IGNORECASE)
_NUMBER = re.compile(r"\b\d+[A-Za-z]?\b|\bs/n\b", re.IGNORECASE)
_COLONIA = re.compile(r"\b(?:col\.?|colonia|fracc\.?|fraccionamiento|barrio|unidad\s+"
                      r"habitacional|u\.?\s?h\.?|conjunto)\s", re.IGNORECASE)
_POSTAL = re.compile(r"\b(?:c\.?\s?p\.?|c[oó]digo\s+postal)\s*:?\s*(\d{5})\b", re.IGNORECASE)
# The address ends at the end of its line or sentence, or where the next datum starts.
_NEXT_DATUM = re.compile(
    r"(?:\b(?:tel[eé]fono|tel\.?|cel(?:ular)?\.?|correo|e-?mail|nss|curp|atentamente|"
    r"atte)\b|[\w.+-]+@)", re.IGNORECASE)
MAX_CHARS = 160
# Abbreviations whose period does not end the address.
_ABBREVIATIONS = frozenset("""col fracc c p cp av int ext no num mz lt lote priv cda prol calz
blvd edif depto dpto esq u h mpio del ent""".split())


def is_full_address(value: str) -> bool:
    """Street with a number, and a colonia or a postal code."""
    return bool(_NUMBER.search(value)) and bool(_COLONIA.search(value) or
                                                _POSTAL.search(value))


def _extent(text: str, start: int) -> int:
    """Where an address that starts at `start` ends: the end of its line, a sentence end
    (a period not inside "Col." or "C.P."), or the next datum."""
    end = min(len(text), start + MAX_CHARS)
    line_end = text.find("\n", start)
    if 0 <= line_end < end:
        end = line_end
    nxt = _NEXT_DATUM.search(text, start, end)
    if nxt:
        end = nxt.start()
    piece = text[start:end]
    for m in re.finditer(r"[.;](?=\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{2,}\s+[a-záéíóúñ])", piece):
        before = re.search(r"(\w+)$", piece[:m.start()])
        if m.group() == "." and before and fold(before.group(1)) in _ABBREVIATIONS:
            continue
        return start + m.start()
    return end


def _clean(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip(" ,;:-")
    value = re.sub(r"(?i)\s*\b(?:y|mi|su)$", "", value).strip(" ,;:-")
    if value.endswith(".") and not re.search(r"(?i)\b(?:col|c\.p|no)\.$", value):
        value = value[:-1]
    return value


def find_address(text: str) -> Extracted | None:
    """The first address in `text`: after a label ("domicilio:", "vivo en"), else a street
    with its number; None when there is neither."""
    label = _LABEL.search(text)
    if label is not None:
        start = label.end()
    else:
        street = _STREET.search(text)
        if street is None:
            return None
        start = street.start()
    end = _extent(text, start)
    value = _clean(text[start:end])
    if not value or not _NUMBER.search(value) or len(fold(value).split()) < 2:
        return None
    at = text.find(value, start, end)
    span = (at, at + len(value)) if at >= 0 else (start, end)
    return Extracted(value, *span, valid=is_full_address(value))


def address_from_form(raw: str) -> Extracted | None:
    """The volante's address box, spaces tidied; valid only when full."""
    value = _clean(raw or "")
    if not value:
        return None
    return Extracted(value, -1, -1, source="formulario", valid=is_full_address(value))
