"""What a free letter says: date line, salutation, body, closing, and page-number marks."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field

from classifier.identity import Identity

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre")
PLACES = ("Ciudad de México", "Guadalajara, Jal.", "Monterrey, N.L.", "Puebla, Pue.",
          "Toluca, Edo. de Méx.", "Querétaro, Qro.", "León, Gto.", "Mérida, Yuc.",
          "Ecatepec, Edo. Méx.", "Tlalnepantla", "Naucalpan de Juárez", "Morelia, Mich.")
# A body that already opens with a greeting gets no second one.
_GREETING = re.compile(r"\s*(a quien|estimad|c\.|presente|buen[oa]s|hola|señor|sr\.|sra\.|"
                       r"at(?:enta|n)\.|al personal|director)", re.IGNORECASE)
PAGE_MARKS = ("{n}", "- {n} -", "Hoja {n} de {t}", "Pág. {n}", "{n}/{t}", "hoja {n}")


@dataclass
class Letter:
    """The blocks of a letter; `text` is the ground truth as written."""

    header: list[str] = field(default_factory=list)  # date line, addressee lines
    dated: bool = False  # header[0] is a place-and-date line
    body: str = ""
    closing: list[str] = field(default_factory=list)
    fields: dict[str, str | None] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join([*self.header, self.body, *self.closing]).strip()

    @property
    def paragraphs(self) -> list[tuple[str, str]]:
        """(role, text) per paragraph: header/closing lines stay separate lines."""
        out = [("date" if i == 0 and self.dated else "header", h)
               for i, h in enumerate(self.header)]
        out += [("body", p) for p in self.body.split("\n")]
        out += [("closing", c) for c in self.closing]
        return out


def date_line(day: dt.date, place: str, rng: random.Random) -> str:
    forms = (
        f"{place}, a {day.day} de {MONTHS[day.month - 1]} de {day.year}",
        f"{place}, {day.day} de {MONTHS[day.month - 1]} del {day.year}",
        f"{place} a {day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day} de {MONTHS[day.month - 1]} de {day.year}",
    )
    return rng.choice(forms)


def short_date(day: dt.date, rng: random.Random) -> str:
    """A date as written in a form's date field."""
    return rng.choice((f"{day.day:02d}/{day.month:02d}/{day.year}",
                       f"{day.day}/{day.month}/{day.year % 100:02d}",
                       f"{day.day}-{MONTHS[day.month - 1][:3]}-{day.year % 100:02d}"))


def salutation(unit: str, rng: random.Random) -> list[str]:
    return rng.choice((
        ["A quien corresponda:"],
        [f"C. Director de la {unit}", "Presente"],
        [f"C. Director de la {unit}", "P r e s e n t e"],
        ["Al personal del IMSS:"],
        [f"Buzón de quejas y sugerencias {unit}"],
        ["Estimados señores:"],
    ))


def compose(body: str, fields: dict[str, str | None], ident: Identity, rng: random.Random, *,
            unit: str, day: dt.date, typed: bool, petition: bool,
            long: bool = False) -> Letter:
    """Wrap a corpus body in the parts of a letter people add around it.

    A `long` letter (several matters, the kind that runs over the page) is signed more
    often, and leaves a phone or e-mail under the name more often: the contact block then
    sits on its last page.
    """
    letter = Letter(body=body, fields=dict(fields))
    greets = _GREETING.match(body) is not None
    if petition or rng.random() < 0.3:
        if rng.random() < (0.65 if typed else 0.4):
            letter.header.append(date_line(day, rng.choice(PLACES), rng))
            letter.dated = True
        if not greets and rng.random() < (0.55 if typed else 0.25):
            letter.header.extend(salutation(unit, rng))
    if not letter.header:
        letter.body = body[:1].upper() + body[1:]
    signs = 0.85 if long else 0.6 if typed else 0.4
    phone, mail = (0.6, 0.85) if long else (0.35, 0.5)
    if petition and not fields.get("nombre") and rng.random() < signs:
        if "atentamente" not in body.lower():
            letter.closing.append(rng.choice(("Atentamente", "Atentamente,", "Gracias.",
                                              "Saludos")))
        letter.closing.append(ident.nombre)
        letter.fields["nombre"] = ident.nombre
        extra = rng.random()
        if extra < phone and not fields.get("telefono"):
            letter.closing.append(rng.choice(("Tel. ", "Cel. ", "Teléfono: ")) +
                                  ident.telefono_escrito)
            letter.fields["telefono"] = ident.telefono
        elif extra < mail and not fields.get("correo"):
            letter.closing.append("Correo: " + ident.correo)
            letter.fields["correo"] = ident.correo
        if rng.random() < 0.3 and not fields.get("nss"):
            letter.closing.append("NSS " + ident.nss)
            letter.fields["nss"] = ident.nss
    return letter


_CLOSING = re.compile(r"\s*(atentamente|atte|gracias|saludos|sin m[aá]s|mi nombre|soy\b|nss|"
                      r"tel|cel|correo|curp|\{)", re.IGNORECASE)


def plain_paragraph(text: str) -> bool:
    """A text that can sit in the middle of someone else's letter (no greeting, no signature)."""
    return "\n" not in text and "{" not in text and not _GREETING.match(text) and \
        "atentamente" not in text.lower() and "atte" not in text.lower()


def join_texts(main: str, middle: list[str]) -> str:
    """Put `middle` paragraphs inside `main`, after its greeting and before its signature."""
    lines = main.split("\n")
    if len(lines) == 1 and not _GREETING.match(main):
        return "\n".join([*middle, main])  # a one-line text may end with its signature
    head = [lines.pop(0)] if len(lines) > 1 and _GREETING.match(lines[0]) and \
        len(lines[0].split()) <= 8 else []
    tail: list[str] = []
    while len(lines) > 1 and (len(lines[-1].split()) <= 8 or _CLOSING.match(lines[-1])):
        tail.insert(0, lines.pop())
    return "\n".join([*head, *lines, *middle, *tail])


def page_mark(style: str, n: int, total: int) -> str:
    return style.format(n=n, t=total)


def choose_marks(rng: random.Random, total: int) -> tuple[str | None, str, bool]:
    """(style or None, "top"/"bottom", whether page 1 is numbered too)."""
    if total < 2 or rng.random() < 0.3:
        return None, "bottom", False
    style = rng.choice(PAGE_MARKS)
    return style, rng.choice(("top", "bottom")), ("{t}" in style and rng.random() < 0.5)
