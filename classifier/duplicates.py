"""Possible duplicates (policy 5.9): the same person, the same petition, close in time.

Pure: plain records in, proposed links out. `intake.links` stores each record's blocking
keys and the links; the review station shows them and a person confirms or rejects each.
A link is a *repetición* (the same petition again: proposed as not to be registered, linked
to the first) or *relacionada* (the same person with a new petition: registered, linked).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from classifier._names import name_block_keys, name_match, name_tokens
from classifier.duplicate_rules import DEFAULT_RULES, DuplicateRules
from classifier.model import normalize
from classifier.text import fold
from classifier.types import LinkKind
from classifier.validate import is_valid_curp, is_valid_email, is_valid_nss, normalize_phone

log = logging.getLogger(__name__)

REPETICION, RELACIONADA = LinkKind.REPEAT, LinkKind.RELATED


@dataclass(frozen=True)
class PetitionRecord:
    """What duplicate detection needs to know about one petition."""

    id: int | str
    text: str
    received_on: dt.date
    nss: str | None = None
    nombre: str | None = None
    curp: str | None = None
    telefono: str | None = None
    correo: str | None = None
    servicio: str | None = None
    unidad: str | None = None
    tipo: str | None = None


@dataclass(frozen=True)
class Identity:
    """How surely two records are the same person: a score in [0, 1] and its reasons."""

    score: float
    same: tuple[str, ...]  # nss, curp, correo, telefono, nombre
    reasons: tuple[str, ...]  # the same, in Spanish: "mismo NSS", ...


@dataclass(frozen=True)
class DuplicateLink:
    """`document_id` may repeat (or follow up) `duplicate_of`; the reason is in Spanish."""

    document_id: int | str
    duplicate_of: int | str
    kind: str  # REPETICION or RELACIONADA
    score: float
    similarity: float
    same: tuple[str, ...]
    reason: str


NOBODY = Identity(0.0, (), ())
NAME_ONLY = " Solo coincide el nombre: puede ser un homónimo (confirme con el NSS)."
# Strength of each kind of evidence that two records are one person. A phone or e-mail is
# shared within a family, a two-word name by many people; the NSS and CURP are personal.
_STRENGTH = {"nss": 1.0, "curp": 1.0, "correo": 0.85, "telefono": 0.8}
_SAME_NAME = {"nombre": "mismo nombre", "nss": "mismo NSS", "curp": "misma CURP",
              "correo": "mismo correo", "telefono": "mismo teléfono"}


def _nss(value: str | None) -> str | None:
    digits = re.sub(r"[\s.-]", "", value or "")
    return digits if is_valid_nss(digits) else None


def _curp(value: str | None) -> str | None:
    curp = (value or "").strip().upper()
    return curp if is_valid_curp(curp) else None


def _mail(value: str | None) -> str | None:
    mail = (value or "").strip().lower()
    return mail if is_valid_email(mail) else None


def _phone(value: str | None) -> str | None:
    return normalize_phone(value or "")


@lru_cache(maxsize=16384)  # pure; a search compares one record with many
def _valid(nss: str | None, curp: str | None, correo: str | None, telefono: str | None
           ) -> Mapping[str, str | None]:
    return MappingProxyType({"nss": _nss(nss), "curp": _curp(curp), "correo": _mail(correo),
                             "telefono": _phone(telefono)})  # cached: read-only


def _identifiers(r: PetitionRecord) -> Mapping[str, str | None]:
    return _valid(r.nss, r.curp, r.correo, r.telefono)


def blocking_keys(r: PetitionRecord) -> frozenset[str]:
    """Keys under which a record is filed for the candidate search: its valid NSS, CURP,
    e-mail and phone, and pairs of its name's words (see `_names.name_block_keys`)."""
    keys = {f"{kind}:{value}" for kind, value in _identifiers(r).items() if value}
    return frozenset(keys | {f"nombre:{k}" for k in name_block_keys(r.nombre)})


