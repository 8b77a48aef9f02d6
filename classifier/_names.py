"""Finding the writer's name in a petition: labels, sign-offs and signature lines."""

from __future__ import annotations

import re

from classifier._text import fold
from classifier.identity import FEMALE_NAMES, MALE_NAMES, SURNAMES

_UP = "A-ZÁÉÍÓÚÑÜ"
_LOW = "a-záéíóúñü"
_NAME_WORD = rf"(?:[{_UP}][{_LOW}]+|[{_UP}]{{2,}}|[{_UP}]\.)"
_PARTICLE = r"(?:de(?:l| la| los| las)?|la|y|van|von|mc)"
# 1-7 name words on one line; particles allowed between words.
_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_NAME_WORD}){{0,6}}"
_NAME_RE = re.compile(_NAME)
_LOWER_FILLER = r"(?:[a-záéíóúñ]+[ \t]+){0,3}"
_RELATION = (
    r"(?:hij[oa]|espos[oa]|madre|padre|mam[aá]|pap[aá]|familiar|familia|paciente|niet[oa]|"
    r"herman[oa]|sobrin[oa]|tí[oa]|ti[oa])"
)

# Ordered: the first pattern that yields a plausible name wins.
_LABELLED = tuple(
    re.compile(p)
    for p in (
        rf"(?i:\b(?:mi nombre es|me llamo|mi nombre:?))[ \t]*:?[ \t]*({_NAME})",
        rf"(?i:\bnombre(?: completo)?(?: del [a-z]+)?)[ \t]*:?[ \t]*({_NAME})",
        rf"(?i:\b(?:firma|{_RELATION}))[ \t]*:[ \t]*({_NAME})",
        rf"(?i:\b(?:atentamente|atte|att|saludos|gracias|respetuosamente)\b)[.,:]*[ \t]*\n?[ \t]*"
        rf"(?i:su[ \t]+servidora?[ \t,]+)?({_NAME})",
        rf"(?i:\bsoy)[ \t]+(?:[a-záéíóúñ]+[ \t]+){{0,3}}[,:]?[ \t]*({_NAME})",
        rf"(?i:\byo),?[ \t]+({_NAME})(?=,|[ \t]+(?i:derechohabiente|con|asegurad))",
        rf"(?i:\b(?:contacto|derechohabiente|asegurad[oa]|remitente|de|nombre y firma))"
        rf"[ \t]*:[ \t]*({_NAME})",
        rf"(?i:\b(?:de parte de|firma|suscribe|el suscrito|la suscrita))[ \t]+({_NAME})",
    )
)

# Strong labels also take a name written in lower case ("me llamo juan perez lopez").
_ANY_WORD = rf"[{_UP}{_LOW}]{{2,}}"
_LOWER_LABELLED = re.compile(
    rf"(?i:\b(?:mi nombre es|me llamo|nombre(?: completo)?[ \t]*:))[ \t]*"
    rf"({_ANY_WORD}(?:[ \t]+{_ANY_WORD}){{1,6}})"
)

# Words that end or disqualify a name (folded forms).
STOP_WORDS = frozenset(
    """imss issste umf hgz hgr hgo umae clinica hospital unidad seguro social instituto
    mexicano doctor doctora dr dra lic ing enf enfermera enfermero medico medica
    farmacia urgencias laboratorio consultorio servicio area modulo direccion director
    tel telefono cel celular whatsapp correo email mail nss curp afiliacion numero no
    gracias atentamente atte att saludos buenos buenas dias tardes noches senor senora
    senorita queja sugerencia reconocimiento solicitud peticion asunto presente
    derechohabiente asegurado asegurada paciente turno matutino vespertino nocturno
    lunes martes miercoles jueves viernes sabado domingo enero febrero marzo abril mayo
    junio julio agosto septiembre octubre noviembre diciembre dios mexico favor por el la
    los las mi su una un que con sin para hoy ayer ya en a al es muy nombre firma del
    excelente atencion servidor servidora contacto derechohabiente cama parroquia iglesia
    templo colegio medicina familiar trabajo vigencia derechos archivo clinico prestaciones
    economicas guarderia continua rayos hospitalizacion especialidades ginecologia pediatria
    cirugia dental nutricion ventanilla ciudad estado colonia calle avenida
    escuela san santa horario vengo quiero solicito tengo pido necesito vivo estoy soy
    porque pero como mas""".split()
)
KNOWN_NAMES = frozenset(
    fold(w) for n in (*MALE_NAMES, *FEMALE_NAMES, *SURNAMES) for w in n.split()
)
_PARTICLES = frozenset({"de", "del", "la", "los", "las", "y", "van", "von", "mc"})


