"""Validators: NSS Luhn, CURP check digit, phone writings, e-mail."""

from __future__ import annotations

import random

import pytest

from classifier.identity import make_identity, write_phone
from classifier.validate import (
    curp_check_digit,
    is_valid_curp,
    is_valid_email,
    is_valid_nss,
    normalize_phone,
    nss_check_digit,
)


def test_domain_examples() -> None:
    assert nss_check_digit("9291908443") == 1
    assert is_valid_nss("92919084431")
    assert is_valid_nss("9291 9084 431")
    assert not is_valid_nss("92919084432")
    assert is_valid_curp("BOXW310820HNERXN09")
    assert curp_check_digit("BOXW310820HNERXN0") == 9


@pytest.mark.parametrize("bad", ["", "1234567890", "929190844311", "9291908443a", "abcdefghijk"])
def test_invalid_nss(bad: str) -> None:
    assert not is_valid_nss(bad)


def test_every_single_digit_error_breaks_luhn() -> None:
    nss = "92919084431"
    for i in range(11):
        for d in "0123456789":
            if d != nss[i]:
                assert not is_valid_nss(nss[:i] + d + nss[i + 1:])


@pytest.mark.parametrize(
    "bad", ["BOXW310820HNERXN08", "BOXW311320HNERXN09", "BOXW310820XNERXN09", "BOXW310820HNE"]
)
def test_invalid_curp(bad: str) -> None:
    assert not is_valid_curp(bad)


@pytest.mark.parametrize(
    "written",
    [
        "55 1234 5678", "(55) 1234-5678", "+52 55 1234 5678", "5512345678", "55.12.34.56.78",
        "55-1234-5678", "+525512345678", "52 5512345678", "0052 55 1234 5678",
        "55 12 34 56 78", "+52 1 55 1234 5678",
    ],
)
def test_phone_writings(written: str) -> None:
    assert normalize_phone(written) == "5512345678"


@pytest.mark.parametrize("bad", ["", "1234", "551234567", "55123456789012", "0512345678"])
def test_not_phones(bad: str) -> None:
    assert normalize_phone(bad) is None


def test_emails() -> None:
    assert is_valid_email("maria.lopez@gmail.com")
    assert is_valid_email("jperez85@yahoo.com.mx")
    for bad in ("maria@", "@gmail.com", "maria lopez@gmail.com", "a..b@gmail.com", "x@y"):
        assert not is_valid_email(bad)


def test_generated_identities_validate() -> None:
    rng = random.Random(7)
    for _ in range(300):
        person = make_identity(rng)
        assert is_valid_nss(person.nss)
        assert is_valid_curp(person.curp), person.curp
        assert person.curp[4:10] == person.nacimiento.strftime("%y%m%d")
        assert person.curp[0] == person.paterno[0].upper().replace("Á", "A").replace("Ó", "O")
        assert person.nss[4:6] == f"{person.nacimiento.year % 100:02d}"
        assert is_valid_email(person.correo)
        assert normalize_phone(person.telefono_escrito) == person.telefono
        assert normalize_phone(write_phone(person.telefono, rng)) == person.telefono


def test_identities_are_seeded_and_varied() -> None:
    a = [make_identity(random.Random(3)) for _ in range(2)]
    assert a[0] == a[1]
    rng = random.Random(11)
    people = [make_identity(rng) for _ in range(200)]
    assert len({p.nombres for p in people}) > 60
    assert len({p.paterno for p in people}) > 60
    assert len({p.nss for p in people}) == 200
    assert any(any(c in p.nombre for c in "áéíóúÁÉÍÓÚ") for p in people)


@pytest.mark.parametrize(("ocr", "address"), [
    ("juan.perezfgmail.com", "juan.perez@gmail.com"),          # "@" read as "f"
    ("pedro.lopez(Wyahoo.com.mx", "pedro.lopez@yahoo.com.mx"),  # as "(W"
    ("roberto.huerta(Vhotmail.com", "roberto.huerta@hotmail.com"),
    ("gzunigab1993(0 outlook.com", "gzunigab1993@outlook.com"),  # as "(0"
    ("ana.ruiz©outlook.com", "ana.ruiz@outlook.com"),           # as "©"
    ("maria.ruizhotmail.com", "maria.ruiz@hotmail.com"),        # lost before a provider
    ("maria.ruiz hotmai1.com", "maria.ruiz@hotmail.com"),       # lost, and the domain misread
    ("luis.gomez@gmial.com", "luis.gomez@gmail.com"),           # only the domain repaired
    ("Ana.Ruiz@Gmail.com,", "ana.ruiz@gmail.com"),
    ("sofia.aguilarQoutlook.com", "sofia.aguilar@outlook.com"),  # as a round capital
    ("claudia. delgadoGoutlook. com.", "claudia.delgado@outlook.com"),
])
def test_repair_email_brings_back_the_at_sign(ocr: str, address: str) -> None:
    from classifier.validate import repair_email

    assert repair_email(ocr) == address


@pytest.mark.parametrize("ocr", [
    "hotmail.com",                 # a provider alone is no address
    "juan.perez.empresa.com",      # no "@" and no known provider: nothing to repair from
    "a@b@gmail.com",
    "",
    "Sofia.AguilarQoutlook.com",   # capitals of its own: an "@" read "Q", or a "Q" and a lost "@"
])
def test_repair_email_refuses_what_it_cannot_know(ocr: str) -> None:
    from classifier.validate import repair_email

    assert repair_email(ocr) is None


def test_mexican_area_codes() -> None:
    from classifier.validate import has_mexican_area_code

    assert has_mexican_area_code("5524720844")   # CDMX
    assert has_mexican_area_code("6629559398")   # Hermosillo
    assert not has_mexican_area_code("2901234567")  # 290 is no area code
    assert not has_mexican_area_code("1112345678")
    assert not has_mexican_area_code("552472084")   # 9 digits
