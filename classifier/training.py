"""Training samples from the bundled corpus: filled identities, OCR noise, checkbox hints."""

from __future__ import annotations

import random
from collections.abc import Sequence

from classifier.augment import noisy
from classifier.corpus import ContactLevel, CorpusItem, fill, load_corpus, make_identity, split
from classifier.model import with_hint
from classifier.profile import Profile, load_profile

_LEVELS: tuple[ContactLevel, ...] = ("completo", "parcial", "ausente")
COPIES = 2  # training copies per corpus item (different people, every other one noisy)


def checkbox_for(label: str, profile: Profile) -> list[str]:
    """Checkboxes on the volante that allow `label` (queja -> queja_servicio, ...)."""
    return [box for box, allowed in profile.hints.items() if label in allowed]


def item_samples(
    items: Sequence[CorpusItem], rng: random.Random, *, copies: int = COPIES,
    noise: bool = True, hints: bool = True, profile: Profile | None = None,
) -> list[tuple[str, str]]:
    """(text, label) per item: `copies` fills, every other one OCR-damaged, some hinted."""
    profile = profile or load_profile("imss")
    boxes = list(profile.hints)
    out: list[tuple[str, str]] = []
    for item in items:
        for copy in range(copies):
            text = fill(item, make_identity(rng), rng, rng.choice(_LEVELS)).text
            if noise and copy % 2 == 1:
                text = noisy(text, rng, strength=rng.uniform(0.03, 0.12))
            if hints:
                r = rng.random()
                own = checkbox_for(item.type, profile)
                if own and r < 0.3:
                    text = with_hint(text, rng.choice(own))
                elif r > 0.96:
                    text = with_hint(text, rng.choice(boxes))
            out.append((text, item.type))
    return out


def corpus_groups(seed: int = 0, items: Sequence[CorpusItem] | None = None) -> list[str]:
    """The calibration group of each training sample of `corpus_samples` (same order): its
    writer (the corpus file it came from), else its item id.

    Calibrating on folds that keep a writer together teaches the model how sure it may be
    on writing it never saw (held out e5 and e6: ECE 0.056 -> 0.035, on texts of <= 15
    words 0.125 -> 0.044); folds by item taught it the confidence it has on its own writers.
    """
    train_items, _test = split(load_corpus() if items is None else items)
    return [item.source or item.id for item in train_items for _ in range(COPIES)]


def corpus_urgent(items: Sequence[CorpusItem] | None = None) -> list[bool]:
    """The urgent flag behind each training sample of `corpus_samples` (same order)."""
    train_items, _test = split(load_corpus() if items is None else items)
    return [item.urgent for item in train_items for _ in range(COPIES)]


def corpus_samples(
    seed: int = 0, items: Sequence[CorpusItem] | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(train, test) samples from the corpus's fixed split; test texts are clean, unhinted."""
    train_items, test_items = split(load_corpus() if items is None else items)
    rng = random.Random(seed)
    train = item_samples(train_items, rng)
    test = item_samples(test_items, random.Random(seed + 1), copies=1, noise=False, hints=False)
    return train, test
