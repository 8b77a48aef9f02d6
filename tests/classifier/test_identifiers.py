"""NSS, phone and e-mail from the page: the OCR's alternatives searched under each
identifier's rules; only a clear valid reading fills a field."""

from __future__ import annotations

from classifier.extract import extract_fields
from classifier.identifiers import Candidate, candidates_of, resolve
from classifier.validate import is_valid_nss

NSS = "92919084431"  # DOMAIN.md's example: Luhn digit 1


def sure(text: str, p: float = 0.97) -> list[list[tuple[str, float]]]:
    """Each character read with probability `p`, a lookalike as a faint second choice."""
    return [[(ch, p), ("8" if ch != "8" else "3", round(1 - p, 2))] for ch in text]


def candidate(symbols, *, kind: str = "nss", text: str = "", confidence: float = 60.0,
              segmented=None, page: int = 1) -> Candidate:
    return Candidate(kind=kind, page=page, box=(10, 20, 200, 50), label="NSS", text=text,
                     confidence=confidence, symbols=symbols, segmented=segmented or [])


def test_luhn_search_takes_the_alternative_that_passes_the_check_digit() -> None:
    """GIVEN a handwritten NSS whose likeliest reading fails Luhn (its 4th digit, a 1, read
    as 3) while the engine saw a 1 as second choice WHEN resolved THEN the reading with the
    1 is accepted, from the page, with its confidence and place."""
    symbols = sure(NSS)
    symbols[3] = [("3", 0.55), ("1", 0.40), ("7", 0.05)]
    assert not is_valid_nss("92939084431")
    found = resolve([candidate(symbols, text="92939084431")])
    nss = found.values["nss"]
    assert (nss.value, nss.valid, nss.source, nss.page) == (NSS, True, "pagina", 1)
    assert nss.box == (10, 20, 200, 50)
    assert 0.8 <= nss.confidence <= 1.0
    assert found.regions == []


def _second_valid(pos_a: int, digit_a: str, pos_b: int) -> str:
    """The digit at `pos_b` that makes NSS valid again once `pos_a` holds `digit_a`."""
    for d in "0123456789":
        trial = list(NSS)
        trial[pos_a], trial[pos_b] = digit_a, d
        if is_valid_nss("".join(trial)):
            return d
    raise AssertionError("Luhn always has one fix")


def test_two_valid_readings_as_likely_leave_the_field_empty_with_its_region() -> None:
    """GIVEN two digits each read as a coin toss, so that two different valid NSS are as
    likely WHEN resolved THEN no value is accepted: the best guess stays invalid and the
    region is kept, labelled for the view."""
    other = _second_valid(3, "3", 5)
    symbols = sure(NSS)
    symbols[3] = [("1", 0.5), ("3", 0.5)]
    symbols[5] = [(NSS[5], 0.5), (other, 0.5)]
    found = resolve([candidate(symbols)])
    assert found.values["nss"].valid is False
    assert found.regions == [{"field": "nss", "label": "posible NSS", "page": 1,
                              "box": [10, 20, 200, 50], "kind": "nss"}]


def test_a_low_confidence_phone_is_not_accepted() -> None:
    """GIVEN a labelled phone whose digits were all read unsurely WHEN resolved THEN the
    field is a doubt (never a value) and its region is labelled "posible teléfono"."""
    found = resolve([candidate(sure("5524720844", 0.4), kind="telefono")])
    assert found.values["telefono"].valid is False
    assert [r["label"] for r in found.regions] == ["posible teléfono"]


def test_a_sure_phone_with_a_real_area_code_is_accepted() -> None:
    found = resolve([candidate(sure("(55)2472-0844"), kind="telefono")])
    assert found.values["telefono"].value == "5524720844"
    assert found.values["telefono"].valid


def test_a_phone_without_a_mexican_area_code_is_no_value() -> None:
    found = resolve([candidate(sure("2901234567"), kind="telefono")])
    assert not found.values["telefono"].valid


