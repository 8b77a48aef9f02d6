"""The generator of a SIADE history for bench.duplicates: people and registered petitions.

A test-data tool, not product: its own name lists, its own NSS check digit, its own
summaries. It shares no rule with classifier/ (STYLE.md): the ground truth of the benchmark
(who is who) comes from here, never from the code under test. The repeats of these
petitions are written elsewhere (bench/_dup_repeats.py and bench/data/).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

# Frequent Mexican given names and surnames, roughly by frequency (first = most common).
FEMALE = ("María", "Guadalupe", "Juana", "Margarita", "Josefina", "Verónica", "Leticia",
          "Rosa", "Patricia", "Elizabeth", "Alejandra", "Gabriela", "Martha", "Adriana",
          "Yolanda", "Silvia", "Teresa", "Claudia", "Ana", "Laura", "Araceli", "Norma",
          "Maribel", "Alicia", "Angélica", "Rocío", "Gloria", "Sandra", "Lorena", "Mónica",
          "Irma", "Lucía", "Beatriz", "Susana", "Carmen", "Erika", "Karina", "Daniela",
          "Fabiola", "Esther", "Luz", "Isabel", "Brenda", "Nancy", "Ximena", "Paola", "Itzel",
          "Reyna", "Olga", "Cristina", "Dulce", "Marisol", "Viviana", "Liliana", "Estela")
MALE = ("José", "Juan", "Francisco", "Luis", "Antonio", "Jesús", "Miguel", "Pedro",
        "Alejandro", "Manuel", "Carlos", "Ricardo", "Jorge", "Fernando", "Roberto", "Javier",
        "Sergio", "Eduardo", "Arturo", "Raúl", "Mario", "Martín", "Rafael", "Daniel",
        "Gerardo", "Enrique", "Alberto", "Víctor", "Héctor", "Óscar", "David", "Ramón",
        "Salvador", "Armando", "Ignacio", "Hugo", "Rubén", "Alfredo", "Guillermo", "Andrés",
        "Ernesto", "Gustavo", "Adrián", "Ángel", "Julio", "Felipe", "Joel", "Israel",
        "Gabriel", "Marco", "Abel", "Efrén", "Tomás", "Noé", "Saúl")
SECOND_FEMALE = ("Guadalupe", "Elena", "Isabel", "del Carmen", "Luisa", "Fernanda",
                 "de Jesús", "Teresa", "Dolores", "Cristina", "Alejandra", "Eugenia")
SECOND_MALE = ("Luis", "Antonio", "Carlos", "Manuel", "Alberto", "Ángel", "Alfredo",
               "Eduardo", "de Jesús", "Javier", "Francisco", "Daniel")
SURNAMES = (
    "Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez", "Sánchez",
    "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Jiménez", "Reyes", "Díaz",
    "Torres", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo",
    "Romero", "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez", "Ramos", "Domínguez",
    "Herrera", "Medina", "Castro", "Vargas", "Guzmán", "Velázquez", "Muñoz", "Rojas",
    "Contreras", "Salazar", "Luna", "Ortega", "Santiago", "Guerrero", "Estrada", "Bautista",
    "Cortés", "Soto", "Alvarado", "Espinoza", "Lara", "Ávila", "Ríos", "Cervantes", "Silva",
    "Delgado", "Vega", "Márquez", "Sandoval", "Fernández", "León", "Carrillo", "Mejía",
    "Solís", "Núñez", "Rosas", "Valdez", "Ibarra", "Campos", "Santos", "Camacho", "Navarro",
    "Peña", "Maldonado", "Rosales", "Acosta", "Miranda", "Trejo", "Valencia", "Nava",
    "Pacheco", "Robles", "Molina", "Rangel", "Huerta", "Fuentes", "Padilla", "Cabrera",
    "Ochoa", "Esquivel", "Zamora", "Salinas", "Cuevas", "Tapia", "Cisneros", "Galván",
    "Benítez", "Orozco", "Villanueva", "Arellano", "Zúñiga", "Montes", "Barrera", "Osorio",
    "de la Cruz", "de León", "del Ángel", "de los Santos", "Olvera", "Quintero", "Meza",
    "Pineda", "Beltrán", "Velasco", "Franco", "Ayala", "Escobar", "Téllez", "Serrano")

# SIADE type names of the registered petitions, and the labels the station proposes.
TYPES = {"queja_servicio": "Queja de servicio", "queja_administrativa": "Queja administrativa",
         "gestion": "Gestión", "orientacion": "Orientación", "sugerencia": "Sugerencia",
         "reconocimiento": "Reconocimiento"}
TYPE_WEIGHTS = {"queja_servicio": 40, "gestion": 25, "orientacion": 10, "sugerencia": 10,
                "reconocimiento": 10, "queja_administrativa": 5}
PROBLEMS = {
    "Farmacia": ("no le surtieron {med}", "le entregaron incompleto {med}",
                 "la fila para recoger {med} tardó más de dos horas"),
    "Urgencias": ("esperó {horas} horas sin ser atendido", "no le explicaron el diagnóstico",
                  "lo dieron de alta sin estudios"),
    "Consulta externa": ("el médico llegó {horas} horas tarde", "le cancelaron la consulta",
                         "no le revisaron antes de recetar"),
    "Laboratorio": ("le cancelaron los estudios de {estudio}", "perdieron su muestra de {estudio}",
                    "no le entregan los resultados de {estudio}"),
    "Rayos X": ("el equipo de rayos X no funciona", "no le entregan sus placas de {parte}",
                "lleva semanas esperando la radiografía de {parte}"),
    "Archivo clínico": ("extraviaron su expediente", "no le dan copia del expediente"),
    "Vigencia de derechos": ("aparece sin vigencia", "no aparecen sus beneficiarios"),
    "Hospitalización": ("su familiar no recibe alimentos a tiempo",
                        "no informan el estado de salud de su familiar",
                        "falta ropa de cama en el piso"),
    "Pediatría": ("no hay vacuna de {vacuna}", "le negaron consulta a su hijo"),
    "Dental": ("le cancelaron la extracción", "no hay material para la curación"),
    "Medicina familiar": ("le niegan el pase a {especialidad}",
                          "no le dan incapacidad", "le cambiaron el medicamento sin explicarle"),
    "Citas": ("no contestan el teléfono de citas", "le dan cita hasta dentro de {meses} meses"),
    "Trabajo social": ("no le dan información del traslado", "le pidieron documentos de más"),
    "Guardería": ("no le avisaron de un accidente de su hijo", "cambiaron el horario sin aviso"),
    "Prestaciones económicas": ("no le pagan la incapacidad",
                                "le rechazaron el trámite de pensión"),
    "Ginecología": ("le cancelaron el ultrasonido", "no le dan cita de control prenatal"),
}
FILL = {
    "med": ("la metformina", "el losartán", "la insulina", "el omeprazol", "el paracetamol",
            "la levotiroxina", "el enalapril", "la atorvastatina", "el salbutamol"),
    "horas": ("dos", "tres", "cuatro", "cinco"),
    "estudio": ("sangre", "orina", "tiroides", "glucosa"),
    "parte": ("tórax", "columna", "rodilla", "cadera"),
    "vacuna": ("hexavalente", "neumococo", "rotavirus", "influenza"),
    "especialidad": ("cardiología", "ortopedia", "oftalmología", "neurología", "urología"),
    "meses": ("dos", "tres", "cuatro"),
}
REQUESTS = {
    "queja_servicio": ("Solicita que se corrija la situación.", "Pide que se sancione al "
                       "personal responsable.", "Solicita atención a la brevedad."),
    "queja_administrativa": ("Solicita que se investigue el caso.", "Pide respuesta por "
                             "escrito de la dirección."),
    "gestion": ("Solicita que se le programe a la brevedad.", "Pide apoyo para resolver su "
                "trámite.", "Solicita nueva fecha."),
    "orientacion": ("Solicita información sobre el trámite.", "Pide orientación sobre los "
                    "requisitos."),
    "sugerencia": ("Sugiere mejorar la organización del servicio.", "Propone ampliar el "
                   "horario de atención."),
    "reconocimiento": ("Agradece la atención recibida.", "Felicita al personal por su trato."),
}
OPENINGS = ("Peticionario refiere que", "Derechohabiente manifiesta que", "Refiere que",
            "Usuaria refiere que", "Manifiesta que", "Comenta que")
PRAISE = ("Reconoce el trato amable del personal de {servicio}.",
          "Felicita a la enfermera del turno {turno} de {servicio}.",
          "Agradece la atención del médico de {servicio}.")
SUGGEST = ("Sugiere que en {servicio} se amplíe el horario.",
           "Propone que en {servicio} se den fichas por horario.",
           "Sugiere más personal en {servicio}.")
ASK = ("Pregunta los requisitos para un trámite en {servicio}.",
       "Solicita orientación sobre el horario de {servicio}.")


@dataclass(frozen=True)
class Person:
    pid: int
    given: str
    paterno: str
    materno: str | None
    nss: str

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.given, self.paterno, self.materno) if p)


@dataclass(frozen=True)
class Petition:
    folio: str
    day: date
    person: Person
    tipo: str  # label
    servicio: str
    resumen: str


def luhn_digit(ten: str) -> str:
    """The NSS check digit, written here from the published rule (weights 1, 2 from the
    left; digits of each product summed)."""
    total = 0
    for pos, ch in enumerate(ten):
        v = int(ch) * (1 + pos % 2)
        total += v // 10 + v % 10
    return str((10 - total % 10) % 10)


def _zipf(rng: random.Random, items: tuple[str, ...]) -> str:
    weights = [1 / (i + 1) ** 0.9 for i in range(len(items))]
    return rng.choices(items, weights)[0]


class People:
    """A population: new people on demand, or someone who already wrote."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.all: list[Person] = []

    def new(self) -> Person:
        rng = self.rng
        female = rng.random() < 0.55
        given = _zipf(rng, FEMALE if female else MALE)
        if rng.random() < 0.35:
            given += " " + rng.choice(SECOND_FEMALE if female else SECOND_MALE)
        paterno = _zipf(rng, SURNAMES)
        materno = _zipf(rng, SURNAMES) if rng.random() < 0.93 else None
        office = rng.randint(1, 99)  # subdelegation, year affiliated, year born, number
        joined = rng.randint(75, 99) if rng.random() < .5 else rng.randint(0, 24)
        ten = f"{office:02d}{joined:02d}{rng.randint(40, 99):02d}{rng.randint(0, 9999):04d}"
        p = Person(len(self.all) + 1, given, paterno, materno, ten + luhn_digit(ten))
        self.all.append(p)
        return p

    def namesake(self, of: Person) -> Person:
        """Another person with exactly the same name (a homonym), with their own NSS."""
        other = self.new()
        named = Person(other.pid, of.given, of.paterno, of.materno, other.nss)
        self.all[-1] = named
        return named


