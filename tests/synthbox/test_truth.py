"""The benchmark's yardsticks: reviewer keys per document and boundary scores."""

from __future__ import annotations

from typing import Any

from synthbox.truth import (
    HELD_OUT,
    boundary_scores,
    by_hand,
    compare,
    effort,
    hand_keys,
    review_keys,
    style_or_held_out,
)

NSS, TEL = "92919084431", "5512345678"


def _fields(**values: str) -> dict[str, str | None]:
    return {"nombre": None, "nss": None, "telefono": None, "correo": None, "curp": None,
            "unidad": "UMF 20", "servicio": None, **values}


def _doc(pages: list[int], source: str = "a.pdf", type_: str = "queja_servicio",
         kind: str = "escrito_libre", **values: str) -> dict[str, Any]:
    return {"source": source, "pages": pages, "type": type_, "kind": kind,
            "fields": _fields(**values)}


def test_review_keys_count_confirm_type_and_every_value_to_type_or_clear() -> None:
    """GIVEN a document with name, NSS and phone WHEN the proposal is right, has the wrong
    type, misses the NSS, reads a wrong phone, or proposes an e-mail nobody wrote THEN 1 key
    to confirm, +1 for the type, length + 2 per value typed, +2 per value cleared."""
    truth = _doc([1], nombre="Ana Ruiz Soto", nss=NSS, telefono=TEL)
    assert review_keys(truth, _doc([1], nombre="Ana Ruiz Soto", nss=NSS, telefono=TEL)) == 1
    assert review_keys(truth, _doc([1], type_="gestion", nombre="Ana Ruiz Soto", nss=NSS,
                                   telefono=TEL)) == 2
    assert review_keys(truth, _doc([1], nombre="Ana Ruiz Soto", telefono="5512345670",
                                   correo="ana@gmail.com")) == 1 + 13 + 12 + 2
    # typing it all: confirm, type, and each value with its two keys
    assert hand_keys(truth) == 1 + 1 + (13 + 2) + (11 + 2) + (10 + 2)
    assert review_keys(truth, None) == 1 + hand_keys(truth)  # a boundary error


def test_effort_gives_keys_per_document_and_the_one_key_share() -> None:
    truths = [_doc([1], nss=NSS), _doc([2], telefono=TEL)]
    records = [_doc([1], nss=NSS), _doc([2])]
    e = effort(compare(records, truths))
    assert e == {"documents": 2, "keys_per_document": (1 + 13) / 2,
                 "by_hand_per_document": ((2 + 13) + (2 + 12)) / 2, "one_key_share": 0.5}


def test_boundaries_of_multi_page_letters_count_every_piece_a_letter_was_cut_into() -> None:
    """GIVEN a two-page letter cut in two and another kept whole WHEN scored THEN recall
    1/2 and precision 1/3 on multi-page letters; all documents: 2 of 3 exact."""
    truths = [_doc([1, 2]), _doc([3, 4]), _doc([5], kind="volante")]
    records = [_doc([1]), _doc([2]), _doc([3, 4]), _doc([5], kind="volante")]
    b = boundary_scores(compare(records, truths))
    assert (b["multipage_letters"]["recall"], b["multipage_letters"]["precision"]) == \
        (0.5, round(1 / 3, 4))
    assert b["multipage_letters"]["errors"] == [
        {"source": "a.pdf", "truth": [1, 2], "proposed": [[1], [2], [3, 4]]}]
    assert (b["all"]["exact"], b["all"]["truth"], b["all"]["proposed"]) == (2, 3, 4)


def test_held_out_documents_have_a_column_of_their_own() -> None:
    held = {"style": "manuscrito", "hand": "kristi", "held_out": True}
    mine = {"style": "manuscrito", "hand": "breip", "held_out": False}
    typed = {"style": "mecanografiado", "hand": None, "held_out": False}
    assert [style_or_held_out(t) for t in (held, mine, typed)] == [
        HELD_OUT, "manuscrito", "mecanografiado"]
    assert [by_hand(t) for t in (held, mine, typed, {"style": "garabato"})] == [
        "kristi", "breip", "mecanografiado", None]
