"""Document boundaries inside one file, from page texts."""

from __future__ import annotations

from intake.split import page_number, split_pages
from ocr.types import PageRead, VolanteRead


def page(n: int, text: str, *, volante: bool = False, blank: bool = False) -> PageRead:
    return PageRead(page_no=n, text=text, confidence=90.0,
                    method="volante" if volante else "tesseract", is_blank=blank,
                    volante=VolanteRead(template="volante-v1", qr=None) if volante else None)


LETTER_1 = "Ciudad de México, a 3 de marzo de 2025\nA quien corresponda:\nLes escribo porque"
LETTER_2 = "Por medio de la presente quiero reconocer al personal de farmacia."


def test_page_numbers_in_common_writings() -> None:
    assert page_number("- 2 -\ntexto que sigue") == 2
    assert page_number("texto\nHoja 3 de 3") == 3
    assert page_number("texto\n2/3") == 2
    assert page_number("pág. 2\ntexto") == 2
    assert page_number("Tengo 2 hijos en la guardería\ny nadie responde.") is None


def test_continuation_pages_join_their_letter() -> None:
    """GIVEN a scanner batch: letter (2 pages), volante, blank, letter (1 page)
    WHEN split THEN four documents with the right page numbers."""
    pages = [
        page(1, LETTER_1 + " en la farmacia no había"),
        page(2, "medicamento para mi mamá y nos dijeron que volviéramos.\nAtentamente\n- 2 -"),
        page(3, "Nombre\nNSS", volante=True),
        page(4, "", blank=True),
        page(5, LETTER_2),
    ]
    groups = split_pages(pages)
    assert [g.page_numbers for g in groups] == [[1, 2], [3], [4], [5]]
    assert [g.kind for g in groups] == ["escrito_libre", "volante", "otro", "escrito_libre"]


def test_a_new_letter_is_not_glued_to_an_unfinished_page() -> None:
    pages = [page(1, "Quiero quejarme del trato en ventanilla y"), page(2, LETTER_1)]
    assert [g.page_numbers for g in split_pages(pages)] == [[1], [2]]


def test_a_page_numbered_one_starts_a_document() -> None:
    pages = [page(1, "Fin de una carta."), page(2, "1/2\nOtra carta que empieza aquí.")]
    assert [g.page_numbers for g in split_pages(pages)] == [[1], [2]]


def test_lowercase_start_continues_without_page_number() -> None:
    pages = [page(1, "Les pido que revisen el caso."), page(2, "y también que me llamen.")]
    assert [g.page_numbers for g in split_pages(pages)] == [[1, 2]]
