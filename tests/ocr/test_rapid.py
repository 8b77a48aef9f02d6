"""The second recognizer (RapidOCR's packaged line model): real reads of small crops, no
network, a Spanish error where it is missing, and how identifiers use it (with a fake)."""

from __future__ import annotations

import socket
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from ocr_testing import ScriptedEngine, fill_volante
from PIL import Image, ImageDraw, ImageFont

from classifier.identifiers import candidates_of, resolve
from ocr import rapid
from ocr.errors import EngineError
from ocr.identifiers import EMAIL_CHARS, NUMBER_CHARS, from_volante, read_identifiers
from ocr.preprocess import to_gray
from ocr.reader import Reader
from ocr.template import load_template
from ocr.types import Symbol, Word
from ocr.volante import ALIGN_DPI, detect, read_volante

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
HUMOR = Path("/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf")


def _installed() -> bool:
    try:
        rapid.check_installed()
    except EngineError:
        return False
    return True


needs_rapid = pytest.mark.skipif(not _installed(), reason="rapidocr/onnxruntime no instalados")


def line(text: str, font: str = SANS, size: int = 40) -> np.ndarray:
    """One line of dark text on white, grayscale, as a region's crop is."""
    f = ImageFont.truetype(font, size)
    w = int(f.getlength(text)) + 40
    img = Image.new("L", (w, size + 30), 255)
    ImageDraw.Draw(img).text((20, 12), text, font=f, fill=30)
    return np.asarray(img)


