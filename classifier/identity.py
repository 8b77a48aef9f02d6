"""Realistic, fake Mexican identities (names, NSS, CURP, phone, e-mail) from a seeded RNG."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from classifier.text import fold
from classifier.validate import CURP_STATES, curp_check_digit, nss_check_digit

MALE_NAMES = (
    "José Luis", "Juan", "Miguel Ángel", "Francisco", "Jesús", "Antonio", "Alejandro",
    "Pedro", "Manuel", "Ricardo", "Fernando", "Roberto", "Carlos", "Javier", "Eduardo",
    "Arturo", "Sergio", "Jorge", "Raúl", "Héctor", "Martín", "Rafael", "Gerardo", "Óscar",
    "Enrique", "Alberto", "Mario", "Daniel", "David", "Víctor", "Andrés", "Guillermo",
    "Salvador", "Ramón", "Alfredo", "Rubén", "Hugo", "Adrián", "Ignacio", "Gustavo",
    "Tomás", "Efraín", "Rodolfo", "Ernesto", "Joaquín", "Agustín", "Luis Fernando",
    "Juan Carlos", "José Antonio", "Santiago", "Mateo", "Sebastián", "Emiliano", "Diego",
    "Leonardo", "Iker", "Ángel", "Gael", "Rogelio", "Moisés", "Benjamín", "Isaac", "Abraham",
    "Cuauhtémoc", "Octavio", "Noé", "Saúl", "Germán", "Julián", "Fabián", "Esteban",
    "Felipe", "Marco Antonio", "Jaime", "Ulises", "Pablo", "Marcos", "Lorenzo", "Rigoberto",
)
FEMALE_NAMES = (
    "María Guadalupe", "Guadalupe", "María", "Juana", "Margarita", "Verónica", "Leticia",
    "Rosa María", "Josefina", "Teresa", "Patricia", "Alejandra", "Gabriela", "Elizabeth",
    "Martha", "Adriana", "Claudia", "Silvia", "Yolanda", "Araceli", "Lucía", "Mónica",
    "Laura", "Sofía", "Ximena", "Valentina", "Regina", "Camila", "Fernanda", "Daniela",
    "Andrea", "Itzel", "Citlali", "Xóchitl", "Beatriz", "Rocío", "Norma", "Irma", "Blanca",
    "Socorro", "Dolores", "Carmen", "Ana María", "Ana Karen", "Karla", "Brenda", "Diana",
    "Paola", "Mariana", "Jimena", "Renata", "Natalia", "Victoria", "Isabel", "Cecilia",
    "Esperanza", "Rosario", "Angélica", "Eugenia", "Lourdes", "Consuelo", "Concepción",
    "Ofelia", "Elena", "Irene", "Noemí", "Raquel", "Sandra", "Susana", "Viridiana",
    "Yesenia", "Nayeli", "Abigail", "Estela", "Inés", "Berenice", "Pilar", "Miriam",
)
SURNAMES = (
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
    "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres",
    "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo",
    "Romero", "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez", "Ramos", "Domínguez",
    "Herrera", "Medina", "Castro", "Vargas", "Guzmán", "Velázquez", "Muñoz", "Rojas",
    "Contreras", "Salazar", "Luna", "Ortega", "Santiago", "Guerrero", "Estrada", "Bautista",
    "Cortés", "Soto", "Alvarado", "Espinoza", "Lara", "Ávila", "Ríos", "Cervantes", "Silva",
    "Delgado", "Vega", "Márquez", "Sandoval", "Fernández", "León", "Carrillo", "Mejía",
    "Solís", "Núñez", "Rosas", "Valdez", "Ibarra", "Campos", "Santos", "Camacho", "Navarro",
    "Peña", "Maldonado", "Rosales", "Acosta", "Miranda", "Trejo", "Valencia", "Nava",
    "Pacheco", "Robles", "Molina", "Rangel", "Huerta", "Cabrera", "Escobar", "Zúñiga",
    "Padilla", "Benítez", "Serrano", "Fuentes", "Cárdenas", "Calderón", "Villanueva",
    "Orozco", "Tapia", "Aguirre", "Salinas", "Figueroa", "Quintero", "Ochoa", "Meza",
    "Xolalpa", "Cuevas", "Zamora", "Olvera", "Beltrán", "Cisneros", "Pineda", "Galván",
)
# (area code, weight); 55/33/81 have 2 digits, the rest 3 (DOMAIN.md).
_AREA_CODES = (
    ("55", 30), ("33", 12), ("81", 12), ("222", 4), ("442", 3), ("477", 3), ("614", 3),
    ("664", 3), ("998", 2), ("999", 3), ("961", 2), ("228", 2), ("744", 2), ("662", 2),
    ("871", 2), ("449", 2), ("833", 2), ("443", 2), ("951", 2), ("312", 1),
)
_EMAIL_DOMAINS = (
    ("gmail.com", 50), ("hotmail.com", 25), ("outlook.com", 10), ("yahoo.com.mx", 8),
    ("live.com.mx", 3), ("icloud.com", 2), ("prodigy.net.mx", 2),
)
# Four-letter words RENAPO replaces (second letter becomes X); a useful subset.
_BAD_WORDS = frozenset(
    "BACA BAKA BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COJA COJE COJI COJO CULO FETO "
    "GUEY JOTO KACA KACO KAGA KAGO KOGE KOJO KAKA KULO MAME MAMO MEAR MEAS MEON MION MOCO "
    "MULA PEDA PEDO PENE PUTA PUTO QULO RATA RUIN".split()
)
_SKIP_FIRST = ("MARIA", "MA", "JOSE", "J")
# The short words between the parts of a name ("María de la Luz", "Mc Gregor"), folded:
# the one list extraction, name comparison, CURPs and pseudonymisation use.
NAME_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "van", "von", "mc"})
_SKIP_PARTICLES = frozenset(p.upper() for p in NAME_PARTICLES)  # RENAPO skips them


@dataclass(frozen=True)
class Identity:
    """A fake person; `telefono` is the canonical 10 digits, `telefono_escrito` as written."""

    nombres: str
    paterno: str
    materno: str
    sexo: str  # "H" or "M" as in the CURP
    nacimiento: dt.date
    estado: str
    nss: str
    curp: str
    telefono: str
    telefono_escrito: str
    correo: str

    @property
    def nombre(self) -> str:
        return f"{self.nombres} {self.paterno} {self.materno}"


def _ascii_upper(s: str) -> str:
    """Upper-case ASCII as a CURP writes a name: accents dropped, Ñ as X (RENAPO)."""
    return fold(s.upper().replace("Ñ", "X")).upper()


def _first_inner(word: str, vowels: bool) -> str:
    for ch in word[1:]:
        if (ch in "AEIOU") == vowels and ch.isalpha():
            return ch
    return "X"


def _curp_for(nombres: str, paterno: str, materno: str, sexo: str, born: dt.date,
              estado: str, rng: random.Random) -> str:
    """CURP consistent with the name and birth date (RENAPO rules, main cases)."""
    names = [w for w in _ascii_upper(nombres).split() if w not in _SKIP_PARTICLES]
    name = names[1] if len(names) > 1 and names[0] in _SKIP_FIRST else names[0]
    pat = [w for w in _ascii_upper(paterno).split() if w not in _SKIP_PARTICLES][0]
    mat = [w for w in _ascii_upper(materno).split() if w not in _SKIP_PARTICLES][0]
    head = pat[0] + _first_inner(pat, True) + mat[0] + name[0]
    if head in _BAD_WORDS:
        head = head[0] + "X" + head[2:]
    body = (
        head + born.strftime("%y%m%d") + sexo + estado
        + _first_inner(pat, False) + _first_inner(mat, False) + _first_inner(name, False)
    )
    homonym = str(rng.randrange(10)) if born.year < 2000 else rng.choice("ABCDEFGHIJ")
    first17 = body + homonym
    return first17 + str(curp_check_digit(first17))


def make_nss(rng: random.Random, born: dt.date) -> str:
    """11-digit NSS: subdelegación, affiliation year, birth year, sequence, Luhn digit."""
    affiliated = min(born.year + rng.randint(16, 30), 2025)
    first10 = (
        f"{rng.randint(1, 99):02d}{affiliated % 100:02d}{born.year % 100:02d}"
        f"{rng.randint(0, 9999):04d}"
    )
    return first10 + str(nss_check_digit(first10))


def write_phone(digits: str, rng: random.Random) -> str:
    """One of the ways people write a 10-digit Mexican phone by hand."""
    a = 2 if digits[:2] in ("55", "33", "81") else 3
    area, rest = digits[:a], digits[a:]
    r1, r2 = (rest[:4], rest[4:]) if a == 2 else (rest[:3], rest[3:])
    pairs = ".".join(digits[i:i + 2] for i in range(0, 10, 2))
    forms = (
        f"{area} {r1} {r2}", f"({area}) {r1}-{r2}", f"+52 {area} {r1} {r2}", digits,
        pairs, f"{area}-{r1}-{r2}", f"{area} {rest}", f"+52{digits}", f"52 {digits}",
        f"({area}) {r1} {r2}", " ".join(digits[i:i + 2] for i in range(0, 10, 2)),
    )
    return rng.choice(forms)


def _plain(s: str) -> str:
    """Lower-case ASCII letters only, as people write names in e-mail addresses."""
    return "".join(c for c in fold(s) if c.isalpha())


def _email(nombres: str, paterno: str, materno: str, born: dt.date,
           rng: random.Random) -> str:
    first, pat, mat = _plain(nombres.split()[0]), _plain(paterno), _plain(materno)
    yy = f"{born.year % 100:02d}"
    local = rng.choice((
        f"{first}.{pat}", f"{first[0]}{pat}{yy}", f"{first}{pat}{mat[0]}", f"{first}_{pat}",
        f"{pat}.{first}", f"{first}{pat}{rng.randint(1, 999)}", f"{first}.{pat}.{mat}",
        f"{first[0]}{pat}{mat[0]}{born.year}",
    ))
    domains, weights = zip(*_EMAIL_DOMAINS, strict=True)
    return f"{local}@{rng.choices(domains, weights)[0]}"


def make_identity(rng: random.Random) -> Identity:
    """A new fake person; the same rng state always yields the same identity."""
    sexo = rng.choice("HM")
    nombres = rng.choice(MALE_NAMES if sexo == "H" else FEMALE_NAMES)
    paterno, materno = rng.choice(SURNAMES), rng.choice(SURNAMES)
    born = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 60))
    estado = rng.choice(CURP_STATES[:-1])
    codes, weights = zip(*_AREA_CODES, strict=True)
    area = rng.choices(codes, weights)[0]
    phone = area + "".join(str(rng.randrange(10)) for _ in range(10 - len(area)))
    if phone[len(area)] == "0":
        phone = phone[: len(area)] + str(rng.randint(1, 9)) + phone[len(area) + 1:]
    return Identity(
        nombres=nombres,
        paterno=paterno,
        materno=materno,
        sexo=sexo,
        nacimiento=born,
        estado=estado,
        nss=make_nss(rng, born),
        curp=_curp_for(nombres, paterno, materno, sexo, born, estado, rng),
        telefono=phone,
        telefono_escrito=write_phone(phone, rng),
        correo=_email(nombres, paterno, materno, born, rng),
    )
