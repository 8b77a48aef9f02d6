"""read_page end to end: text layer, blank, letters (upright, upside down, skewed), volantes."""

from __future__ import annotations

import io
import json
import pickle

import cv2
import numpy as np
import pytest
from ocr_testing import (
    LETTER,
    SERIF,
    FailingEngine,
    ScriptedEngine,
    cover,
    fill_volante,
    text_page,
)
from PIL import Image
from rapidfuzz.distance import Levenshtein
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ocr.loading import load_file
from ocr.read import IMAGE_DPI, read_page
from ocr.types import PageImage, Word

EXPECTED = "\n".join(LETTER)


def cer(got: str, want: str) -> float:
    """Character error rate, whitespace runs counted as one space."""
    got, want = " ".join(got.split()), " ".join(want.split())
    return Levenshtein.distance(got, want) / max(len(want), 1)


def _page(img: Image.Image, dpi: int) -> PageImage:
    return PageImage(pixels=np.asarray(img), page_no=1, dpi=dpi)


def _png_size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def test_digital_pdf_uses_the_text_layer_without_ocr(reader_of):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for i, line in enumerate(LETTER):
        c.drawString(72, 770 - 16 * i, line)
    c.showPage()
    c.save()
    [page] = load_file(buf.getvalue(), "carta.pdf", dpi=100)
    read = read_page(page, reader_of(FailingEngine()))
    assert read.method == "text_layer"
    assert cer(read.text, EXPECTED) < 0.02
    assert read.confidence == 100.0
    assert read.image_png is not None
    assert _png_size(read.image_png) == (read.width, read.height)


def test_blank_page_is_skipped_without_ocr(reader_of):
    read = read_page(_page(Image.new("L", (827, 1169), 255), 100),
                     reader_of(FailingEngine()))
    assert read.is_blank and read.text == "" and read.words == []
    assert _png_size(read.image_png) == (read.width, read.height)


def test_boxes_are_scaled_to_the_returned_image(reader_of):
    # At 300 dpi the engine sees a 2480-px-wide page; the PNG is at IMAGE_DPI.
    word = Word("urgencias", 91.0, (600, 900, 1200, 1000), line=0, block=1)
    engine = ScriptedEngine(words=[word], rotation=0)
    read = read_page(_page(text_page(dpi=300), 300), reader_of(engine))
    k = IMAGE_DPI / 300
    assert read.method == "tesseract"
    assert read.words[0].box == (round(600 * k), round(900 * k), round(1200 * k),
                                 round(1000 * k))
    assert (read.width, read.height) == _png_size(read.image_png)
    assert read.width == pytest.approx(2480 * k, abs=2)


@pytest.mark.tesseract
@pytest.mark.parametrize("font_name", ["DejaVuSans.ttf", SERIF])
def test_typed_letter_reads_with_low_cer(tesseract_reader, font_name):
    read = read_page(_page(text_page(dpi=200, font_name=font_name), 200), tesseract_reader)
    assert read.method == "tesseract" and read.rotation == 0
    assert cer(read.text, EXPECTED) < 0.03
    assert len(read.text.splitlines()) >= len(LETTER)  # line breaks kept
    assert read.confidence > 80


@pytest.mark.tesseract
def test_upside_down_page_is_turned_and_read(tesseract_reader):
    read = read_page(_page(text_page(dpi=200).rotate(180), 200), tesseract_reader)
    assert read.rotation == 180
    assert cer(read.text, EXPECTED) < 0.03


@pytest.mark.tesseract
def test_skewed_page_is_deskewed_and_read(tesseract_reader):
    img = text_page(dpi=200).rotate(3, resample=Image.Resampling.BICUBIC, fillcolor=255)
    read = read_page(_page(img, 200), tesseract_reader)
    assert read.skew == pytest.approx(3.0, abs=0.3)
    assert cer(read.text, EXPECTED) < 0.03
    # The words of one line now share a baseline on the returned image.
    first = [w for w in read.words if w.line == read.words[0].line]
    assert max(w.box[3] for w in first) - min(w.box[3] for w in first) < 8


@pytest.mark.tesseract
def test_filled_volante_is_read_zone_by_zone(blank_volante_200, tesseract_reader):
    img = fill_volante(blank_volante_200, 200, check=("sugerencia",), nss="92919084431",
                       name="José Ángel Pérez Núñez",
                       lines=("Sugiero más sillas en la sala de espera.",
                              "También agua potable para los pacientes."))
    read = read_page(_page(img, 200), tesseract_reader)
    assert read.method == "volante"
    v = read.volante
    assert v.qr == {"form": "volante-v1", "unit": "UMF 12 Monterrey"}
    assert v.checked_types == ["sugerencia"]
    assert v.fields["nss"].value == "92919084431"
    assert v.fields["nombre"].value == "José Ángel Pérez Núñez"
    assert cer(read.text, "Sugiero más sillas en la sala de espera.\n"
                          "También agua potable para los pacientes.") < 0.05
    # Boxes refer to the returned image (the aligned page at IMAGE_DPI).
    assert (read.width, read.height) == _png_size(read.image_png)
    x0, y0, x1, y1 = v.fields["nombre"].box
    assert 0 <= x0 < x1 <= read.width and 0 <= y0 < y1 <= read.height
    stored = json.loads(json.dumps(read.to_dict()))  # plain types only: storable as JSON
    assert stored["volante"]["checkboxes"]["sugerencia"]["state"] == "marcado"
    assert pickle.loads(pickle.dumps(read)) == read  # and picklable for Dask workers