def test_the_digit_model_and_tesseract_must_not_disagree() -> None:
    """GIVEN Tesseract and the digit model each sure of a different valid NSS WHEN
    resolved THEN it is a doubt; alone, the digit model's reading is accepted."""
    other = _second_valid(3, "3", 5)
    wrong = NSS[:3] + "3" + NSS[4] + other + NSS[6:]
    assert is_valid_nss(wrong)
    assert not resolve([candidate(sure(NSS), segmented=sure(wrong))]).values["nss"].valid
    alone = resolve([candidate([], segmented=sure(NSS))]).values["nss"]
    assert (alone.value, alone.valid) == (NSS, True)


def test_an_unlabelled_number_is_an_nss_only_by_its_check_digit() -> None:
    found = resolve([candidate(sure(NSS), kind="numero"),
                     candidate(sure("12345678901"), kind="numero")])
    assert found.values["nss"].value == NSS
    assert "telefono" not in found.values and found.regions == []


def test_email_with_its_at_read_as_f_is_repaired_when_both_reads_agree() -> None:
    text = "juan.perezfgmail.com"
    found = resolve([candidate(sure(text, 0.9), kind="correo", text=text)])
    assert found.values["correo"].value == "juan.perez@gmail.com"
    assert found.values["correo"].valid


def test_email_reads_that_disagree_leave_the_field_empty() -> None:
    found = resolve([candidate(sure("juan.perezvgmail.com", 0.3), kind="correo",
                               text="juan.perez(Wgmail.com", confidence=55.0)])
    assert not found.values["correo"].valid
    assert [r["label"] for r in found.regions] == ["posible correo"]


def test_candidates_come_from_the_pages_stored_readings() -> None:
    stored = [{"kind": "telefono", "label": "Cel.", "box": [1, 2, 3, 4], "text": "55",
               "confidence": 70.0,
               "symbols": [{"text": "5", "confidence": 90.0, "box": [1, 2, 3, 4],
                            "alternatives": [["5", 0.9], ["3", 0.1]]}],
               "segmented": []}]
    (c,) = candidates_of([(2, stored)])
    assert (c.kind, c.page, c.box, c.symbols) == ("telefono", 2, (1, 2, 3, 4),
                                                  [[("5", 0.9), ("3", 0.1)]])


def test_the_page_decides_over_the_text_where_it_has_a_candidate() -> None:
    """GIVEN a letter whose text reads a valid-looking phone from doubtful ink WHEN the
    page's re-read of that ink is a doubt THEN the phone is invalid (empty, its crop
    shown); WHEN the page accepts the same value THEN the text's span is kept."""
    text = "Tel: 59.24.72.08.44"
    assert extract_fields(text)["telefono"].valid  # the text alone would propose it
    doubt = resolve([candidate(sure("5524720844", 0.4), kind="telefono")]).values
    assert not extract_fields(text, page_values=doubt)["telefono"].valid
    agreed = resolve([candidate(sure("5924720844"), kind="telefono")]).values
    phone = extract_fields(text, page_values=agreed)["telefono"]
    assert (phone.value, phone.source, phone.valid) == ("5924720844", "pagina", True)
    assert text[phone.start:phone.end] == "59.24.72.08.44"


def test_valid_form_boxes_still_win_over_the_page() -> None:
    page = resolve([candidate(sure(NSS))]).values
    other = "12345678903"
    assert is_valid_nss(other)
    found = extract_fields("", {"nss": other}, page_values=page)["nss"]
    assert (found.value, found.source) == (other, "formulario")


def test_a_labelled_region_read_as_nothing_still_vetoes_the_text() -> None:
    """GIVEN "Correo: salazar.ana(Q0gmail.com", which no rule can repair, WHEN the page
    decides THEN the e-mail is a doubt with its region, and the text's guess is not taken."""
    text = "Correo: salazar.ana(Q0gmail.com"
    found = resolve([candidate(sure("salazar.ana(q0gmail.com", 0.5), kind="correo",
                               text="salazar.ana(Q0gmail.com", confidence=9.0)])
    assert found.values["correo"].valid is False
    assert [r["label"] for r in found.regions] == ["posible correo"]
    assert not extract_fields(text, page_values=found.values)["correo"].valid


# -- the second recognizer -----------------------------------------------------------------


