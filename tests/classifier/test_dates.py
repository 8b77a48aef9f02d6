"""The event date: written and numeric dates, relative words, appointments left out."""

from __future__ import annotations

import datetime as dt

import pytest

from classifier.dates import find_event_date

REF = dt.date(2026, 11, 20)


@pytest.mark.parametrize(("text", "expected"), [
    ("Mi madre llegó a Urgencias el pasado 3 de marzo con dolor", "2026-03-03"),
    ("el dia 14 de DICIEMBRE me trataron mal en farmacia", "2025-12-14"),
    ("El 5 de enero de 2024 me negaron la consulta", "2024-01-05"),
    ("fui el 02/11/2026 a laboratorio y no habia reactivos", "2026-11-02"),
    ("fui el 2-11-26 a laboratorio", "2026-11-02"),
    ("ayer en la noche nadie nos atendió", "2026-11-19"),
    ("Me dieron cita para el 30 de enero pero el 12 de noviembre me cancelaron",
     "2026-11-12"),
    ("Mi bebé nació el 2 de octubre; hoy no la quieren dar de alta", "2026-11-20"),
    ("Quiero saber el horario de farmacia", None),
    ("Tengo 31 años y 45 de cintura", None),
    ("fecha 31/02/2026", None),
])
def test_event_dates(text: str, expected: str | None) -> None:
    found = find_event_date(text, REF)
    assert (found.value if found else None) == expected
    if found:
        assert found.end > found.start >= 0


def test_without_a_reference_relative_words_are_ignored_and_the_year_left_open() -> None:
    assert find_event_date("ayer me trataron mal") is None
    found = find_event_date("el 3 de marzo me trataron mal")
    assert found is not None and found.value == "--03-03"
    assert "3 de marzo" == "el 3 de marzo me trataron mal"[found.start:found.end]
