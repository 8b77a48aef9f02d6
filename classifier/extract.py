"""Field extraction from petition text and volante boxes: name, NSS, CURP, contact, place."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from classifier._names import find_name
from classifier._places import find_service, find_unit, normalize_service, normalize_unit
from classifier.address import address_from_form, find_address
from classifier.dates import find_event_date
from classifier.identity import NAME_PARTICLES
from classifier.name_lexicon import (
    Choices,
    lexicon,
    name_score,
    spell_name,
    spelled_by_choices,
)
from classifier.staff import find_staff, staff_from_form
from classifier.text import DIGIT_LOOKALIKES, fold
from classifier.types import Extracted
from classifier.validate import (
    is_valid_curp,
    is_valid_email,
    is_valid_nss,
    normalize_phone,
    repair_email_domain,
)

if TYPE_CHECKING:
    import datetime as dt

log = logging.getLogger(__name__)

_EMAIL_RE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._%+-]*[ \t]?@[ \t]?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_CURP_RE = re.compile(r"\b[A-Za-z]{4}\d{6}[HMhm][A-Za-z]{5}[0-9A-Za-z]\d\b")
# Digit groups joined by one separator; "(55)" and a leading "+" allowed. A line break may
# fall inside a number written by hand ("NSS 1312\n9128 644").
_NUMBER_RE = re.compile(r"\+?\(?\d+\)?(?:(?:[ \t.\-]{1,2}|[ \t]*\n{1,2}[ \t]*)\(?\d+\)?)*")
_PROVIDERS = "gmail|hotmail|outlook|yahoo|live|icloud|prodigy"
# Tesseract rarely reads "@": it becomes 0, O, o, e, Q, a quote or ©. Before a well-known
# provider's domain that misreading is recoverable.
_EMAIL_LOST_AT = re.compile(
    rf"(?<![\w.@])([A-Za-z0-9¡][A-Za-z0-9._-]*?)"
    rf"(?:[O0]['’]|\([ \t]?[A-Za-z@]?[ \t]?[),]?|[@0OoQe©®'’])[ \t]?"
    rf"((?:{_PROVIDERS})[ \t]?[.,][ \t]?(?:com\.mx|com|es|net\.mx|net))\b",
    re.IGNORECASE)
_NSS_LABEL = re.compile(
    r"(?:\bnss|seguro social|seguridad social|afiliacion|\bafil\b|no\.? de seguro|"
    r"num(?:ero)?\.? de seguro)[^\d\n]{0,25}\Z"
)
_PHONE_LABEL = re.compile(
    r"(?:\btel|telefono|\bcel|celular|whats|\bwa\b|movil|llamar|marcar|contacto)[^\d\n]{0,25}\Z"
)


_DIGIT_LOOKALIKES = DIGIT_LOOKALIKES
_NUMBERISH = re.compile(r"[0-9OoQDlI|iSsBZzg]*\d[0-9OoQDlI|iSsBZzg]*")


def _ocr_digits(text: str) -> str:
    """Same-length copy where letters OCR reads for digits ("9291 9O84 43l") become digits,
    only inside tokens that are mostly digits already."""
    def fix(m: re.Match[str]) -> str:
        token = m.group()
        digits = sum(c.isdigit() for c in token)
        return token.translate(_DIGIT_LOOKALIKES) if digits >= 2 and digits * 2 > len(token) \
            else token
    return _NUMBERISH.sub(fix, text)


def _label_before(folded: str, start: int) -> str | None:
    before = folded[max(0, start - 40):start]
    nss = _NSS_LABEL.search(before)
    phone = _PHONE_LABEL.search(before)
    if nss and phone:  # the nearer label wins
        return "nss" if nss.start() > phone.start() else "telefono"
    return "nss" if nss else "telefono" if phone else None


def _numbers(text: str, folded: str) -> tuple[Extracted | None, Extracted | None]:
    """(nss, telefono): split digit runs into 10-13 digit numbers and validate them."""
    nss: list[tuple[bool, Extracted]] = []
    phones: list[tuple[bool, Extracted]] = []
    for run in _NUMBER_RE.finditer(text):
        groups = [(g.group(), run.start() + g.start(), run.start() + g.end())
                  for g in re.finditer(r"\d+", run.group())]
        i = 0
        while i < len(groups):
            start = groups[i][1]
            if start > 0 and text[start - 1] == "+":
                start -= 1
            label = _label_before(folded, start)
            options: list[tuple[int, str]] = []  # (index after the last group, digits)
            digits = ""
            for j in range(i, len(groups)):
                digits += groups[j][0]
                if len(digits) > 13:
                    break
                if len(digits) >= 10:
                    options.append((j + 1, digits))
            found = _choose_number(text, start, groups, options, label)
            if found is None:
                i += 1
                continue
            kind, extracted, nxt = found
            (nss if kind == "nss" else phones).append((label == kind, extracted))
            i = nxt
    return _best(nss), _best(phones)


def _choose_number(text: str, start: int, groups: list[tuple[str, int, int]],
                   options: list[tuple[int, str]], label: str | None
                   ) -> tuple[str, Extracted, int] | None:
    """Read digit groups from `start` as a valid NSS, else a phone, else a labelled NSS."""
    if label != "telefono":
        for j, digits in options:
            if len(digits) == 11 and is_valid_nss(digits):
                return "nss", Extracted(digits, start, groups[j - 1][2]), j
    if label != "nss":
        for j, digits in options:
            end = groups[j - 1][2]
            if label is None and _continues(text, end):
                continue  # ten digits of a longer number ("39-78-62-5766-3", an NSS misread)
            raw = text[start:end]
            phone = normalize_phone(raw if raw.startswith("+") else digits)
            if phone is not None and (len(digits) == 10 or digits.startswith("52")):
                return "telefono", Extracted(phone, start, end), j
    if label == "nss":
        for wanted in (11, 10, 12):
            for j, digits in options:
                if len(digits) == wanted:
                    return "nss", Extracted(digits, start, groups[j - 1][2], valid=False), j
    return None


def _continues(text: str, end: int) -> bool:
    """Whether the number ending at `end` goes on, joined by a dash or a dot, in a digit."""
    return re.match(r"[-.]\d", text[end:end + 2]) is not None


def _best(found: list[tuple[bool, Extracted]]) -> Extracted | None:
    """Valid before invalid, labelled before unlabelled, then first in the text."""
    if not found:
        return None
    return sorted(found, key=lambda f: (not f[1].valid, not f[0], f[1].start))[0][1]


def _repair_email(value: str) -> str:
    """Fix an OCR-damaged common domain ("gmai1.corn" -> "gmail.com")."""
    return repair_email_domain(value)


def _find_email(text: str) -> Extracted | None:
    """An e-mail as written, else one whose "@" OCR misread before a common provider."""
    m = _EMAIL_RE.search(text)
    if m:
        value = _repair_email(re.sub(r"\s", "", m.group()).lower())
        if is_valid_email(value):
            return Extracted(value, m.start(), m.end())
    lost = _EMAIL_LOST_AT.search(text)
    if lost:
        local = re.sub(r"[.-]{2,}", ".", lost.group(1).replace("¡", "i")).lower()
        domain = re.sub(r"[ \t]", "", lost.group(2)).replace(",", ".").lower()
        value = _repair_email(f"{local}@{domain}")
        return Extracted(value, lost.start(), lost.end(), valid=is_valid_email(value))
    if m:
        value = _repair_email(re.sub(r"\s", "", m.group()).lower())
        return Extracted(value, m.start(), m.end(), valid=False)
    return None


def _blank_curps(text: str, curps: list[re.Match[str]]) -> str:
    """`text` with each CURP replaced by spaces (same length, so spans still index `text`).

    Unblanked, a CURP feeds the other finders: its first letters read as digits by
    `_ocr_digits` ("SOOI531027..." -> "5001531027", a phone), its last two digits join a
    number on the next line ("...HMCSLX49" + "55.52.70.52.10"), and its first four
    letters join a name written before it ("Blanca Cervantes CEPB790407...").
    """
    if not curps:
        return text
    chars = list(text)
    for m in curps:
        chars[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


def _from_text(text: str, reference: dt.date | None = None) -> dict[str, Extracted]:
    curps = list(_CURP_RE.finditer(text))
    masked = _blank_curps(text, curps)
    folded = fold(masked)
    out: dict[str, Extracted] = {}
    name = find_name(masked)
    if name:
        out["nombre"] = Extracted(written_name(name[0]), name[1], name[2])
    nss, phone = _numbers(_ocr_digits(masked), folded)
    if nss:
        out["nss"] = nss
    if phone:
        out["telefono"] = phone
    email = _find_email(text)
    if email:
        out["correo"] = email
    for m in curps:
        value = m.group().upper()
        out["curp"] = Extracted(value, m.start(), m.end(), valid=is_valid_curp(value))
        if out["curp"].valid:
            break
    unit = find_unit(text)
    if unit:
        out["unidad"] = Extracted(unit[0], unit[1], unit[2])
    service = find_service(text)
    if service:
        out["servicio"] = Extracted(service[0], service[1], service[2])
    for key, finder in (("domicilio", find_address), ("personal_involucrado", find_staff)):
        if (found := finder(masked)) is not None:
            out[key] = found
    event = find_event_date(text, reference)
    if event:
        out["fecha_evento"] = event  # in spans only: the export contract has no date field
    return out


_PARTICLES = NAME_PARTICLES - {"mc"}  # written in lower case inside a name; "Mc" is not


def name_case(name: str) -> str:
    """People write names in capitals on forms; SIADE wants them as names are written
    ("ROCÍO DE LA CRUZ" -> "Rocío de la Cruz"). Mixed-case names are left alone."""
    if any(c.islower() for c in name):
        return name
    words = name.lower().split()
    return " ".join(w if i and w in _PARTICLES else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


def written_name(read: str, *, commonest: bool = False) -> str:
    """A name as read, in a name's case, its words spelled as the lexicon knows them
    (`commonest`: by a reader that drops accents, see `spell_name`). A name written in
    capitals is read as such a reader's: in capitals people leave accents out ("ROSALES
    SANCHEZ" -> "Rosales Sánchez")."""
    capitals = not any(c.islower() for c in read)
    return spell_name(name_case(" ".join(read.split())), commonest=commonest or capitals)


