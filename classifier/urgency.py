"""Urgent special cases (IMSS 5.28): emergencies, grave transfers, suicide risk, violence."""

from __future__ import annotations

import re

from classifier.text import fold

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
        r"(?:quiero|quiere) morir", r"se (?:quiere|iba a|va a) (?:matar|cortar|colgar|aventar)",
        r"(?:ya )?no (?:quiere|quiero) vivir", r"se (?:tomo|trago) (?:unas|las|todas las|un"
        r" frasco de) pastillas", r"(?:aventar|tirar)(?:se|me) (?:del|de un|al) (?:puente|"
        r"edificio|techo|metro)", r"lo (?:intento|intentó) (?:otra vez|de nuevo)",
    )),
    ("Violencia, amenazas o abuso", (
        r"amenaz", r"golpe(?:o|aron|ando|ada|ado)\b", r"\bme va a matar", r"va a matar",
        r"cuchillo", r"arma blanca", r"arma de fuego", r"pistola", r"\bagredi",
        r"abuso sexual", r"acoso sexual", r"abus(?:o|aron|ando) de", r"violencia",
        r"moretones", r"jal(?:ada|ado|aron) del pelo", r"orden de alejamiento",
        r"\bempujo\b", r"lo amarro", r"maltrat", r"jalonea",
        r"(?:va|van) a (?:golpear|pegar|madrear)", r"(?:se estan|estan) (?:madreando|golpeando|"
        r"peleando|agarrando a golpes)", r"\bempuj(?:o|aron|an|ando)\b", r"\bagresiv",
        r"borracho" + _W % 8 + r"(?:grit|amenaz|botella|pegar|golpe)",
        r"(?:jalando|torciendo|apretando) (?:el|del) brazo", r"\bme (?:pego|golpeo)\b",
        r"(?:trae|tiene) (?:un|una|algo en la) (?:arma|navaja|botella|mano)",
    )),
    ("Sangrado abundante", (
        r"sangrando mucho", r"mucho sangrado", r"perdiendo (?:mucha )?sangre",
        r"desangr", r"hemorragia", r"(?:cabeza|cara|herida) sangrando",
        r"(?:con|tiene|esta con|llego con) sangrado", r"sigue sangrando", r"esta sangrando",
        r"sangrando (?:por|desde)", r"lleva sangrando", r"no (?:le )?para de sangrar",
        r"(?:sale|salia|esta saliendo|chorrea\w*) (?:mucha )?sangre", r"yendo la sangre",
        r"empap\w+" + _W % 4 + r"(?:sangre|sabana)", r"sangrando\b",
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
        # The same emergencies in a scared relative's words.
        r"no (?:puede|podia|pueda) (?:jalar|agarrar|tomar) aire", r"(?:le )?falta el aire",
        r"no le (?:sale|entra|llega) (?:el|bien el) aire", r"(?:batallando|batalla|lucha\w*)"
        r" para respirar", r"respira\w* con (?:mucho )?(?:esfuerzo|dificultad|trabajo)",
        r"no puede respirar", r"(?:casi )?no respira", r"ruido (?:feo |raro )?al respirar",
        r"se (?:le )?hunden las costill", r"\bahog", r"atragant",
        r"no reacciona", r"(?:ya )?no responde", r"no contesta", r"no abre los ojos",
        r"no (?:despierta|se despierta)", r"desvanec", r"perdio el conocimiento",
        r"(?:se (?:esta |puso |pone |le puso )|esta |se esta poniendo )morad",
        r"\bataques?\b", r"se pone tieso", r"espuma (?:por|en) la boca", r"echa espuma",
        r"(?:hirviendo|ardiendo)(?: en| de)? (?:calentura|fiebre)", r"esta (?:hirviendo|ardiendo)",
        r"(?:calentura|fiebre|temperatura) (?:de |muy alta|altisima|de mas de )(?:3[9]|4\d)?",
        r"\b(?:39|40|41)(?:[.,]\d)? (?:de|grados(?: de)?) (?:fiebre|calentura|temperatura)",
        r"(?:duele|dolia|aprieta|apretando) (?:mucho )?el pecho", r"suda(?:ndo)? frio",
        r"ganas de pujar", r"(?:va|esta) a punto de (?:nacer|parir|dar a luz)",
        r"va a nacer\b", r"(?:azucar|glucosa) (?:en|de) [3-9]\d\d", r"dice cosas sin sentido",
        r"se (?:arranco|saco) el suero", r"se (?:corto|cortó|abrio) (?:la|el|una)",
        r"(?:se|le) (?:pego|golpeo) (?:en )?la cabeza", r"se (?:cayo|desplomo)\b",
        r"\btemblando\b", r"vomit\w+ sangre",
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


LEARNED_REASON = "Posible emergencia (lenguaje de urgencia, según el modelo)"


def detect_urgency(text: str, petition_type: str | None = None, *,
                   score: float | None = None, threshold: float = 0.5
                   ) -> tuple[bool, str | None]:
    """(urgent, reason in Spanish). Robust to lost accents and case.

    Rules name the emergency; `score` (the model's learned probability that the text is
    urgent, when there is one) catches emergencies no rule words, and tells a present
    emergency from a story about a past one: a rule hit in a text with no sign of the
    present ("hoy", "ya", "ahorita", "llevamos") needs half the threshold. A text that speaks
    more of the past ("falleció", "en marzo") than of now is no emergency. Thanks (type
    reconocimiento, or a text full of gratitude) count only with a plea for help.
    """
    folded = fold(text or "")
    if not folded.strip():
        return False, None
    thankful = petition_type == "reconocimiento" or len(_GRATITUDE.findall(folded)) >= 2
    if thankful and not _NOW_STRONG.search(folded):
        return False, None
    present, past = len(_NOW.findall(folded)), len(_PAST.findall(folded))
    if past > present:
        return False, None
    ruled = present > 0 or score is None or score >= threshold / 2
    for reason, patterns in _COMPILED:
        for pattern in patterns:
            for m in pattern.finditer(folded):
                if ruled and not _NEGATION.search(folded, max(0, m.start() - 40), m.start()):
                    return True, reason
    if score is not None and score >= threshold:
        return True, LEARNED_REASON
    return False, None
