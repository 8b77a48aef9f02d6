"""The date of the event a petition tells about ("el pasado 3 de marzo", "14/03/2025", "ayer")."""

from __future__ import annotations

import datetime as dt
import re

from classifier.text import fold
from classifier.types import Extracted

MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "ene": 1, "feb": 2, "mar": 3, "abr": 4, "jun": 6, "jul": 7, "ago": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dic": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WRITTEN = re.compile(
    rf"\b(\d{{1,2}})\s*(?:de\s+)?({_MONTH})\.?\b(?:\s*(?:de|del)?\s*(\d{{4}}))?")
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-])")
_RELATIVE = {"anteayer": 2, "antier": 2, "ayer": 1, "hoy": 0, "anoche": 1, "esta manana": 0}
_RELATIVE_RE = re.compile(r"\b(" + "|".join(sorted(_RELATIVE, key=len, reverse=True)) + r")\b")
# A date right after these words is when the person was given an appointment, not the event.
_NOT_EVENT = re.compile(r"(?:cita|citaron|programad\w*|para el|hasta el|vence\w*|nacio|"
                        r"naci|nacimiento)\W+(?:\w+\W+){0,2}$")


def _make(year: int | None, month: int, day: int, reference: dt.date | None) -> str | None:
    """ISO date; without a year, the latest such day not after `reference` ("--MM-DD" if none)."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is None:
        if reference is None:
            return f"--{month:02d}-{day:02d}"
        year = reference.year
        try:
            if dt.date(year, month, day) > reference:
                year -= 1
        except ValueError:
            return None
    elif year < 100:
        year += 2000
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_event_date(text: str, reference: dt.date | None = None) -> Extracted | None:
    """The first date in the text that is not an appointment, with its span.

    Args:
        text: the petition text.
        reference: the day the box was emptied; resolves "ayer" and dates without a
            year (a date later than it is taken as last year's). Without it relative
            words are ignored and a date without a year is given as "--MM-DD".

    Returns:
        An Extracted whose value is an ISO date, or None when the text gives no date.
    """
    folded = fold(text or "")
    found: list[tuple[int, int, str]] = []
    for m in _WRITTEN.finditer(folded):
        year = int(m.group(3)) if m.group(3) else None
        value = _make(year, MONTHS[m.group(2)], int(m.group(1)), reference)
        if value:
            found.append((m.start(), m.end(), value))
    for m in _NUMERIC.finditer(folded):
        value = _make(int(m.group(3)), int(m.group(2)), int(m.group(1)), reference)
        if value:
            found.append((m.start(), m.end(), value))
    if reference is not None:
        for m in _RELATIVE_RE.finditer(folded):
            day = reference - dt.timedelta(days=_RELATIVE[m.group(1)])
            found.append((m.start(), m.end(), day.isoformat()))
    for start, end, value in sorted(found):
        if not _NOT_EVENT.search(folded[max(0, start - 40):start]):
            return Extracted(value, start, end)
    return None