def _form_name(raw: str, second: Choices | None) -> str:
    """The volante's name box as Tesseract read it, or as the second recognizer did when
    more of its words are names ("Leticia Calderón Salinas" for "Cer ¡Cl Calderén
    Salinas"), or as many and fewer are not (`name_score`); on a tie Tesseract's. The
    second's words are spelled from its own alternatives first (`spelled_by_choices`). A
    name word the reading left in lower case is capitalised: the box holds only the name.
    The box is handwritten, and OCR loses a handwritten accent more often than people
    leave one out: each known word takes its commonest spelling ("Alvarez" -> "Álvarez")."""
    name = written_name(raw, commonest=True)
    if second:
        other = written_name(spelled_by_choices(second), commonest=True)
        if name_score(other) > name_score(name):
            name = other
    return _capitalised(name)


def _capitalised(name: str) -> str:
    """The name with each known name word a reading left in lower case capitalised."""
    return " ".join(w if fold(w) in _PARTICLES or fold(w) not in lexicon()
                    else w[:1].upper() + w[1:] for w in name.split())


_FORM_READERS = {"domicilio": address_from_form, "personal_involucrado": staff_from_form}


def _from_form(key: str, raw: str, second: Choices | None = None) -> Extracted | None:
    """A form field value normalised and validated, or None if empty; `second`: the same
    box read by the second recognizer (used for the name)."""
    raw = (raw or "").strip()
    if not raw and not (key == "nombre" and second):
        return None
    if key in _FORM_READERS:
        return _FORM_READERS[key](raw)
    value: str | None
    if key == "nss":
        value = re.sub(r"\D", "", raw)
        ok = is_valid_nss(value)
    elif key == "telefono":
        value = normalize_phone(raw)
        ok = value is not None
        value = value or re.sub(r"\D", "", raw)
    elif key == "correo":
        value = re.sub(r"\s", "", raw).lower()
        ok = is_valid_email(value)
    elif key == "curp":
        value = re.sub(r"\s", "", raw).upper()
        ok = is_valid_curp(value)
    elif key == "unidad":
        value = normalize_unit(raw)
        ok = value is not None
        value = value or raw
    elif key == "servicio":
        value = normalize_service(raw)
        ok = value is not None
        value = value or raw
    elif key == "nombre":
        value = _form_name(raw, second)
        ok = len(value.split()) >= 2 and not re.search(r"\d", value)
    else:
        return None
    if not value:
        return None
    return Extracted(value, -1, -1, source="formulario", valid=ok)