def test_second_reading_fills_a_field_tesseract_could_not_read() -> None:
    """GIVEN an NSS region that Tesseract read as a number failing Luhn, with no second
    choice to repair it, and a second recognizer that read it surely WHEN resolved THEN
    the second reading's NSS is accepted, from the page."""
    c = candidate([[(ch, 1.0)] for ch in "92939084431"], text="92939084431")
    assert not resolve([c]).values["nss"].valid
    c.second = [[(ch, 0.99)] for ch in NSS]
    nss = resolve([c]).values["nss"]
    assert (nss.value, nss.valid, nss.source) == (NSS, True, "pagina")


def test_second_reading_that_differs_makes_a_valid_phone_a_doubt() -> None:
    """GIVEN a phone Tesseract read as a valid number, and a second recognizer that read
    another valid number there WHEN resolved THEN neither is taken: the field stays empty
    and its region is shown (a phone has no check digit to tell which is right)."""
    c = candidate(sure("5583843205"), kind="telefono", text="5583843205")
    assert resolve([c]).values["telefono"].valid
    c.second = [[(ch, 0.99)] for ch in "5589849205"]
    found = resolve([c])
    assert not found.values["telefono"].valid
    assert [r["field"] for r in found.regions] == ["telefono"]


def test_an_unlabelled_number_two_readers_disagree_on_is_a_doubt_the_text_cannot_fill() -> None:
    """GIVEN an unlabelled number ("Ta. 5534735773" at a letter's foot) that Tesseract
    reads as one valid phone and the second recognizer as another WHEN the document's
    fields are proposed THEN the phone stays empty with its crop: the text's reading of the
    same ink is not taken as sure instead."""
    from classifier.extract import extract_fields

    c = candidate(sure("5534735773"), kind="numero", text="5534735773")
    c.second = [[(ch, 0.99)] for ch in "5534795779"]
    page = resolve([c])
    assert not page.values["telefono"].valid
    assert [r["field"] for r in page.regions] == ["telefono"]
    found = extract_fields("Ta. 5534735773", page_values=page.values)["telefono"]
    assert (found.source, found.valid) == ("pagina", False)


def test_second_reading_that_agrees_or_finds_nothing_leaves_tesseracts_value() -> None:
    agreeing = candidate(sure(NSS), text=NSS)
    agreeing.second = [[(ch, 0.99)] for ch in NSS]
    unsure = candidate(sure(NSS), text=NSS)
    unsure.second = [[(ch, 0.4), ("7", 0.35)] for ch in "9291908443"]  # a digit lost
    for c in (agreeing, unsure):
        nss = resolve([c]).values["nss"]
        assert (nss.value, nss.valid) == (NSS, True)


def test_a_letter_the_second_reading_dropped_is_no_doubt_but_another_letter_is() -> None:
    """GIVEN an address both Tesseract reads agree on, and a second reading of it with one
    letter left out WHEN resolved THEN the address stands; a second reading with a letter
    changed instead is another address, and the field becomes a doubt."""
    address = "sofia.aguilar@outlook.com"
    c = candidate(sure(address), kind="correo", text=address)
    c.second = [[(ch, 0.99)] for ch in "sofia.aguilr@outlook.com"]
    found = resolve([c]).values["correo"]
    assert (found.value, found.valid) == (address, True)
    c.second = [[(ch, 0.99)] for ch in "sofia.aguilor@outlook.com"]
    assert not resolve([c]).values["correo"].valid


def test_second_readings_address_needs_an_at_it_read() -> None:
    """GIVEN an address whose "@" the second recognizer read as a sure "E" (capitals,
    "ANDREAEGMAIL.COM") WHEN resolved THEN no address is accepted (repairing a lost "@"
    would keep the E in it); the same address with its "@" read is accepted."""
    def second(text: str) -> Candidate:
        c = candidate([], kind="correo", text="")
        c.second = [[(ch, 0.99)] for ch in text]
        return c

    assert not resolve([second("SANTIAGO.ANDREAEGMAIL.COM")]).values["correo"].valid
    mail = resolve([second("SANTIAGO.ANDREA@GMAIL.COM")]).values["correo"]
    assert (mail.value, mail.valid) == ("santiago.andrea@gmail.com", True)


def test_second_reading_is_kept_from_a_stored_page_reading() -> None:
    stored = {"kind": "nss", "label": "NSS", "box": [1, 2, 3, 4], "text": "", "confidence": 0,
              "symbols": [], "segmented": [],
              "second": [{"text": ch, "confidence": 99.0, "box": [0, 0, 1, 1],
                          "alternatives": [[ch, 0.99]]} for ch in NSS]}
    (c,) = candidates_of([(2, [stored])])
    assert [alts[0][0] for alts in c.second] == list(NSS)
    assert resolve([c]).values["nss"].value == NSS


