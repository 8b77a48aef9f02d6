"""Deciding a day's box before drawing it: which documents, which texts, which files."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from synthbox._source import Item
from synthbox.letter import plain_paragraph

PETITION_TYPES = ("queja_servicio", "queja_administrativa", "sugerencia", "reconocimiento",
                  "gestion", "orientacion")
# The box's own mix is far richer in complaints and praise than all channels (DOMAIN.md).
TYPE_WEIGHTS = (0.26, 0.12, 0.16, 0.16, 0.16, 0.14)
STYLE_SHARES = {"volante": 0.30, "typed": 0.25, "otro": 0.135}  # the rest is handwritten
OTHER_STYLES = (("blank", 0.25), ("advert", 0.25), ("doodle", 0.2), ("note", 0.3))
LETTER_NO_PETITION = 0.04  # letters whose text is not a petition
# Corpus texts are short; a long letter airs several matters of one kind, one per paragraph.
# Written by hand, most run over to a second or third page (about one letter in three).
LONG_LETTER = 0.45


@dataclass
class DocPlan:
    index: int
    style: str  # volante, typed, hand, blank, advert, doodle, note
    item: Item | None  # the corpus text; None for blank/advert/doodle
    more: list[Item] = field(default_factory=list)  # further paragraphs of a long letter


@dataclass
class FilePlan:
    index: int
    docs: list[DocPlan]
    batch_format: str | None  # "pdf"/"tiff" for scanner batches, "digital" for text PDFs
    dpi: int
    gray: bool
    seed: str = field(default="")


def _styles(count: int, rng: random.Random) -> list[str]:
    n = {k: round(v * count + rng.uniform(-0.6, 0.6)) for k, v in STYLE_SHARES.items()}
    if count >= 5:
        n = {k: max(1, v) for k, v in n.items()}
    styles = [k for k, v in n.items() for _ in range(v)][:count]
    styles += ["hand"] * (count - len(styles))
    rng.shuffle(styles)
    names = [name for name, _ in OTHER_STYLES]
    weights = [weight for _, weight in OTHER_STYLES]
    return [rng.choices(names, weights)[0] if s == "otro" else s for s in styles]


class _Texts:
    """Hands out corpus texts per type, cycling through a shuffled list when exhausted."""

    def __init__(self, items: list[Item], rng: random.Random) -> None:
        self.rng = rng
        self.by_type: dict[str, list[Item]] = {}
        for it in items:
            self.by_type.setdefault(it.type, []).append(it)
        for lst in self.by_type.values():
            rng.shuffle(lst)
        self.pos: dict[str, int] = {}

    def has(self, type_: str) -> bool:
        return bool(self.by_type.get(type_))

    def next(self, type_: str) -> Item:
        lst = self.by_type[type_]
        i = self.pos.get(type_, 0)
        self.pos[type_] = i + 1
        if i and i % len(lst) == 0:
            self.rng.shuffle(lst)
        return lst[i % len(lst)]

    def companions(self, item: Item, n: int) -> list[Item]:
        """Up to `n` other texts of the same type that fit in one letter with `item`."""
        pool = [it for it in self.by_type.get(item.type, []) if it.id != item.id
                and it.servicio in (None, item.servicio) and it.unidad in (None, item.unidad)
                and it.urgent == item.urgent and len(it.text) > 60 and plain_paragraph(it.text)]
        return self.rng.sample(pool, min(n, len(pool)))

    def urgent(self) -> Item | None:
        pool = [it for lst in self.by_type.values() for it in lst if it.urgent]
        return self.rng.choice(pool) if pool else None


def plan_docs(items: list[Item], count: int, rng: random.Random) -> list[DocPlan]:
    """Choose style and text for every document, every petition type showing up early."""
    texts = _Texts(items, rng)
    available = [t for t in PETITION_TYPES if texts.has(t)]
    first = list(available)
    rng.shuffle(first)
    docs: list[DocPlan] = []
    for i, style in enumerate(_styles(count, rng)):
        item: Item | None = None
        if style == "note" and texts.has("no_peticion"):
            item = texts.next("no_peticion")
        elif style == "note":
            style = "doodle"
        elif style in ("volante", "typed", "hand"):
            if style != "volante" and texts.has("no_peticion") and \
                    rng.random() < LETTER_NO_PETITION:
                item = texts.next("no_peticion")
            elif first:
                item = texts.next(first.pop())
            else:
                weights = [TYPE_WEIGHTS[PETITION_TYPES.index(t)] for t in available]
                item = texts.next(rng.choices(available, weights)[0])
        more = []
        if style in ("typed", "hand") and item and item.type != "no_peticion" and \
                rng.random() < LONG_LETTER:
            more = texts.companions(item, rng.randint(2, 4))
        docs.append(DocPlan(i, style, item, more))
    petitions = [d for d in docs if d.item and d.item.type != "no_peticion"]
    if count >= 15 and petitions and not any(d.item and d.item.urgent for d in petitions):
        urgent = texts.urgent()
        if urgent is not None:
            # never replace the only text of its type, so every type stays present
            counts = {t: sum(1 for d in petitions if d.item and d.item.type == t)
                      for t in PETITION_TYPES}
            spare = [d for d in petitions if d.item and counts[d.item.type] > 1]
            if spare:
                rng.choice(spare).item = urgent
    return docs


def plan_files(docs: list[DocPlan], rng: random.Random, seed: int) -> list[FilePlan]:
    """Group documents into files: mostly one per file, some scanner batches, a digital PDF."""
    files: list[FilePlan] = []
    digital_left = 1 if len(docs) < 40 else 2
    i = 0
    while i < len(docs):
        doc = docs[i]
        dpi = rng.choice((150, 200, 200, 200))
        gray = rng.random() < 0.5
        batch = None
        group = [doc]
        if doc.style == "typed" and digital_left and rng.random() < 0.2:
            batch = "digital"
            digital_left -= 1
        elif rng.random() < 0.15 and i + 1 < len(docs):
            size = rng.randint(2, 4)
            group = docs[i:i + size]
            batch = "pdf" if rng.random() < 0.65 else "tiff"
        files.append(FilePlan(len(files), group, batch, dpi, gray, f"{seed}:file:{len(files)}"))
        i += len(group)
    if digital_left == (1 if len(docs) < 40 else 2):
        # no typed letter went digital by chance: make the first single typed letter one
        for f in files:
            if f.batch_format is None and f.docs[0].style == "typed":
                f.batch_format = "digital"
                break
    return files
