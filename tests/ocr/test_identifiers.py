"""Identifier candidates in running text: where they are found, and the real engine's
re-read with alternatives on rendered pages."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from ocr_testing import ScriptedEngine, text_page

from classifier.identifiers import candidates_of, resolve
from ocr.identifiers import find_regions, read_identifiers
from ocr.read import read_page
from ocr.types import PageImage, Word

HUMOR = Path("/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf")


def words(*lines: str) -> list[Word]:
    out, x = [], 0
    for i, line in enumerate(lines):
        x = 0
        for t in line.split():
            out.append(Word(t, 90.0, (x, 40 * i, x + 20 * len(t), 40 * i + 30), line=i))
            x += 20 * len(t) + 15
    return out


def regions(*lines: str) -> list[tuple[str, str, str]]:
    return [(k, label, " ".join(w.text for w in ws)) for k, label, ws in
            find_regions(words(*lines))]


def test_labels_point_at_the_value_after_them() -> None:
    assert regions("mi NSS del paciente: 9291 9O84 43l y mi Cel. (55) 2472-0844 gracias") == [
        ("nss", "NSS", "9291 9O84 43l"), ("telefono", "Cel.", "(55) 2472-0844")]


def test_a_label_at_the_end_of_a_line_points_at_the_next_line() -> None:
    assert regions("le dejo mi correo", "roberto.huerta(Vhotmail.com saludos") == [
        ("correo", "correo", "roberto.huerta(Vhotmail.com")]


def test_unlabelled_digit_runs_and_at_like_tokens_are_candidates() -> None:
    found = regions("Atte. Juan Pérez 55 2472 0844", "juan.perez©gmail.com",
                    "el 15/02/2026 a las 10:30")  # a date is no identifier
    assert found == [("numero", "", "55 2472 0844"), ("correo", "", "juan.perez©gmail.com")]


def test_a_labelled_number_read_as_letters_is_still_a_region() -> None:
    """GIVEN "Cel." followed by words the page read as letters WHEN one holds a digit THEN
    they are the phone's region (re-read with digits only); without any digit, nothing."""
    assert regions("Atte. Lupita Cel. e ve2? ss, add") == [
        ("telefono", "Cel.", "ve2? ss, add")]  # "e" is a filler word
    assert regions("le llamo al cel. mañana temprano") == []


def test_a_misspelt_label_is_a_label_and_the_rest_of_its_line_the_value() -> None:
    """GIVEN handwritten labels the page read misspelt WHEN a colon follows them, or they
    are very close to one THEN they point at the value; words like "corre" do not."""
    assert regions("Octavio Cuevas", "Taéfono: 339577413") == [
        ("telefono", "Taéfono:", "339577413")]
    assert regions("Taéeftono: 52. SISLU2ZILOZ") == [
        ("telefono", "Taéeftono:", "52. SISLU2ZILOZ")]  # digits read as letters
    assert regions("Corres: nguerre@gmail.com") == [("correo", "Corres:", "nguerre@gmail.com")]
    assert regions("el niño corre 10 metros y se cansa") == []
    assert regions("le mando por correr 3 veces") == []


def placed(*pieces: tuple[str, int]) -> list[Word]:
    """One line of words 40 px high, each after the gap given before it."""
    out, x = [], 0
    for text, gap in pieces:
        x += gap
        out.append(Word(text, 90.0, (x, 0, x + 20 * len(text), 40), line=0))
        x += 20 * len(text)
    return out


def test_an_address_split_by_the_engine_is_one_region_from_its_first_piece() -> None:
    """GIVEN a handwritten address the engine split in three ("lara.javier@hotmail.com" as
    "LORO. j¡avier(A) Notmoail.com") WHEN its region is found THEN it starts at its first
    piece, glued to the next by the dot: not at the last two, which gave a shorter,
    wrong address; a plain word before an address, however close, is not part of it."""
    def region(*pieces: tuple[str, int]) -> list[str]:
        return [" ".join(w.text for w in ws) for k, _, ws in find_regions(placed(*pieces))
                if k == "correo"]

    assert region(("Atte.", 0), ("LORO.", 60), ("j¡avier(A)", 10), ("Notmoail.com", 12)) == [
        "LORO. j¡avier(A) Notmoail.com"]
    assert region(("escribir", 0), ("a", 10), ("ana.ruiz@", 10), ("gmail.com", 8)) == [
        "ana.ruiz@ gmail.com"]
    assert region(("escribir", 0), ("a", 10), ("ana.ruiz@gmail.com", 10)) == [
        "ana.ruiz@gmail.com"]
    assert region(("lara", 0), ("_javier", 8), ("@gmail.com", 8)) == ["lara _javier @gmail.com"]