def compare_identity(a: PetitionRecord, b: PetitionRecord) -> Identity:
    """Whether `a` and `b` were written by the same person.

    A different valid NSS or CURP means another person (homonyms are common). The same
    NSS with another name is a relative on the same affiliation: still linked, weaker.
    """
    ia, ib = _identifiers(a), _identifiers(b)
    for kind in ("nss", "curp"):
        if ia[kind] and ib[kind] and ia[kind] != ib[kind]:
            return NOBODY
    same = [k for k in ("nss", "curp", "correo", "telefono") if ia[k] and ia[k] == ib[k]]
    strengths = [_STRENGTH[k] for k in same]
    reasons = [_SAME_NAME[k] for k in same]
    similarity, words = name_match(a.nombre, b.nombre)
    both_named = len((a.nombre or "").split()) >= 2 and len((b.nombre or "").split()) >= 2
    if similarity >= (0.8 if words >= 3 else 0.85):
        strengths.append(0.85 if words >= 3 else 0.65)
        same.append("nombre")
        reasons.append("mismo nombre" if similarity >= 0.99 else "nombre parecido")
    elif similarity >= 0.7:
        strengths.append(0.6)
        same.append("nombre")
        reasons.append("nombre parecido")
    elif both_named and same:
        # Another name on the same number: a relative (same NSS) or a shared phone.
        return Identity(round(0.7 if "nss" in same or "curp" in same else 0.5, 4),
                        tuple(same), tuple(reasons[:1]) + ("otro nombre",))
    if not strengths:
        return NOBODY
    score = min(1.0, max(strengths) + 0.1 * (len(strengths) - 1))
    return Identity(round(score, 4), tuple(same), tuple(reasons))


_SPACES = re.compile(r"\s\s+")


@lru_cache(maxsize=4096)
def _ngrams(text: str) -> Mapping[str, float]:
    """Sublinear counts of the character 3-5-grams inside each word of the folded text,
    personal numbers masked (scikit-learn's char_wb analyzer, without its overhead: a search
    compares a few short texts, where fitting a vectorizer costs more than the cosine)."""
    counts: dict[str, int] = {}
    for word in _SPACES.sub(" ", normalize(text)).split():
        w = f" {word} "
        for n in (3, 4, 5):
            if len(w) <= n:
                counts[w] = counts.get(w, 0) + 1
                break
            for i in range(len(w) - n + 1):
                g = w[i:i + n]
                counts[g] = counts.get(g, 0) + 1
    return MappingProxyType({g: 1.0 + math.log(c) for g, c in counts.items()})  # cached


# Words of a letter's frame, not of its petition: a person's two letters share them.
_FRAME = frozenset("""a quien corresponda atentamente atte att saludos cordiales nss tel
    telefono cel celular correo email firma nombre numerolargo correoelectronico
    derechohabiente afiliacion""".split())


@lru_cache(maxsize=4096)
def petition_body(text: str, nombre: str | None = None) -> str:
    """The text as compared: folded, without the writer's own name, numbers, e-mails and
    the greeting and signature words, which two letters of one person always share."""
    own = set(name_tokens(nombre))
    words = []
    for word in re.findall(r"\w+", normalize(text or "")):
        if word in _FRAME or word.isdigit() or (own and name_tokens(word)[:1] and
                                                 name_tokens(word)[0] in own):
            continue
        words.append(word)
    return " ".join(words)


