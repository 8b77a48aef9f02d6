"""A handwritten letter's closing lines are read again by the second recognizer."""

from __future__ import annotations

import numpy as np

from ocr.closing import CLOSING_LINES, read_closing
from ocr.types import Symbol, Word


class _Second:
    """Reads every crop as the next of `texts`, noting the crops' sizes."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = list(texts)
        self.shapes: list[tuple[int, ...]] = []

    def image_to_symbols(self, image, *, psm, whitelist=None):  # noqa: ANN001
        self.shapes.append(image.shape)
        text = self.texts.pop(0)
        return [Symbol(ch, 99.0, (i, 0, i + 1, 10), [(ch, 0.99)]) for i, ch in enumerate(text)]


def _page(lines: list[str], confidence: float) -> list[Word]:
    """Words of `lines`, one line every 60 px, their line numbers (unique on the page)
    not in the order of the lines' places: the closing is found by place."""
    words = []
    for i, line in enumerate(lines):
        x = 100
        for text in line.split():
            words.append(Word(text, confidence, (x, 100 + 60 * i, x + 20 * len(text),
                                                 140 + 60 * i), (7 * i) % 9, i // 5))
            x += 20 * len(text) + 15
    return words


def test_the_last_lines_tesseract_was_unsure_of_are_read_again_in_order() -> None:
    """GIVEN a handwritten page of 9 lines read unsurely, the third from last a long
    sentence WHEN its closing is read THEN the last CLOSING_LINES lines come back top to
    bottom, the short ones read by the second recognizer (each as one crop, RGB), the
    sentence as Tesseract read it."""
    lines = [f"renglon {i} del texto" for i in range(9)]
    lines[-3] = "y les pido de favor que me atiendan pronto en la unidad"
    short = CLOSING_LINES - 1
    second = _Second([f"leido {i}" for i in range(short)])
    image = np.full((800, 900), 255, np.uint8)
    out = read_closing(image, _page(lines, 45.0), second)
    want = [f"leido {i}" for i in range(short)]
    want.insert(CLOSING_LINES - 3, lines[-3])
    assert out == want
    assert len(second.shapes) == short and all(len(s) == 3 and s[2] == 3
                                                for s in second.shapes)


def test_a_closing_tesseract_read_surely_is_not_read_again() -> None:
    second = _Second([])
    image = np.full((800, 900), 255, np.uint8)
    assert read_closing(image, _page(["Atentamente", "Ana Ruiz Paz"], 97.0), second) == []
    assert read_closing(image, [], second) == [] and second.shapes == []
