"""Given names and surnames people write, to spell a name the OCR read with a slip or two.

Handwriting comes back as "Kodolfo Galván Kamos" or "Patricia Padilla Caruía", and the
reviewer then retypes the whole name (issue 13). A word the lexicon knows only without its
accent is given the accent ("Avila" -> "Ávila"); a word it does not know is replaced by
the one known word within one slip if it has five letters or more (two slips from eight
letters, keeping the first letter), and left as written when there is none or more than
one: a rare real name stays as the person wrote it. A word the lexicon knows as written
is never changed, except in the reading of a recognizer that drops accents, where each
known word takes its commonest form.

The lexicon is Faker's lists of Mexican, Colombian and Spanish names (2,500 words drawn
from civil registers) and the Mexican names of `classifier.identity` that Faker lacks.
Faker alone holds 262 of the 267 words our sample boxes draw names from, so the figures
on names of `bench.accuracy` are those of a box whose names are all in the lexicon.
"""

from __future__ import annotations

from functools import lru_cache

from faker.providers.person.es_CO import Provider as Colombia
from faker.providers.person.es_ES import Provider as Spain
from faker.providers.person.es_MX import Provider as Mexico
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from classifier.identity import FEMALE_NAMES, MALE_NAMES, NAME_PARTICLES, SURNAMES
from classifier.text import fold

_SOURCES = (Mexico, Colombia, Spain)
_LISTS = ("first_names_male", "first_names_female", "last_names")
# Mexican names Faker lacks ("Gael", "Xóchitl", "Xolalpa"): without them a correct "Gael"
# is one slip from Faker's "Rael" and would be "spelled" into it.
_OURS = (*MALE_NAMES, *FEMALE_NAMES, *SURNAMES)
# Letters an unknown word needs to be spelled within one slip, and within two: shorter
# words are as often a real name one slip from another ("Pool" / "Pol", "Refugio" /
# "Remigio") as an OCR slip.
_ONE_SLIP, _TWO_SLIPS = 5, 8
_MIN_LETTERS = 3  # "Co", "Ma": too short to say which name they were
Choices = list[list[tuple[str, float]]]  # per character, (character, probability) best first


@lru_cache(maxsize=1)
def lexicon() -> dict[str, tuple[str, ...]]:
    """Folded word -> its written forms, the commonest first: in the most lists, then
    alphabetically ("garcia" -> ("García", "Garcia"))."""
    lists_holding: dict[str, dict[str, int]] = {}
    # Faker's lists are tuples, or OrderedDicts of frequencies (iterating gives the names).
    lists = [getattr(source, attr) for source in _SOURCES for attr in _LISTS]
    for names in (*lists, _OURS):
        seen = {word for name in names for word in name.split()
                if word.isalpha() and fold(word) not in NAME_PARTICLES}
        for word in seen:
            counts = lists_holding.setdefault(fold(word), {})
            counts[word] = counts.get(word, 0) + 1
    return {key: tuple(sorted(counts, key=lambda w: (-counts[w], w)))
            for key, counts in lists_holding.items()}


def known_name_words() -> frozenset[str]:
    """The lexicon's words, folded: what says a capitalised word is someone's name."""
    return frozenset(lexicon())


def spell_name(name: str, *, commonest: bool = False) -> str:
    """`name` with each word the lexicon can vouch for in its written form; a word written
    in lower case stays in lower case (the case is `name_case`'s business). With
    `commonest` (a reader that drops accents: RapidOCR's "Calderon Nuñez") every known
    word takes its commonest form ("Calderón Núñez")."""
    return " ".join(spelled.lower() if word.islower() else spelled
                    for word in name.split() for spelled in (_spell(word, commonest),))


def name_words(name: str) -> float:
    """How much of `name` reads as someone's name: 1 for each word the lexicon knows that
    is written with a capital, 0.5 for one in lower case ("larrea" is more likely a
    "Torres" whose "T" was read as "l" than a name written so)."""
    words = lexicon()
    return sum(1.0 if word[:1].isupper() else 0.5 for word in name.split()
               if fold(word) in words)