def test_an_unsure_other_address_by_the_second_reader_still_makes_a_doubt() -> None:
    """GIVEN an address Tesseract accepted without its dot ("salvadorsolis@...") and a
    second reading of another well-formed address there, too unsure to be accepted itself
    WHEN resolved THEN neither is taken: two readers disagree."""
    c = candidate(sure("salvadorsolisehotmail.com"), kind="correo",
                  text="salvadorsolisehotmail.com", confidence=95.0)
    assert resolve([c]).values["correo"].valid
    c.second = [[(ch, 0.99)] for ch in "salvador.solis@hotmail.com"]
    c.second[8] = [(".", 0.5), ("s", 0.3)]  # the dot read unsurely
    found = resolve([c])
    assert not found.values["correo"].valid
    assert [r["field"] for r in found.regions] == ["correo"]


def test_second_readings_o_or_zero_between_letters_and_digits_is_a_doubt() -> None:
    """GIVEN the second recognizer's sure "jrojaso1@hotmail.com" (written "jrojas01": one
    glyph for "o" and "0" in that hand) WHEN resolved THEN it is no value, only a doubt;
    the same reader's "clara64@hotmail.com" is accepted."""
    def second(text: str) -> Candidate:
        c = candidate([], kind="correo", text="")
        c.second = [[(ch, 0.99)] for ch in text]
        return c

    assert not resolve([second("jrojaso1@hotmail.com")]).values["correo"].valid
    mail = resolve([second("clara64@hotmail.com")]).values["correo"]
    assert (mail.value, mail.valid) == ("clara64@hotmail.com", True)


PHONE = "5512340678"


def _row(model: list[list[tuple[str, float]]], engine: list[list[tuple[str, float]]]
         ) -> Candidate:
    """A volante's phone row: the digit model's reading, the engine's box by box."""
    return Candidate(kind="telefono", page=1, box=(10, 20, 200, 50), label="casillas",
                     text="".join(a[0][0] for a in model), symbols=engine, segmented=model)


def test_a_phone_row_both_readers_agree_on_is_taken_even_when_neither_is_sure() -> None:
    unsure = sure(PHONE, 0.93)  # 0.93 ** 10 = 0.48: the digit model alone is not enough
    assert not resolve([_row(unsure, [])]).values["telefono"].valid
    agreed = resolve([_row(unsure, sure(PHONE, 0.9))]).values["telefono"]
    assert (agreed.value, agreed.valid) == (PHONE, True)


def test_a_phone_row_the_engine_reads_otherwise_is_a_doubt_however_sure_the_model() -> None:
    """GIVEN the digit model sure of 5512340678 (the case of a confident slip, 3 for 7) and
    the engine reading another valid phone WHEN resolved THEN the field stays empty with
    its crop: no confident wrong phone."""
    model = sure(PHONE, 0.999)
    assert resolve([_row(model, [])]).values["telefono"].valid  # alone it would be taken
    other = sure("5512370678", 0.9)
    found = resolve([_row(model, other)])
    assert not found.values["telefono"].valid
    assert [r["label"] for r in found.regions] == ["posible teléfono"]


def _joint(model: list[list[tuple[str, float]]], second: list[list[tuple[str, float]]],
           kind: str = "telefono") -> Candidate:
    """A volante's row read by the digit model and, box by box, by the second recognizer."""
    c = _row(model, [])
    c.kind, c.second = kind, second
    return c


def test_a_row_box_the_digit_model_is_unsure_of_is_read_by_the_second_recognizer() -> None:
    """GIVEN the digit model reading 5512840678 with its 5th box unsure (8 at 0.6, 3 its
    second choice) and the second recognizer sure of a 3 there WHEN resolved THEN the row is
    5512340678, taken; the same with the digit model sure of its 8 is a doubt (two readers
    sure of two digits), and so is the model's unsure reading alone."""
    model = sure(PHONE)
    model[4] = [("8", 0.6), ("3", 0.35), ("9", 0.05)]
    found = resolve([_joint(model, sure(PHONE, 0.99))]).values["telefono"]
    assert (found.value, found.valid) == (PHONE, True)
    model[4] = [("8", 0.99), ("3", 0.01)]
    other = resolve([_joint(model, sure(PHONE, 0.99))])
    assert not other.values["telefono"].valid
    assert [r["label"] for r in other.regions] == ["posible teléfono"]
    alone = sure(PHONE)
    alone[4] = [("3", 0.6), ("8", 0.4)]
    assert not resolve([_row(alone, [])]).values["telefono"].valid