def _closing_name(closing: Sequence[str], found: Extracted | None) -> Extracted | None:
    """The name the second recognizer's reading of the closing lines gives, when more of
    its words are known names than of the name found in Tesseract's text, or as many and
    fewer that are not (`name_score`; none counts 0).
    It has no span in the text: it was read from the image again."""
    if not closing:
        return None
    signed = find_name("\n".join(closing))
    if signed is None:
        return None
    name = _capitalised(written_name(signed[0], commonest=True))
    if name_score(name) <= name_score(found.value if found is not None else ""):
        return None
    return Extracted(name)


def _from_page(text: Extracted | None, page: Extracted) -> Extracted:
    """The page's verdict on a field where the page has a candidate for it: its accepted
    reading, or its doubt (an invalid value: the field stays empty and the crop is shown),
    since the text's value was read from the same ink with less care. When both agree the
    text's span is kept for highlighting."""
    if text is not None and text.value == page.value:
        return replace(page, start=text.start, end=text.end)
    return page


def extract_fields(
    text: str, form_fields: Mapping[str, str] | None = None, reference: dt.date | None = None,
    *, page_values: Mapping[str, Extracted] | None = None,
    form_second: Mapping[str, Choices] | None = None,
    closing: Sequence[str] = (),
    page_claimed: Mapping[str, str] | None = None,
) -> dict[str, Extracted]:
    """Fields found in `text` (spans index into it), overridden by valid form fields.

    Args:
        text: the OCR text of the petition.
        form_fields: values read from the volante's boxes (keys among FIELD_NAMES). A valid
            form value wins over the text; an invalid one is kept only when the text has
            no valid value either.
        reference: the day the box was emptied, to date "ayer" or "el 3 de marzo".
        page_values: NSS, phone and e-mail read again from the page's candidate regions
            (`classifier.identifiers.resolve`): where present they decide over the text
            (see `_from_page`), and the form's boxes over both.
        form_second: boxes of the volante read by the second recognizer too (the name):
            per character, (character, probability) best first.
        closing: the letter's last lines read by the second recognizer (`_closing_name`).
        page_claimed: digits of the page's numbers read again as a valid value -> that
            value's field (`PageValues.claimed`): the text's NSS or phone made of digits
            the page read as the other field is dropped ("979 9405 506", ten digits to
            the text, re-read as an 11-digit NSS).

    Returns:
        Only the fields found; each with its value, span, source and validity.
    """
    out = _from_text(text or "", reference)
    claimed = page_claimed or {}
    for key in ("nss", "telefono"):
        if key in out and claimed.get(re.sub(r"\D", "", out[key].value), key) != key:
            del out[key]
    signed = _closing_name(closing, out.get("nombre"))
    if signed is not None:
        out["nombre"] = signed
    for key, found in (page_values or {}).items():
        out[key] = _from_page(out.get(key), found)
    boxes, second = form_fields or {}, form_second or {}
    for key in dict.fromkeys([*boxes, *second]):
        form = _from_form(key, boxes.get(key, ""), second.get(key))
        if form is None:
            continue
        current = out.get(key)
        if form.valid or current is None or not current.valid:
            out[key] = form
    log.debug("extracted fields: %s", sorted(out))
    return out
