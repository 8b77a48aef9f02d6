"""The printable volante renders and reads back blank through the OCR layer."""

from __future__ import annotations

import numpy as np
import pdfplumber
import pytest

from intake.form import render_form_image, render_form_pdf
from ocr.preprocess import to_gray
from ocr.reader import Reader
from ocr.template import load_template
from ocr.volante import detect, find_markers, read_volante


class NoEngine:
    """A blank form must be read without any OCR call."""

    def image_to_data(self, image, *, psm, whitelist=None):
        raise AssertionError("the engine was called on a blank field")

    def osd(self, image):
        raise AssertionError("the engine was called")


def test_pdf_is_one_a4_page_with_the_printed_texts(tmp_path):
    pdf = render_form_pdf("UMF 7 Cuernavaca")
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "volante.pdf"
    path.write_bytes(pdf)
    with pdfplumber.open(path) as doc:
        assert len(doc.pages) == 1
        page = doc.pages[0]
        assert page.width == pytest.approx(595.3, abs=0.5)
        assert page.height == pytest.approx(841.9, abs=0.5)
        text = page.extract_text()
    for needle in ("VOLANTE DE BUZÓN", "Buzón de sugerencias, reconocimientos y quejas",
                   "Unidad: UMF 7 Cuernavaca", "Queja", "Sugerencia", "Reconocimiento",
                   "Número de Seguridad", "Teléfono", "Correo electrónico",
                   "rúbrica o sello, fecha y hora de recepción"):
        assert needle in text


def test_labels_sit_outside_the_writing_zones(tmp_path):
    t = load_template()
    path = tmp_path / "volante.pdf"
    path.write_bytes(render_form_pdf("HGZ 1"))
    k = 72 / 25.4
    zones = [t.zone("fields", key) for key in t.raw["fields"]]
    zones += [z for key in t.raw["digit_boxes"] for z in t.digit_zones(key)]
    zones += [t.zone("checkboxes", key) for key in t.raw["checkboxes"]]
    with pdfplumber.open(path) as doc:
        chars = doc.pages[0].chars
    assert chars
    for ch in chars:
        for z in zones:
            inside_x = ch["x0"] < (z.x + z.w) * k and ch["x1"] > z.x * k
            inside_y = ch["top"] < (z.y + z.h) * k and ch["bottom"] > z.y * k
            assert not (inside_x and inside_y), f"label text {ch['text']!r} inside a zone"


@pytest.mark.parametrize("unit", ["UMF 12 Monterrey", None])
def test_rendered_image_reads_back_as_a_blank_volante(unit, digit_models):
    t = load_template()
    img = render_form_image(unit, dpi=200)
    assert img.mode == "RGB"
    assert img.size == t.page_px(200)
    gray = to_gray(np.asarray(img))
    assert find_markers(gray, t) is not None
    aligned = detect(gray, t)
    assert aligned is not None and aligned.method == "marcadores"
    read = read_volante(aligned, Reader(NoEngine(), t, digit_models))
    assert read.qr == {"form": "volante-v1", "unit": unit or ""}
    assert set(read.checkboxes) == set(t.raw["checkboxes"])
    assert all(c.state == "vacio" for c in read.checkboxes.values())
    assert all(f.value == "" for f in read.fields.values())


def test_qr_encodes_the_unit_exactly():
    t = load_template()
    gray = to_gray(np.asarray(render_form_image("HGR 2 «Norte»|x", dpi=200)))
    aligned = detect(gray, t)
    assert aligned is not None
    assert aligned.qr is not None
    assert aligned.qr.payload == "BUZON|volante-v1|HGR 2 «Norte»|x"


def test_a_long_unit_name_stays_clear_of_the_qr_code(tmp_path):
    unit = "Hospital General de Zona con Unidad de Medicina Familiar número 8 «San Ángel»"
    path = tmp_path / "volante.pdf"
    path.write_bytes(render_form_pdf(unit))
    qr_left = load_template().raw["qr"]["x"] * 72 / 25.4
    with pdfplumber.open(path) as doc:
        page = doc.pages[0]
        assert unit in page.extract_text()
        line = [c for c in page.chars if 37 * 72 / 25.4 < c["top"] < 44 * 72 / 25.4]
    assert line and max(c["x1"] for c in line) < qr_left