@pytest.mark.tesseract
def test_photographed_upside_down_volante_is_aligned(blank_volante_200, tesseract_reader):
    img = fill_volante(blank_volante_200, 200, check=("queja",), nss="12345678903",
                       name="Ana López")
    a = np.asarray(img.rotate(180))
    h, w = a.shape[:2]
    m = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [w, 0], [w, h], [0, h]]),
        np.float32([[90, 40], [w - 20, 110], [w - 130, h - 30], [30, h - 100]]))
    photo = cv2.warpPerspective(a, m, (w + 60, h + 40), borderValue=(100, 100, 100))
    read = read_page(_page(Image.fromarray(photo), 200), tesseract_reader)
    assert read.method == "volante" and read.rotation == 180
    assert read.volante.checked_types == ["queja"]
    assert read.volante.fields["nss"].value == "12345678903"
    assert read.volante.fields["nombre"].value == "Ana López"


@pytest.mark.tesseract
def test_volante_words_point_at_the_description_on_the_returned_image(blank_volante_200,
                                                                     tesseract_reader):
    img = fill_volante(blank_volante_200, 200, check=(), lines=("Gracias enfermera Lupita.",))
    read = read_page(_page(img, 200), tesseract_reader)
    assert read.method == "volante" and read.volante.checked_types == []
    words = {w.text: w for w in read.words}
    assert "enfermera" in words
    dx0, dy0, dx1, dy1 = read.volante.fields["descripcion"].box
    x0, y0, x1, y1 = words["enfermera"].box
    assert dx0 <= x0 < x1 <= dx1 and dy0 <= y0 < y1 <= dy1
    # The word really is there: dark pixels inside its box on the returned image.
    page = np.asarray(Image.open(io.BytesIO(read.image_png)))
    assert (page[y0:y1, x0:x1] < 128).mean() > 0.05


@pytest.mark.tesseract
def test_photographed_letter_is_cut_out_warped_and_read(tesseract_reader):
    """GIVEN a letter photographed at an angle on a grey table (no DPI in the file)
    WHEN read THEN the sheet is warped flat and the text reads as well as a scan."""
    page = text_page(dpi=200)
    a = np.asarray(page)
    h, w = a.shape
    m = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [w, 0], [w, h], [0, h]]),
        np.float32([[220, 120], [w + 90, 240], [w - 10, h + 200], [150, h + 90]]))
    photo = cv2.warpPerspective(a, m, (w + 320, h + 340), borderValue=95)
    read = read_page(PageImage(pixels=photo, page_no=1, dpi=230), tesseract_reader)
    assert read.method == "tesseract" and read.rotation == 0
    assert cer(read.text, EXPECTED) < 0.05
    assert read.width / read.height == pytest.approx(w / h, abs=0.03)


@pytest.mark.tesseract
def test_photographed_volante_without_markers_or_qr_is_read_by_features(blank_volante_200,
                                                                          tesseract_reader):
    """GIVEN a photo of a volante whose markers and QR are covered (only the printed form
    remains) WHEN read THEN the sheet is warped flat, matched to the template's blank image
    by ORB features, and read zone by zone."""
    img = cover(fill_volante(blank_volante_200, 200, check=("reconocimiento",),
                             name="Ana López"), 200, qr=True)
    a = np.asarray(img.convert("L"))
    h, w = a.shape
    m = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [w, 0], [w, h], [0, h]]),
        np.float32([[200, 110], [w + 80, 200], [w + 20, h + 170], [140, h + 90]]))
    photo = cv2.warpPerspective(a, m, (w + 300, h + 300), borderValue=90)
    read = read_page(PageImage(pixels=photo, page_no=1, dpi=230), tesseract_reader)
    assert read.method == "volante"
    assert read.volante.checked_types == ["reconocimiento"]
    assert read.volante.fields["nombre"].value == "Ana López"


def test_a_page_with_stray_squares_is_turned_by_one_orientation_check(reader_of):
    """GIVEN a typed page with two solid squares (a logo, a stamp) that hint at our form
    WHEN it is no volante after all THEN the orientation found while trying to align it is
    reused: one OSD call and one full-page read."""
    from PIL import ImageDraw

    img = text_page(dpi=200)
    d = ImageDraw.Draw(img)
    for x, y in ((60, 60), (1500, 60)):
        d.rectangle((x, y, x + 64, y + 64), fill=0)
    # A sure read of a page's worth of words: no line of it is sought again.
    words = [Word("Farmacia", 90.0, (10 + 80 * i, 10, 80 + 80 * i, 30)) for i in range(20)]
    engine = ScriptedEngine(words, rotation=0)
    read = read_page(_page(img, 200), reader_of(engine))
    assert read.method == "tesseract" and read.text.split() == ["Farmacia"] * 20
    assert engine.calls == [("osd", None), ("data", 3)]
