"""Finding the writer's name in a petition: labels, sign-offs and signature lines."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.fuzz import ratio

from classifier.identity import NAME_PARTICLES
from classifier.name_lexicon import known_name_words, spell_name
from classifier.profile import bundled_codes
from classifier.text import fold

_UP = "A-ZÁÉÍÓÚÑÜ"
_LOW = "a-záéíóúñü"
_NAME_WORD = rf"(?:[{_UP}][{_LOW}]+|[{_UP}]{{2,}}|[{_UP}]\.)"
_PARTICLE = "(?:de (?:la|los|las)|{})".format(
    "|".join(sorted(NAME_PARTICLES, key=len, reverse=True)))
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
        rf"(?i:\bnombre(?: completo)?)[ \t]*:?[ \t]*({_NAME})",
        # "Nombre del paciente: ..." is a label; "el nombre del trabajador Jesús ..." in a
        # sentence names someone else.
        rf"(?i:\bnombre del [a-z]+)[ \t]*:[ \t]*({_NAME})",
        rf"(?i:\b(?:firma|{_RELATION}))[ \t]*:[ \t]*({_NAME})",
        rf"(?i:\b(?:atentamente|atte|att|saludos|gracias|respetuosamente)\b)[.,:]*[ \t]*\n?[ \t]*"
        rf"(?i:su[ \t]+servidora?[ \t,]+)?({_NAME})",
        # "... gracias att Roberto\nHuerta Bautista": a sign-off whose one name word ends
        # the line, the surnames wrapped to the next.
        rf"(?i:\b(?:atentamente|atte|att|saludos|gracias|respetuosamente)\b)[.,:]*[ \t]+"
        rf"({_NAME_WORD}[ \t]*\n[ \t]*{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?"
        rf"{_NAME_WORD}){{0,4}})",
        rf"(?i:\bsoy)[ \t]+(?:[a-záéíóúñ]+[ \t]+){{0,3}}[,:]?[ \t]*({_NAME})",
        rf"(?i:\byo),?[ \t]+({_NAME})(?=,|[ \t]+(?i:derechohabiente|con|asegurad))",
        rf"(?i:\b(?:contacto|derechohabiente|asegurad[oa]|remitente|de|nombre y firma))"
        rf"[ \t]*:[ \t]*({_NAME})",
        rf"(?i:\b(?:de parte de|firma|suscribe|el suscrito|la suscrita))[ \t]+({_NAME})",
    )
)

# "soy ..." and "yo, ...": labels that also open ordinary sentences.
_WEAK = frozenset(p for p in _LABELLED if p.pattern.startswith((r"(?i:\bsoy)", r"(?i:\byo)")))

# Strong labels also take a name written in lower case ("me llamo juan perez lopez").
_ANY_WORD = rf"[{_UP}{_LOW}]{{2,}}"
_LOWER_LABELLED = re.compile(
    rf"(?i:\b(?:mi nombre es|me llamo|nombre(?: completo)?[ \t]*:))[ \t]*"
    rf"({_ANY_WORD}(?:[ \t]+{_ANY_WORD}){{1,6}})"
)

# Words that end or disqualify a name (folded forms); the institutions' own acronyms too.
STOP_WORDS = bundled_codes() | frozenset(
    """umf hgz hgr hgo umae clinica hospital unidad seguro social instituto
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
    porque pero como mas recursos humanos gerente jefe jefa departamento coordinador
    coordinadora subdelegacion delegacion empresa virgen virgencita sor sagrado
    corazon don dona vigilante guardia policia salon""".split()
)
KNOWN_NAMES = known_name_words()
_PARTICLES = NAME_PARTICLES


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


def _known(name: str, words: int = 1) -> bool:
    """At least `words` of its words are people's names."""
    return sum(fold(w) in KNOWN_NAMES for w in name.split()) >= words


