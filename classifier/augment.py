"""Seeded OCR-style noise for training copies: confusions, lost accents, merged words."""

from __future__ import annotations

import random

# (seen, read as): confusions Tesseract makes on handwriting and poor scans.
CONFUSIONS = (
    ("rn", "m"), ("m", "rn"), ("l", "1"), ("1", "l"), ("o", "0"), ("0", "o"), ("e", "c"),
    ("c", "e"), ("i", "l"), ("l", "i"), ("S", "5"), ("B", "8"), ("cl", "d"), ("h", "b"),
    ("u", "v"), ("n", "ri"), ("a", "o"), ("g", "q"), ("t", "f"), ("I", "l"),
)
_ACCENTS = str.maketrans("áéíóúÁÉÍÓÚñÑü", "aeiouAEIOUnNu")


def _confuse(word: str, rng: random.Random) -> str:
    options = [(a, b) for a, b in CONFUSIONS if a in word]
    if not options:
        return word
    a, b = rng.choice(options)
    starts = [i for i in range(len(word)) if word.startswith(a, i)]
    i = rng.choice(starts)
    return word[:i] + b + word[i + len(a):]


def noisy(text: str, rng: random.Random, strength: float = 0.06) -> str:
    """An OCR-damaged copy of `text`; `strength` is roughly the share of damaged words."""
    if rng.random() < 0.5:
        text = text.translate(_ACCENTS)
    lines = text.split("\n")
    if len(lines) > 2 and rng.random() < 0.3:
        # A lost line, but never the longest one: that is the petition itself.
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        del lines[rng.choice([i for i in range(len(lines)) if i != longest])]
    out_lines = []
    for line in lines:
        words = line.split(" ")
        out: list[str] = []
        for word in words:
            r = rng.random()
            if r < strength:
                word = _confuse(word, rng)
            elif r < strength * 1.4 and out:
                out[-1] += word  # merged words
                continue
            elif r < strength * 1.8 and len(word) > 5:
                cut = rng.randrange(2, len(word) - 2)
                word = word[:cut] + " " + word[cut:]
            elif r < strength * 2.0:
                word = word.translate(_ACCENTS).lower()
            out.append(word)
        out_lines.append(" ".join(out))
    return "\n".join(out_lines)