def test_a_row_both_readers_agree_on_is_taken_and_an_nss_still_needs_its_check_digit() -> None:
    """GIVEN both readers agreeing, neither sure enough alone (0.95 a box: 0.95 ** 10 =
    0.60) WHEN resolved THEN the phone is taken; an NSS both read alike but failing Luhn
    is no value; one box the model was unsure of, read by the second recognizer so that
    Luhn passes, is."""
    assert not resolve([_row(sure(PHONE, 0.95), [])]).values["telefono"].valid
    agreed = resolve([_joint(sure(PHONE, 0.95), sure(PHONE, 0.95))]).values["telefono"]
    assert (agreed.value, agreed.valid) == (PHONE, True)
    wrong = "92919084481"
    assert not is_valid_nss(wrong)
    assert not resolve([_joint(sure(wrong), sure(wrong), "nss")]).values["nss"].valid
    model = sure(NSS)
    model[9] = [("8", 0.5), ("3", 0.45), ("1", 0.05)]
    nss = resolve([_joint(model, sure(NSS, 0.95), "nss")]).values["nss"]
    assert (nss.value, nss.valid) == (NSS, True)


def test_a_row_with_a_box_the_second_recognizer_did_not_read_is_the_digit_models_alone(
        ) -> None:
    """GIVEN the second recognizer's reading one box short WHEN resolved THEN the digit
    model's reading decides as if alone (sure: taken)."""
    found = resolve([_joint(sure(PHONE, 0.999), sure(PHONE[:-1], 0.99))]).values["telefono"]
    assert (found.value, found.valid) == (PHONE, True)


def test_an_address_one_reader_read_with_a_name_one_letter_off_is_a_doubt() -> None:
    """GIVEN the second recognizer alone sure of "vlises.gomez@hotmail.com" (a handwritten
    "u" read as "v") or of "rviz.viridiana@outlook.com" WHEN resolved THEN neither is a
    value, only a doubt with its crop; "ulises.gomez@hotmail.com", read as surely, is
    taken, and so is an address whose words are no names at all."""
    def second(text: str) -> Candidate:
        c = candidate([], kind="correo", text="")
        c.second = [[(ch, 0.99)] for ch in text]
        return c

    for slip in ("vlises.gomez@hotmail.com", "rviz.viridiana@outlook.com"):
        found = resolve([second(slip)])
        assert not found.values["correo"].valid
        assert [r["label"] for r in found.regions] == ["posible correo"]
    for right in ("ulises.gomez@hotmail.com", "tacos.chidos@gmail.com"):
        mail = resolve([second(right)]).values["correo"]
        assert (mail.value, mail.valid) == (right, True)


def test_a_name_one_letter_off_is_spelled_from_the_readers_own_second_choice() -> None:
    """GIVEN "rviz.viridiana@outlook.com" read with "u" as the reader's second choice at its
    "v" WHEN resolved THEN the address is "ruiz.viridiana@outlook.com" (the lexicon picks
    between what the reader saw); with no such choice it stays a doubt; an initial before
    a surname ("iavila60", "jpacheco") is how addresses are made, no slip."""
    def second(text: str, at: int | None = None, alts=()) -> Candidate:
        c = candidate([], kind="correo", text="")
        c.second = [[(ch, 0.99)] if i != at else [(ch, 0.90), *alts]
                    for i, ch in enumerate(text)]
        return c

    spelled = resolve([second("rviz.viridiana@outlook.com", 1, [("u", 0.09)])]).values["correo"]
    assert (spelled.value, spelled.valid) == ("ruiz.viridiana@outlook.com", True)
    unsure = resolve([second("rviz.viridiana@outlook.com", 1, [("w", 0.09)])]).values["correo"]
    assert not unsure.valid
    for initial in ("iavila60@gmail.com", "jpacheco@gmail.com"):
        mail = resolve([second(initial)]).values["correo"]
        assert (mail.value, mail.valid) == (initial, True)


