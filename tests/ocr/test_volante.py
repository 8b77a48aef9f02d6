"""Volante detection and alignment, checkbox states, digit boxes and fields."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from ocr_testing import FailingEngine, cover, fill_volante, text_page
from PIL import Image, ImageDraw

from ocr import zones
from ocr.digits import DigitModels
from ocr.preprocess import rotate_clockwise, to_gray
from ocr.read import read_page
from ocr.reader import Reader
from ocr.template import load_template
from ocr.types import PageImage
from ocr.volante import ALIGN_DPI, align, detect, find_markers, find_qr, qr_rotation, read_volante

T = load_template()
# For checkboxes only (fields=False): the engine must not be called, no digit is read.
NO_OCR = Reader(FailingEngine(), T, DigitModels())


def _gray(img: Image.Image) -> np.ndarray:
    return to_gray(np.asarray(img))


def _box_fill(aligned_image: np.ndarray, key: str) -> float:
    return zones.read_checkboxes(aligned_image, T, ALIGN_DPI)[key].fill_ratio


def _perspective(img: np.ndarray, shift: int) -> np.ndarray:
    """A photo-like view: the sheet is a trapezoid on a grey table."""
    h, w = img.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[shift, shift // 2], [w - shift // 3, shift], [w - shift, h - shift // 4],
                      [shift // 2, h - shift]])
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(img, m, (w + shift, h + shift), borderValue=110)


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_qr_gives_the_page_orientation(blank_volante_200, turn):
    gray = rotate_clockwise(_gray(blank_volante_200), turn)
    qr = find_qr(gray)
    assert qr is not None and qr.parsed() == {"form": "volante-v1", "unit": "UMF 12 Monterrey"}
    assert (qr_rotation(qr) + turn) % 360 == 0


def test_plain_letter_is_not_a_volante():
    gray = _gray(text_page(dpi=150))
    assert find_markers(gray, T) is None
    assert detect(gray, T, upright=True) is None


def test_foreign_qr_code_is_not_ours():
    import qrcode

    page = text_page(dpi=150).convert("RGB")
    page.paste(qrcode.make("https://example.org/encuesta").get_image().convert("RGB"),
               (100, 900))
    assert detect(_gray(page), T) is None


def test_markers_alone_align_an_upright_volante_without_qr(blank_volante_200):
    img = blank_volante_200.copy()
    q, k = T.raw["qr"], 200 / 25.4
    ImageDraw.Draw(img).rectangle((q["x"] * k - 6, q["y"] * k - 6, (q["x"] + q["size"]) * k + 6,
                                   (q["y"] + q["size"]) * k + 6), fill="white")
    gray = _gray(img)
    assert detect(gray, T) is None  # no QR and orientation unknown: not assumed
    aligned = detect(gray, T, upright=True)
    assert aligned is not None and aligned.method == "marcadores" and aligned.qr is None
    assert aligned.image.shape[::-1] == T.page_px(ALIGN_DPI)


def test_checkbox_states_marked_empty_and_ambiguous(blank_volante_200):
    img = fill_volante(blank_volante_200, 200, check=("queja", "orientacion"))
    x0, y0, x1, y1 = T.zone("checkboxes", "sugerencia").to_px(200)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    ImageDraw.Draw(img).ellipse((cx - 2, cy - 2, cx + 2, cy + 2), fill=0)  # a stray dot
    aligned = detect(_gray(img), T)
    read = read_volante(aligned, NO_OCR, fields=False)
    states = {k: c.state for k, c in read.checkboxes.items()}
    assert states == {"queja": "marcado", "orientacion": "marcado", "sugerencia": "ambiguo",
                      "reconocimiento": "vacio", "gestion": "vacio"}
    assert read.checked_types == ["queja", "orientacion"]
    ratios = {k: c.fill_ratio for k, c in read.checkboxes.items()}
    assert ratios["queja"] >= zones.CHECKBOX_MARKED_MIN > ratios["sugerencia"]
    assert ratios["sugerencia"] > zones.CHECKBOX_EMPTY_MAX >= ratios["gestion"]


@pytest.mark.parametrize("shift", [60, 140])
def test_photo_like_perspective_is_aligned_onto_the_template(blank_volante_200, shift):
    img = fill_volante(blank_volante_200, 200, check=("reconocimiento",))
    warped = _perspective(np.asarray(img.convert("L")), shift)
    aligned = detect(warped, T)
    assert aligned is not None and aligned.method == "marcadores"
    # The markers land where the template puts them, within a millimetre.
    found = find_markers(aligned.image, T)
    expected = np.array(T.marker_centers_mm()) * ALIGN_DPI / 25.4
    assert np.abs(found - expected).max() < ALIGN_DPI / 25.4
    read = read_volante(aligned, NO_OCR, fields=False)
    assert read.checked_types == ["reconocimiento"]


def test_qr_alone_aligns_when_markers_are_cut_off(blank_volante_200):
    img = cover(fill_volante(blank_volante_200, 200, check=("gestion",)), 200)
    gray = rotate_clockwise(_gray(img), 180)
    aligned = align(gray, T, qr=find_qr(gray))
    assert aligned is not None and aligned.method == "qr" and aligned.rotation == 180
    read = read_volante(aligned, NO_OCR, fields=False)
    assert read.qr == {"form": "volante-v1", "unit": "UMF 12 Monterrey"}
    assert read.checked_types == ["gestion"]


@pytest.mark.tesseract
def test_filled_volante_fields_are_read(blank_volante_200, tesseract_reader):
    img = fill_volante(blank_volante_200, 200, nss="92919084431", hand_digits=True,
                       name="Rosa Elena Martínez Ruiz",
                       lines=("El médico no me atendió a tiempo.",))
    aligned = detect(_gray(img), T)
    read = read_volante(aligned, tesseract_reader)
    f = read.fields
    assert f["nss"].value == "92919084431"
    assert [w.text for w in f["nss"].words] == list("92919084431")
    assert f["nombre"].value == "Rosa Elena Martínez Ruiz"
    assert "médico no me atendió" in f["descripcion"].value
    assert f["telefono"].value == "" and f["correo"].value == ""
    x0, y0, x1, y1 = f["nombre"].box
    assert (x0, y0, x1, y1) == T.zone("fields", "nombre").to_px(ALIGN_DPI)


def test_handwritten_digit_boxes_are_read_one_word_per_box(blank_volante_200, digit_models):
    """GIVEN real handwritten digits (held-out MNIST) in the phone boxes, two left empty
    WHEN the row is read THEN one Word per filled box, in its box, no engine call."""
    img = fill_volante(blank_volante_200, 200, phone="55123406", hand_digits=True)
    aligned = detect(_gray(img), T)
    mask = zones.zone_ink(aligned.image)
    boxes = T.digit_zones("telefono")
    read = zones.read_digit_row(aligned.image, mask, boxes, ALIGN_DPI, digit_models)
    assert read.value == "55123406"
    assert len(read.words) == 8
    for w, z in zip(read.words, boxes, strict=False):
        x0, y0, x1, y1 = z.to_px(ALIGN_DPI)
        assert x0 <= w.box[0] < w.box[2] <= x1 and y0 <= w.box[1] < w.box[3] <= y1
        assert 0 <= w.confidence <= 100
    assert not read.legible  # two boxes left empty: a phone missing digits goes to a person


def test_nss_failing_luhn_is_repaired_at_its_one_doubtful_digit_and_flagged(
        blank_volante_200, digit_models, monkeypatch):
    """GIVEN an NSS whose 5th digit the model misreads with low confidence
    WHEN the row is read THEN the Luhn check puts the right digit back, and the row is
    still flagged for a person (legible False)."""
    from ocr import digits

    img = fill_volante(blank_volante_200, 200, nss="92919084431", hand_digits=True)
    aligned = detect(_gray(img), T)
    model = digit_models.get()
    real = model.predict

    def misread(images):
        out = real(images)
        assert len(out) == 11  # every box reaches the model
        sure = [digits.DigitGuess(d, 99.0, [float(i == int(d)) for i in range(10)])
                for d in "92919084431"]
        probs = [0.0] * 10
        probs[0], probs[9] = 0.55, 0.45  # says 0, doubts: 9 is the runner-up
        sure[4] = digits.DigitGuess("0", 55.0, probs)
        return sure

    monkeypatch.setattr(model, "predict", misread)
    mask = zones.zone_ink(aligned.image)
    read = zones.read_digit_row(aligned.image, mask, T.digit_zones("nss"), ALIGN_DPI,
                                digit_models, check="luhn")
    assert read.value == "92919084431"
    assert not read.legible
    assert read.words[4].text == "9" and read.words[4].confidence == 45.0


def test_a_missing_marker_is_not_replaced_by_a_qr_finder_pattern(blank_volante_200):
    img = fill_volante(blank_volante_200, 200, check=("reconocimiento",))
    m, k = T.raw["markers"][1], 200 / 25.4  # top right, the one beside the QR code
    ImageDraw.Draw(img).rectangle((m["x"] * k - 4, m["y"] * k - 4, (m["x"] + m["size"]) * k + 4,
                                   (m["y"] + m["size"]) * k + 4), fill="white")
    gray = _gray(img)
    assert find_markers(gray, T) is None
    aligned = detect(gray, T)
    assert aligned is not None and aligned.method == "qr"
    read = read_volante(aligned, NO_OCR, fields=False)
    assert read.checked_types == ["reconocimiento"]


@pytest.mark.parametrize("turn", [180, 90])
def test_markers_find_the_way_up_through_the_qr_zone(blank_volante_200, monkeypatch, turn):
    """GIVEN a noisy volante, turned, whose QR the whole-page search misses
    WHEN it is detected
    THEN the markers align it each way up until the QR zone decodes, giving the rotation."""
    import ocr.volante as volante

    img = fill_volante(blank_volante_200, 200, check=("gestion",))
    rng = np.random.default_rng(3)
    noisy = _gray(img).astype(np.float32) + rng.normal(0, 10, (img.height, img.width))
    gray = rotate_clockwise(np.clip(noisy, 0, 255).astype(np.uint8), turn)
    monkeypatch.setattr(volante, "find_qr", lambda g: None)
    aligned = detect(gray, T)
    assert aligned is not None and aligned.method == "marcadores"
    assert (aligned.rotation + turn) % 360 == 0
    assert abs(aligned.skew) < 0.5
    assert aligned.qr is not None and aligned.qr.parsed()["unit"] == "UMF 12 Monterrey"
    read = read_volante(aligned, NO_OCR, fields=False)
    assert read.checked_types == ["gestion"]


def test_a_stamp_does_not_stand_in_for_a_covered_marker(blank_volante_200):
    """GIVEN the bottom-right marker covered and a solid square stamp in the reception block
    WHEN markers are searched
    THEN the stamp is not taken for the marker (the layout does not fit), and the QR aligns."""
    img = fill_volante(blank_volante_200, 200, check=("queja",))
    d, k = ImageDraw.Draw(img), 200 / 25.4
    m = T.raw["markers"][3]
    d.rectangle((m["x"] * k - 4, m["y"] * k - 4, (m["x"] + m["size"]) * k + 4,
                 (m["y"] + m["size"]) * k + 4), fill="white")
    d.rectangle((152 * k, 262 * k, 158 * k, 268 * k), fill="black")
    gray = _gray(img)
    assert find_markers(gray, T) is None
    aligned = detect(gray, T)
    assert aligned is not None and aligned.method == "qr"
    assert read_volante(aligned, NO_OCR, fields=False).checked_types == ["queja"]


@pytest.mark.parametrize("turn", [0, 90, 180])
def test_features_align_a_photo_without_markers_or_qr(blank_volante_200, turn):
    """GIVEN a photographed volante whose markers and QR code are all covered
    WHEN aligned by ORB features against the template's blank image
    THEN the boxes land where the template puts them, whichever way up it was."""
    from ocr.match import align_by_features

    img = cover(fill_volante(blank_volante_200, 200, check=("sugerencia",)), 200, qr=True)
    photo = rotate_clockwise(_perspective(_gray(img), 80), turn)
    assert detect(photo, T) is None
    aligned = align_by_features(photo, T)
    assert aligned is not None and aligned.method == "plantilla"
    assert (aligned.rotation + turn) % 360 == 0
    read = read_volante(aligned, NO_OCR, fields=False)
    assert read.checked_types == ["sugerencia"]


def test_features_do_not_take_a_letter_for_the_form():
    from ocr.match import align_by_features

    assert align_by_features(_gray(text_page(dpi=150)), T) is None


def test_a_stroke_touching_its_box_is_kept_and_only_the_printed_edges_go():
    """GIVEN a digit box whose 7 has its bar against the box's left side (as people write
    inside small boxes) WHEN the printed edges are removed THEN the bar and stem stay and
    only the box's own lines go (a bar that touched the crop's edge used to pass for a line
    and the 7 was read as a 1)."""
    crop = np.zeros((110, 90), np.uint8)
    crop[0:3, :] = 255  # the box's top edge, inside the inset crop after misalignment
    crop[:, 87:90] = 255  # its right edge
    crop[20:28, 0:60] = 255  # the 7's bar, from the box's side to two thirds of its width
    crop[20:95, 52:60] = 255  # its stem
    kept = zones._without_box_edges(crop)
    assert kept[0:3, 20:70].max() == 0 and kept[30:80, 88].max() == 0
    assert cv2.countNonZero(kept[22:26, 5:50]) == cv2.countNonZero(crop[22:26, 5:50])
    assert cv2.countNonZero(kept[40:90, 52:60]) == cv2.countNonZero(crop[40:90, 52:60])


def test_a_full_phone_row_is_read_again_by_the_engine_box_by_box_and_the_nss_is_not(
        blank_volante_200, tesseract_engine, digit_models):
    """GIVEN a volante with its ten phone boxes and eleven NSS boxes filled WHEN the rows
    are read with the engine THEN the phone (no check digit) has the engine's own digit in
    each box, inside that box; the NSS (Luhn checks it) and a row with empty boxes none."""
    img = fill_volante(blank_volante_200, 200, nss="92919084431", phone="5512340678")
    aligned = detect(_gray(img), T)
    mask = zones.zone_ink(aligned.image)
    phone = zones.read_digit_row(aligned.image, mask, T.digit_zones("telefono"), ALIGN_DPI,
                                 digit_models, engine=tesseract_engine)
    assert "".join(s.text for s in phone.reread) == "5512340678"
    for s, z in zip(phone.reread, T.digit_zones("telefono"), strict=True):
        x0, y0, x1, y1 = z.to_px(ALIGN_DPI)
        assert x0 <= s.box[0] < s.box[2] <= x1 and y0 <= s.box[1] < s.box[3] <= y1
        assert s.alternatives and s.alternatives[0][0] == s.text
    nss = zones.read_digit_row(aligned.image, mask, T.digit_zones("nss"), ALIGN_DPI,
                               digit_models, check="luhn", engine=tesseract_engine)
    assert nss.value == "92919084431" and nss.reread == []
    short = fill_volante(blank_volante_200, 200, phone="55123406")
    aligned = detect(_gray(short), T)
    part = zones.read_digit_row(aligned.image, zones.zone_ink(aligned.image),
                                T.digit_zones("telefono"), ALIGN_DPI, digit_models,
                                engine=tesseract_engine)
    assert part.reread == []


def test_an_nss_written_in_a_volantes_description_is_a_candidate_of_the_page(
        blank_volante_200, tesseract_engine, digit_models):
    """GIVEN a volante with empty NSS boxes whose description says "Mi NSS es 9291 9084
    431" WHEN the page is read THEN the description's NSS is one of the page's identifier
    candidates, labelled and read again, inside the description's box."""
    img = fill_volante(blank_volante_200, 200, lines=("No me dieron mi medicamento.",
                                                      "Mi NSS es 9291 9084 431, gracias."))
    pixels = np.asarray(img.convert("L"))
    read = read_page(PageImage(pixels=pixels, page_no=1, dpi=200),
                     Reader.of(tesseract_engine, digit_models))
    assert read.method == "volante"
    (nss,) = [i for i in read.identifiers if i.kind == "nss"]
    assert nss.label.lower() == "nss" and nss.symbols
    assert "".join(ch for ch in nss.text if ch.isdigit()) == "92919084431"
    assert read.volante is not None
    desc = read.volante.fields["descripcion"].box
    assert desc[0] <= nss.box[0] < nss.box[2] <= desc[2] and desc[1] <= nss.box[1] < desc[3]
