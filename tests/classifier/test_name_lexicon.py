"""Names the OCR read with a slip are spelled from the lexicon; real names are left alone."""

from __future__ import annotations

import pytest

from classifier.extract import extract_fields
from classifier.name_lexicon import known_name_words, spell_name


@pytest.mark.parametrize(("read", "spelled"), [
    ("Kodolfo Galván Kamos", "Rodolfo Galván Ramos"),  # one slip on the first letter
    ("Diego TUERRERO Bautista", "Diego Guerrero Bautista"),
    ("Patricia Hermáandez Murales", "Patricia Hernández Morales"),  # two slips, accent kept
    ("Agustín Avila Carrillo", "Agustín Ávila Carrillo"),  # the accent the OCR dropped
])
def test_a_word_one_or_two_slips_from_one_known_name_is_spelled_as_it(read: str,
                                                                      spelled: str) -> None:
    assert spell_name(read) == spelled


@pytest.mark.parametrize("written", [
    "Gael Quintero Meza",  # Faker has no "Gael"; one slip from its "Rael"
    "Yareli Xolalpa Cuauhtémoc",  # "Yareli" is in no list: left as written
    "Refugio Méndez",  # in no list, and two slips from "Remigio": seven letters are few
    "Anselmo Canché Pool",  # "Pool" is one slip from "Pol": four letters are few
    "María de la Luz Ramírez",  # particles are not names
    "Luis Garcia Lopez",  # known as written, without accents: never changed
    "juan perez lopez",  # lower case stays lower case
])
def test_a_name_known_or_far_from_every_known_one_is_left_as_written(written: str) -> None:
    assert spell_name(written) == written


def test_two_known_names_as_close_leave_the_word_for_the_reviewer() -> None:
    # "Maldona" is two slips from Maldonado, Cardona, Saldana and Aldonza alike.
    assert spell_name("Victoria Maldona Luna") == "Victoria Maldona Luna"


def test_a_word_of_two_letters_is_not_guessed() -> None:
    assert spell_name("Danel Co Herrera").split()[1] == "Co"


def test_two_slips_must_keep_the_first_letter() -> None:
    assert "xolalpa" in known_name_words() and "olalla" in known_name_words()
    assert spell_name("Olalpa") == "Olalpa"  # one slip from both: left
    assert spell_name("Xolalla") == "Xolalla"  # one slip from both again
    assert spell_name("Kontreras") == "Contreras"  # one slip, on the first letter
    assert spell_name("Montreraz") == "Montreraz"  # two, one of them on the first letter


def test_the_name_a_letter_and_a_volante_give_is_spelled() -> None:
    letter = "Les pido que me atiendan.\nAtentamente,\nKodolfo Galván Kamos\nTel. 5512345678"
    assert extract_fields(letter)["nombre"].value == "Rodolfo Galván Ramos"
    form = extract_fields("", {"nombre": "KODOLFO GALVAN RAMOS"})
    assert form["nombre"].value == "Rodolfo Galván Ramos"


def test_a_reader_that_drops_accents_gets_each_known_words_commonest_form() -> None:
    """GIVEN RapidOCR's "Leticia Calderon Nuñez" (it drops accents a person wrote) WHEN
    spelled as such a reader's THEN "Leticia Calderón Núñez"; as Tesseract's, it stays as
    read (known as written); "Manuel" keeps its plain form, the commonest."""
    assert spell_name("Leticia Calderon Nuñez", commonest=True) == "Leticia Calderón Núñez"
    assert spell_name("Leticia Calderon Nuñez") == "Leticia Calderon Nuñez"
    assert spell_name("Manuel Trejo", commonest=True) == "Manuel Trejo"


def read(text: str, doubts: dict[int, list[tuple[str, float]]] | None = None
         ) -> list[list[tuple[str, float]]]:
    """A second recognizer's reading: each character sure, but those given in `doubts`."""
    return [(doubts or {}).get(i, [(ch, 0.99)]) for i, ch in enumerate(text)]


def test_a_volantes_name_box_takes_the_reading_more_of_whose_words_are_names() -> None:
    """GIVEN the name box as Tesseract and as the second recognizer read it WHEN extracted
    THEN the reading with more known names wins, spelled and capitalised; on a tie, or
    when the second is worse, Tesseract's; the second alone fills an empty box."""
    def name(tesseract: str, second: str) -> str:
        form = {"nombre": tesseract} if tesseract else {}
        return extract_fields("", form, form_second={"nombre": read(second)})["nombre"].value

    assert name("Cer ¡Cl Calderén Salinas", "Leticia Calderon Salinas") \
        == "Leticia Calderón Salinas"
    assert name("Guadalupe Santiago larres", "Guadalupe Santiago Torres") \
        == "Guadalupe Santiago Torres"  # a name word in lower case counts half
    assert name("Óscar Robles Núnez2", "óscar Robles Nunez") == "Óscar Robles Núñez"
    assert name("Josefina Delgado Herrera", "Josefina Degado Serra") \
        == "Josefina Delgado Herrera"
    assert name("Patricia Padilla García", "PATRIAALA AREA") == "Patricia Padilla García"
    assert name("", "SANDRA TREJO MEJIA") == "Sandra Trejo Mejía"
    # As many names, fewer stray pieces: "Sebas tián" was spelled "Sabas tián".
    assert name("Sebas tián Moreno León", "Sebastián Moreno León") == "Sebastián Moreno León"
    # The box is handwritten: a known word without its accent takes its commonest form.
    assert name("Victoria Romero Alvarez", "") == "Victoria Romero Álvarez"


