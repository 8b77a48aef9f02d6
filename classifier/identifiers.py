"""NSS, phone and e-mail from the page: the alternatives OCR kept for each candidate region,
searched under each identifier's rules. A value is accepted only when one valid reading
clearly stands out; otherwise the field stays empty and the region is kept for the crop.

The candidates come from the OCR layer as plain mappings (the shape `ocr.types.
IdentifierRead` takes in a page's stored reading): this layer does not import `ocr`.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from classifier.name_lexicon import Choices, name_by_one_choice, one_letter_from_a_name
from classifier.text import DIGIT_LOOKALIKES
from classifier.types import Extracted
from classifier.validate import (
    KNOWN_EMAIL_DOMAINS,
    has_mexican_area_code,
    is_valid_nss,
    repair_email,
)

log = logging.getLogger(__name__)

ROW_LABEL = "casillas"  # a candidate that is a volante's row of digit boxes
FIELD_LABELS = {"nss": "posible NSS", "telefono": "posible teléfono", "correo": "posible correo"}
KBEST = 400  # readings enumerated per region, most probable first
# A reading is accepted when its share of the probability of all valid readings found is
# at least this (per field); below it two readings compete and a person reads the crop.
# A phone has no check digit: nearly every reading is valid and the share is the top
# reading's own probability. Tesseract's choices are cautious; the digit model's
# probabilities are not (on handwriting-style samples it was wrong on phones it gave 0.85),
# so a reading by the digit model alone needs more.
ACCEPT = {"nss": 0.80, "telefono": 0.30, "correo": 0.80}
ACCEPT_SEGMENTED = {"nss": 0.80, "telefono": 0.90}
# A volante's row read by both the digit model and the second recognizer: the product of
# their probabilities per box, searched as one reading (`_joint_row`).
ACCEPT_JOINT = {"nss": 0.80, "telefono": 0.90}
JOINT_FLOOR = 0.01
# ... and no character of it is less likely than this (a digit read as a coin toss is no
# value, whatever the check digit says). An address both reads agree on needs "correo";
# the re-read's alone, "correo_solo" (handwritten letters misread are still an address).
MIN_SYMBOL = {"nss": 0.35, "telefono": 0.45, "correo": 0.45, "correo_solo": 0.70}
# The page's own reading (word confidence 0..100) is taken as it is above this.
SURE_WORDS = 90.0
_SEPARATORS = set(" -.()+,:/")
# An "@" printed in some fonts is read as a round letter, unsurely (under this probability).
AT_DOUBT = 0.75
_ROUND = set("eoaqcg0@")


@dataclass
class Candidate:
    """One region of one page where an identifier seems written (plain data)."""

    kind: str  # "nss" | "telefono" | "correo" | "numero" (digits with no label)
    page: int  # page number in the source file
    box: tuple[int, int, int, int]  # in the stored page image's pixels
    label: str = ""
    text: str = ""  # the page's own reading of the region
    confidence: float = 0.0  # 0..100, the page's word confidence there
    # The region read again: per character, (character, probability) best first.
    symbols: list[list[tuple[str, float]]] = field(default_factory=list)
    # For numbers, a second reading: its characters cut apart, each read by the digit model.
    segmented: list[list[tuple[str, float]]] = field(default_factory=list)
    # The region read by the second recognizer (RapidOCR), when it was: per character,
    # (character, probability) best first.
    second: list[list[tuple[str, float]]] = field(default_factory=list)

    @classmethod
    def from_mapping(cls, page: int, d: Mapping[str, Any]) -> Candidate:
        """From an `IdentifierRead` as a page reading stores it (asdict / JSON)."""
        return cls(kind=str(d.get("kind", "")), page=page,
                   box=tuple(int(v) for v in d.get("box", (0, 0, 0, 0)))[:4],  # type: ignore[arg-type]
                   label=str(d.get("label", "")), text=str(d.get("text", "")),
                   confidence=float(d.get("confidence", 0.0)),
                   symbols=_alternatives(d.get("symbols", ())),
                   segmented=_alternatives(d.get("segmented", ())),
                   second=_alternatives(d.get("second", ())))

    def region(self, field_name: str) -> dict[str, Any]:
        """What the document view needs to show the crop beside the field."""
        return {"field": field_name, "label": FIELD_LABELS[field_name], "page": self.page,
                "box": list(self.box), "kind": self.kind}


def _alternatives(symbols: Iterable[Mapping[str, Any]]) -> list[list[tuple[str, float]]]:
    return [[(str(c), float(p)) for c, p in s.get("alternatives", ())]
            or [(str(s.get("text", "")), float(s.get("confidence", 0)) / 100)]
            for s in symbols]


def candidates_of(pages: Iterable[tuple[int, Sequence[Mapping[str, Any]]]]) -> list[Candidate]:
    """Candidates of a document's pages: (page number, that page's stored identifiers)."""
    return [Candidate.from_mapping(no, d) for no, ids in pages for d in ids or ()]


@dataclass
class Reading:
    value: str
    confidence: float  # 0..1
    valid: bool
    disputed: bool = False  # two readers read two well-formed values: a person decides


# -- digits --------------------------------------------------------------------------------


def _digit_lattice(symbols: list[list[tuple[str, float]]]) -> list[list[tuple[str, float]]]:
    """Digit positions only (separators dropped), each with its digit alternatives."""
    out = []
    for alts in symbols:
        digit = [(c.translate(DIGIT_LOOKALIKES), p) for c, p in alts
                 if c.translate(DIGIT_LOOKALIKES).isdigit() and len(c) == 1]
        mass = sum(p for _, p in digit)
        top = alts[0][0] if alts else ""
        if not digit or (top in _SEPARATORS and mass < 0.5):
            continue
        merged: dict[str, float] = {}
        for c, p in digit:
            merged[c] = merged.get(c, 0.0) + p
        out.append(sorted(((c, p / mass) for c, p in merged.items()),
                          key=lambda cp: cp[1], reverse=True))
    return out


def _kbest(lattice: list[list[tuple[str, float]]], k: int = KBEST
           ) -> Iterable[tuple[str, float, float]]:
    """(reading, probability, weakest character's probability), most probable first."""
    if not lattice:
        return
    logs = [[math.log(max(p, 1e-9)) for _, p in alts] for alts in lattice]
    start = (0,) * len(lattice)
    heap = [(-sum(lg[0] for lg in logs), start)]
    seen = {start}
    for _ in range(k):
        if not heap:
            return
        neg, idx = heapq.heappop(heap)
        chars = [lattice[i][j] for i, j in enumerate(idx)]
        yield "".join(c for c, _ in chars), math.exp(-neg), min(p for _, p in chars)
        for i, j in enumerate(idx):
            if j + 1 < len(lattice[i]):
                nxt = idx[:i] + (j + 1,) + idx[i + 1:]
                if nxt not in seen:
                    seen.add(nxt)
                    heapq.heappush(heap, (neg + logs[i][j] - logs[i][j + 1], nxt))


def _as_phone(digits: str) -> str | None:
    for prefix in ("521", "52", ""):
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and len(rest) == 10 and has_mexican_area_code(rest):
            return rest
    return None


def _as(kind: str, digits: str) -> str | None:
    """The value `digits` stands for as identifier `kind`, if valid."""
    if kind == "nss":
        return digits if len(digits) == 11 and is_valid_nss(digits) else None
    return _as_phone(digits)


def _search_digits(kind: str, lattice: list[list[tuple[str, float]]],
                   accept: Mapping[str, float] = ACCEPT) -> Reading | None:
    """The most probable valid reading and its share among the valid ones found."""
    best: tuple[str, float, float] | None = None
    total = 0.0
    first_any = None
    for reading, p, weakest in _kbest(lattice):
        first_any = first_any or reading
        value = _as(kind, reading)
        if value is None:
            continue
        if best is None:
            best = (value, p, weakest)
        total += p
    if best is None:
        return Reading(first_any, 0.0, False) if first_any else None
    share = best[1] / total if total else 0.0
    ok = share >= accept[kind] and best[2] >= MIN_SYMBOL[kind]
    return Reading(best[0], round(share, 3), ok)


def _page_digits(text: str) -> str:
    return re.sub(r"\D", "", text.translate(DIGIT_LOOKALIKES))


def _resolve_row(c: Candidate, kind: str) -> Reading | None:
    """A volante's digit row, read by the digit model and, box by box, by another reader.

    With the second recognizer's reading the two are one search (`_joint_row`). With the
    engine's, the two must agree: the same valid value from both is taken (two readers
    with different habits rarely make the same slip), two different ones are a doubt
    however sure the digit model is. Alone, the digit model's reading is taken only when
    it stands out (`ACCEPT_SEGMENTED`).
    """
    model = _search_digits(kind, _digit_lattice(c.segmented), ACCEPT_SEGMENTED)
    if c.second:
        return _joint_row(c, kind, model)
    engine = _search_digits(kind, _digit_lattice(c.symbols)) if c.symbols else None
    if model is None or engine is None:
        return model
    if model.value == engine.value and _as(kind, model.value) is not None:
        return Reading(model.value, max(model.confidence, engine.confidence), True)
    return Reading(model.value, 0.0, False, disputed=_as(kind, engine.value) is not None)


def _joint_row(c: Candidate, kind: str, model: Reading | None) -> Reading | None:
    """The row searched over both readers' alternatives at once, box by box.

    Each box's digit is weighed by the product of the two readers' probabilities (two
    independent opinions), so a digit the model is unsure of is read by the other, and a
    digit each reads surely otherwise leaves no reading that stands out: a doubt, never a
    guess between them. Boxes the two do not both read make the row the model's alone.
    """
    ours, theirs = _digit_lattice(c.segmented), _digit_lattice(c.second)
    if len(ours) != len(theirs) or len(ours) != len(c.segmented):
        return model
    found = _search_digits(kind, [_product(a, b) for a, b in zip(ours, theirs, strict=True)],
                           ACCEPT_JOINT)
    if found is None or found.valid:
        return found
    other = "".join(alts[0][0] for alts in theirs)
    two = model is not None and model.value != other and _as(kind, other) is not None \
        and _as(kind, model.value) is not None
    return Reading(found.value, 0.0, False, disputed=two)


def _product(a: list[tuple[str, float]], b: list[tuple[str, float]]
             ) -> list[tuple[str, float]]:
    """One box's digits by both readers: their probabilities multiplied (with a floor: a
    digit one reader left out of its alternatives is unlikely, not impossible)."""
    pa, pb = dict(a), dict(b)
    joint = {d: (pa.get(d, 0.0) + JOINT_FLOOR) * (pb.get(d, 0.0) + JOINT_FLOOR)
             for d in "0123456789"}
    mass = sum(joint.values())
    return sorted(((d, p / mass) for d, p in joint.items() if p / mass >= 0.005),
                  key=lambda dp: dp[1], reverse=True)


def _resolve_number(c: Candidate, kind: str) -> Reading | None:
    """One value from the page's words and the two re-readings, or a doubt.

    A typed number the page read surely is taken unless the constrained re-read finds
    another valid value. Otherwise the re-readings (Tesseract's, the digit model's) decide:
    accepted when those with an accepted reading agree; two different accepted readings
    are a doubt, never a guess.
    """
    own = _page_digits(c.text)
    own_value = _as(kind, own)
    reads = [r for r in (_search_digits(kind, _digit_lattice(c.symbols)),
                         _search_digits(kind, _digit_lattice(c.segmented), ACCEPT_SEGMENTED))
             if r is not None]
    accepted = {r.value: r for r in reads if r.valid}
    if own_value is not None and c.confidence >= SURE_WORDS:
        if reads and reads[0].valid and reads[0].value != own_value:
            return Reading(own_value, 0.0, False)  # the two Tesseract reads disagree
        return Reading(own_value, c.confidence / 100, True)
    if len(accepted) == 1:
        return next(iter(accepted.values()))
    guesses = [r for r in reads if r.value] + ([Reading(own_value or own, 0.0, False)]
                                               if own_value or own else [])
    if not guesses:
        return None
    best = max(guesses, key=lambda r: r.confidence)
    return Reading(best.value, 0.0 if len(accepted) > 1 else best.confidence, False)


# -- e-mail --------------------------------------------------------------------------------


def _reread_addresses(symbols: list[list[tuple[str, float]]]) -> list[tuple[str, float]]:
    """Addresses the re-read can stand for, each with its weakest character's probability.

    In print an "@" is read as itself, as one of its lookalikes (`repair_email`) or, in
    some fonts, as a round letter ("e", "o", "a") that the engine is unsure of: a doubtful
    character (or one with "@" among its choices) becomes the "@" when what follows it is
    a known provider's domain. Letters of an address are read surely, so this never takes
    a sure "e" for an "@".
    """
    top = [alts[0] for alts in symbols if alts]
    text = "".join(c for c, _ in top)
    out: list[tuple[str, float]] = []
    for i, (ch, p) in enumerate(top):
        at_choice = any(c == "@" and q >= 0.1 for c, q in symbols[i][1:])
        if ch == "@" or at_choice or (p < AT_DOUBT and ch.lower() in _ROUND):
            address = repair_email(text[:i] + "@" + text[i + 1:])
            rest = [q for j, (_, q) in enumerate(top) if j != i]
            if address and address.split("@")[1] in KNOWN_EMAIL_DOMAINS:
                out.append((address, min(rest, default=0.0)))
    if not out and text:
        address = repair_email(text)
        if address:
            out.append((address, _weakest_letter(top, address)))
    return out


def _weakest_letter(top: list[tuple[str, float]], address: str) -> float:
    """The least sure character of `address` in the read, leaving out what stood for the
    "@" (a lookalike is read unsurely by nature): the local part is the read's start and
    the domain its end."""
    local, _, domain = address.partition("@")
    probs = [p for _, p in top]
    kept = probs[:len(local)] + probs[len(probs) - len(domain):]
    return min(kept or probs or [0.0])


def _resolve_email(c: Candidate) -> Reading | None:
    """An address both reads agree on, or the re-read's alone when every character of it
    was read surely and the page did not read an "@" of its own elsewhere."""
    own = repair_email(c.text)
    page_saw_at = "@" in c.text
    found = {a: w for a, w in _reread_addresses(c.symbols)}
    # The two reads share the engine and the ink: agreeing, they still need sure letters.
    if own and own in found and (found[own] >= MIN_SYMBOL["correo"]
                                 or c.confidence >= SURE_WORDS):
        return Reading(own, max(found[own], c.confidence / 100), True)
    sure = [(a, w) for a, w in found.items() if w >= MIN_SYMBOL["correo_solo"]]
    if len(sure) == 1 and not (page_saw_at and own) and not _doubtful_local(sure[0][0]):
        return Reading(sure[0][0], sure[0][1], True)
    if own and page_saw_at and c.confidence >= SURE_WORDS and not found:
        return Reading(own, c.confidence / 100, True)
    guess = own or next(iter(found), None)
    return Reading(guess, 0.0, False) if guess else None


# -- the second recognizer -----------------------------------------------------------------


# An "o" or "0", an "i", "l" or "1", where letters meet digits ("jrojaso1" for "jrojas01",
# "rcardenasvi974" for "...v1974"): in many hands they are one glyph, and only the context
# tells them apart, which is mixed there.
_O_OR_ZERO = re.compile(r"(?<=[a-z])0|0(?=[a-z])|(?<=\d)[oil]|[oil](?=\d)")


def _doubtful_local(address: str) -> bool:
    """Whether one reader alone may have misread the address's local part where handwriting
    is ambiguous: an "o" or "0" between letters and digits, or a word one letter from a
    name ("vlises.gomez", "rviz.viridiana": the "u" read as "v")."""
    local = address.split("@")[0]
    return bool(_O_OR_ZERO.search(local)) or any(
        one_letter_from_a_name(w) for w in re.findall(r"[a-z]{4,}", local))


def _reads_at(symbols: list[list[tuple[str, float]]]) -> bool:
    """Whether an "@" was read (first, or a real alternative) somewhere in `symbols`."""
    return any(c == "@" and (i == 0 or p >= 0.1) for alts in symbols
               for i, (c, p) in enumerate(alts))


def _second_reading(c: Candidate, kind: str) -> Reading | None:
    """The value the second recognizer's reading alone stands for, or None.

    It is read under the same rules as Tesseract's re-read, with none of the page's
    words. An address needs an "@" it read: this recognizer reads a written "@" as such,
    and where it reads none the glyph was taken for a letter ("ANDREAEGMAIL.COM"), which
    the repair of a lost "@" would keep in the address. A local part one reader alone may
    have misread (`_doubtful_local`) leaves it a doubt.
    """
    if not c.second:
        return None
    alone = Candidate(kind=c.kind, page=c.page, box=c.box, label=c.label, symbols=c.second)
    if kind != "correo":
        return _resolve_number(alone, kind)
    if not _reads_at(c.second):
        return None
    found = _resolve_email(alone)
    if found is not None and _doubtful_local(found.value):
        named = _named_local(found.value, c.second)
        if named is not None:
            again = _resolve_email(replace(alone, symbols=named))
            if again is not None and again.valid and not _doubtful_local(again.value):
                return again
        return Reading(found.value, 0.0, False)
    return found


def _named_local(address: str, symbols: Choices) -> Choices | None:
    """The reading with the words of the address's local part that are one letter from a
    name spelled as that name, where the reader's own second choice for that letter makes
    it one ("rviz" read with "u" second at its "v": "ruiz"); None if none does. The
    lexicon decides only between what the reader saw, never a letter it did not offer."""
    local = address.split("@")[0]
    top = "".join(alts[0][0] for alts in symbols if alts).lower()
    base = top.find(local)
    if base < 0:
        return None
    out = [list(alts) for alts in symbols]
    changed = False
    for run in re.finditer(r"[a-z]{4,}", local):
        if not one_letter_from_a_name(run.group()):
            continue
        at = base + run.start()
        name = name_by_one_choice(run.group(), symbols[at:at + len(run.group())])
        if name is None:
            continue
        for i, (was, now) in enumerate(zip(run.group(), name, strict=True)):
            if was != now:
                p = out[at + i][0][1]
                out[at + i] = [(now, p)] + [a for a in out[at + i] if a[0].lower() != now]
                changed = True
    return out if changed else None


def _well_formed(kind: str, value: str) -> bool:
    """Whether `value` is a value of `kind` by its rules, however unsure its reading."""
    if kind == "correo":
        return bool(value) and repair_email(value) == value and \
            value.split("@")[-1] in KNOWN_EMAIL_DOMAINS
    return _as(kind, _page_digits(value)) is not None


def _one_letter_dropped(short: str, full: str) -> bool:
    """Whether `short` is `full` with one letter left out: the second recognizer drops a
    letter of a long printed address ("aguilr" for "aguilar") where Tesseract's two reads
    agree on it; that is no other address, only a worse read of the same one."""
    return len(short) == len(full) - 1 and any(
        full[:i] + full[i + 1:] == short for i in range(len(full)) if full[i].isalpha())


def _resolve(c: Candidate, kind: str) -> Reading | None:
    """Tesseract's readings decide; the second recognizer's where they found no valid
    value. Where it reads another well-formed value than their accepted one, even unsurely,
    two readers disagree: a doubt, never a guess (unless it only dropped a letter)."""
    if kind == "correo":
        first = _resolve_email(c)
    else:
        first = (_resolve_row if c.label == ROW_LABEL else _resolve_number)(c, kind)
    # A row's second reading is already in its joint search.
    second = None if c.label == ROW_LABEL else _second_reading(c, kind)
    if second is None:
        return first
    if kind == "correo":
        second = _checked_by_tesseract(c, first, second)
        # In print (Tesseract sure of the page's words, or reading the "@" itself) its
        # address stands as before: there the second drops letters of long addresses.
        if second.valid and first is not None and first.valid and not _tesseract_read_at(c) \
                and c.confidence < SURE_WORDS \
                and (_at_stroke_read_as_letter(first.value, second.value)
                     or second.confidence >= SURE_SECOND):
            return second
    if first is not None and first.valid:
        if second.value != first.value and _well_formed(kind, second.value) \
                and not _one_letter_dropped(second.value, first.value):
            return Reading(first.value, 0.0, False, disputed=True)
        return first
    return second if second.valid or first is None else first


# Handwritten addresses on the tuning boxes (seeds 101-109, 31 read by the second
# recognizer alone): where Tesseract's reading of the hand is unsure, the second's, read
# this surely, was right each time the two differed (Tesseract read the "@" as a letter
# before it, "sandra.silvag", or misread a letter, "miquelzamorad"); Tesseract read the
# "@" of none of them. In print it reads the "@", and its reading stands: there the
# second drops letters of long addresses ("aguilr"). The second's wrong addresses
# (tuning boxes 101-112) were read less surely than SECOND_UNSURE_BELOW, and Tesseract's
# reading of the local part was another ("sandraherrera74" for "...794", "cmartinezo"
# for "cmartinez00"); its right ones so read had Tesseract's the same but for a stroke
# read as a letter at either end.
SURE_SECOND = 0.95
SECOND_UNSURE_BELOW = 0.80


def _checked_by_tesseract(c: Candidate, first: Reading | None, second: Reading) -> Reading:
    """The second recognizer's address, or a doubt where it read it unsurely and
    Tesseract read another local part (`_same_local`)."""
    if not second.valid or second.confidence >= SECOND_UNSURE_BELOW or first is None \
            or "@" not in first.value:
        return second
    if not _same_local(first.value.split("@")[0], second.value.split("@")[0]):
        return Reading(second.value, 0.0, False)
    return second


def _same_local(tesseract: str, second: str) -> bool:
    """Whether Tesseract's local part is the second's, or it with one letter more at
    either end: the "@"'s first stroke ("itzel_avilag") or a stroke before the address
    ("ecnavarroh1978") read as a letter."""
    return tesseract == second or _letter_more(tesseract, second, at_end=True) \
        or _letter_more(tesseract, second, at_end=False)


def _letter_more(longer: str, shorter: str, *, at_end: bool) -> bool:
    """Whether `longer` is `shorter` with one letter more at its end (or its start)."""
    if len(longer) != len(shorter) + 1:
        return False
    extra, rest = (longer[-1], longer[:-1]) if at_end else (longer[0], longer[1:])
    return extra.isalpha() and rest == shorter


def _tesseract_read_at(c: Candidate) -> bool:
    """Whether Tesseract read an "@" in the region, on the page or in its re-read."""
    return "@" in c.text or any(alts and alts[0][0] == "@" for alts in c.symbols)


def _at_stroke_read_as_letter(tesseract: str, second: str) -> bool:
    """Whether Tesseract's address is the second's with one letter more just before the
    "@": the handwritten "@"'s first stroke read as a letter ("sandra.silvag@gmail.com")."""
    local, _, domain = tesseract.partition("@")
    other, _, other_domain = second.partition("@")
    return domain == other_domain and _letter_more(local, other, at_end=True)


# -- the document's values -----------------------------------------------------------------


@dataclass
class PageValues:
    """What the page says per field: a value (valid or doubtful) and the regions to show."""

    values: dict[str, Extracted] = field(default_factory=dict)
    regions: list[dict[str, Any]] = field(default_factory=list)  # doubtful candidates
    # The digits the page's text holds for each number read again as a valid value, and
    # that value's field: the same digits in the text are that field's, never another's.
    claimed: dict[str, str] = field(default_factory=dict)


def _kinds_for(c: Candidate) -> tuple[str, ...]:
    if c.kind == "numero":
        return ("nss", "telefono")
    return (c.kind,) if c.kind in FIELD_LABELS else ()


def resolve(candidates: Sequence[Candidate]) -> PageValues:
    """Each field's value from the page's candidates, and where a person should look.

    Per field, a valid reading of a labelled candidate is preferred to an unlabelled one,
    then the most confident. A field with candidates but no accepted reading gets the best
    guess as an invalid value (never shown as the field's value) and its regions.
    """
    out = PageValues()
    per_field: dict[str, list[tuple[Reading, Candidate]]] = {}
    for c in candidates:
        for kind in _kinds_for(c):
            found = _resolve(c, kind)
            if c.kind == "numero" and (found is None or not (found.valid or found.disputed)):
                # An unlabelled number that is no valid identifier is no candidate; one two
                # readers read as two different phones is, or the text's reading of the
                # same ink would pass for sure.
                continue
            # A labelled region nothing could be read from is still where the value is.
            found = found or Reading("", 0.0, False)
            per_field.setdefault(kind, []).append((found, c))
    for name, reads in per_field.items():
        valid = [(r, c) for r, c in reads if r.valid]
        values = {r.value for r, _ in valid}
        if len(values) == 1:
            r, c = max(valid, key=lambda rc: (rc[1].kind != "numero", rc[0].confidence))
            out.values[name] = Extracted(r.value, source="pagina", valid=True, page=c.page,
                                         box=c.box, confidence=round(r.confidence, 3))
            if name != "correo":
                out.claimed.update((_page_digits(c2.text), name) for _, c2 in valid)
            continue
        # No valid reading, or valid readings that disagree: a person decides.
        r, c = max(reads, key=lambda rc: (rc[1].kind != "numero", rc[0].confidence))
        out.values[name] = Extracted(r.value, source="pagina", valid=False, page=c.page,
                                     box=c.box, confidence=round(r.confidence, 3))
        out.regions.extend(cand.region(name) for _, cand in reads)
    log.debug("page values: %s accepted, %d regions to read", sorted(
        k for k, v in out.values.items() if v.valid), len(out.regions))
    return out
