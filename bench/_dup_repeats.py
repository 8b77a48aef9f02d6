"""The writer of the repeats for bench.duplicates: how a person writes their name and number
again, how a scan garbles them, and the reworded petitions (bench/data/).

Apart from the history generator (bench/_dup_history.py) on purpose: its own rules for name
variants and OCR slips, and texts written by hand, so the benchmark does not measure the
product against the same hand that made its data. Shares no rule with classifier/.
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

REWORDINGS = Path(__file__).resolve().parent / "data" / "duplicate_rewordings.jsonl"

# How people shorten names when they write them by hand.
SHORT_FORMS = {"María": ("Ma.", "Ma", "M."), "José": ("J.", "Jose"), "Guadalupe": ("Gpe.",),
               "Francisco": ("Fco.",), "Jesús": ("Jesus",), "Juan": ("J.",)}
# What a scanner and Tesseract confuse in handwriting and faint print (seen, not derived).
SLIPS = (("e", "c"), ("a", "o"), ("n", "m"), ("m", "rn"), ("l", "1"), ("i", "l"),
         ("o", "0"), ("u", "v"), ("h", "b"), ("c", "e"), ("r", "n"), ("z", "s"), ("s", "5"))


@dataclass(frozen=True)
class Scenario:
    id: str
    dev: bool
    tipo: str
    servicio: str
    original: str
    repeats: tuple[str, ...]
    related: str


def scenarios() -> list[Scenario]:
    out = []
    for line in REWORDINGS.read_text("utf-8").splitlines():
        if line.strip():
            o = json.loads(line)
            out.append(Scenario(o["id"], bool(o["dev"]), o["tipo"], o["servicio"],
                                o["original"], tuple(o["repeats"]), o["related"]))
    return out


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


def slip(word: str, rng: random.Random) -> str:
    """One OCR confusion somewhere in the word (or the word unchanged if none applies)."""
    spots = [(i, a, b) for a, b in SLIPS for i in range(len(word))
             if word[i:i + len(a)].lower() == a]
    if not spots:
        return word
    i, a, b = rng.choice(spots)
    return word[:i] + b + word[i + len(a):]


def name_variant(given: str, paterno: str, materno: str | None, rng: random.Random) -> str:
    """The name as this person (or the scan) writes it this time."""
    words_given = given.split()
    roll = rng.random()
    if roll < 0.25 and words_given[0] in SHORT_FORMS and len(words_given) > 1:
        words_given[0] = rng.choice(SHORT_FORMS[words_given[0]])
    elif roll < 0.40 and len(words_given) > 1 and words_given[1] not in ("de", "del"):
        words_given = words_given[:1]  # the second given name left out
    surnames = [paterno] + ([materno] if materno else [])
    if materno and rng.random() < 0.2:
        surnames = [paterno]  # one surname only
    parts = [" ".join(words_given), *surnames]
    if rng.random() < 0.3:
        parts = parts[1:] + parts[:1]  # surnames first, as on forms
    name = " ".join(parts)
    style = rng.random()
    if style < 0.3:
        name = name.upper()
    elif style < 0.5:
        name = _plain(name)
    elif style < 0.6:
        name = name.lower()
    if rng.random() < 0.3:
        words = name.split()
        k = rng.randrange(len(words))
        if len(words[k]) > 3:
            words[k] = slip(words[k], rng)
        name = " ".join(words)
    return name


def nss_as_read(nss: str, rng: random.Random, present: float = 0.55,
                misread: float = 0.08) -> str | None:
    """The NSS on the new letter: often left out, sometimes one digit misread."""
    if rng.random() >= present:
        return None
    if rng.random() < misread:
        i = rng.randrange(11)
        nss = nss[:i] + str((int(nss[i]) + rng.randint(1, 9)) % 10) + nss[i + 1:]
    return nss


def ocr_noise(text: str, rng: random.Random, rate: float = 0.02) -> str:
    """Scanner noise: a few letters confused, dropped or doubled, words run together."""
    out = []
    for word in text.split(" "):
        r = rng.random()
        if r < rate * 3:
            word = slip(word, rng)
        elif r < rate * 4 and len(word) > 3:
            i = rng.randrange(len(word))
            word = word[:i] + word[i + 1:]
        elif r < rate * 5 and len(word) > 3:
            i = rng.randrange(len(word))
            word = word[:i] + word[i] + word[i:]
        out.append(word)
        if rng.random() < rate:
            out[-1] += "\u0000"  # joined to the next word
    return " ".join(out).replace("\u0000 ", "")