@needs_rapid
def test_reads_a_typed_phone_with_only_the_whitelisted_characters(monkeypatch) -> None:
    """GIVEN a crop of a typed phone, and no network at all WHEN read with the digits'
    whitelist THEN every character comes back in order, each with its alternatives (only
    whitelisted ones) and a box inside the crop; nothing tried to connect."""
    def no_network(*_a, **_k):  # noqa: ANN002, ANN003
        raise AssertionError("the second reader tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(rapid, "_local", type(rapid._local)())  # load the model afresh
    crop = line("(55) 2472-0844")
    symbols = rapid.RapidEngine().image_to_symbols(crop, psm=7, whitelist=NUMBER_CHARS)
    assert "".join(s.text for s in symbols).replace(" ", "") == "(55)2472-0844"
    h, w = crop.shape
    for s in symbols:
        assert all(c in NUMBER_CHARS for c, _ in s.alternatives)
        assert s.alternatives[0][0] == s.text and 0 < s.alternatives[0][1] <= 1
        assert 0 <= s.box[0] < s.box[2] <= w and s.box[3] == h
    assert [s.box[0] for s in symbols] == sorted(s.box[0] for s in symbols)


@needs_rapid
def test_reads_the_at_of_an_address_in_rgb_and_grayscale() -> None:
    crop = line("ana.ruiz@gmail.com")
    engine = rapid.RapidEngine()
    gray = engine.image_to_symbols(crop, psm=7, whitelist=EMAIL_CHARS)
    rgb = engine.image_to_symbols(np.dstack([crop] * 3), psm=7, whitelist=EMAIL_CHARS)
    assert "".join(s.text for s in gray) == "".join(s.text for s in rgb) == "ana.ruiz@gmail.com"


@needs_rapid
@pytest.mark.skipif(not HUMOR.exists(), reason="fonts-humor-sans no está instalado")
def test_real_second_reader_fills_an_nss_tesseract_could_not_read(tesseract_engine,
                                                                  digit_models) -> None:
    """GIVEN a page whose words place an NSS written in a handwriting font, and a reader
    with the real second recognizer WHEN its identifiers are read THEN the region carries
    the second reading, and the classifier accepts the NSS from the page."""
    f = ImageFont.truetype(str(HUMOR), 60)
    page = Image.new("L", (1400, 200), 255)
    ImageDraw.Draw(page).text((40, 60), "NSS 9291 9084 431", font=f, fill=30)
    label_end = 40 + int(f.getlength("NSS "))
    words = [Word("NSS", 90.0, (40, 60, label_end - 20, 130)),
             Word("92919084431", 40.0, (label_end, 60, 40 + int(f.getlength(
                 "NSS 9291 9084 431")), 130))]
    reader = Reader.of(tesseract_engine, digit_models, second=rapid.RapidEngine())
    (found,) = read_identifiers(np.asarray(page), words, reader)
    assert "".join(s.text for s in found.second) == "92919084431"
    values = resolve(candidates_of([(1, [asdict(found)])])).values
    assert (values["nss"].value, values["nss"].valid) == ("92919084431", True)


def test_missing_install_is_a_spanish_error(monkeypatch) -> None:
    monkeypatch.setattr(rapid, "find_spec", lambda _name: None)
    with pytest.raises(EngineError, match="no está instalado.*segundo_lector"):
        rapid.check_installed()
    with pytest.raises(EngineError, match="RapidOCR"):
        rapid.RapidEngine().image_to_symbols(np.full((40, 200), 255, np.uint8), psm=7)


class FakeSecond:
    """A second recognizer that reads every region as `text`, sure of each character."""

    def __init__(self, text: str = "", fail: bool = False) -> None:
        self.text, self.fail = text, fail
        self.images: list[np.ndarray] = []
        self.whitelists: list[str | None] = []

    def image_to_symbols(self, image, *, psm, whitelist=None):  # noqa: ANN001
        self.images.append(image)
        self.whitelists.append(whitelist)
        if self.fail:
            raise EngineError("el segundo lector (RapidOCR) falló: prueba")
        return [Symbol(c, 99.0, (10 * i, 0, 10 * i + 9, 30), [(c, 0.99)])
                for i, c in enumerate(self.text)]


def _phone_page() -> tuple[np.ndarray, list[Word]]:
    words = [Word("Tel.", 90.0, (20, 40, 80, 70)), Word("55", 90.0, (95, 40, 130, 70)),
             Word("2472", 90.0, (145, 40, 220, 70)), Word("0844", 90.0, (235, 40, 310, 70))]
    return np.full((200, 900), 255, np.uint8), words


def test_every_region_goes_to_the_second_recognizer_as_rgb(digit_models) -> None:
    """GIVEN a reader with a (fake) second recognizer WHEN a page's identifiers are read
    THEN each region is given to it as RGB with the identifier's whitelist, and its reading
    is kept beside Tesseract's, its boxes in page pixels."""
    image, words = _phone_page()
    second = FakeSecond("5524720844")
    reader = Reader.of(ScriptedEngine(), digit_models, second=second)
    (found,) = read_identifiers(image, words, reader)
    assert [im.ndim for im in second.images] == [3] and second.images[0].shape[2] == 3
    assert second.whitelists == [NUMBER_CHARS]
    assert "".join(s.text for s in found.second) == "5524720844"
    assert found.second[0].box[0] > 0 and found.second[0].box[1] > 0  # moved to the page


def test_a_failing_second_recognizer_leaves_tesseracts_reading(digit_models) -> None:
    image, words = _phone_page()
    reader = Reader.of(ScriptedEngine(), digit_models, second=FakeSecond(fail=True))
    (found,) = read_identifiers(image, words, reader)
    assert (found.kind, found.text, found.second) == ("telefono", "55 2472 0844", [])


def test_no_second_recognizer_no_second_reading(digit_models) -> None:
    image, words = _phone_page()
    (found,) = read_identifiers(image, words, Reader.of(ScriptedEngine(), digit_models))
    assert found.second == []


class _BrokenSecond:
    """A second recognizer whose every read fails."""

    def image_to_symbols(self, image, *, psm, whitelist=None):  # noqa: ANN001
        raise EngineError("el segundo lector (RapidOCR) falló: prueba")


@needs_rapid
def test_a_volantes_digit_rows_are_read_box_by_box_by_the_second_recognizer(
        blank_volante_200, tesseract_engine, digit_models) -> None:
    """GIVEN a volante whose NSS and phone boxes hold real handwritten digits (held-out
    MNIST images) WHEN read with the second recognizer THEN both rows, the NSS too, carry
    its reading, one digit inside each box, and Tesseract reads neither again; the two
    readers' search proposes the written values (the digit model alone is unsure of a
    box of each); a second recognizer that fails leaves the digit model's reading
    standing."""
    nss, phone = "92919084431", "5512340678"
    img = fill_volante(blank_volante_200, 200, nss=nss, phone=phone, hand_digits=True)
    template = load_template()
    aligned = detect(to_gray(np.asarray(img)), template)
    reader = Reader.of(tesseract_engine, digit_models, second=rapid.RapidEngine())
    v = read_volante(aligned, reader)
    for key, value in (("nss", nss), ("telefono", phone)):
        f = v.fields[key]
        assert f.reread == [] and len(f.second) == len(value)
        for s, z in zip(f.second, template.digit_zones(key), strict=True):
            x0, y0, x1, y1 = z.to_px(ALIGN_DPI)
            assert x0 <= s.box[0] < s.box[2] <= x1 and y0 <= s.box[1] < s.box[3] <= y1
            assert s.text.isdigit() and s.alternatives[0][0] == s.text
    found = resolve(candidates_of([(1, [asdict(c) for c in from_volante(v)])]))
    assert {k: (found.values[k].value, found.values[k].valid) for k in ("nss", "telefono")
            } == {"nss": (nss, True), "telefono": (phone, True)}
    broken = read_volante(aligned, Reader.of(tesseract_engine, digit_models,
                                             second=_BrokenSecond()))
    assert broken.fields["nss"].second == [] and broken.fields["nss"].value


class _RecordingSecond:
    """A second recognizer that reads every crop as `text` and notes each whitelist."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.whitelists: list[str | None] = []

    def image_to_symbols(self, image, *, psm, whitelist=None):  # noqa: ANN001
        self.whitelists.append(whitelist)
        h, w = image.shape[:2]
        step = w // max(len(self.text), 1)
        return [Symbol(ch, 99.0, (i * step, 0, (i + 1) * step, h), [(ch, 0.99)])
                for i, ch in enumerate(self.text)]


def test_a_volantes_name_and_e_mail_boxes_are_read_by_the_second_recognizer_too(
        blank_volante_200, tesseract_engine, digit_models) -> None:
    """GIVEN a volante with a written name and e-mail, and a reader with a second
    recognizer WHEN read THEN the name box (any character) and the e-mail box (an
    address's characters) are read by it, each with boxes on the page around its box; no
    other written field is (the description, the service); an empty box is not read."""
    template = load_template()
    img = fill_volante(blank_volante_200, 200, name="Leticia Calderón Salinas",
                       lines=("La farmacia no tenía mi medicamento.",))
    x0, _, _, y1 = template.zone("fields", "correo").to_px(200)
    ImageDraw.Draw(img).text((x0 + 16, y1 - 8), "leti.calderon@gmail.com", fill=0,
                             font=ImageFont.truetype(SANS, 40), anchor="ls")
    aligned = detect(to_gray(np.asarray(img)), template)
    second = _RecordingSecond("Leticia Calderon Salinas")
    v = read_volante(aligned, Reader.of(tesseract_engine, digit_models, second=second))
    assert sorted(second.whitelists, key=str) == sorted([None, EMAIL_CHARS], key=str)
    assert sorted(k for k, f in v.fields.items() if f.second) == ["correo", "nombre"]
    for key in ("nombre", "correo"):
        bx0, by0, bx1, by1 = template.zone("fields", key).to_px(ALIGN_DPI)
        for s in v.fields[key].second:
            assert bx0 - 30 <= s.box[0] < s.box[2] <= bx1 + 30
            assert by0 - 30 <= s.box[1] < s.box[3] <= by1 + 30
    empty = fill_volante(blank_volante_200, 200, name="Leticia Calderón Salinas")
    second.whitelists.clear()
    read_volante(detect(to_gray(np.asarray(empty)), template),
                 Reader.of(tesseract_engine, digit_models, second=second))
    assert second.whitelists == [None]


def test_fullwidth_characters_the_model_reads_come_out_plain() -> None:
    """GIVEN frames the model reads as a fullwidth "（" (its character list holds Asian
    scripts' forms) and as "3" and "３" WHEN decoded THEN the symbols are "(" and "3", the
    two forms of one character weighed together."""
    chars = ["", "（", "(", "3", "３"]
    frames = np.array([[0.0, 0.7, 0.3, 0.0, 0.0],
                       [1.0, 0.0, 0.0, 0.0, 0.0],
                       [0.0, 0.0, 0.0, 0.45, 0.55]])
    symbols = rapid._symbols(frames, chars, scale=4.0, height=48)
    assert [s.text for s in symbols] == ["(", "3"]
    assert symbols[0].alternatives == [("(", 1.0)]
    assert symbols[1].alternatives == [("3", 1.0)] and symbols[1].confidence == 100.0