def _clean(candidate: str) -> tuple[str, int] | None:
    """(name, offset in candidate): skip leading stop words, cut at the next one; keep it
    if 2-5 real name words remain."""
    words = list(re.finditer(r"\S+", candidate))
    kept: list[re.Match[str]] = []
    for w in words:
        key = fold(w.group()).strip(".")
        if key in STOP_WORDS and key not in _PARTICLES:
            if kept:
                break
            continue
        if not kept and key in _PARTICLES:
            continue
        kept.append(w)
    while kept and fold(kept[-1].group()) in _PARTICLES:
        kept.pop()
    real = [w.group() for w in kept if fold(w.group()) not in _PARTICLES]
    if not 2 <= len(real) <= 5 or sum(len(w) > 2 for w in real) < 2:
        return None
    return candidate[kept[0].start():kept[-1].end()], kept[0].start()


def find_name(text: str) -> tuple[str, int, int] | None:
    """The writer's name as (value, start, end) with the span in `text`, or None."""
    for pattern in _LABELLED:
        for m in pattern.finditer(text):
            found = _clean(m.group(1))
            if found:
                name, offset = found
                return name, m.start(1) + offset, m.start(1) + offset + len(name)
    for m in _LOWER_LABELLED.finditer(text):
        found = _clean(m.group(1))
        if found:
            name, offset = found
            return name, m.start(1) + offset, m.start(1) + offset + len(name)
    return _signature_line(text)


_SIGN_PREFIX = re.compile(
    rf"(?i:(?:(?:su|mi|la|el)[ \t]+)?{_RELATION}(?:[ \t]+de(?:l|[ \t]+la|[ \t]+el)?"
    rf"(?:[ \t]+(?:paciente|senora|señora|senor|señor))?)?[ \t]*[,:]?[ \t]*)"
)
_ABBREV_BEFORE = re.compile(r"(?i:\b(?:dr|dra|lic|sr|sra|srta|enf|ing|no|num|c|prof))\.[ \t]*\Z")
_INNER_START = re.compile(rf"[,;:—–]\s*(?=[{_UP}])")
_AFTER_NAME = re.compile(
    r"[ \t]*(?:$|[,;/\-–—:.(]|\+?\d|\(\d|[\w.]+@|(?i:tel|cel|nss|correo|curp|whats|mi\b|no\.)"
    rf"|(?i:{_RELATION})\b)"
)
# What may follow a signature on its line: numbers, e-mails, contact labels.
_CONTACT_TAIL = re.compile(
    r"[ \t]*(?:[,;/\-–:]?[ \t]*(?:\S*\d\S*|\S+@\S+|(?i:tel|cel|nss|correo|celular|no)"
    rf"|(?i:{_RELATION}))"
    r"[ \t.:]*)*$"
)
# Sentences and lines; a dot not followed by a space (e-mails, "55.12") does not split.
_SEGMENTS = re.compile(r"(?:[^\n.!?]|[.!?](?![\s]|$))+[.!?]*")


def _signature_line(text: str) -> tuple[str, int, int] | None:
    """A name that opens one of the last segments (how letters are signed)."""
    segments = [m for m in _SEGMENTS.finditer(text) if m.group().strip()]
    if len(segments) < 2:
        return None
    for m in reversed(segments[-6:]):
        seg = m.group()
        if _ABBREV_BEFORE.search(text, 0, m.start()):
            continue  # "Dr. Hernández ..." is not a new sentence
        pos = len(seg) - len(seg.lstrip(" \t\n—–-"))
        inner = _inner_signature(seg)
        if inner:
            return inner[0], m.start() + inner[1], m.start() + inner[2]
        prefix = _SIGN_PREFIX.match(seg, pos)
        if prefix and prefix.end() > pos:
            pos = prefix.end()
        found = _NAME_RE.match(seg, pos)
        if found is None:
            continue
        cleaned = _clean(found.group())
        if not cleaned:
            continue
        name, skipped = cleaned  # skipped: leading words such as "Derechohabiente"
        start, end = pos + skipped, pos + skipped + len(name)
        if not _AFTER_NAME.match(seg, end):
            continue
        alone = bool(_CONTACT_TAIL.fullmatch(seg, end))
        known = any(fold(w) in KNOWN_NAMES for w in name.split())
        if not known and (name.isupper() or not alone or skipped):
            continue  # a heading or an all-caps sentence, not a signature
        return name, m.start() + start, m.start() + end
    return None


def _inner_signature(seg: str) -> tuple[str, int, int] | None:
    """A known-looking name after a comma or dash inside a closing segment."""
    for start in _INNER_START.finditer(seg):
        found = _NAME_RE.match(seg, start.end())
        if found is None:
            continue
        cleaned = _clean(found.group())
        if not cleaned or cleaned[1] != 0:
            continue
        name = cleaned[0]
        end = start.end() + len(name)
        if _AFTER_NAME.match(seg, end) and any(fold(w) in KNOWN_NAMES for w in name.split()):
            return name, start.end(), end
    return None