def name_score(name: str) -> tuple[float, int]:
    """`name_words`, then the fewer words it does not know: of two readings of one name as
    many of whose words are names, the one with no stray piece ("Sebastián Moreno León"
    over "Sabas tián Moreno León")."""
    words = lexicon()
    return name_words(name), -sum(fold(word) not in words for word in name.split())


def _spell(word: str, commonest: bool = False) -> str:
    key = fold(word)
    if not key.isalpha() or key in NAME_PARTICLES or len(key) < _MIN_LETTERS:
        return word
    words = lexicon()
    forms = words.get(key)
    if forms is None:
        if len(key) < _ONE_SLIP:
            return word
        limit = 2 if len(key) >= _TWO_SLIPS else 1
        close = process.extract(key, words.keys(), scorer=Levenshtein.distance,
                                score_cutoff=limit, limit=2)
        if not close or (len(close) > 1 and close[1][1] == close[0][1]):
            return word  # unknown, or two names as close: the reviewer decides
        match, slips = close[0][0], close[0][1]
        if slips > 1 and match[0] != key[0]:
            return word  # "Xolalpa" is not "Olalla": two slips keep the first letter
        forms = words[match]
    if commonest:
        return forms[0]
    if word in forms:
        return word
    return _closest_form(word, forms)


def _closest_form(word: str, forms: tuple[str, ...]) -> str:
    """The written form nearest `word`, then the one that keeps its accents ("Hermáandez"
    -> "Hernández", not "Hernandez"); `word` itself when two are as near."""
    if len(forms) == 1:
        return forms[0]
    accents = {c for c in word.lower() if c != fold(c)}
    ranked = sorted(((Levenshtein.distance(word.lower(), f.lower()),
                      -len(accents & set(f.lower()))), f) for f in forms)
    return ranked[0][1] if ranked[0][0] < ranked[1][0] else word


def one_letter_from_a_name(word: str) -> bool:
    """Whether `word` is no name the lexicon knows but one letter away from one ("vlises",
    "rviz"): in many hands "u" and "v", "n" and "r" are one glyph. An initial before a
    known name ("iavila", "jpacheco": how addresses are made) is no slip."""
    key = fold(word)
    words = lexicon()
    if key in words or len(key) < _MIN_LETTERS + 1 or key[1:] in words:
        return False
    close = process.extract(key, words.keys(), scorer=Levenshtein.distance, score_cutoff=1,
                            limit=8)
    return any(len(match) == len(key) for match, _d, _i in close)


def name_by_one_choice(word: str, choices: Choices) -> str | None:
    """The one known name that `word` becomes when one of its letters is replaced by an
    alternative its reader gave for it (`choices[i]`: (letter, probability), the reader's
    first choice first): "rviz" with "u" second at its "v" is "ruiz". None when no
    alternative, or more than one, makes a name."""
    words = lexicon()
    found = {word[:i] + c.lower() + word[i + 1:]
             for i, alts in enumerate(choices[:len(word)]) for c, _p in alts[1:]
             if c.isalpha() and fold(word[:i] + c.lower() + word[i + 1:]) in words}
    return found.pop() if len(found) == 1 else None


def spelled_by_choices(choices: Choices) -> str:
    """The reading, each word no name that one alternative of its reader makes one known
    name spelled so ("Savier" with "J" second at its "S": "Javier"; "PADLA": "PAOLA");
    in the word's case."""
    words: list[tuple[str, Choices]] = [("", [])]
    for alts in choices:
        ch = alts[0][0] if alts else ""
        if ch.isspace() or not ch:
            words.append(("", []))
        else:
            text, own = words[-1]
            words[-1] = (text + ch, [*own, alts])
    out = []
    for word, own in words:
        if not word:
            continue
        if fold(word) not in lexicon() and len(word) > _MIN_LETTERS:
            name = name_by_one_choice(word, own)
            if name is not None:
                word = name.upper() if word.isupper() else name
        out.append(word)
    return " ".join(out)
