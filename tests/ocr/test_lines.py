"""Lines of ink the page read left out are found and read again, in reading order."""

from __future__ import annotations

import numpy as np
from ocr_testing import text_page
from PIL import ImageDraw

from ocr.lines import ink_lines, missed_lines, with_missed_lines
from ocr.types import Symbol, Word

DPI = 300


def _page() -> np.ndarray:
    """Three typed lines at 300 dpi."""
    img = text_page(["primera linea de la carta", "segunda linea de la carta",
                     "Cel. 55 2472 0844"], dpi=DPI)
    return np.array(img)


def _words_of(lines: list[tuple[int, int, int, int]], which: list[int], conf: float
              ) -> list[Word]:
    return [Word("palabra", conf, box, line=n, block=1) for n, (k, box) in
            enumerate((k, lines[k]) for k in which)]


class _LineEngine:
    """Answers a one-line read with one word, and records the crops it was given."""

    def __init__(self, confidence: float = 70.0) -> None:
        self.crops: list[tuple[int, int]] = []
        self.confidence = confidence

    def image_to_data(self, image, *, psm, whitelist=None):  # noqa: ANN001
        assert psm == 7
        self.crops.append(image.shape)
        return [Word("5524720844", self.confidence,
                     (12, 12, image.shape[1] - 12, image.shape[0] - 12))]

    def osd(self, image):  # noqa: ANN001
        raise AssertionError("no orientation is needed")


def test_the_page_is_cut_into_its_lines_of_ink() -> None:
    found = ink_lines(_page())
    assert len(found) == 3
    assert all(b[1] < c[1] for b, c in zip(found, found[1:], strict=False))


def test_a_line_no_word_covers_is_missed_and_only_that_one() -> None:
    page = _page()
    found = ink_lines(page)
    words = _words_of(found, [0, 1], 40.0)
    assert missed_lines(page, words) == [found[2]]
    assert missed_lines(page, _words_of(found, [0, 1, 2], 40.0)) == []


def test_a_missed_line_is_read_again_and_joins_the_page_in_reading_order() -> None:
    """GIVEN a doubtful page read that lost its middle line WHEN the missed lines are read
    THEN the engine reads that line alone and its words come between the other two."""
    page = _page()
    found = ink_lines(page)
    words = _words_of(found, [0, 2], 40.0)
    engine = _LineEngine()
    out = with_missed_lines(page, words, engine)
    assert len(engine.crops) == 1
    assert [w.line for w in out] == [0, 1, 2]
    assert out[1].text == "5524720844"
    assert found[1][1] - 20 <= out[1].box[1] <= found[1][3]  # page coordinates


def test_a_sure_page_read_is_not_searched_unless_it_holds_few_words() -> None:
    """GIVEN a sure page read of many words WHEN its missed lines are sought THEN none is
    read again; a sure read of a few words (a short handwritten page whose signature and
    phone Tesseract lost) is searched."""
    page = _page()
    first = ink_lines(page)[0]
    many = [Word("palabra", 95.0, first, line=0, block=1)] * 20
    engine = _LineEngine()
    assert with_missed_lines(page, many, engine) == many and not engine.crops
    few = _words_of(ink_lines(page), [0], 95.0)
    assert len(with_missed_lines(page, few, engine)) > len(few) and engine.crops


class _SecondReader:
    """Reads every line surely (or unsurely) as `text`, one symbol per character."""

    def __init__(self, text: str, confidence: float) -> None:
        self.text, self.confidence = text, confidence

    def image_to_symbols(self, image, *, psm, whitelist=None):  # noqa: ANN001
        h = image.shape[0]
        return [Symbol(ch, self.confidence, (10 * i, 0, 10 * i + 9, h), [(ch, 0.9)])
                for i, ch in enumerate(self.text)]


def test_a_missed_line_the_second_reader_reads_surely_is_its_reading() -> None:
    """GIVEN a page whose last line Tesseract lost and, read alone, reads as "5524720844"
    WHEN the second reader reads it surely as "Cel. 55 2472 0844" THEN its words join the
    page; read unsurely, Tesseract's reading stays."""
    page = _page()
    found = ink_lines(page)
    words = _words_of(found, [0, 1], 40.0)
    sure = with_missed_lines(page, words, _LineEngine(), _SecondReader("Cel. 55 2472 0844", 97.0))
    assert [w.text for w in sure[2:]] == ["Cel.", "55", "2472", "0844"]
    assert all(w.line == 2 for w in sure[2:]) and sure[2].box[1] <= found[2][1]
    unsure = with_missed_lines(page, words, _LineEngine(), _SecondReader("Ce1 55", 60.0))
    assert [w.text for w in unsure[2:]] == ["5524720844"]
    # Where Tesseract reads the line surely (print), its reading is kept unless the
    # second's reads more of it: the second drops letters of print.
    printed = with_missed_lines(page, words, _LineEngine(confidence=95.0),
                                _SecondReader("552472084", 97.0))
    assert [w.text for w in printed[2:]] == ["5524720844"]
    more = with_missed_lines(page, words, _LineEngine(confidence=95.0),
                             _SecondReader("Cel. 55 2472 0844", 97.0))
    assert [w.text for w in more[2:]] == ["Cel.", "55", "2472", "0844"]


def test_a_doodle_or_a_stamp_is_not_a_line() -> None:
    img = text_page(["una linea"], dpi=DPI)
    ImageDraw.Draw(img).ellipse((300, 900, 1500, 1900), outline=0, width=8)  # a big drawing
    bands = ink_lines(np.array(img))
    assert len(bands) == 1 and bands[0][3] < 900