def summary(rng: random.Random, tipo: str, servicio: str) -> str:
    """A SIADE-like summary of a petition of this type in this service."""
    turno = rng.choice(("matutino", "vespertino", "nocturno"))
    if tipo == "reconocimiento":
        return rng.choice(PRAISE).format(servicio=servicio.lower(), turno=turno)
    if tipo == "sugerencia":
        return rng.choice(SUGGEST).format(servicio=servicio.lower())
    if tipo == "orientacion":
        return rng.choice(ASK).format(servicio=servicio.lower())
    problem = rng.choice(PROBLEMS[servicio])
    problem = problem.format(**{k: rng.choice(v) for k, v in FILL.items()})
    return (f"{rng.choice(OPENINGS)} en {servicio.lower()} {problem} el turno {turno}. "
            f"{rng.choice(REQUESTS[tipo])}")


def history(n: int, rng: random.Random, people: People, start: date, days: int,
            repeat_writers: float = 0.12) -> list[Petition]:
    """`n` registered petitions over `days` from `start`: most by someone new, some by
    someone who wrote before."""
    out = []
    types, weights = zip(*TYPE_WEIGHTS.items(), strict=True)
    services = tuple(PROBLEMS)
    for i in range(n):
        person = (rng.choice(people.all) if people.all and rng.random() < repeat_writers
                  else people.new())
        tipo = rng.choices(types, weights)[0]
        servicio = rng.choice(services)
        day = start + timedelta(days=rng.randrange(days))
        out.append(Petition(f"SIADE-{i + 1:07d}", day, person, tipo, servicio,
                            summary(rng, tipo, servicio)))
    return out
