"""Duplicate proposals (policy 5.9): the same person found through name variants, NSS, CURP,
phone or e-mail; the same petition (repetición) or a new one (relacionada); the window."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from classifier._names import name_block_keys, name_match, name_tokens
from classifier.duplicates import (
    RELACIONADA,
    REPETICION,
    DuplicateRules,
    PetitionRecord,
    blocking_keys,
    compare_identity,
    find_duplicates,
    links_for,
)
from classifier.errors import ProfileError

DAY = dt.date(2026, 11, 20)
NSS = "92919084431"
OTHER_NSS = "12345678903"
FIRST = ("En la farmacia de la UMF 20 no me surtieron la metformina ni el losartán, me dijeron "
         "que regresara la otra semana. Ya no tengo pastillas desde el viernes.")
AGAIN = ("en la farmacia de la umf 20 no me surtieron la metformina ni el losartan, dijeron que "
         "regresara la otra semana. ya no tengo pastillas desde el viernes!!")
REWORDED = ("Vuelvo a escribir porque sigo sin mi metformina y sin el losartán: en farmacia me "
            "mandan a regresar cada semana y ya llevo días sin pastillas.")
OTHER = ("Quiero felicitar a la enfermera Lupita del turno de la tarde por su paciencia con mi "
         "mamá cuando la internaron.")


def rec(id_: int, text: str, days: int = 0, nss: str | None = NSS,
        nombre: str | None = "María José Pérez López", **kw: str | None) -> PetitionRecord:
    return PetitionRecord(id_, text, DAY + dt.timedelta(days=days), nss, nombre, **kw)


@pytest.mark.parametrize(("written", "variant"), [
    ("María José Pérez López", "PEREZ LOPEZ MARIA JOSE"),        # case, accents, order
    ("María José Pérez López", "maria jose perez lopez"),        # accents
    ("María de la Luz Pérez", "Maria Luz Perez"),                # particles
    ("Ma. José Pérez López", "María José Pérez López"),          # "Ma." for María
    ("María José Pérez López", "María José Pérez"),              # one surname missing
    ("María José Pérez López", "Marla José Pérez Lopcz"),        # OCR slips
    ("José Hdz. Ruiz", "José Hernández Ruiz"),                   # surname abbreviation
    ("J. Pérez López", "José Pérez López"),                      # an initial
])
def test_name_variants_are_the_same_name(written: str, variant: str) -> None:
    similarity, words = name_match(written, variant)
    assert similarity >= 0.85 and words >= 2, (written, variant, similarity)
    assert name_block_keys(written) & name_block_keys(variant)  # the search finds it


@pytest.mark.parametrize(("a", "b"), [
    ("María López Ruiz", "María López Díaz"),   # another second surname: a sister
    ("María Pérez", "José Pérez"),              # one word in common
    ("Ana Ruiz", "Ama Ruiz"),
    ("María", "María"),                         # one word identifies nobody
    (None, "María Pérez"),
])
def test_different_names_do_not_match(a: str | None, b: str | None) -> None:
    assert name_match(a, b)[0] < 0.7


def test_name_tokens_drop_titles_particles_and_read_ocr_digits() -> None:
    assert name_tokens("Sra. Ma. Gpe. de la Hdz. L0pez") == (
        "maria", "guadalupe", "hernandez", "lopez")


def test_same_nss_and_similar_text_is_a_repeat_of_the_first() -> None:
    """GIVEN a petition, its repeat 3 days later and a third copy 5 days later
    WHEN checked THEN both later ones link to the first, as repeats, with their reason."""
    links = find_duplicates([rec(2, AGAIN, days=3), rec(1, FIRST), rec(3, AGAIN, days=5),
                             rec(4, OTHER, days=4, nss=OTHER_NSS, nombre="Rosa Díaz")])
    assert [(x.document_id, x.duplicate_of, x.kind) for x in links] == [
        (2, 1, REPETICION), (3, 1, REPETICION)]
    first = links[0]
    assert first.similarity > 0.6 and "nss" in first.same
    assert re.match(r"Mismo NSS, mismo nombre, texto [01]\.\d\d similar, ", first.reason)
    assert "3 día(s) antes" in first.reason


def test_the_nss_alone_finds_the_person() -> None:
    """The repeat has no name and the NSS written differently: still the same person."""
    links = find_duplicates([rec(1, FIRST), rec(2, AGAIN, days=1, nombre=None,
                                                nss="9291 908 4431")])
    assert [(x.document_id, x.kind, x.same) for x in links] == [(2, REPETICION, ("nss",))]


def test_a_name_variant_without_nss_finds_the_person() -> None:
    links = find_duplicates([rec(1, FIRST, nss=None, nombre="María José Pérez"),
                             rec(2, AGAIN, days=2, nss=None, nombre="PEREZ MARIA JOSE")])
    assert [(x.document_id, x.kind, x.same) for x in links] == [(2, REPETICION, ("nombre",))]
    # No field tells a namesake apart: the reason says so, for the TAOD's SIADE search.
    assert links[0].reason.endswith("Solo coincide el nombre: puede ser un homónimo "
                                    "(confirme con el NSS).")
    by_nss = find_duplicates([rec(1, FIRST), rec(2, AGAIN, days=2)])
    assert "homónimo" not in by_nss[0].reason


def test_phone_email_and_curp_find_the_person() -> None:
    curp = "GOMC850101MDFRRR05"
    for kw in ({"telefono": "55 1234 5678"}, {"correo": "Rosa.Diaz@Example.MX"},
               {"curp": curp}):
        first = rec(1, FIRST, nss=None, nombre=None, **kw)
        again = rec(2, AGAIN, days=1, nss=None, nombre=None,
                    **{k: (v.lower().replace(" ", "") if v else v) for k, v in kw.items()})
        assert [x.kind for x in find_duplicates([first, again])] == [REPETICION], kw


def test_a_different_nss_is_another_person_even_with_the_same_name() -> None:
    assert find_duplicates([rec(1, FIRST), rec(2, AGAIN, days=1, nss=OTHER_NSS)]) == []
    assert compare_identity(rec(1, FIRST), rec(2, AGAIN, nss=OTHER_NSS)).score == 0


def test_a_new_petition_of_the_same_person_is_related_not_a_repeat() -> None:
    """GIVEN a person's complaint WHEN the same person (same NSS) writes about something
    else THEN it is linked as related (to be registered), with its reason."""
    links = find_duplicates([rec(1, FIRST), rec(2, OTHER, days=6)])
    assert [(x.document_id, x.duplicate_of, x.kind) for x in links] == [(2, 1, RELACIONADA)]
    assert links[0].similarity < 0.3 and "6 día(s) antes" in links[0].reason


def test_a_reworded_repeat_in_the_same_service_is_a_repeat() -> None:
    first = rec(1, FIRST, servicio="Farmacia")
    again = rec(2, REWORDED, days=8, servicio="farmacia")
    assert [x.kind for x in links_for(again, [first])] == [REPETICION]


def test_a_weak_name_match_with_another_text_is_nothing() -> None:
    """Two words of a common name and nothing else: maybe a homonym; only a similar text
    would link them."""
    first = rec(1, FIRST, nss=None, nombre="Juan Pérez")
    assert links_for(rec(2, OTHER, days=1, nss=None, nombre="Juan Pérez"), [first]) == []
    assert links_for(rec(2, AGAIN, days=1, nss=None, nombre="Juan Pérez"), [first]) != []


def test_the_window() -> None:
    assert find_duplicates([rec(1, FIRST), rec(2, AGAIN, days=31)]) == []
    assert find_duplicates([rec(1, FIRST), rec(2, AGAIN, days=30)]) != []
    wide = DuplicateRules(window_days=45)
    assert find_duplicates([rec(1, FIRST), rec(2, AGAIN, days=31)], wide) != []
    assert find_duplicates([rec(1, "", nss=NSS), rec(2, "", nss=NSS, days=1)])[0].kind == (
        RELACIONADA)  # no text to compare: the same person, not known to be a repeat


def test_the_letter_frame_and_the_writers_name_are_not_compared() -> None:
    """Two letters of one person share the greeting, the signature and the numbers: that
    is not a similar petition."""
    from classifier.duplicates import petition_body

    sign = "\nAtentamente,\nMaría José Pérez López\nNSS 92919084431\nTel. 55 1234 5678"
    body = petition_body("A quien corresponda: " + OTHER + sign, "María José Pérez López")
    assert "perez" not in body and "atentamente" not in body and "numerolargo" not in body
    links = links_for(rec(2, "A quien corresponda: " + OTHER + sign, days=2),
                      [rec(1, "A quien corresponda: " + FIRST + sign)])
    assert [x.kind for x in links] == [RELACIONADA]


def test_blocking_keys_hold_only_valid_identifiers() -> None:
    keys = blocking_keys(rec(1, FIRST, nss="12345", telefono="123", correo="no es correo"))
    assert not any(k.startswith(("nss:", "telefono:", "correo:")) for k in keys)
    assert f"nss:{NSS}" in blocking_keys(rec(1, FIRST))


def test_rules_come_from_the_profile(tmp_path: Path) -> None:
    from classifier.profile import load_profile

    assert load_profile("imss").duplicates.window_days == 30  # the default: it is silent
    src = (Path(__file__).parents[2] / "classifier" / "profiles" / "imss.toml").read_text(
        "utf-8")
    profile = tmp_path / "propio.toml"
    profile.write_text(src + "\n[duplicates]\nwindow_days = 10\n", encoding="utf-8")
    assert load_profile(profile).duplicates.window_days == 10
    bad = tmp_path / "malo.toml"
    bad.write_text(src + "\n[duplicates]\nventana = 10\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="claves desconocidas"):
        load_profile(bad)


@pytest.mark.parametrize(("a", "b"), [
    ("Juana Rosas Vargas", "Juan Rosas Vargas"),            # another gender, another person
    ("Mario Hernández Núñez", "María Hernández Núñez"),
    ("Juana González Hernández", "Juana Hernández González"),  # surnames the other way round
    ("Guadalupe Méndez Hernández", "Guadalupe Jiménez Hernández"),
])
def test_close_spellings_of_other_names_are_other_people(a: str, b: str) -> None:
    assert name_match(a, b)[0] < 0.7, (a, b)


def test_rn_read_for_m_is_the_same_name() -> None:
    assert name_match("Miguel Guzmán Pérez", "rniguel Guzrnán Pérez")[0] >= 0.85
