"""Shared fixtures: one small model trained once per test session."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from classifier.corpus import load_corpus, split
from classifier.model import Bundle, Classifier
from classifier.profile import load_profile
from classifier.training import item_samples, train

IMSS = load_profile("imss")


@pytest.fixture(scope="session")
def small_bundle() -> Bundle:
    """Trained on at most 30 train-split items per type (fast, still well separated)."""
    train_items, test_items = split(load_corpus())
    per_type: dict[str, list] = defaultdict(list)
    for item in train_items:
        if len(per_type[item.type]) < 30:
            per_type[item.type].append(item)
    chosen = [i for items in per_type.values() for i in items]
    samples = item_samples(chosen, random.Random(0), IMSS)
    held_out = item_samples(test_items, random.Random(1), IMSS, copies=1, noise=False,
                            hints=False)
    return train(samples, IMSS, test_samples=held_out)


@pytest.fixture(scope="session")
def small_model(small_bundle: Bundle) -> Classifier:
    return Classifier(small_bundle)
