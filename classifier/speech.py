"""Speech-act features: what a text does (asks, proposes, thanks, complains), not its topic.

Two model inputs come from here. `delexicalised` replaces the words for things, places and
staff with placeholders, so "no sirve el elevador" and "no sirve el wifi" look alike to the
model. `cue_tokens` names the sentence shapes that decide the type whatever the topic: a bare
infinitive or "que" + subjunctive (a proposal), "falta", "no hay", "no sirve" (a complaint
as a plain fact), "gracias" (praise), "¿dónde?" (a question), "solicito" (a request).
Both work on folded text (classifier.text.fold) and are module-level functions, so the
fitted pipeline pickles for Dask workers.
"""

from __future__ import annotations

import re

from classifier.text import fold

_EMAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"\d[\d\s.\-()]{5,}\d")

# Things, places and services people write about; their identity says little about the type.
_THINGS = """
bano banos sanitario sanitarios wc silla sillas banca bancas asiento asientos elevador
elevadores ascensor escalera escaleras rampa rampas estacionamiento estacionamientos wifi
internet senal agua bebedero bebederos garrafon ventilador ventiladores aire clima luz luces
lampara lamparas foco focos television tele tv pantalla maquina maquinas maquinita cafeteria
comedor comida comidas menu desayuno cena puerta puertas piso pisos techo techos pared paredes
camilla camillas cama camas silla_de_ruedas papel jabon gel toallas basura basurero botes
enchufe enchufes contactos cargador letrero letreros senalamientos pantallas turnero app
aplicacion pagina telefono conmutador linea cobija cobijas sabanas almohada colchon barandal
barandales goteras lavabo lavabos regadera espejo cambiador juegos juguetes patio jardin
arboles sombra toldo techumbre reja rejas casilleros lockers vestidores refrigerador
microondas dispensador despachador expendedora musica radio ruido olor mosquitos moscas
cucarachas ratas oxigeno tanque tomas insumos material equipo equipos aparato aparatos
""".split()
_PLACES = """
farmacia laboratorio consultorio consultorios urgencias guarderia ventanilla ventanillas fila
filas sala salas pasillo pasillos recepcion modulo modulos entrada salida clinica hospital
unidad umf hgz hgr hgo umae piso archivo vigencia trabajo_social rayos imagenologia
hospitalizacion quirofano toco tococirugia pediatria triage caja oficina oficinas area areas
estacion parada terminal lobby planta cubiculo cubiculos
""".split()
_STAFF = """
doctor doctora doctores doctoras medico medica medicos medicas enfermera enfermero enfermeras
enfermeros guardia guardias vigilante vigilantes policia seguridad recepcionista
recepcionistas asistente asistentes camillero camilleros personal senorita senoritas muchacha
muchachas muchacho chavo chava trabajadora trabajador trabajadoras trabajadores cajera cajero
encargado encargada director directora jefe jefa maestra maestro maestras educadora
educadoras intendente intendencia limpieza quimico quimica laboratorista psicologa psicologo
especialista pediatra ginecologo ginecologa dentista odontologo nutriologa trabajadora_social
""".split()
_PLACEHOLDER = {**{w: "xobjeto" for w in _THINGS}, **{w: "xlugar" for w in _PLACES},
                **{w: "xpersona" for w in _STAFF}}
_WORD = re.compile(r"[a-z]+")

