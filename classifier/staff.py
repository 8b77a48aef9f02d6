"""The staff a petition is about (personal involucrado): "la Dra. Martínez", "el enfermero
Juan Pérez", "la recepcionista de nombre Laura", in the text or a volante's box.

ISSSTE asks for the name of the staff involved (guía, lineamiento 3b). A role without a
name ("el doctor del consultorio 4") names nobody: it is not taken.
"""

from __future__ import annotations

import re

from classifier.text import fold
from classifier.types import Extracted

# Titles and roles people write before a name (folded, without the final period).
_ROLES = (r"dr|dra|doctor|doctora|medico|medica|enfermer[oa]|enf|lic|licenciad[oa]|ing|"
          r"quimic[oa]|qfb|psicolog[oa]|trabajadora social|trabajador social|recepcionista|"
          r"guardia|vigilante|policia|camiller[oa]|asistente|cajer[oa]|farmaceutic[oa]|"
          r"odontolog[oa]|dentista|pediatra|ginecolog[oa]|director|directora|jefe|jefa|"
          r"coordinador|coordinadora|supervisor|supervisora|secretaria|administrativ[oa]|"
          r"nutriologa|nutriologo|radiolog[oa]|laboratorista|ventanillista")
_LABEL = re.compile(r"\b(?:personal\s+(?:involucrado|implicado)|nombre\s+del\s+personal|"
                    r"servidor(?:a)?\s+p[uú]blic[oa])\s*[:\-]?\s*", re.IGNORECASE)
_WORD = r"[A-ZÁÉÍÓÚÑ][A-Za-zÁÉÍÓÚÑáéíóúñü]+\.?"
# "el Dr. Ramírez", "la enfermera Rosa López", "el guardia de nombre Pedro".
_MENTION = re.compile(
    rf"(?<![\w.])(?P<role>(?i:{_ROLES}))\.?\s+(?:(?i:de\s+nombre|llamad[oa]|que\s+se\s+llama)\s+)?"
    rf"(?P<name>{_WORD}(?:\s+(?:(?i:de\s+la|de\s+los|del|de)\s+)?{_WORD}){{0,3}})")
# Capitalised words that follow a role and are not a name.
_NOT_NAMES = frozenset("""el la los las lo me nos se le les que quien no si sí y e o u
de del en con por para al muy mas más pero porque cuando como ya nunca siempre tambien
también fue es era estaba estuvo esta está dijo hizo trato trató atendio atendió de su mi
turno consultorio urgencias farmacia area área modulo módulo ventanilla piso unidad clinica
clínica hospital servicio del""".split())
_SHORT_TITLES = {"dr": "Dr.", "dra": "Dra.", "lic": "Lic.", "ing": "Ing.", "enf": "Enf.",
                 "qfb": "QFB"}


def _name_words(name: str) -> list[str]:
    """The name's words up to the first word that is not part of a name."""
    out: list[str] = []
    for word in name.split():
        particle = bool(out) and (fold(word) in ("de", "del") or (
            fold(word) in ("la", "los") and fold(out[-1]) == "de"))
        if fold(word.rstrip(".")) in _NOT_NAMES and not particle:
            break
        out.append(word)
    while out and fold(out[-1]) in ("de", "del", "la", "los"):
        out.pop()
    return out


def _written(role: str, words: list[str]) -> str:
    title = _SHORT_TITLES.get(fold(role), role.lower())
    name = " ".join(words).rstrip(".")
    if name.isupper():
        name = " ".join(w.capitalize() if len(w) > 3 else w.lower() for w in name.split())
        name = name[:1].upper() + name[1:]
    return f"{title} {name}"


def find_staff(text: str) -> Extracted | None:
    """The first staff member named in `text` ("Dra. Martínez"), with its span."""
    label = _LABEL.search(text)
    if label is not None:
        line_end = text.find("\n", label.end())
        line = text[label.end():line_end if line_end >= 0 else None].strip(" .,;")
        if line and not re.search(r"\d", line):
            at = text.find(line, label.end())
            return Extracted(line, at, at + len(line))
    for m in _MENTION.finditer(text):
        words = _name_words(m.group("name"))
        if not words:
            continue
        value = _written(m.group("role"), words)
        end = m.start("name") + len(" ".join(words).rstrip("."))
        return Extracted(value, m.start(), end)
    return None


def staff_from_form(raw: str) -> Extracted | None:
    """The volante's box for the staff involved, spaces tidied."""
    value = re.sub(r"\s+", " ", raw or "").strip(" .,;")
    if not value:
        return None
    return Extracted(value, -1, -1, source="formulario", valid=not re.search(r"\d", value))