def find_name(text: str) -> tuple[str, int, int] | None:
    """The writer's name as (value, start, end) with the span in `text`, or None; a name
    the hand wrapped across two lines is taken whole (`_unwrapped`)."""
    found = _find_name(text)
    return _unwrapped(text, *found) if found else None


# A line that is only one or two name words (a surname wrapped below the name), and the
# one name word ending a line after a sentence (a given name wrapped above it).
_WRAPPED_BELOW = re.compile(
    rf"[ \t.,]*\n[ \t]*({_NAME_WORD}(?:[ \t]+{_NAME_WORD})?)[ \t.,]*(?=\n|\Z)")
_WRAPPED_ABOVE = re.compile(rf"(?:\A|[.!?:][ \t]+|\n[ \t]*)({_NAME_WORD})[ \t]*\n[ \t]*\Z")
_MAX_NAME_WORDS = 5


def _unwrapped(text: str, name: str, start: int, end: int) -> tuple[str, int, int]:
    """The name with the words of it the hand wrapped to the line below ("MARCO ANTONIO
    TORRES / HERNÁNDEZ.") or above ("Gracias por su atención. XIMENA / ROSALES SANCHEZ"):
    known name words only, up to five words in all."""
    words = len(name.split())
    below = _WRAPPED_BELOW.match(text, end)
    if below and words + len(below.group(1).split()) <= _MAX_NAME_WORDS and all(
            _is_name_word(w) for w in below.group(1).split()):
        end, words = below.end(1), words + len(below.group(1).split())
    above = _WRAPPED_ABOVE.search(text, 0, start) if _LINE_START.search(text, 0, start) \
        else None
    if above and words < _MAX_NAME_WORDS and _is_name_word(above.group(1)):
        start = above.start(1)
    return re.sub(r"\s+", " ", text[start:end]), start, end


def _is_name_word(word: str) -> bool:
    key = fold(word).strip(".")
    return key in KNOWN_NAMES and key not in STOP_WORDS


def _find_name(text: str) -> tuple[str, int, int] | None:
    for pattern in _LABELLED:
        for m in pattern.finditer(text):
            found = _clean(m.group(1))
            # "SOY PAPA SOLO", "YO SIGO TRABAJANDO": after a weak label, words in capitals
            # are a name only if one of them is a known name.
            if found and pattern in _WEAK and found[0].isupper() and not _known(found[0]):
                continue
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
_LINE_START = re.compile(r"(?:\A|\n)[ \t]*\Z")  # only blanks since the line began
_INNER_START = re.compile(rf"[,;:—–]\s*(?=[{_UP}])")
_AFTER_NAME = re.compile(
    r"[ \t]*(?:$|[,;/\-–—:.(]|\+?\d|\(\d|[\w.]+@|(?i:tel|cel|nss|correo|curp|whats|mi\b|no\.)"
    rf"|(?i:{_RELATION})\b)"
)
# A date after the words: the place a letter is dated from, not a signature.
_DATE_AFTER = re.compile(r"[ \t]*,?[ \t]*(?i:a[ \t]+)?\d{1,2}[ \t]+(?i:de)[ \t]+[A-Za-zé]+")
# What may follow a signature on its line: numbers, e-mails, contact labels.
_CONTACT_TAIL = re.compile(
    r"[ \t]*(?:[,;/\-–:]?[ \t]*(?:\S*\d\S*|\S+@\S+|(?i:tel|cel|nss|correo|celular|no)"
    rf"|(?i:{_RELATION}))"
    r"[ \t.:]*)*$"
)
# Sentences and lines; a dot not followed by a space (e-mails, "55.12") does not split.
_SEGMENTS = re.compile(r"(?:[^\n.!?]|[.!?](?![\s]|$))+[.!?]*")


# What may come before a signature on its line: blanks, dashes, and the "|" or "_" OCR
# reads for the edge of the paper or a pen stroke in the margin.
_SEGMENT_EDGE = " \t\n—–-|_"


