"""A handwritten letter's last lines read again by the second recognizer: where it is signed.

Tesseract reads handwriting's signature lines with slips that hide the name ("RosarlO
Torres Navarro", "Sum Carlos Fuentes Castro"), and the reviewer then types it. RapidOCR
reads some of those lines right; the classifier keeps the reading of the closing in
which more words are known names (`classifier.extract`). Only lines Tesseract was unsure
of are read again: a typed letter's are read well and cost nothing more.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from ocr.identifiers import region_crop, second_read, text_lines, words_box

if TYPE_CHECKING:
    from ocr.engine import SymbolEngine
    from ocr.types import Word

log = logging.getLogger(__name__)

CLOSING_LINES = 6  # the signature, with the contact lines people write under it
# Only lines this short are read again (a name, a sign-off); the others are sentences,
# given as Tesseract read them: the recognizer's time goes where a signature can be.
SIGNATURE_MAX_WORDS = 5
# Mean word confidence of those lines under which they are read again: typed pages read
# 96-97 on the sample box, handwriting-style ones 50-94 (a neat hand's slips are read
# surely: "RosarlO Torres Navarro" at 94).
UNSURE_BELOW = 95.0


def _last_lines(words: list[Word], count: int) -> list[list[Word]]:
    """The page's last `count` text lines by their place on the page, top to bottom."""
    return sorted(text_lines(words), key=lambda ws: min(w.box[1] for w in ws))[-count:]


def read_closing(image: np.ndarray, words: list[Word], second: SymbolEngine) -> list[str]:
    """The page's closing lines, the short ones as the second recognizer reads them, or []
    when Tesseract read them surely (or there are none)."""
    rows = _last_lines(words, CLOSING_LINES)
    confidences = [w.confidence for row in rows for w in row]
    if not confidences or float(np.mean(confidences)) >= UNSURE_BELOW:
        return []
    out: list[str] = []
    for row in rows:
        if len(row) > SIGNATURE_MAX_WORDS:
            out.append(" ".join(w.text for w in row))
            continue
        crop, dx, dy = region_crop(image, words_box(row))
        out.append("".join(s.text for s in second_read(crop, dx, dy, None, second)).strip())
    log.debug("closing lines read again: %d", len(out))
    return out