def text_similarities(text: str, others: Sequence[str]) -> list[float]:
    """TF-IDF cosine (character 3-5-grams of the folded text, personal numbers masked,
    sublinear counts, smoothed IDF over these texts) between `text` and each of `others`;
    0 where either is empty."""
    if not others:
        return []
    if not (text or "").strip():
        return [0.0] * len(others)
    grams = [_ngrams(t or "") for t in (text, *others)]
    n = len(grams)
    df: dict[str, int] = {}
    for g in grams:
        for k in g:
            df[k] = df.get(k, 0) + 1
    idf = {k: math.log((1 + n) / (1 + d)) + 1.0 for k, d in df.items()}

    def weighted(g: Mapping[str, float]) -> dict[str, float]:
        v = {k: tf * idf[k] for k, tf in g.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {k: x / norm for k, x in v.items()}

    mine = weighted(grams[0])
    out = []
    for g in grams[1:]:
        if not g:
            out.append(0.0)
            continue
        theirs = weighted(g)
        small, big = (mine, theirs) if len(mine) <= len(theirs) else (theirs, mine)
        out.append(round(sum(x * big.get(k, 0.0) for k, x in small.items()), 4))
    return out


def _same_value(a: str | None, b: str | None) -> bool:
    fa, fb = fold((a or "").strip()), fold((b or "").strip())
    return bool(fa) and fa == fb


def _when(new: dt.date, old: dt.date) -> str:
    days = (new - old).days
    if days == 0:
        return "el mismo día"
    return f"{days} día(s) antes" if days > 0 else f"{-days} día(s) después"


def _order(r: PetitionRecord) -> tuple[dt.date, str]:
    return r.received_on, str(r.id)


def links_for(new: PetitionRecord, candidates: Sequence[PetitionRecord],
              rules: DuplicateRules = DEFAULT_RULES) -> list[DuplicateLink]:
    """The links of `new` to the `candidates` it may repeat or follow up.

    Candidates are the earlier petitions found by `blocking_keys` (the caller's search);
    those outside the window, or not the same person, are ignored. Of several repeats the
    link goes to the first (the petition as first received); up to `rules.max_related`
    related petitions are linked too, most alike first.

    Returns:
        The repeat first (if any), then the related links.
    """
    window = dt.timedelta(days=rules.window_days)
    people: list[tuple[PetitionRecord, Identity]] = []
    for c in candidates:
        if c.id == new.id or abs(new.received_on - c.received_on) > window:
            continue
        who = compare_identity(new, c)
        if who.score >= rules.min_person:
            people.append((c, who))
    if not people:
        return []
    sims = text_similarities(petition_body(new.text, new.nombre),
                             [petition_body(c.text, c.nombre) for c, _who in people])
    repeats: list[tuple[PetitionRecord, DuplicateLink]] = []
    related: list[tuple[PetitionRecord, DuplicateLink]] = []
    for (c, who), sim in zip(people, sims, strict=True):
        same_service = _same_value(new.servicio, c.servicio)
        same_type = _same_value(new.tipo, c.tipo)
        agree = same_service or same_type
        weak = who.score < rules.min_related_person
        if weak:
            repeat = sim >= rules.repeat_similarity_weak_person
        else:
            repeat = sim >= rules.repeat_similarity or (
                agree and sim >= rules.repeat_similarity_same_service)
        if not repeat and weak:
            continue  # a weak match on the name alone, and another text: likely someone else
        parts = [*who.reasons, f"texto {sim:.2f} similar"]
        if same_service:
            parts.append("mismo servicio")
        if _same_value(new.unidad, c.unidad):
            parts.append("misma unidad")
        parts.append(_when(new.received_on, c.received_on))
        reason = ", ".join(parts) + "."
        if who.same == ("nombre",):
            # Policy 5.9 asks for the NSS and the name: a name alone may be a namesake.
            reason += NAME_ONLY
        score = round(min(1.0, 0.5 * who.score + 0.5 * sim + (0.05 if agree else 0.0)), 4)
        kind = REPETICION if repeat else RELACIONADA
        link = DuplicateLink(new.id, c.id, kind, score, sim, who.same,
                             reason[:1].upper() + reason[1:])
        (repeats if repeat else related).append((c, link))
    out = []
    if repeats:
        out.append(min(repeats, key=lambda cl: _order(cl[0]))[1])
    related.sort(key=lambda cl: (-cl[1].score, _order(cl[0])))
    out += [link for _c, link in related[:rules.max_related]]
    return out


def find_duplicates(records: Sequence[PetitionRecord],
                    rules: DuplicateRules = DEFAULT_RULES) -> list[DuplicateLink]:
    """Links of every record to the earlier ones (reception order), through the same
    blocking keys as the stored search; for a batch held in memory (tests, benchmarks)."""
    ordered = sorted(records, key=_order)
    filed: dict[str, list[PetitionRecord]] = {}
    links: list[DuplicateLink] = []
    for r in ordered:
        keys = blocking_keys(r)
        seen: dict[int, PetitionRecord] = {}
        for k in keys:
            for c in filed.get(k, ()):
                seen[id(c)] = c
        links += links_for(r, list(seen.values()), rules)
        for k in keys:
            filed.setdefault(k, []).append(r)
    log.info("duplicate check: %d records, %d links", len(records), len(links))
    return links
