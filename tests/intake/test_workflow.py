"""The document workflow's pieces: stored pages read back as the OCR gave them, and where
each proposed value was read."""

from __future__ import annotations

import json
from dataclasses import replace

from classifier.types import Extracted, Proposal
from intake.provenance import provenance_of
from intake.workflow import page_of
from models.schema import Page
from ocr.identifiers import from_volante
from ocr.types import CheckboxRead, FieldRead, PageRead, Symbol, VolanteRead, Word

NSS = "92919084431"


def _volante() -> PageRead:
    digits = [Symbol(d, 96.0, (10 * i, 50, 10 * i + 9, 60), [(d, 0.96), ("7", 0.04)])
              for i, d in enumerate(NSS)]
    vol = VolanteRead("volante-v1", {"form": "volante-v1", "unit": "UMF 7"},
                      checkboxes={"queja": CheckboxRead("marcado", 0.4, (1, 2, 3, 4))},
                      fields={"nombre": FieldRead("ANA RUIZ", 88.0, (5, 5, 90, 20)),
                              "nss": FieldRead(NSS, 96.0, (0, 50, 110, 60),
                                               symbols=digits)})
    return PageRead(page_no=4, text="Queja", confidence=85.0, method="volante", width=200,
                    height=300, words=[Word("Queja", 90.0, (5, 100, 40, 110))], volante=vol,
                    identifiers=from_volante(vol), notes=["nota"], image_png=b"png")


def test_a_stored_page_reads_back_as_the_ocr_gave_it() -> None:
    """GIVEN a volante's reading stored as JSON (Page.ocr) WHEN read back for a merge THEN
    it is the same reading (boxes, checkboxes, QR, digit alternatives), without its image."""
    page = _volante()
    stored = json.loads(json.dumps(page.to_dict()))
    assert PageRead.from_dict(stored) == replace(page, image_png=None)
    row = Page(page_no=4, text=page.text, method="volante", confidence=85.0, rotation=0,
               is_blank=False, width=200, height=300, ocr=stored)
    assert page_of(row) == replace(page, image_png=None)


def test_a_page_stored_by_an_earlier_version_reads_back_with_its_columns() -> None:
    """GIVEN a page row whose reading lacks the keys later versions store (identifiers,
    notes, error) or has none at all WHEN read back THEN its columns fill in."""
    old = Page(page_no=2, text="Hoja dos.", method="tesseract", confidence=70.0,
               read_error="Tesseract excedió el tiempo", ocr={
                   "words": [{"text": "Hoja", "confidence": 80, "box": [1, 2, 3, 4]}]})
    page = page_of(old)
    assert (page.page_no, page.text, page.error, page.identifiers) == (
        2, "Hoja dos.", "Tesseract excedió el tiempo", [])
    assert page.words == [Word("Hoja", 80.0, (1, 2, 3, 4))]
    assert page_of(Page(page_no=1, text="", method="tesseract")).volante is None


def _proposal(**spans: Extracted) -> Proposal:
    return Proposal(type="queja_servicio", confidence=0.9, scores={}, needs_review=False,
                    fields={}, spans=spans)


def test_a_text_value_is_placed_on_its_own_page_and_words() -> None:
    """GIVEN a two-page letter whose second page starts with blank lines and ends with the
    phone WHEN the proposal's text span of the phone is placed THEN it is on page 2, on the
    phone's words; a value from the volante's boxes is on its zone of the first page."""
    first = _volante()
    words = [Word("Tel.", 90.0, (10, 10, 40, 20), line=0), Word("55", 90.0, (50, 10, 70, 20)),
             Word("1234", 90.0, (80, 10, 120, 20)), Word("5678", 90.0, (130, 10, 170, 20))]
    second = PageRead(page_no=5, text="\n\nTel. 55 1234 5678", confidence=80.0,
                      method="tesseract", words=words)
    text = "Queja\n\nTel. 55 1234 5678"  # intake.split.document_text of the two pages
    start = text.index("55")
    where = provenance_of([first, second], _proposal(
        telefono=Extracted("5512345678", start, len(text)),
        nombre=Extracted("Ana Ruiz", source="formulario"),
        nss=Extracted(NSS, source="pagina", page=4, box=(0, 50, 110, 60)),
        fecha_evento=Extracted("2026-11-19", 0, 5)))
    assert where == {
        "telefono": {"page": 5, "zone": None, "source": "texto", "box": [50, 10, 170, 20]},
        "nombre": {"page": 4, "zone": "nombre", "source": "formulario",
                   "box": [5, 5, 90, 20]},
        "nss": {"page": 4, "zone": "nss", "source": "pagina", "box": [0, 50, 110, 60]},
    }