def _signature_line(text: str) -> tuple[str, int, int] | None:
    """A name that opens one of the last segments (how letters are signed)."""
    segments = [m for m in _SEGMENTS.finditer(text) if m.group().strip()]
    if len(segments) < 2:
        return None
    for m in reversed(segments[-6:]):
        seg = m.group()
        title = _ABBREV_BEFORE.search(text, 0, m.start())
        if title and not _LINE_START.search(text, 0, title.start()):
            continue  # "... el Dr. Hernández ..." is not a new sentence
        pos = len(seg) - len(seg.lstrip(_SEGMENT_EDGE))
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
        if not _AFTER_NAME.match(seg, end) or _DATE_AFTER.match(seg, end):
            continue  # "Naucalpan de Juárez, 16 de febrero": a place heading its date
        alone = bool(_CONTACT_TAIL.fullmatch(seg, end))
        # A heading in capitals needs two: "ROPA DE PACA" holds one name word.
        known = _known(name, 2 if name.isupper() else 1)
        if not known and (name.isupper() or not alone or skipped):
            continue  # a heading or an all-caps sentence, not a signature
        if not _mostly_names(name):
            continue  # "Me Aicon Ae Alto de UCAEACIAS": a misread line, no signature
        return name, m.start() + start, m.start() + end
    return None


def _mostly_names(name: str) -> bool:
    """Whether at least half of the name's words (particles aside) are names, once spelled
    as the lexicon knows them ("Kodolfo Galván Kamos" is "Rodolfo Galván Ramos")."""
    words = [w for w in spell_name(name).split() if fold(w) not in _PARTICLES]
    return 2 * sum(fold(w) in KNOWN_NAMES for w in words) >= len(words)


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
        # In capitals two known words, as for a signature line ("..., JESÚS VIENE PRONTO").
        if _AFTER_NAME.match(seg, end) and _known(name, 2 if name.isupper() else 1):
            return name, start.end(), end
    return None


# Comparing two written forms of one person's name (duplicate search, policy 5.9).

# Abbreviations people and clerks write for common names and surnames (folded, no dot).
_ABBREVIATIONS = {
    "ma": "maria", "fco": "francisco", "fca": "francisca", "gpe": "guadalupe",
    "jse": "jose", "ant": "antonio", "alej": "alejandro", "mtz": "martinez",
    "glez": "gonzalez", "glz": "gonzalez", "gzz": "gonzalez", "hdz": "hernandez",
    "hdez": "hernandez", "hndz": "hernandez", "rdz": "rodriguez", "rdgz": "rodriguez",
    "rguez": "rodriguez", "fdz": "fernandez", "fdez": "fernandez",
}
# Courtesy and professional titles: never part of the name.
_TITLES = frozenset({"sr", "sra", "srta", "don", "dona", "lic", "dr", "dra", "ing", "prof",
                     "profa", "c", "mtro", "mtra", "enf", "arq", "ciudadano", "ciudadana"})
# Digits OCR reads in place of letters inside a name (names hold no digits).
_OCR_DIGITS = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "b", "4": "a", "3": "e"})
# Two spellings of one name word: rapidfuzz ratio (0-100) at least this (one OCR slip in a
# five-letter word is 80, "Méndez"/"Jiménez" 77); 75 for words of four letters or less
# ("Ruiz"/"Ruis"; "Ana"/"Ama" is 67 and stays two names).
_SAME_WORD, _SAME_SHORT_WORD = 80, 75


@lru_cache(maxsize=16384)  # a pure function; the same names come back at every search
def name_tokens(name: str | None) -> tuple[str, ...]:
    """The words of a name as compared: folded, OCR digits read as letters, particles and
    titles dropped, abbreviations expanded ("Ma." -> "maria"); initials stay one letter.

    Word order is kept (callers that ignore it sort).
    """
    out: list[str] = []
    for raw in re.findall(r"[^\W_]+", fold(name or "")):
        # "rn" read for "m" is OCR's commonest slip; both sides are compared so rewritten.
        word = raw.translate(_OCR_DIGITS).replace("rn", "m")
        if not word.isalpha() or word in _PARTICLES or word in _TITLES:
            continue
        out.append(_ABBREVIATIONS.get(word, word))
    return tuple(out)


