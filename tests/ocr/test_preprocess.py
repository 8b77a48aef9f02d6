"""Preprocessing: resolution, blank pages, orientation fallback and deskew."""

from __future__ import annotations

import numpy as np
import pytest
from ocr_testing import ScriptedEngine, text_page
from PIL import Image

from ocr.preprocess import (
    deskew,
    detect_orientation,
    estimate_skew,
    is_blank,
    normalise_dpi,
    prepare,
    rotate_clockwise,
    to_gray,
)
from ocr.types import Word


def _tilted(img: Image.Image, degrees: float) -> np.ndarray:
    """PIL rotates counter-clockwise for positive angles."""
    return np.asarray(img.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255))


def test_to_gray_accepts_gray_rgb_and_rgba():
    rgb = np.zeros((4, 5, 3), np.uint8)
    rgba = np.zeros((4, 5, 4), np.uint8)
    gray = np.zeros((4, 5), np.uint8)
    for a in (rgb, rgba, gray):
        assert to_gray(a).shape == (4, 5)


@pytest.mark.parametrize(("dpi", "expected"), [(150, 300), (600, 300), (290, 290), (300, 300)])
def test_normalise_dpi_resamples_only_when_far_from_300(dpi, expected):
    gray = np.full((100, 80), 255, np.uint8)
    out, new_dpi = normalise_dpi(gray, dpi)
    assert new_dpi == expected
    assert out.shape[0] == round(100 * expected / dpi)


def test_blank_page_with_dust_is_blank_and_a_short_note_is_not():
    rng = np.random.default_rng(1)
    page = np.full((3508, 2480), 250, np.uint8)
    noisy = page.copy()
    ys, xs = rng.integers(0, 3508, 800), rng.integers(0, 2480, 800)
    noisy[ys, xs] = 0  # isolated dust specks
    assert is_blank(page)
    assert is_blank(noisy)
    note = np.asarray(text_page(["Gracias por todo."], dpi=300))
    assert not is_blank(note)


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_rotate_clockwise_round_trips(degrees):
    a = np.arange(12, dtype=np.uint8).reshape(3, 4)
    back = rotate_clockwise(rotate_clockwise(a, degrees), 360 - degrees)
    assert np.array_equal(a, back)


def test_orientation_upright_per_osd_costs_no_ocr():
    engine = ScriptedEngine(rotation=0)
    gray = np.asarray(text_page(dpi=100))
    assert detect_orientation(gray, engine) == 0
    assert engine.calls == [("osd", None)]


class _UpsideDownEngine(ScriptedEngine):
    """OCR is confident only where the ink sits in the upper half (the text's real top);
    OSD answers `rotation` (None: it fails)."""

    def image_to_data(self, image, *, psm, whitelist=None):
        self.calls.append(("data", psm))
        rows = np.where((image < 128).any(axis=1))[0]
        top_heavy = rows.mean() < image.shape[0] / 2
        return [Word("texto", 90.0 if top_heavy else 20.0, (0, 0, 1, 1))]


def test_orientation_takes_osd_turn_when_ocr_confirms_it():
    flipped = rotate_clockwise(np.asarray(text_page(dpi=100)), 180)
    assert detect_orientation(flipped, _UpsideDownEngine(rotation=180)) == 180


def test_orientation_refuses_a_wrong_osd_turn():
    """GIVEN an upright page WHEN OSD (wrongly, as on handwriting) says 180
    THEN OCR confidence is higher as it is, and the page is not turned."""
    gray = np.asarray(text_page(dpi=100))
    assert detect_orientation(gray, _UpsideDownEngine(rotation=180)) == 0


def test_orientation_falls_back_to_comparing_0_and_180_when_osd_fails():
    gray = np.asarray(text_page(dpi=100))  # text in the upper part of the page
    assert detect_orientation(gray, _UpsideDownEngine(rotation=None)) == 0
    flipped = rotate_clockwise(gray, 180)
    assert detect_orientation(flipped, _UpsideDownEngine(rotation=None)) == 180