def test_glued_label_and_value() -> None:
    assert regions("NSS:92919084431") == [("nss", "NSS", "92919084431")]


def test_engines_without_alternatives_give_candidates_without_symbols(reader_of) -> None:
    page = np.full((200, 900), 255, np.uint8)
    (found,) = read_identifiers(page, words("Tel. 55 2472 0844"), reader_of(ScriptedEngine()))
    assert (found.kind, found.text, found.symbols) == ("telefono", "55 2472 0844", [])


def _page_values(img, reader):
    pixels = np.asarray(img.convert("L"))
    read = read_page(PageImage(pixels=pixels, page_no=1, dpi=300), reader)
    return read, resolve(candidates_of([(1, [asdict(i) for i in read.identifiers])]))


def test_real_engine_finds_contact_data_in_a_typed_letters_running_text(tesseract_reader):
    """GIVEN a typed letter with an NSS, a phone and an e-mail inside its sentences WHEN
    read THEN each is found by its label, read again and accepted from the page, with a
    box inside the page image."""
    img = text_page(["Buenos días, en la farmacia no me surtieron la receta.",
                     "Mi número de afiliación es 9291 9084 431 y me pueden",
                     "llamar al cel. (55) 2472-0844 o escribir a",
                     "ana.ruiz@gmail.com para darme una respuesta."], dpi=300, pt=12)
    read, found = _page_values(img, tesseract_reader)
    assert {k: (v.value, v.valid) for k, v in found.values.items()} == {
        "nss": ("92919084431", True), "telefono": ("5524720844", True),
        "correo": ("ana.ruiz@gmail.com", True)}
    for v in found.values.values():
        x0, y0, x1, y1 = v.box
        assert 0 <= x0 < x1 <= read.width and 0 <= y0 < y1 <= read.height
        assert v.source == "pagina" and v.confidence > 0.5


@pytest.mark.skipif(not HUMOR.exists(), reason="fonts-humor-sans no está instalado")
def test_real_engine_reads_an_nss_in_a_handwriting_font(tesseract_reader):
    """GIVEN an NSS in a handwriting font after its label, which the page's read takes for
    "42m 4084 431" WHEN its region is read again THEN the digit model's reading of the
    cut-apart characters passes the check digit and is accepted."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (2480, 900), 255)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(str(HUMOR), 80)
    d.text((200, 200), "Les pido que me atiendan pronto.", font=f, fill=30)
    d.text((200, 400), "Mi NSS 9291 9084 431 gracias", font=f, fill=30)
    _read, found = _page_values(img, tesseract_reader)
    nss = found.values["nss"]
    assert (nss.value, nss.valid, nss.source) == ("92919084431", True, "pagina")


def test_a_volantes_digit_rows_become_candidates_with_the_models_alternatives() -> None:
    """GIVEN a volante whose NSS row was read by the digit model WHEN its identifiers are
    taken THEN the row is a candidate whose characters keep the model's alternatives (its
    own confidence left out, so only the search can accept it); empty fields are none."""
    from ocr.identifiers import from_volante
    from ocr.types import FieldRead, Symbol, VolanteRead

    row = [Symbol(d, 90.0, (i * 10, 0, i * 10 + 9, 20), [(d, 0.9), ("7", 0.1)])
           for i, d in enumerate("92919084431")]
    v = VolanteRead(template="volante_v1", qr=None, fields={
        "nss": FieldRead("92919084431", 90.0, (0, 0, 110, 20), symbols=row),
        "telefono": FieldRead("", 0.0, (0, 30, 100, 50)),
        "correo": FieldRead("ana.ruiz@gmail.com", 80.0, (0, 60, 200, 80))})
    nss, mail = from_volante(v)
    assert (nss.kind, nss.confidence, nss.symbols) == ("nss", 0.0, [])
    assert [s.alternatives for s in nss.segmented] == [s.alternatives for s in row]
    assert nss.segmented[0] is not row[0]  # scaled once each
    assert (mail.kind, mail.text, mail.confidence) == ("correo", "ana.ruiz@gmail.com", 80.0)
