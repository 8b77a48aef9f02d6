"""Duplicate proposals (policy 5.9): same NSS or name, similar text, inside the window."""

from __future__ import annotations

import datetime as dt

from classifier.duplicates import PetitionRecord, find_duplicates, name_key

DAY = dt.date(2026, 11, 20)
NSS = "92919084431"
FIRST = ("En la farmacia de la UMF 20 no me surtieron la metformina ni el losartán, me dijeron "
         "que regresara la otra semana. Ya no tengo pastillas desde el viernes.")
AGAIN = ("en la farmacia de la umf 20 no me surtieron la metformina ni el losartan, dijeron que "
         "regresara la otra semana. ya no tengo pastillas desde el viernes!!")
OTHER = "Quiero felicitar a la enfermera Lupita del turno de la tarde por su paciencia."


def rec(id_: int, text: str, days: int = 0, nss: str | None = NSS,
        nombre: str | None = None) -> PetitionRecord:
    return PetitionRecord(id_, text, DAY + dt.timedelta(days=days), nss, nombre)


def test_same_nss_and_similar_text_links_the_later_to_the_earlier() -> None:
    links = find_duplicates([rec(2, AGAIN, days=3), rec(1, FIRST), rec(3, OTHER, days=4)])
    assert [(x.document_id, x.duplicate_of, x.same) for x in links] == [(2, 1, "nss")]
    assert links[0].similarity > 0.6
    assert "Mismo NSS" in links[0].reason and "3 día(s) antes" in links[0].reason


def test_same_name_written_differently_counts() -> None:
    links = find_duplicates([rec(1, FIRST, nss=None, nombre="María José Pérez"),
                             rec(2, AGAIN, nss=None, nombre="PEREZ MARIA JOSE")])
    assert [(x.document_id, x.same) for x in links] == [(2, "nombre")]
    assert name_key("María José Pérez") == name_key("perez, maria jose")
    assert name_key("Ana") is None  # one word identifies nobody


def test_outside_the_window_or_another_person_or_another_text_is_no_duplicate() -> None:
    assert find_duplicates([rec(1, FIRST), rec(2, AGAIN, days=31)]) == []
    assert find_duplicates([rec(1, FIRST), rec(2, AGAIN, days=31)], window_days=45) != []
    assert find_duplicates([rec(1, FIRST), rec(2, AGAIN, nss="12345678901")]) == []
    assert find_duplicates([rec(1, FIRST), rec(2, OTHER)]) == []
    assert find_duplicates([rec(1, FIRST), rec(2, AGAIN)], min_similarity=0.99) == []
    assert find_duplicates([rec(1, "", nss=NSS), rec(2, "", nss=NSS)]) == []