def _full(tokens: tuple[str, ...]) -> list[str]:
    return [t for t in tokens if len(t) > 1]


def _same_order(positions: list[int]) -> bool:
    """The words in common come in the same order, allowing a rotation: "PÉREZ LÓPEZ
    MARÍA" is "María Pérez López", "López Pérez María" is someone else."""
    descents = sum(1 for a, b in zip(positions, positions[1:], strict=False) if b < a)
    return descents == 0 or (descents == 1 and positions[-1] < positions[0])


def _other_gender(x: str, y: str) -> bool:
    """Juan/Juana, Mario/María, Daniel/Daniela: close spellings, different names."""
    if x == y:
        return False
    if x[:-1] == y[:-1] and {x[-1], y[-1]} == {"a", "o"}:
        return True
    return x == y + "a" or y == x + "a"


def name_match(a: str | None, b: str | None) -> tuple[float, int]:
    """How alike two names are, as (similarity 0-1, words in common).

    Survives accents, case, word order, particles, abbreviations, one missing word (a
    surname left out), initials and small OCR slips. Two words at least must agree: one
    shared word ("María") identifies nobody. A word present in both names but different
    ("López Ruiz" / "López Díaz", "Juan" / "Juana") is a conflict and keeps the
    similarity low.
    """
    ta, tb = name_tokens(a), name_tokens(b)
    fa, fb = _full(ta), _full(tb)
    short, long_ = (fa, fb) if len(fa) <= len(fb) else (fb, fa)
    if len(short) < 2:
        return 0.0, 0
    scored = sorted(((0.0 if _other_gender(x, y) else ratio(x, y), i, j)
                     for i, x in enumerate(short) for j, y in enumerate(long_)), reverse=True)
    used_s: set[int] = set()
    used_l: set[int] = set()
    matched: list[float] = []
    pairs: list[tuple[int, int]] = []
    for score, i, j in scored:
        if score < _SAME_SHORT_WORD:
            break
        if i in used_s or j in used_l or (
                score < _SAME_WORD and min(len(short[i]), len(long_[j])) > 4):
            continue
        used_s.add(i)
        used_l.add(j)
        matched.append(score / 100)
        pairs.append((i, j))
    n = len(matched)
    if n < 2:
        return 0.0, n
    conflicts = len(short) - n  # words on both sides that disagree
    if not _same_order([j for _i, j in sorted(pairs)]):
        conflicts += 1  # "López Pérez" is not "Pérez López" (surnames first is fine)
    extra = len(long_) - n  # words only the longer name has
    initials = {t for t in (*ta, *tb) if len(t) == 1}
    left = [long_[j] for j in range(len(long_)) if j not in used_l]
    explained = sum(1 for w in left if w[0] in initials)  # "J. Pérez" for "José Pérez"
    base = sum(matched) / n
    if conflicts:
        return round(base * 0.5, 4), n
    # Two words of four in common is weak: "María Hernández" is many people.
    factor = 1.0 if extra == 0 else 0.95 if extra == explained else 0.9 if extra == 1 else 0.6
    return round(base * factor, 4), n


def name_block_keys(name: str | None, prefix: int = 4, suffix: int = 3) -> frozenset[str]:
    """Blocking keys of a name: every pair of its words, by their first `prefix` letters and
    by their last `suffix` letters. Two spellings that `name_match` accepts share at least
    one key unless an OCR slip hit both ends of a word; a lookup by key stays cheap."""
    words = sorted(set(_full(name_tokens(name))))[:6]
    keys: set[str] = set()
    for i, x in enumerate(words):
        for y in words[i + 1:]:
            keys.add("p:" + "|".join(sorted((x[:prefix], y[:prefix]))))
            keys.add("s:" + "|".join(sorted((x[-suffix:], y[-suffix:]))))
    return frozenset(keys)
