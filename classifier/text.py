"""Text folding shared by extraction, urgency and features (same length, so spans hold)."""

from __future__ import annotations

import unicodedata


def fold_char(c: str) -> str:
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def fold(text: str) -> str:
    """Lower-case, accents stripped, one output char per input char (ñ -> n)."""
    return "".join(fold_char(c) for c in text)


# Letters OCR reads for digits inside a number ("9291 9O84 43l").
DIGIT_LOOKALIKES = str.maketrans("OoQDlI|iSsBZzg", "00001111558229")
