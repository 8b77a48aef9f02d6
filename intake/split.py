"""Propose document boundaries inside a file that may hold a whole day's box.

No separator sheets: a volante always starts a document, blank pages stand apart (flagged,
never dropped; a run of them is one "hojas en blanco" item, not one empty document per
sheet), and a text page joins the previous letter (or the volante whose
description goes on over the leaf) when it reads like a continuation: the previous page says
"sigue", a page number >= 2, the signature or the contact block that went over the leaf,
text that starts mid-sentence (in lower case, or after a previous page that stops on a word
no sentence ends with), or a previous page written down to its foot without a signature;
never when it opens like a letter (date line, salutation, subject). A letter is signed on
its last page only, so a previous page that ends signed stops the text rules; a contact
block on the last page is the whole document's (its proposal reads every page's text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from classifier.text import fold

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ocr.types import PageRead

_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*(\d{1,2})\s*-|(?:hoja|p[aá]g(?:ina)?\.?)\s*(\d{1,2})(?:\s*(?:de|/)\s*\d{1,2})?"
    r"|(\d{1,2})\s*(?:/|de)\s*\d{1,2}|(\d{1,2}))\s*$",
    re.IGNORECASE)
_OPENING = re.compile(
    r"^(?:a\s+quien\s+corresponda|c\.\s|estimad[oa]s?|buen[oa]s\s+(?:d[ií]as|tardes|noches)"
    r"|asunto\s*:|por\s+medio\s+de(?:l)?\s+(?:la\s+)?presente|presente\b|director"
    r"|ciudad\s+de\s+m[eé]xico|cdmx\b)",
    re.IGNORECASE)
# A date line: "a 8 de abril de 2026", "8 de abril", "abril de 2026", "15/04/2026".
_DATE = re.compile(r"\b\d{1,2}\s+de\s+[a-záéíóú]{3,}|\b[a-záéíóú]{3,}\s+(?:de|del)\s+20\d\d\b"
                   r"|\b\d{1,2}/\d{1,2}/(?:20)?\d\d\b", re.IGNORECASE)
_CLOSING = re.compile(
    r"^(?:atentamente|atte\b|saludos|sin\s+m[aá]s|gracias|quedo\s+(?:en\s+espera|de\s+usted))",
    re.IGNORECASE)
# The last lines of a signed letter: a closing, or contact data under the name.
_CONTACT_LINE = re.compile(r"@|mail|\.com\b|\bnss\b|\btel\b|\bcel\b|(?:\d[\s.-]?){8,}",
                           re.IGNORECASE)
# A line of the contact block itself: it starts with its label, or holds little beside the
# datum ("Tel. 55 1234 5678", "maria@gmail.com", "NSS 12345678901"); a line of running
# text that mentions a number or "cel" in passing is not one.
_CONTACT_LABEL = re.compile(
    r"^(?:tel(?:[eé]fono)?s?\b|cel(?:ular)?\b|whats?\s*app|correo|e-?\s?mail|mail\b|nss\b"
    r"|n[uú]m(?:ero)?\.?\s+de\s+(?:seguridad|afiliaci[oó]n)|afiliaci[oó]n|curp\b)",
    re.IGNORECASE)
_DATUM = re.compile(r"\S*@\S*|\S+\.com\S*|(?:\+?\d[\s.()-]*){8,}", re.IGNORECASE)
CONTACT_LINE_MAX_OTHER_WORDS = 2
SIGNATURE_BLOCK_MAX_LINES = 6
# A closing's first word as OCR reads it in handwriting: rapidfuzz ratio (0-100) to one
# of these at least CLOSING_SIMILARITY ("atertarnente" 78, "oracias" 86; "garcia" 77).
_CLOSING_WORDS = ("atentamente", "gracias", "saludos", "respetuosamente")
CLOSING_SIMILARITY = 78.0
CLOSING_MIN_LETTERS = 6
SHORT_CLOSING_WORDS = 4  # "Atentamente", "Gracias por todo.": not "Gracias a la doctora que..."
_NAME_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y"})
_NAME_WORD = re.compile(r"[A-ZÁÉÍÓÚÑÜ][A-Za-zÁÉÍÓÚÑÜáéíóúñü'.-]{2,}")
# Words no sentence ends with (articles, prepositions, conjunctions, possessives, clitics):
# a page whose text stops on one goes on over the leaf.
_OPEN_END = re.compile(
    r"(?:^|\s)(?:a|al|ante|con|de|del|desde|e|el|en|entre|hacia|hasta|la|las|le|les|lo|los"
    r"|me|mi|mis|muy|ni|nos|o|para|pero|por|porque|que|se|sin|sobre|su|sus|tan|te|tu|tus|u"
    r"|un|una|unos|unas|y)\s*$",
    re.IGNORECASE)
OPEN_END_MIN_WORDS = 3  # words of 2+ letters: a lone "a" or "y" at the foot is likely noise
# Writing whose last line sits below this share of the page height reaches the foot.
FOOT_SHARE = 0.8
FOOT_MIN_WORD_CONF = 30.0
_SENTENCE_END = re.compile(r"[.!?)»\"]\s*$")
# People write these at the foot of a full page: the text goes on over the leaf.
_GOES_ON = re.compile(  # OCR reads "(sigue)" in capitals as "(SISUE>", "(SiovE)"...
    r"\(?\s*(?:s[il1|][gqs9o][uv][eo]|contin[uú]a|ver\s+(?:al\s+)?reverso|pasa\s+a\s+la\s+vuelta)"
    r"[^\n]{0,20}[)>\]]?\s*$", re.IGNORECASE)


@dataclass
class DocumentGroup:
    """One proposed document: its pages and, per page, why it starts or continues it.

    The reasons (Spanish, for the reviewer) make the boundary a proposal a person can
    check and correct (merge, split), not a silent decision.
    """

    kind: str  # volante | escrito_libre | otro (otro: blank page; later refined by type)
    pages: list[PageRead] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # one per page

    @property
    def page_numbers(self) -> list[int]:
        return [p.page_no for p in self.pages]

    @property
    def text(self) -> str:
        return document_text(self.pages)


PAGE_SEPARATOR = "\n\n"  # between two pages' texts in a document's text


def document_text(pages: Sequence[PageRead]) -> str:
    """A document's text: its pages' texts in order, a blank line between them (what the
    proposal reads and its text spans index)."""
    return PAGE_SEPARATOR.join(p.text.strip() for p in pages if p.text.strip())


def _lines(text: str) -> list[str]:
    """Non-empty lines without the stray bars and quotes OCR puts at the margins."""
    lines = (ln.strip().lstrip("|¦!'\"“”‘’_~ ").strip() for ln in text.splitlines())
    return [ln for ln in lines if ln]


def _page_mark(text: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """`pattern` matching one of the first or last two lines, where pages are numbered."""
    lines = _lines(text)
    return next((m for ln in lines[:2] + lines[-2:] if (m := pattern.match(ln))), None)


def page_number(text: str) -> int | None:
    """A page number printed alone on one of the first or last two lines, if any."""
    m = _page_mark(text, _PAGE_NUMBER)
    return int(next(g for g in m.groups() if g)) if m else None


_PAGE_OF = re.compile(r"^\s*(?:(?:hoja|p[aá]g(?:ina)?\.?)\s*)?(\d{1,2})\s*(?:/|de)\s*(\d{1,2})\s*$",
                      re.IGNORECASE)


def page_of(text: str) -> tuple[int, int] | None:
    """(page, pages) of a mark such as "1/3" or "hoja 2 de 3" alone on one of the first
    or last two lines, if any."""
    m = _page_mark(text, _PAGE_OF)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _body_lines(text: str) -> list[str]:
    return [ln for ln in _lines(text) if not _PAGE_NUMBER.match(ln)]


def opens_like_letter(text: str) -> bool:
    """A salutation or subject in the first lines, or a date line at the very top."""
    head = _body_lines(text)[:4]
    return (any(_OPENING.match(ln) for ln in head)
            or any(_DATE.search(ln) for ln in head[:2]))


def continues_previous(prev: PageRead, page: PageRead) -> bool:
    """Whether `page` reads as the next page of the letter that ends with `prev`."""
    return continuation_reason(prev, page) is not None


def continuation_reason(prev: PageRead, page: PageRead) -> str | None:
    """Why `page` is the next page of the letter that ends with `prev` (None if it is not).

    A page that ends without a full stop is no evidence: lists and notes often do. What
    counts is the previous page saying "sigue", a page number, a closing or a contact block
    that makes the page (the signature went over the leaf), a page that starts in lower
    case, a previous page that stops on a word no sentence ends with ("de", "la", "y"), or
    one written down to its foot without a signature. A page OCR read nothing of is judged
    by the last two. After a volante, the text rules need its description box full.
    """
    if opens_like_letter(page.text):
        return None
    prev_body = _body_lines(prev.text)
    if prev_body and _GOES_ON.search(prev_body[-1]):
        return "la página anterior dice que sigue"
    # "1/3" on the page before: more pages follow. This page's own mark may be misread
    # ("2/3" as "1/3"), not its count of pages: another count is another letter.
    before, this = page_of(prev.text), page_of(page.text)
    if before is not None and before[0] < before[1] and (this is None or this[1] == before[1]):
        return f"la página anterior es la {before[0]} de {before[1]}"
    number = page_number(page.text)
    if number is not None and number >= 2:
        return f"número de página {number}"
    # A page numbered 1 starts a document, unless the page before stops mid-sentence: OCR
    # reads a handwritten "2/2" as "1/1" more often than a letter stops on "de la".
    # No page of the name and the contact lines alone opens a letter, numbered 1 or not
    # (a handwritten "2/2" under a signature read as "1/2").
    body = _body_lines(page.text)
    if body and is_signature_block(body):
        return "solo trae la firma y los datos de contacto"
    first = number is not None
    prev_open = bool(prev_body) and stops_mid_sentence(prev_body[-1])
    if first:
        return "la página anterior termina a media frase" if prev_open and \
            not ends_signed(prev_body) and prev.volante is None else None
    if body and _opens_with_closing(body) and len(body) <= 6:
        return "empieza con la despedida y la firma"
    if ends_signed(prev_body):
        return None
    # A volante's description goes on over the leaf only from a full box: one that stops
    # short ended there, whatever the next page starts with.
    full = reaches_foot(prev)
    if prev.volante is not None and not full:
        return None
    opening = _first_line_of_words(body)
    if opening and (opening[:1] in ",;:" or (opening[:1].islower()
                                             and not _mostly_capitals(opening))):
        return "empieza a media frase"
    # From here on a page OCR read nothing of (ink, but large cursive or a scribble) is
    # judged by the page before it alone.
    if prev_open:
        return "la página anterior termina a media frase"
    if full and prev.volante is None:
        return "la página anterior llega al pie sin firma"
    return None


def _first_line_of_words(body: list[str]) -> str:
    """The first line holding a word of two letters or digits beside another, or one of
    four: scraps above it ("l TT", a page number read as "YY") are margin noise."""
    for ln in body:
        words = [len(re.sub(r"\W|_", "", w)) for w in ln.split()]
        if sum(n >= 2 for n in words) >= 2 or any(n >= 4 for n in words):
            return ln
    return ""


def _mostly_capitals(line: str) -> bool:
    """A line written in capitals, whatever letters OCR read in lower case ("se BUSCAN
    OPERADORES"): its lower-case first letter is no sentence going on."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > len(letters) / 2


def _opens_with_closing(body: list[str]) -> bool:
    """Whether the page's first line of words is a closing formula, as OCR reads a
    handwritten one ("Atertarnente,", "Óracias."): one slip or two in its first word.
    Scraps above it (a page number read as "YY") are passed (`_first_line_of_words`)."""
    line = _first_line_of_words(body)
    if not line:
        return False
    if _CLOSING.match(line):
        return True
    first = re.sub(r"[^a-zñ]", "", fold(line.split()[0]))
    return len(first) >= CLOSING_MIN_LETTERS and any(
        fuzz.ratio(first, word) >= CLOSING_SIMILARITY for word in _CLOSING_WORDS)


def stops_mid_sentence(line: str) -> bool:
    """A line of running text that stops on a word no sentence ends with.

    Running text: a few words of two letters or more, so margin noise read as "A A A" or
    a stray "y" does not count.
    """
    words = sum(len(re.sub(r"\W", "", w)) >= 2 for w in line.split())
    return words >= OPEN_END_MIN_WORDS and _OPEN_END.search(line) is not None


def reaches_foot(page: PageRead) -> bool:
    """Whether the writing on `page` goes down to the foot of the sheet (of a volante: of
    its description box).

    A letter that ends stops mid-page or signs; one written down to the last line and not
    signed goes on over the leaf. Only words read with some confidence count (dust and
    margin noise read as stray letters do not), and not a page number at the foot.
    """
    top, foot = 0, page.height
    desc = page.volante.fields.get("descripcion") if page.volante is not None else None
    if desc is not None:
        top, foot = desc.box[1], desc.box[3]
    if foot <= top:
        return False
    bottoms = [w.box[3] for w in page.words if w.confidence >= FOOT_MIN_WORD_CONF
               and len(w.text) >= 2 and not _PAGE_NUMBER.match(w.text)]
    return bool(bottoms) and max(bottoms) >= top + FOOT_SHARE * (foot - top)


def is_contact_line(line: str) -> bool:
    """A line of a contact block: a label and its datum, or a phone, NSS or e-mail alone."""
    if not _CONTACT_LINE.search(line):
        return False
    if _CONTACT_LABEL.match(line):
        return True
    return _DATUM.search(line) is not None and \
        len(_DATUM.sub(" ", line).split()) <= CONTACT_LINE_MAX_OTHER_WORDS


def _is_name_line(line: str) -> bool:
    """A name as signed: 2 to 5 capitalised words, particles between them ("de la"), and
    no sentence punctuation at the end."""
    words = line.split()
    names = [w for w in words if w.lower() not in _NAME_PARTICLES]
    return 2 <= len(words) <= 5 and len(names) >= 2 and line[-1:] not in ".,;:!?" and all(
        _NAME_WORD.fullmatch(w) for w in names)


def is_signature_block(body: list[str]) -> bool:
    """A short page of contact lines, under the name and the closing at most: the end of
    a letter whose signature went over the leaf."""
    return len(body) <= SIGNATURE_BLOCK_MAX_LINES and any(is_contact_line(ln) for ln in body) \
        and all(is_contact_line(ln) or _is_name_line(ln)
                or (_CLOSING.match(ln) and len(ln.split()) <= SHORT_CLOSING_WORDS) for ln in body)


def ends_signed(body: list[str]) -> bool:
    """Whether a page ends like a signed letter (closing formula or contact data last).

    A page whose last line stops mid-sentence is not signed, even below a line that opens
    like a closing ("Gracias a todo el equipo de la").
    """
    tail = body[-3:]
    if not tail or stops_mid_sentence(tail[-1]):
        return False
    if is_contact_line(tail[-1]):
        return True
    # A closing is followed by the name and the contact lines, not by running text that
    # goes on ("Gracias por los contactos / nuevos junto a farmacia, me / salvaron").
    return any(_CLOSING.match(ln) and not any(stops_mid_sentence(x) for x in tail[i:])
               for i, ln in enumerate(tail))


def is_blank(page: PageRead) -> bool:
    """No text and almost no ink (the OCR layer's ink test): a blank sheet or its back."""
    return page.is_blank and page.volante is None and not page.text.strip()


def split_pages(pages: list[PageRead]) -> list[DocumentGroup]:
    """Group the pages of one file into proposed documents, in order."""
    groups: list[DocumentGroup] = []
    for page in pages:
        current = groups[-1] if groups else None
        if page.volante is not None:
            groups.append(DocumentGroup("volante", [page], ["volante (código QR o marcas)"]))
        elif is_blank(page):
            if current is not None and current.kind == "otro":  # only blank pages so far
                current.pages.append(page)
                current.reasons.append("otra hoja en blanco")
            else:
                groups.append(DocumentGroup("otro", [page], ["hoja en blanco"]))
        elif (current is not None and current.kind in ("escrito_libre", "volante")
              and (why := continuation_reason(current.pages[-1], page)) is not None):
            current.pages.append(page)
            current.reasons.append(why)
        else:
            why = ("encabezado de carta" if opens_like_letter(page.text)
                   else "no continúa la página anterior" if current else "primera página")
            groups.append(DocumentGroup("escrito_libre", [page], [why]))
    return groups
