"""Training on the whole bundled corpus stays fast and beats chance by far."""

from __future__ import annotations

import time

import pytest

from classifier import model as model_mod
from classifier.model import train_from_corpus
from classifier.training import corpus_samples


def test_full_corpus_training_is_fast_and_useful() -> None:
    started = time.monotonic()
    bundle = train_from_corpus()
    elapsed = time.monotonic() - started
    assert elapsed < 45, elapsed
    assert bundle.metrics["accuracy"] > 0.6
    assert bundle.metrics["macro_f1"] > 0.6


def test_extra_samples_are_added_and_split_is_stable(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_train(samples, *, seed=0, test_samples=(), groups=None,  # type: ignore[no-untyped-def]
                   urgent=None):
        seen["samples"], seen["test"] = list(samples), list(test_samples)
        seen["groups"], seen["urgent"] = list(groups), list(urgent)
        return "bundle"

    monkeypatch.setattr(model_mod, "train", fake_train)
    extra = [("Texto adicional corregido por la TAOD", "sugerencia")]
    assert train_from_corpus(extra) == "bundle"
    assert seen["samples"][-1] == extra[0]
    train_a, test_a = corpus_samples(seed=0)
    assert seen["samples"][:-1] == train_a and seen["test"] == test_a
    # Copies of one corpus item share a calibration group; an extra is its own group.
    groups = seen["groups"]
    assert len(groups) == len(seen["samples"]) and groups[-1] == extra[0][0]
    assert groups[0] == groups[1] != groups[2]
    # Urgency is learned from the corpus's flags only; a reviewed extra's is unknown.
    assert len(seen["urgent"]) == len(groups) and seen["urgent"][-1] is None
    assert any(seen["urgent"]) and set(seen["urgent"][:-1]) == {True, False}
