"""Field extraction on filled corpus texts and on tricky hand-written forms."""

from __future__ import annotations

import random

import pytest

from classifier.corpus import fill, load_corpus, make_identity
from classifier.extract import extract_fields, name_case

LETTER = (
    "Solicito que me surtan la receta de metformina, ya fui tres veces a la farrnacia.\n"
    "Mi nombre es {NOMBRE}, mi NSS es {NSS}.\n"
    "Tel. {TELEFONO}\ncorreo: {CORREO}\nCURP {CURP}"
)


def test_fields_and_spans_on_filled_texts() -> None:
    rng = random.Random(4)
    for _ in range(40):
        person = make_identity(rng)
        filled = fill(LETTER, person, rng, "completo")
        found = extract_fields(filled.text)
        for key in ("nombre", "nss", "telefono", "correo", "curp"):
            # Names written in capitals come out as names are written (name_case).
            assert found[key].value == (name_case(filled.fields[key]) if key == "nombre"
                                        else filled.fields[key]), (key, filled.text)
            span = filled.text[found[key].start:found[key].end]
            assert found[key].source == "texto"
            if key in ("nombre", "correo", "curp"):
                assert span == filled.fields[key]
            else:
                assert "".join(c for c in span if c.isdigit()).endswith(found[key].value[-8:])
        assert found["servicio"].value == "Farmacia"


def test_recall_on_the_bundled_corpus() -> None:
    """GIVEN every corpus text filled with a fake person at random contact levels
    WHEN fields are extracted THEN name, NSS, phone and e-mail are nearly always right."""
    rng = random.Random(8)
    hits = {k: 0 for k in ("nombre", "nss", "telefono", "correo")}
    totals = dict.fromkeys(hits, 0)
    wrong = 0
    for item in load_corpus():
        filled = fill(item, make_identity(rng), rng, rng.choice(["completo", "parcial", "ausente"]))
        found = extract_fields(filled.text)
        for key in hits:
            truth = filled.fields[key]
            if key == "nombre" and truth:
                truth = name_case(truth)
            got = found[key].value if key in found else None
            if truth:
                totals[key] += 1
                hits[key] += got == truth
            elif got:
                wrong += 1
    for key in hits:
        assert hits[key] >= 0.9 * totals[key], (key, hits[key], totals[key])
    assert wrong <= 0.02 * sum(totals.values())


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("me atendieron en la clínica 20 de Iztapalapa", "unidad", "UMF 20"),
        ("en el H.G.Z. no. 8 no había camas; HGZ No. 8", "unidad", "HGZ 8"),
        ("Hospital General de Zona número 48", "unidad", "HGZ 48"),
        ("en urgencías no me atendieron", "servicio", "Urgencias"),
        ("la farrnacia no tenia medicamento", "servicio", "Farmacia"),
        ("vigencia de derechos me mando a otra ventanilla", "servicio", "Vigencia de Derechos"),
        ("me llamo ROSA MARÍA DE LA CRUZ PÉREZ y vengo", "nombre", "Rosa María de la Cruz Pérez"),
        ("muchas gracias.\nAtentamente\nJosé Luis Hernández Ruiz", "nombre",
         "José Luis Hernández Ruiz"),
        ("mi correo es ana.ruiz @ gmail.com", "correo", "ana.ruiz@gmail.com"),
        ("escribanme a Ana.Ruiz@Gmail.com", "correo", "ana.ruiz@gmail.com"),
        ("NSS: 92-91-90-8443-1 tel 33 1234 5678", "nss", "92919084431"),
        ("NSS: 92-91-90-8443-1 tel 33 1234 5678", "telefono", "3312345678"),
    ],
)
def test_patterns(text: str, field: str, value: str | None) -> None:
    found = extract_fields(text)
    assert (found[field].value if field in found else None) == value


def test_unlabelled_eleven_digits_that_fail_luhn_are_not_nss() -> None:
    assert "nss" not in extract_fields("folio 92919084432 del trámite")
    found = extract_fields("mi NSS es 92919084432")
    assert found["nss"].value == "92919084432" and found["nss"].valid is False


def test_phone_is_not_taken_from_an_nss() -> None:
    found = extract_fields("afiliación 92919084431")
    assert "telefono" not in found and found["nss"].valid


def test_ten_digits_of_a_longer_number_are_no_phone() -> None:
    """GIVEN an NSS written "35-78-62-5766-3" that the page read with a slip, so that it
    fails its check digit WHEN the text is searched THEN its first ten digits are not
    proposed as a phone; a phone ending a sentence still is."""
    assert "telefono" not in extract_fields("Martín Cuevas León\n39-78-62-5766-3")
    assert extract_fields("mi número 55-1234-5678. Gracias")["telefono"].value == "5512345678"