class _NoiseEngine(ScriptedEngine):
    """A sparse page read as noise both ways: upside down, the noise scores higher; the
    one real word ("Atentamente") reads surely only the right way up."""

    def __init__(self, *, rotation, readable_when_top_heavy: bool) -> None:
        super().__init__(rotation=rotation)
        self.readable = readable_when_top_heavy

    def image_to_data(self, image, *, psm, whitelist=None):
        self.calls.append(("data", psm))
        rows = np.where((image < 128).any(axis=1))[0]
        top_heavy = rows.mean() < image.shape[0] / 2
        noise = [Word("¡.", 30.0 if top_heavy else 60.0, (0, 0, 1, 1))]
        word = Word("Atentamente", 70.0 if top_heavy else 20.0, (0, 0, 1, 1))
        return noise + ([word] if self.readable else [])


def test_without_osd_a_turn_must_make_more_words_readable() -> None:
    """GIVEN a sparse upright page (a signature page with scan noise) that OSD gives no
    answer on, and that reads with a higher mean confidence upside down (noise) WHEN its
    orientation is detected THEN it stays upright; a page upside down whose turn reads a
    real word more is turned."""
    gray = np.asarray(text_page(dpi=100))  # ink in the upper half: upright
    assert detect_orientation(gray, _NoiseEngine(rotation=None,
                                                 readable_when_top_heavy=False)) == 0
    flipped = rotate_clockwise(gray, 180)
    assert detect_orientation(flipped, _NoiseEngine(rotation=None,
                                                    readable_when_top_heavy=True)) == 180


@pytest.mark.parametrize("degrees", [-7.0, -3.0, 2.0, 3.0, 8.5])
def test_estimate_skew_finds_the_tilt(degrees):
    gray = _tilted(text_page(dpi=150), degrees)
    assert estimate_skew(gray) == pytest.approx(degrees, abs=0.3)


def test_deskew_levels_the_lines_and_leaves_straight_pages_alone():
    straight = np.asarray(text_page(dpi=150))
    same, skew = deskew(straight)
    assert skew == 0.0 and same is straight
    fixed, skew = deskew(_tilted(text_page(dpi=150), 4.0))
    assert skew == pytest.approx(4.0, abs=0.3)
    assert abs(estimate_skew(fixed)) <= 0.3


def test_prepare_stops_early_on_a_blank_page():
    engine = ScriptedEngine()
    prepared = prepare(np.full((1169, 827), 255, np.uint8), 100, engine)
    assert prepared.blank and engine.calls == []
    assert prepared.dpi == 300


def test_prepare_turns_and_levels():
    img = text_page(dpi=300).rotate(180)
    img = Image.fromarray(_tilted(img, 2.0))
    prepared = prepare(np.asarray(img), 300, _UpsideDownEngine(rotation=180))
    assert prepared.rotation == 180
    assert prepared.skew == pytest.approx(2.0, abs=0.3)
    assert not prepared.blank


def _photo(img: Image.Image, table: int = 90) -> tuple[np.ndarray, np.ndarray]:
    """The page photographed from an angle on a darker table; returns photo and corners."""
    import cv2

    a = np.asarray(img.convert("L"))
    h, w = a.shape
    corners = np.float32([[160, 90], [w + 100, 150], [w + 60, h + 130], [120, h + 70]])
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners)
    photo = cv2.warpPerspective(a, m, (w + 240, h + 260), borderValue=table)
    return photo, corners


def test_photographed_sheet_is_found_and_warped_flat():
    from ocr.preprocess import find_page_quad, flatten_sheet

    page = text_page(dpi=100)
    photo, corners = _photo(page)
    quad = find_page_quad(photo)
    assert quad is not None
    assert np.abs(quad - corners).max() < 12  # px, on a 1000 px photo
    flat, warped = flatten_sheet(photo)
    assert warped
    assert abs(flat.shape[1] / flat.shape[0] - page.width / page.height) < 0.03
    assert flat.mean() > 200  # the table is gone: all paper and ink


def test_a_scan_is_not_cut():
    from ocr.preprocess import find_page_quad

    page = np.asarray(text_page(dpi=100))
    assert find_page_quad(page) is None
    tilted = _tilted(text_page(dpi=100), 2.0)  # paper to the edges, white fill
    assert find_page_quad(tilted) is None
