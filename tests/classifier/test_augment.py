"""OCR-noise augmentation is seeded and damages text only a little."""

from __future__ import annotations

import random

from classifier.augment import noisy
from classifier.text import fold

TEXT = ("Solicito que me reprogramen la cita de cardiología porque coincide con mi cirugía.\n"
        "Atentamente\nMaría Guadalupe Hernández Muñoz\nTel. 55 1234 5678")


def test_seeded() -> None:
    assert noisy(TEXT, random.Random(4)) == noisy(TEXT, random.Random(4))


def test_damage_is_bounded_and_real() -> None:
    outputs = [noisy(TEXT, random.Random(seed), strength=0.1) for seed in range(30)]
    assert sum(out != TEXT for out in outputs) >= 25
    for out in outputs:
        kept = set(fold(TEXT).split()) & set(fold(out).split())
        assert len(kept) >= len(set(TEXT.split())) // 3