def test_no_false_names() -> None:
    for text in (
        "Quiero felicitar a la enfermera Lupita del turno matutino.",
        "EXCELENTE ATENCION DEL DR. MORALES EN DENTAL, 100% RECOMENDADO",
        "Buenos Días.\nHospital General de Zona",
        "Gracias muchas bendiciones",
        "DIOS TE AMA Y TIENE UN PLAN PARA TU VIDA, JESÚS VIENE PRONTO, ¿ESTÁS\nPREPARADO?",
        # A handwritten line misread, alone on its line: fewer than half its words names.
        "Hoy está internado.\nMe Aicon Ae Alto de UCAEACIAS\nSin nebulizacme y mi me",
    ):
        assert "nombre" not in extract_fields(text), text


def test_someone_else_named_in_a_sentence_is_not_the_writer() -> None:
    """GIVEN a letter asking to correct "el nombre del trabajador Jesús Aarón Vázquez Lira"
    and signed by its writer WHEN its name is proposed THEN it is the signature's; "Nombre
    del paciente:" with its colon is still a label."""
    text = ("Solicito la corrección del nombre del trabajador Jesús Aarón Vázquez Lira: en "
            "la base aparece mal.\n\nAtentamente,\nHéctor Márquez Vargas")
    assert extract_fields(text)["nombre"].value == "Héctor Márquez Vargas"
    labelled = extract_fields("Nombre del paciente: Rosa Elena Torres Ruiz\nQueja por la espera")
    assert labelled["nombre"].value == "Rosa Elena Torres Ruiz"


def test_form_fields_take_precedence_when_valid() -> None:
    text = "Me llamo Juan Pérez López, NSS 92919084431, tel 55 1234 5678"
    found = extract_fields(text, {"nombre": "Juana Pérez López", "nss": "1234",
                                  "telefono": "(33) 8765-4321", "servicio": "farmasia"})
    assert found["nombre"].value == "Juana Pérez López" and found["nombre"].source == "formulario"
    assert found["nss"].value == "92919084431" and found["nss"].source == "texto"
    assert found["telefono"].value == "3387654321"
    assert found["servicio"].value == "Farmacia"
    only_form = extract_fields("", {"nss": "1234"})
    assert only_form["nss"].valid is False and only_form["nss"].start == -1


def test_ocr_lookalikes_in_numbers_and_email_domains() -> None:
    text = "NSS 9291 9O84 43l tel 55 l234 5678 correo ana.ruiz@gmai1.corn"
    found = extract_fields(text)
    assert found["nss"].value == "92919084431" and found["nss"].valid
    assert text[found["nss"].start:found["nss"].end] == "9291 9O84 43l"
    assert found["telefono"].value == "5512345678"
    assert found["correo"].value == "ana.ruiz@gmail.com"
    assert extract_fields("x@empresa.com.mx")["correo"].value == "x@empresa.com.mx"
    assert "nss" not in extract_fields("Sofía tiene 20 años y vive en la calle Olmo")


def test_lower_case_name_after_a_strong_label() -> None:
    found = extract_fields("hola me llamo juan perez lopez vengo a pedir mi cita")
    assert found["nombre"].value == "juan perez lopez"
    assert "nombre" not in extract_fields("mi nombre es muy importante para mi")


@pytest.mark.parametrize(("ocr_text", "expected"), [
    ("Jimena Soto Vargas\njimenasotovO' hotmail.com", "jimenasotov@hotmail.com"),
    ("Correo: rtrejom19570yahoo.com.mx", "rtrejom1957@yahoo.com.mx"),
    ("NSS del paciente, valentina.-ramosegmail.com", "valentina.ramos@gmail.com"),
    ("correo ¡espinoza910gmail.com", "iespinoza91@gmail.com"),
    ("mi correo es pedro0gmail.com", "pedro@gmail.com"),
    ("tel 3356084023 correo ngutierrez74(Vhotmail.com nss", "ngutierrez74@hotmail.com"),
    ("nunez.rogelio(A, gmail.com.", "nunez.rogelio@gmail.com"),
    ("escribanme a ana.ruiz@outlook.com por favor", "ana.ruiz@outlook.com"),
])
def test_email_with_the_at_sign_misread_by_ocr(ocr_text: str, expected: str) -> None:
    assert extract_fields(ocr_text)["correo"].value == expected


def test_nss_split_over_a_line_break_when_labelled() -> None:
    text = "Irene Espinoza Galván, tel 55 77881363, NSS 1312\n\n9128 644, correo"
    found = extract_fields(text)
    assert found["nss"].value == "13129128644" and found["nss"].valid
    assert found["telefono"].value == "5577881363"