# (cue token, pattern over folded text). A text may show several.
_CUES: tuple[tuple[str, str], ...] = (
    ("c_propone", r"\b(?:sugier\w*|sugerencia|propongo|propuesta|recomiendo|recomendaria|"
                  r"deberian|deberia|seria (?:bueno|bien|mejor|padre|util)|estaria (?:bien|"
                  r"bueno|padre)|ojala|hace(?:n)? falta|convendria|podrian|pudieran|"
                  r"por que no (?:ponen|hacen|abren))\b"),
    ("c_que_subj", r"(?:^|[.!\n]\s*|\b(?:y|pero|ojala|favor de|por favor)\s+)que (?:haya|hubiera|"
                   r"pongan|pusieran|arreglen|tengan|den|atiendan|sea|limpien|abran|cambien|"
                   r"contraten|quiten|hagan|instalen|dejen|manden|revisen|repongan|compren|"
                   r"se (?:\w+en|\w+an)|no (?:\w+en|\w+an))\b"),
    ("c_imperativo", r"\b(?:pongan|arreglen|hagan|quiten|cambien|limpien|abran|contraten|"
                     r"instalen|compren|repongan|revisen|den|dejen|manden|atiendan|pasen|"
                     r"cuiden|echenle|apurense|respeten|capaciten)\b"),
    ("c_falta", r"\b(?:falta|faltan|faltaba|hace falta|no hay|no habia|no tienen|no tiene|"
                r"sin agua|sin papel|sin luz|se acabo|no alcanza)\b"),
    ("c_no_sirve", r"\b(?:no sirve|no sirven|no funciona|no funcionan|descompuest\w*|rot[oa]s?|"
                   r"no jala|no prende|no enciende|fallando|averiad\w*)\b"),
    ("c_estado_malo", r"\b(?:sucio\w*|cochin\w*|apesta\w*|huele (?:feo|mal)|mugre\w*|"
                      r"asqueros\w*|horrible|pesim\w*|terrible|malisim\w*|fatal|un asco|"
                      r"muy mal\w*|grosero\w*|groser\w*|mal trato|maltrato|prepotente\w*|"
                      r"deprimente|insoportable|lentisim\w*|tardan|tardaron|esper\w+ \w+ horas|"
                      r"\d+ horas)\b"),
    ("c_siempre_nunca", r"\b(?:siempre|nunca|jamas|cada vez|otra vez|de nuevo|ya van)\b"),
    ("c_gracias", r"\b(?:gracias|agradec\w*|felicit\w*|felicidades|excelente\w*|muy amable\w*|"
                  r"un amor|un angel|bendig\w*|que bueno|me encanto|lo mejor|de diez|"
                  r"maravillos\w*|atent[oa]s? y amable|buenisim\w*|chid[oa]|bien padre|"
                  r"reconoc\w*|admirab\w*|linda|lindo|dios (?:l[oa]s?|les) bendiga)\b"),
    ("c_pregunta", r"[?¿]|\b(?:donde|a que hora|cuando|cual|cuales|cuanto|quisiera saber|"
                   r"quiero saber|me (?:pueden|podrian) (?:decir|informar|orientar)|informes|"
                   r"informacion|requisitos|que (?:papeles|documentos|necesito|tengo que))\b"),
    ("c_por_que", r"\bpor ?que\b"),
    ("c_pide", r"\b(?:solicito|solicitamos|necesito|necesitamos|pido|pedimos|requiero|"
               r"quiero que|quisiera que|me (?:den|cambien|programen|reprogramen|surtan|"
               r"autoricen|ayuden|apoyen)|ocupo|favor de|les pido|apoyo para)\b"),
    ("c_derechos", r"\b(?:negligencia|derechos|investig\w*|sancion\w*|responsable\w*|denuncia\w*|"
                   r"discrimin\w*|acoso|murio|fallecio|muerte|me negaron|le negaron|"
                   r"no (?:me|le|la|lo) quisieron atender|diagnostic\w*|equivocad\w*|"
                   r"mala praxis|expediente)\b"),
    ("c_negacion", r"\b(?:no|ni|nadie|nada|ningun\w*)\b"),
    ("c_intensidad", r"\b(?:muy|demasiad\w*|super|bien (?:feo|gacho|mal)|bastante|tan|"
                     r"horas|siempre)\b|!"),
    ("c_anuncio", r"\b(?:vendo|se vende|vende|venta de|rento|se renta|renta de|informes al|"
                  r"promocion|oferta|descuento|precio|pesos|\$|whats\w* \d|pedidos|"
                  r"a domicilio|clases de|se solicita|contratacion|invitamos|invitacion)\b"),
    ("c_lista", r"(?:^|\n)\s*(?:\d+|[-*•])\s*(?:kg|kilo|litro|pza|\w+)\s*(?:\n|$)"),
)
_CUES_RE = tuple((name, re.compile(pattern)) for name, pattern in _CUES)
_INFINITIVE_START = re.compile(r"(?:^|[.!\n]\s*)([a-z]{3,}(?:ar|er|ir))\b")
_NOT_VERBS = frozenset("lugar hogar mar bar altar azucar militar familiar particular "
                       "popular regular similar celular auxiliar ayer mujer taller primer "
                       "tener_ no".split())