def test_on_handwriting_a_sure_second_reading_decides_between_two_addresses() -> None:
    """GIVEN a handwritten address Tesseract read "sandra.silvag gmail.com" (the "@"'s
    first stroke as a "g", the lost "@" repaired before the provider) or "miquelzamorad"
    on an unsure page, and the second recognizer's sure reading WHEN resolved THEN the
    second's address is the value; in print (Tesseract sure of the page's words, or
    reading the "@" itself) its reading is not given up for the second's."""
    def read(tesseract: str, second: str, confidence: float) -> tuple[str, bool]:
        c = candidate(sure(tesseract, 0.9), kind="correo", text=tesseract,
                      confidence=confidence)
        c.second = [[(ch, 0.99)] for ch in second]
        found = resolve([c]).values["correo"]
        return found.value, found.valid

    assert read("sandra.silvag gmail.com", "sandra.silva@gmail.com", 57.0) == (
        "sandra.silva@gmail.com", True)
    assert read("miquelzamorad yahoo.com.mx", "miguelzamorad@yahoo.com.mx", 40.0) == (
        "miguelzamorad@yahoo.com.mx", True)
    assert not read("miquelzamorad yahoo.com.mx", "miguelzamorad@yahoo.com.mx", 95.0)[1]
    # The "@"'s stroke read as a letter before it, on a hand Tesseract is unsure of...
    assert read("sandra.silvag gmail.com", "sandra.silva@gmail.com", 57.0) == (
        "sandra.silva@gmail.com", True)
    # ... but in print (sure, or its "@" read), Tesseract's address stands or the two make
    # a doubt: the second drops letters of long printed addresses.
    assert read("sandra.silvag gmail.com", "sandra.silva@gmail.com", 95.0) == (
        "sandra.silvag@gmail.com", True)
    assert read("sofia.aguilar@outlook.com", "sofia.aguila@outlook.com", 40.0) == (
        "sofia.aguilar@outlook.com", True)
    assert not read("miquelzamorad@yahoo.com.mx", "miguelzamorad@yahoo.com.mx", 40.0)[1]


def test_an_unsure_second_reading_tesseract_read_otherwise_is_a_doubt() -> None:
    """GIVEN the second recognizer alone reading "sandraherrera74@hotmail.com" unsurely
    (0.71 at its "7") where Tesseract saw "candraherrera7a48 hotmail.com" WHEN resolved
    THEN no value (it dropped what it could not read: "...794"); read surely it is taken,
    and so it is where Tesseract read the same local part, or it with a stroke read as a
    letter at either end ("sandraherrera74e", "esandraherrera74")."""
    def read(second_p: float, tesseract: str) -> bool:
        c = candidate(sure(tesseract, 0.4), kind="correo", text=tesseract, confidence=0.5)
        c.second = [[(ch, second_p if ch == "7" else 0.99)]
                    for ch in "sandraherrera74@hotmail.com"]
        return resolve([c]).values["correo"].valid

    assert not read(0.71, "candraherrera7a48 hotmail.com")
    assert not read(0.71, "sandraherrera794 hotmail.com")
    assert read(0.90, "candraherrera7a48 hotmail.com")
    for same in ("sandraherrera74 hotmail.com", "sandraherrera74e hotmail.com",
                 "esandraherrera74 hotmail.com"):
        assert read(0.71, same), same


def test_an_i_or_l_against_a_digit_read_by_one_reader_alone_is_a_doubt() -> None:
    """GIVEN the second recognizer alone sure of "rcardenasvi974@gmail.com" (the "1" of
    "v1974" read as "I") WHEN resolved THEN no value: where letters meet digits an "i" or
    "l" is as likely a "1"; "cnavarroh1978", a letter before its year, is taken."""
    def second(text: str) -> Candidate:
        c = candidate([], kind="correo", text="")
        c.second = [[(ch, 0.99)] for ch in text]
        return c

    assert not resolve([second("rcardenasvi974@gmail.com")]).values["correo"].valid
    assert resolve([second("cnavarroh1978@gmail.com")]).values["correo"].valid
