"""Training on the whole bundled corpus beats chance by far (its time is bench.classifier's)."""

from __future__ import annotations

import pytest

from classifier import training as training_mod
from classifier.corpus import load_corpus, split
from classifier.profile import load_profile
from classifier.training import corpus_samples, train_from_corpus

IMSS = load_profile("imss")


def test_full_corpus_training_is_useful() -> None:
    bundle = train_from_corpus(IMSS)
    assert bundle.urgency is not None and 0.2 <= bundle.urgency_threshold <= 0.8
    assert bundle.metrics["accuracy"] > 0.6
    assert bundle.metrics["macro_f1"] > 0.6


def test_extra_samples_are_added_and_split_is_stable(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_train(samples, profile, *, seed=0, test_samples=(),  # type: ignore[no-untyped-def]
                   groups=None, urgent=None):
        seen["samples"], seen["test"] = list(samples), list(test_samples)
        seen["groups"], seen["urgent"] = list(groups), list(urgent)
        return "bundle"

    monkeypatch.setattr(training_mod, "train", fake_train)
    extra = [("Texto adicional corregido por la TAOD", "sugerencia")]
    assert train_from_corpus(IMSS, extra) == "bundle"
    assert seen["samples"][-1] == extra[0]
    train_a, test_a = corpus_samples(IMSS, seed=0)
    assert seen["samples"][:-1] == train_a and seen["test"] == test_a
    # Copies of one corpus item share a calibration group; an extra is its own group.
    groups = seen["groups"]
    assert len(groups) == len(seen["samples"]) and groups[-1] == extra[0][0]
    # Copies of one item, and items of one writer, share a group (writer-held-out folds).
    sources = [i.source for i in split(load_corpus())[0] for _ in range(2)]
    assert groups[:-1] == sources and groups[0] == groups[1] and len(set(sources)) > 5
    # Urgency is learned from the corpus's flags only; a reviewed extra's is unknown.
    assert len(seen["urgent"]) == len(groups) and seen["urgent"][-1] is None
    assert any(seen["urgent"]) and set(seen["urgent"][:-1]) == {True, False}