_VOWEL = re.compile(r"[aeiou]")


def _plain(text: str) -> str:
    text = _EMAIL.sub(" correoelectronico ", text or "")
    text = _DIGITS.sub(" numerolargo ", text)
    return fold(text)


def delexicalised(text: str) -> str:
    """Folded text with thing, place and staff words replaced by placeholders."""
    return _WORD.sub(lambda m: _PLACEHOLDER.get(m.group(0), m.group(0)), _plain(text))


def _length_token(words: int) -> str:
    if words <= 5:
        return "c_len_1_5"
    if words <= 15:
        return "c_len_6_15"
    return "c_len_16_60" if words <= 60 else "c_len_largo"


def cue_tokens(text: str) -> str:
    """The speech-act cues of a text as space-separated tokens ("c_gracias c_len_1_5 ...")."""
    folded = _plain(text)
    words = _WORD.findall(folded)
    tokens = [name for name, pattern in _CUES_RE if pattern.search(folded)]
    starts = [m.group(1) for m in _INFINITIVE_START.finditer(folded)]
    if any(w not in _NOT_VERBS for w in starts):
        tokens.append("c_infinitivo_inicial")
    if any(w in _PLACEHOLDER for w in words):
        tokens.append("c_menciona_algo")
    else:
        tokens.append("c_sin_objeto")
    letters = [w for w in words if len(w) > 2]
    if letters and sum(not _VOWEL.search(w) for w in letters) / len(letters) > 0.3:
        tokens.append("c_garabato")
    original = re.sub(r"[^A-Za-zÁÉÍÓÚÑáéíóúñ]", "", text or "")
    if len(original) >= 8 and sum(c.isupper() for c in original) / len(original) > 0.7:
        tokens.append("c_mayusculas")
    tokens.append(_length_token(len(words)))
    return " ".join(tokens)


PETITION_CUES = frozenset({"c_propone", "c_que_subj", "c_imperativo", "c_falta", "c_no_sirve",
                           "c_estado_malo", "c_gracias", "c_pregunta", "c_por_que", "c_pide",
                           "c_derechos", "c_infinitivo_inicial"})


def petition_cues(text: str) -> set[str]:
    """The cues that show a text evaluates, asks, proposes, thanks or complains."""
    return set(cue_tokens(text).split()) & PETITION_CUES


def discard_evidence(text: str) -> str | None:
    """Why a text is plainly not a petition (an advert, scribbles), else None.

    Blank or nearly blank texts are the proposer's own rule (classifier.propose); this is
    the positive evidence a discard needs to go without review.
    """
    cues = set(cue_tokens(text).split())
    if cues & PETITION_CUES - {"c_pregunta", "c_pide", "c_infinitivo_inicial"}:
        return None
    if "c_anuncio" in cues:
        return "Parece publicidad o un anuncio"
    if "c_garabato" in cues:
        return "Parece un garabato o letras sueltas"
    if "c_lista" in cues and "c_menciona_algo" not in cues:
        return "Parece una lista o nota ajena al Instituto"
    return None
