"""The one place the sample touches the classifier: corpus test texts and identities.

Routes are not taken from it: the sample's truth has its own table (synthbox.routes).
"""

from __future__ import annotations

import random

from classifier import corpus
from classifier.corpus import ContactLevel
from classifier.corpus import CorpusItem as Item
from classifier.extract import name_case
from classifier.identity import Identity, make_identity
from classifier.types import FIELD_NAMES

__all__ = ["FIELD_NAMES", "Item", "fill", "name_case", "new_identity", "test_items"]

# How much personal data people leave in free texts (corpus.fill drops the rest).
CONTACT_LEVELS: tuple[tuple[ContactLevel, float], ...] = (
    ("completo", 0.5), ("parcial", 0.25), ("ausente", 0.25))


def test_items() -> list[Item]:
    """The corpus's held-out test split: the classifier never trains on these texts."""
    _train, test = corpus.split(corpus.load_corpus())
    return test


def new_identity(rng: random.Random) -> Identity:
    return make_identity(rng)


def fill(item: Item, ident: Identity, rng: random.Random) -> tuple[str, dict[str, str | None]]:
    """The item's text with personal data written in, and the fields it now contains."""
    levels = [level for level, _ in CONTACT_LEVELS]
    level = rng.choices(levels, [weight for _, weight in CONTACT_LEVELS])[0]
    filled = corpus.fill(item, ident, rng, level)
    return filled.text, dict(filled.fields)