def test_names_in_capitals_are_written_as_names() -> None:
    from classifier.extract import name_case

    assert name_case("ROCÍO DE LA CRUZ DÍAZ") == "Rocío de la Cruz Díaz"
    assert name_case("Ana María McArthur") == "Ana María McArthur"
    assert extract_fields("Atentamente\nJOSEFINA ÁLVAREZ SÁNCHEZ")["nombre"].value == \
        "Josefina Álvarez Sánchez"


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        # Letters of a CURP that OCR-repair reads as digits (S->5, O->0, I->1) once made
        # "5001531027", a phone.
        ("su curp es SOOI531027HQRLRK41", None),
        ("NECESITO VER AL CARDIOLOGO. Daniel Soto Zamora SOZD780415HQTTMN17", None),
        # The CURP's last two digits glued to the phone on the next line ("49" + 10 digits).
        ("Me negaron la pensión.\nRION930515HMCSLX49\n55.52.70.52.10", "5552705210"),
    ],
)
def test_a_curp_is_never_read_as_part_of_a_phone(text: str, phone: str | None) -> None:
    found = extract_fields(text)
    assert (found["telefono"].value if "telefono" in found else None) == phone
    assert found["curp"].valid


def test_a_curp_right_after_a_name_is_not_part_of_it() -> None:
    """GIVEN a name followed, with no label, by the CURP WHEN fields are extracted THEN the
    name stops before the CURP and both come out whole."""
    text = "quiero que me contesten por escrito. Blanca Cervantes CEPB790407MZSRDL30"
    found = extract_fields(text)
    assert found["nombre"].value == "Blanca Cervantes"
    assert found["curp"].value == "CEPB790407MZSRDL30"
    assert text[found["curp"].start:found["curp"].end] == "CEPB790407MZSRDL30"


def test_curp_placeholder_filled_and_found_in_every_wording() -> None:
    """GIVEN the ways people write their CURP WHEN filled at each contact level THEN the
    extracted CURP is exactly the filled one (or absent when the filling dropped it)."""
    wordings = (
        "mi curp es {CURP} y mi nss {NSS}. {NOMBRE}",
        "CURP: {CURP}\nTel {TELEFONO}",
        "Atte. {NOMBRE} ({CURP})",
        "{NOMBRE} {CURP}\n{TELEFONO}",
        "NOMBRE: {NOMBRE} CURP {CURP}, NSS {NSS}",
        "curp del niño {CURP}, mi whats {TELEFONO}",
    )
    rng = random.Random(11)
    for text in wordings:
        for level in ("completo", "parcial", "ausente"):
            for _ in range(15):
                filled = fill(text, make_identity(rng), rng, level)
                found = extract_fields(filled.text)
                got = found["curp"].value if "curp" in found else None
                assert got == filled.fields["curp"], (level, filled.text)
                if filled.fields["telefono"]:
                    assert found["telefono"].value == filled.fields["telefono"], filled.text
                if "nombre" in found:  # a bare name alone is not always found; never longer
                    assert found["nombre"].value == name_case(filled.fields["nombre"] or ""), \
                        filled.text


def test_name_case_writes_the_particles_in_lower_case_but_not_mc() -> None:
    """The one particle list (classifier.identity.NAME_PARTICLES) decides which words of a
    name in capitals stay lower case; "Mc" keeps its capital."""
    assert name_case("ROCÍO DE LA CRUZ") == "Rocío de la Cruz"
    assert name_case("ANA MC GREGOR DE LOS SANTOS Y VON HAGEN") == (
        "Ana Mc Gregor de los Santos y von Hagen")


@pytest.mark.parametrize("text", [
    "SOY PAPA SOLO. ME TOCA GUARDERIA PARA MI NIÑA DE 2 AÑOS?",
    "EL DOCTOR DIJO QUE YO QUERIA FLOJEAR, NO ME DIO INCAPACIDAD.",
    "MI PATRON ME DIO DE BAJA PERO YO SIGO TRABAJANDO CON EL. QUE REVISEN",
    "Sagrado Corazón de Jesús, en Vos confío. Cuida a mi esposo en su operación. Amén.",
])
def test_words_in_capitals_after_soy_or_yo_are_not_a_name(text: str) -> None:
    """GIVEN a sentence, not a signature WHEN fields are extracted THEN no name is proposed
    (a wrong name costs the reviewer more than an empty field)."""
    assert "nombre" not in extract_fields(text)


def test_a_signature_under_a_title_is_the_name_not_the_job_below_it() -> None:
    text = ("Solicito que se investigue la actuación del médico.\n"
            "Lic. Martha Villaseñor Ruiz\nGerente de Recursos Humanos\n")
    assert extract_fields(text)["nombre"].value == "Martha Villaseñor Ruiz"
