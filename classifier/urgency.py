"""Urgent special cases (IMSS 5.28): emergencies, grave transfers, suicide risk, violence."""

from __future__ import annotations

import re

from classifier._text import fold

_W = r"(?:\W+\w+){0,%d}?\W+"  # up to N words in between

# (reason shown to the TAOD, patterns over folded text). Order = priority of the reason.
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Posible infarto o dolor en el pecho", (
        r"codigo infarto", r"\binfart", r"dolor (?:fuerte |muy fuerte )?(?:en el|de|del) pecho",
        r"(?:duele|dolia|doliendo) (?:el|mucho el) pecho", r"brazo izquierdo",
    )),
    ("Riesgo de suicidio", (
        r"quitar(?:se|me|le) la vida", r"suicid", r"no quiero (?:seguir )?vivir",
        r"hacerme dano", r"sobredosis", r"matarme", r"lo va a volver a intentar",
        r"(?:quiero|quiere) morir",
    )),
    ("Violencia, amenazas o abuso", (
        r"amenaz", r"golpe(?:o|aron|ando|ada|ado)\b", r"\bme va a matar", r"va a matar",
        r"cuchillo", r"arma blanca", r"arma de fuego", r"pistola", r"\bagredi",
        r"abuso sexual", r"acoso sexual", r"abus(?:o|aron|ando) de", r"violencia",
        r"moretones", r"jal(?:ada|ado|aron) del pelo", r"orden de alejamiento",
        r"\bempujo\b", r"lo amarro", r"maltrat", r"jalonea",
    )),
    ("Sangrado abundante", (
        r"sangrando mucho", r"mucho sangrado", r"perdiendo (?:mucha )?sangre",
        r"desangr", r"hemorragia", r"(?:cabeza|cara|herida) sangrando",
        r"(?:con|tiene|esta con|llego con) sangrado", r"sigue sangrando", r"esta sangrando",
        r"sangrando (?:por|desde)", r"lleva sangrando",
    )),
    ("Traslado de paciente grave", (
        r"traslad\w*" + _W % 8 + r"(?:grave|intubad|terapia intensiva|uci\b|urgente|morir|hoy)",
        r"(?:grave|intubad|terapia intensiva)" + _W % 8 + r"traslad",
        r"no hay ambulancia",
    )),
    ("Emergencia médica", (
        r"no respira", r"labios morados", r"morad[oa] de los labios", r"convuls",
        r"se esta ahogando", r"inconsciente", r"derrame cerebral", r"preeclamp",
        r"se le rompio la fuente", r"saturacion (?:en|de) [5-8]\d", r"delirando",
        r"(?:40|41) de fiebre", r"fiebre de (?:40|41)", r"no puede respirar",
        r"costando respirar", r"glucosa en [3-9]\d\d", r"se puede morir", r"se esta muriendo",
        r"respirando muy mal", r"(?:poniendo|cada vez) peor", r"apendicitis", r"se desmay",
        r"lucecitas", r"\bderrame\b", r"boca chueca", r"no puede mover",
        r"presion (?:en|de) 1[6-9]\d", r"sin orinar", r"muy mal\b",
    )),
    ("Niña, niño o embarazada sin atención", (
        r"(?:embarazada|semanas de embarazo|nino|nina|bebe|hij[oa] de \d+ (?:anos|meses))"
        + _W % 15
        + r"(?:no (?:la|lo|le|nos) (?:atiend|revis|dej)|nadie (?:la|lo|le) (?:atiend|revis)"
        r"|sin que nadie|no hay (?:ginecolog|pediatr|cama))",
    )),
    ("Daño a un paciente", (
        r"medicamento (?:que era )?(?:para|de) otro (?:paciente|nino|nina)", r"dosis equivocada",
        r"se cayo de la cama", r"dejaron una gasa", r"equivocaron de (?:pierna|brazo|paciente)",
    )),
)
_COMPILED = tuple((reason, tuple(re.compile(p) for p in pats)) for reason, pats in _RULES)
# A hit right after one of these, in the same clause, is denied ("no hubo sangrado").
_NEGATION = re.compile(
    r"(?:\bno hubo|\bsin\b|\bningun[oa]?\b|\bno fue\b|\bno era\b|\bno tuv[eo]\b|\bnunca\b|"
    r"\bni\b|\bno habia\b|\bdescart\w+)(?: +\w+){0,3} *$"
)
_GRATITUDE = re.compile(r"\b(?:gracias|agradec|felicit|reconocimiento|excelente)")
# Urgency is about now: the text must speak of the present, more than of the past.
_NOW = re.compile(
    r"\b(?:ahora|ahorita|en este momento|hoy|urgente|ayuda|auxilio|ya\b|por favor|sigue|"
    r"llevamos|lleva \d|desde (?:anoche|ayer|hace \d+ (?:horas|minutos|min|dias))|"
    r"necesit|que alguien|manden|atiendan|no quiero|tengo miedo|esta (?:aqui|afuera))"
)
_NOW_STRONG = re.compile(r"\b(?:ayuda|auxilio|urgente|en este momento|ahorita|ahora mismo)\b")
_PAST = re.compile(
    r"\b(?:fallecio|murio|quedo con|el ano pasado|"
    r"hace (?:un|una|\d+) (?:mes|meses|ano|anos|semanas)|"
    r"en (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|"
    r"diciembre)|el (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo) pasado|"
    r"el dia \d+|el \d+ de \w+|esa noche|al otro dia|al dia siguiente|desde entonces|"
    r"queja (?:formal|administrativa)|investig)"
)


def detect_urgency(text: str, petition_type: str | None = None) -> tuple[bool, str | None]:
    """(urgent, reason in Spanish). Robust to lost accents and case.

    The text must also speak of the present ("hoy", "ya", "llevamos", "por favor") more
    than of the past ("falleció", "en marzo"): a complaint about a past harm is serious but
    not an emergency. Thanks (type reconocimiento, or a text full of gratitude) count only
    with a plea for help ("ayuda", "urgente", "en este momento").
    """
    folded = fold(text or "")
    if not folded.strip():
        return False, None
    thankful = petition_type == "reconocimiento" or len(_GRATITUDE.findall(folded)) >= 2
    if thankful and not _NOW_STRONG.search(folded):
        return False, None
    present, past = len(_NOW.findall(folded)), len(_PAST.findall(folded))
    if present == 0 or past > present:
        return False, None
    for reason, patterns in _COMPILED:
        for pattern in patterns:
            for m in pattern.finditer(folded):
                if not _NEGATION.search(folded, max(0, m.start() - 40), m.start()):
                    return True, reason
    return False, None