def test_a_letters_signature_read_again_gives_the_name_when_it_reads_more_like_one() -> None:
    """GIVEN a handwritten letter whose signature Tesseract read "RosarlO Torres Navarro"
    (no name found) or "Sum Carlos Fuentes Castro", and the second recognizer's reading of
    the closing lines WHEN extracted THEN the name is the second's when more of its words
    are names; Tesseract's when it reads as well ("Ana Ruiz Paz")."""
    text = "Gracias por la rampa nueva.\n\nGrácias,\n\nRosarlO Torres Navarro\n"
    assert extract_fields(text, closing=["Gracias,", "Rosario Torres Navarro"]
                          )["nombre"].value == "Rosario Torres Navarro"
    text = "Les pido que me atiendan.\nAtentamente,\nSum Carlos Fuentes Castro\n"
    assert extract_fields(text, closing=["Atentamente,", "Juan Carlos Fuentes Castro"]
                          )["nombre"].value == "Juan Carlos Fuentes Castro"
    text = "Les pido que me atiendan.\nAtentamente,\nAna Ruiz Paz\n"
    assert extract_fields(text, closing=["Atentamente,", "Ana Ruíz Pas"]
                          )["nombre"].value == "Ana Ruiz Paz"
    assert extract_fields(text, closing=["Atentamente", "555 123"])["nombre"].value \
        == "Ana Ruiz Paz"


def test_a_sign_off_wrapped_after_the_first_name_and_a_dated_place_heading() -> None:
    """GIVEN "... gracias att Roberto" ending a line and "Huerta Bautista" the next, and a
    note headed "Naucalpan de Juárez, 16 de febrero del 2026" WHEN extracted THEN the
    first is the whole name and the second is no name (a place dating the letter)."""
    wrapped = "ella actuó rapidísimo. gracias gracias att Roberto\nHuerta Bautista"
    assert extract_fields(wrapped)["nombre"].value == "Roberto Huerta Bautista"
    dated = ("Naucalpan de Juárez, 16 de febrero del 2026\n\nBuzón de quejas UMF 20\n"
             "disculpe donde están los baños no veo letrero")
    assert "nombre" not in extract_fields(dated)


def test_a_name_wrapped_below_or_above_its_line_is_taken_whole() -> None:
    """GIVEN a signature whose last surname the hand wrapped to the line below, and one
    whose given name ends the line above it after a sentence WHEN extracted THEN each name
    is whole; a line below that is no name (an address, a contact label) stays out."""
    below = "ESTUVIERA ROTA\n- SALUDOS\nMARCO ANTONIO TORRES\nHERNÁNDEZ.\nCORREO:"
    assert extract_fields(below)["nombre"].value == "Marco Antonio Torres Hernández"
    above = "con clima. Gracias por su atención. XIMENA\nROSALES SANCHEZ, mamá de la sala"
    assert extract_fields(above)["nombre"].value == "Ximena Rosales Sánchez"  # capitals
    street = "Atentamente\nJuan Pérez\nMorelos 45 col. Centro"
    assert extract_fields(street)["nombre"].value == "Juan Pérez"
    label = "Atentamente,\nHéctor Márquez Vargas\nCorreo: hector@live.com.mx"
    assert extract_fields(label)["nombre"].value == "Héctor Márquez Vargas"


def test_a_name_word_of_the_second_reading_is_spelled_from_its_own_alternatives() -> None:
    """GIVEN the name box read "Davier Xolalpa Mendoza" by Tesseract and "Savier Xolalpa
    Mendoza" by the second recognizer with "J" its second choice at the "S" (and "PADLA"
    with "O" second at the "D") WHEN extracted THEN "Javier Xolalpa Mendoza" ("Paola"):
    the alternative makes the word a name, and the reading then has more names. Without
    that alternative the word stays as read."""
    def name(tesseract: str, second, ) -> str:
        return extract_fields("", {"nombre": tesseract}, form_second={"nombre": second}
                              )["nombre"].value

    assert name("Davier Xolalpa Mendoza", read("Savier Xolalpa Mendoza",
                                               {0: [("S", 0.59), ("J", 0.41)]})) \
        == "Javier Xolalpa Mendoza"
    assert name("PADLA PAcHEcO FLORES", read("PADLA PACHECO FLORES",
                                             {2: [("D", 0.51), ("O", 0.44)]})) \
        == "Paola Pacheco Flores"
    assert name("Davier Xolalpa Mendoza", read("Savier Xolalpa Mendoza",
                                               {0: [("S", 0.59), ("B", 0.41)]})) \
        == "Davier Xolalpa Mendoza"
