"""Units (UMF 20, HGZ 1, ...) and services (Farmacia, Urgencias, ...) named in a text."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from classifier.text import fold

# Canonical service -> spellings people use (folded: lower-case, no accents).
SERVICES: dict[str, tuple[str, ...]] = {
    "Urgencias": ("urgencias", "sala de urgencias", "area de urgencias", "triage"),
    "Atención Médica Continua": ("atencion medica continua", "amc"),
    "Medicina Familiar": ("medicina familiar", "medico familiar", "consultorio", "medica familiar"),
    "Farmacia": ("farmacia",),
    "Laboratorio": ("laboratorio", "toma de muestras", "analisis clinicos"),
    "Rayos X": ("rayos x", "imagenologia", "radiologia", "ultrasonido", "tomografia", "rayos"),
    "Hospitalización": ("hospitalizacion", "hospitalizado", "hospitalizada"),
    "Trabajo Social": ("trabajo social", "trabajadora social", "trabajador social"),
    "Archivo Clínico": ("archivo clinico", "expediente clinico"),
    "Vigencia de Derechos": ("vigencia de derechos", "vigencia"),
    "Incapacidades": ("incapacidad", "incapacidades"),
    "Prestaciones Económicas": ("prestaciones economicas", "pension", "pensiones"),
    "Guardería": ("guarderia",),
    "Especialidades": ("especialidades", "especialista", "consulta externa"),
    "Ginecología": ("ginecologia", "gineco obstetricia", "tococirugia", "ginecologo"),
    "Cirugía": ("cirugia", "quirofano"),
    "Pediatría": ("pediatria", "pediatra"),
    "Dental": ("dental", "dentista", "estomatologia"),
    "Nutrición": ("nutricion", "nutriologa", "nutriologo"),
    "Vigilancia": ("vigilancia", "vigilante", "guardia de seguridad"),
}
_WORD = re.compile(r"[a-z0-9]+")
_MIN_FUZZY_LEN = 7  # shorter spellings must match exactly
_FUZZY_CUTOFF = 80.0

_UNIT_CODES = "umf|hgz|hgr|hgo|umae|hgp|umaa|hg"
_NUM = r"(?:\s*(?:no|num|n|numero)\s*[.:°º]?)?\s*#?\s*(\d{1,3})\b"
_UNIT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("", re.compile(rf"\b({_UNIT_CODES})\b\.?{_NUM}")),
    ("UMF", re.compile(rf"\bunidad de medicina familiar{_NUM}")),
    ("HGZ", re.compile(rf"\bhospital general de zona{_NUM}")),
    ("HGR", re.compile(rf"\bhospital general regional{_NUM}")),
    ("HGO", re.compile(rf"\bhospital de gineco[ -]?obstetricia{_NUM}")),
    ("UMF", re.compile(rf"\bclinica{_NUM}")),
)
_UMAE_NAMED = re.compile(r"\bumae\b\s+((?:[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+\s?){1,3})", re.IGNORECASE)


def find_unit(text: str) -> tuple[str, int, int] | None:
    """First unit named in the text as (canonical "UMF 20", start, end), or None."""
    folded = fold(text)
    best: tuple[str, int, int] | None = None
    for code, pattern in _UNIT_PATTERNS:
        m = pattern.search(folded)
        if m is None:
            continue
        if code:
            value = f"{code} {int(m.group(1))}"
        else:
            value = f"{m.group(1).upper()} {int(m.group(2))}"
        if best is None or m.start() < best[1]:
            best = (value, m.start(), m.end())
    if best is None:
        m = _UMAE_NAMED.search(text)
        if m:
            name = m.group(1).strip()
            best = (f"UMAE {name}", m.start(), m.start(1) + len(name))
    return best


def normalize_unit(value: str) -> str | None:
    """A unit written on a form ("umf no. 20", "Clínica 20") in canonical form."""
    found = find_unit(value)
    return found[0] if found else None


def find_service(text: str) -> tuple[str, int, int, float] | None:
    """The service named in the text (fuzzy, OCR-tolerant) as (name, start, end, score)."""
    folded = fold(text)
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]
    best: tuple[str, int, int, float] | None = None
    for service, spellings in SERVICES.items():
        for spelling in spellings:
            n = len(spelling.split())
            for i in range(len(words) - n + 1):
                window = " ".join(w for w, _, _ in words[i:i + n])
                if window == spelling:
                    score = 100.0
                elif len(spelling) >= _MIN_FUZZY_LEN and abs(len(window) - len(spelling)) <= 2:
                    score = fuzz.ratio(window, spelling)
                    if score < _FUZZY_CUTOFF:
                        continue
                else:
                    continue
                start, end = words[i][1], words[i + n - 1][2]
                if best is None or (score, -start) > (best[3], -best[1]):
                    best = (service, start, end, score)
    return best


def normalize_service(value: str) -> str | None:
    """A service written on a form, mapped to the catalogue (or None if unknown)."""
    found = find_service(value)
    return found[0] if found else None
