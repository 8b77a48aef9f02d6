"""The one place the sample touches the classifier: corpus test texts, identities, routes."""

from __future__ import annotations

import random

from classifier import corpus
from classifier.corpus import CorpusItem as Item
from classifier.extract import name_case
from classifier.identity import Identity, make_identity
from classifier.profile import load_profile
from classifier.route import route_for as _route_for
from classifier.types import FIELD_NAMES

__all__ = ["FIELD_NAMES", "Item", "fill", "name_case", "new_identity", "route_for", "test_items"]

# How much personal data people leave in free texts (corpus.fill drops the rest).
CONTACT_LEVELS = (("completo", 0.5), ("parcial", 0.25), ("ausente", 0.25))


def test_items() -> list[Item]:
    """The corpus's held-out test split: the classifier never trains on these texts."""
    _train, test = corpus.split(corpus.load_corpus())
    return test


def new_identity(rng: random.Random) -> Identity:
    return make_identity(rng)


def fill(item: Item, ident: Identity, rng: random.Random) -> tuple[str, dict[str, str | None]]:
    """The item's text with personal data written in, and the fields it now contains."""
    levels, weights = zip(*CONTACT_LEVELS, strict=True)
    filled = corpus.fill(item, ident, rng, rng.choices(levels, weights)[0])
    return filled.text, dict(filled.fields)


# The corpus is written in the IMSS procedure's types, so the sample box is an IMSS one.
PROFILE = "imss"


def route_for(type_: str, fields: dict[str, str | None]) -> str:
    """The route the classifier layer gives this type with these fields."""
    return _route_for(type_, fields, load_profile(PROFILE))[0]
