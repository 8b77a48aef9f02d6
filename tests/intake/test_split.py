"""Document boundaries inside one file, from page texts."""

from __future__ import annotations

from intake.split import ends_signed, page_number, split_pages
from ocr.types import FieldRead, PageRead, VolanteRead, Word


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


def test_a_list_without_full_stop_does_not_swallow_the_next_note() -> None:
    pages = [page(1, "1 Tylenol\n2 vendas\ngasas"), page(2, "Pido por favor la nota médica.")]
    assert [g.page_numbers for g in split_pages(pages)] == [[1], [2]]


def test_noisy_date_line_opens_a_letter_and_a_lone_signature_closes_one() -> None:
    """GIVEN OCR noise on a handwritten date line, and a signature alone on the last page
    WHEN split THEN the date page starts a letter and the signature page ends it."""
    pages = [
        page(1, "| Ciudad de Néxico, 7 4) de\nmal de 2026\nSugerencia: que cuando"),
        page(2, "y nada más\nque pasen lista."),
        page(3, "En el modulo me dijeron que pusiera la queja aquí."),
        page(4, "Atentamente\nRodolfo Trejo Meza\nCorreo: rtrejo@correo.mx"),
    ]
    assert [g.page_numbers for g in split_pages(pages)] == [[1, 2], [3, 4]]


def test_a_page_numbered_one_starts_a_document() -> None:
    pages = [page(1, "Fin de una carta."), page(2, "1/2\nOtra carta que empieza aquí.")]
    assert [g.page_numbers for g in split_pages(pages)] == [[1], [2]]


def test_lowercase_start_continues_without_page_number() -> None:
    pages = [page(1, "Les pido que revisen el caso."), page(2, "y también que me llamen.")]
    assert [g.page_numbers for g in split_pages(pages)] == [[1, 2]]


def test_volante_description_goes_on_over_the_leaf() -> None:
    front = page(1, "Nombre\nLa doctora no me quiso atender y me mandó a (sigue)", volante=True)
    back = page(2, "urgencias sin revisarme. Pido que lo investiguen.")
    after = page(3, "A quien corresponda:\nGracias al personal de laboratorio.")
    groups = split_pages([front, back, after])
    assert [g.page_numbers for g in groups] == [[1, 2], [3]]
    misread = page(1, "ES Y PERSONAL.\nNSS 14936792434 (SISUE>", volante=True)
    assert [g.page_numbers for g in split_pages([misread, page(2, "SERARDO@MAIL.COM")])] == \
        [[1, 2]]
    assert [g.kind for g in groups] == ["volante", "escrito_libre"]


def test_a_signed_page_ends_its_letter_even_if_ocr_lowercases_the_next() -> None:
    """GIVEN a page that ends with the writer's e-mail WHEN the next page starts in lower
    case (OCR lost its capital H) THEN it is still a new document."""
    pages = [page(1, "Les pido que lo revisen.\nAtentamente\nGerardo Zamora\ngerardo@gmail.com"),
             page(2, "ermano, si lees esto, ya perdónate con mi papá.")]
    assert [g.page_numbers for g in split_pages(pages)] == [[1], [2]]


def test_every_page_says_why_it_starts_or_continues_a_document() -> None:
    """The boundaries are a proposal: each page carries the evidence a reviewer checks."""
    pages = [
        page(1, LETTER_1 + " en la farmacia no había"),
        page(2, "medicamento para mi mamá.\n- 2 -"),
        page(3, "Nombre\nNSS", volante=True),
        page(4, "", blank=True),
        page(5, LETTER_2),
    ]
    groups = split_pages(pages)
    assert [len(g.reasons) for g in groups] == [len(g.pages) for g in groups]
    assert groups[0].reasons == ["encabezado de carta", "número de página 2"]
    assert groups[1].reasons == ["volante (código QR o marcas)"]
    assert groups[2].reasons == ["hoja en blanco"]
    assert groups[3].reasons == ["encabezado de carta"]


def _written_to(n: int, text: str, bottom: int, height: int = 1000) -> PageRead:
    """A page of handwriting whose last line ends `bottom` px down a `height` px page."""
    p = page(n, text)
    p.height = height
    p.words = [Word("Quiero", 60.0, (50, 80, 200, 110)), Word("dijeron", 55.0, (50, bottom - 30,
                                                                                  220, bottom)),
               Word("2", 90.0, (480, 960, 500, 990))]  # a page number at the foot
    return p


def test_an_unsigned_page_written_to_its_foot_goes_on_over_the_leaf() -> None:
    """GIVEN a handwritten page filled to the bottom, no signature, and a next page whose
    first line OCR garbled into a capital WHEN split THEN the two pages are one letter."""
    full = _written_to(1, "Quiero quejarme del trato que recibi en urgencias y me dijeron", 900)
    nxt = _written_to(2, "Que volviera mañana porque no habia doctor.\nGracias", 400)
    groups = split_pages([full, nxt])
    assert [g.page_numbers for g in groups] == [[1, 2]]
    assert groups[0].reasons[1] == "la página anterior llega al pie sin firma"


def test_a_page_that_stops_mid_sheet_or_signs_does_not_swallow_the_next() -> None:
    half = _written_to(1, "Quiero quejarme del trato en urgencias.", 500)
    signed = _written_to(1, "Quiero quejarme del trato en urgencias.\nAtentamente", 900)
    nxt = _written_to(2, "Pido que me den mi cita de cardiologia.", 400)
    assert [g.page_numbers for g in split_pages([half, nxt])] == [[1], [2]]
    assert [g.page_numbers for g in split_pages([signed, nxt])] == [[1], [2]]


def test_a_run_of_blank_pages_is_one_item_not_one_document_per_sheet() -> None:
    """GIVEN 200 blank frames, or a letter, 20 blank frames and another letter WHEN split
    THEN the blank run is one "otro" item (issue 12, item 9), each page saying why."""
    assert [g.page_numbers for g in split_pages(
        [page(n, "", blank=True) for n in range(1, 201)])] == [list(range(1, 201))]
    pages = [page(1, LETTER_1), *(page(n, "", blank=True) for n in range(2, 22)),
             page(22, LETTER_2)]
    groups = split_pages(pages)
    assert [g.page_numbers for g in groups] == [[1], list(range(2, 22)), [22]]
    assert [g.kind for g in groups] == ["escrito_libre", "otro", "escrito_libre"]
    assert groups[1].reasons == ["hoja en blanco"] + ["otra hoja en blanco"] * 19


def test_the_contact_block_that_went_over_the_leaf_stays_with_its_letter() -> None:
    """GIVEN a letter signed at the foot of page 1 (name, NSS) whose e-mail and phone went
    over to page 2 WHEN split THEN one document: the data on page 2 is the letter's."""
    pages = [page(1, LETTER_1 + " no me dieron mi cita.\nBeatriz Aguirre\nNSS 92745425121"),
             page(2, "beatriz_aguirre@gmail.com\n222 859 6436"),
             page(3, "Tel. 55 1234 5678\nGracias por la atención que me dieron en la farmacia.")]
    groups = split_pages(pages)
    assert [g.page_numbers for g in groups] == [[1, 2], [3]]
    assert groups[0].reasons[1] == "solo trae la firma y los datos de contacto"
    name_too = page(2, "SOFÍA BENÍTEZ DÍAZ\nNSS 41139577690\nTel. +525567526521")
    unsigned = page(1, LETTER_1 + " estamos con el guardia")
    assert [g.page_numbers for g in split_pages([unsigned, name_too])] == [[1, 2]]
    note = page(2, "Pongan más sillas en la sala\nTel. 55 1234 5678")
    assert [g.page_numbers for g in split_pages([pages[0], note])] == [[1], [2]]


def test_a_number_in_running_text_is_no_signature() -> None:
    """GIVEN a page whose last line mentions a folio in passing, and a next page that goes
    on in lower case and signs with the contact block WHEN split THEN one letter (the
    folio used to read as the signature's contact data and cut the letter in two)."""
    pages = [page(1, LETTER_1 + " me dieron el folio 20261234 pero nadie contesta en la"),
             page(2, "clínica ni en el módulo.\nAtentamente\nMaría López Ruiz\n"
                     "Tel. 55 8765 4321\nNSS 92919084431")]
    assert [g.page_numbers for g in split_pages(pages)] == [[1, 2]]
    assert not ends_signed(["Marqué al 55 1234 5678 cinco veces y nadie contesta en la"])
    assert ends_signed(["Atentamente María", "Cel. 55 8765 4321"])
    assert ends_signed(["María López", "maria.lopez@gmail.com"])


def test_a_page_that_stops_on_an_open_word_goes_on_even_in_capitals() -> None:
    """GIVEN a letter written in capitals whose page 1 stops on "LA" and whose page 2 has
    the signature WHEN split THEN one letter; a page that ends its sentence, or a lone "y"
    of margin noise at its foot, does not swallow the next writer's page."""
    pages = [page(1, "QUIERO QUEJARME DEL TRATO QUE ME DIERON EN LA"),
             page(2, "VENTANILLA DE VIGENCIA DE DERECHOS.\nATENTAMENTE\nROSA MÉNDEZ\n"
                     "TEL. 55 1234 5678")]
    groups = split_pages(pages)
    assert [g.page_numbers for g in groups] == [[1, 2]]
    assert groups[0].reasons[1] == "la página anterior termina a media frase"
    ended = page(1, "QUIERO QUEJARME DEL TRATO QUE ME DIERON EN LA VENTANILLA.")
    noise = page(1, "Quiero quejarme del trato en la ventanilla.\ny")
    for first in (ended, noise):
        assert [g.page_numbers for g in split_pages([first, pages[1]])] == [[1], [2]]


def _volante(n: int, text: str, last_line_bottom: int) -> PageRead:
    """A volante whose description box spans y 900..1400 and whose writing stops at
    `last_line_bottom`."""
    p = page(n, text, volante=True)
    assert p.volante is not None
    p.height = 1754
    p.words = [Word(w, 80.0, (100, last_line_bottom - 40, 200, last_line_bottom))
               for w in text.split()]
    p.volante.fields["descripcion"] = FieldRead(text, 80.0, (90, 900, 1150, 1400))
    return p


def test_a_volante_goes_on_over_the_leaf_only_from_a_full_description_box() -> None:
    """GIVEN a volante whose description stops halfway down its box, and a note that starts
    in lower case WHEN split THEN two documents; from a box written to its foot, the lower-
    case back of the sheet goes on with the volante."""
    note = page(2, "tandas de 100 semanal, quien le entra apuntarse con la chayo")
    half = _volante(1, "Reconozco al personal del módulo por su paciencia", 1150)
    full = _volante(1, "La doctora no me quiso atender y me mandó a", 1390)
    assert [g.page_numbers for g in split_pages([half, note])] == [[1], [2]]
    assert [g.page_numbers for g in split_pages([full, note])] == [[1, 2]]


def test_a_page_ocr_read_nothing_of_is_judged_by_the_page_before() -> None:
    """GIVEN a page with ink that OCR read nothing of (large cursive) WHEN the page before
    stops mid-sentence, or is written to its foot unsigned, THEN it goes on with the letter;
    after a signed page, or one that stops mid-sheet, it stands apart (a scribble)."""
    unread = page(2, "")
    mid = page(1, LETTER_1 + " nadie contesta en la")
    full = _written_to(1, "Quiero quejarme del trato que recibí en urgencias.", 900)
    signed = _written_to(1, "Quiero quejarme del trato.\nAtentamente\nRosa Méndez", 900)
    half = _written_to(1, "Quiero quejarme del trato que recibí en urgencias.", 500)
    assert [g.page_numbers for g in split_pages([mid, unread])] == [[1, 2]]
    assert [g.page_numbers for g in split_pages([full, unread])] == [[1, 2]]
    for first in (signed, half):
        assert [g.page_numbers for g in split_pages([first, unread])] == [[1], [2]]


def test_a_line_that_opens_like_a_closing_but_stops_mid_sentence_is_no_signature() -> None:
    assert not ends_signed(["Les escribo para agradecer.", "Gracias a todo el equipo de la"])
    assert ends_signed(["Les escribo para agradecer.", "Gracias a todo el equipo."])
    pages = [page(1, LETTER_1 + " les quiero decir algo.\nGracias a todo el equipo de la"),
             page(2, "Noche del sábado, que atendió a mi papá.\nRosa Méndez")]
    assert [g.page_numbers for g in split_pages(pages)] == [[1, 2]]


def test_a_misread_page_one_after_a_page_that_stops_mid_sentence_goes_on() -> None:
    """GIVEN page 1 stopping on "DE" and page 2 whose handwritten "2/2" OCR read as "1/2"
    WHEN split THEN one letter; a page numbered 1 after a finished page starts one."""
    pages = [page(1, "SEÑOR SE SALVÓ. GRACIAS A TODO EL EQUIPO DE"),
             page(2, "LA NOCHE DEL SÁBADO.\nATENTAMENTE\nAGUSTÍN VILLANUEVA\n1/2")]
    assert [g.page_numbers for g in split_pages(pages)] == [[1, 2]]
    done = page(1, "SEÑOR SE SALVÓ. GRACIAS A TODO EL EQUIPO.")
    assert [g.page_numbers for g in split_pages([done, pages[1]])] == [[1], [2]]


def test_a_signature_page_numbered_one_by_a_misread_still_closes_the_letter() -> None:
    """GIVEN a letter ending "GRACIAS.", and page 2 with only the name, phone, NSS and
    its "2/2" read as "1/2" WHEN split THEN one letter: a page of a name and contact lines
    alone opens none, whatever its number says."""
    pages = [page(1, "NESESITO A ME DEN UNA DRDEN PARA EL ORTOPEDISTA\nGRACIAS."),
             page(2, "OFELIA TREJO LÓPEZ\n\nTeL. (81) 3462-2413\n\nNss 79498381\n\n1/2")]
    groups = split_pages(pages)
    assert [g.page_numbers for g in groups] == [[1, 2]]
    assert groups[0].reasons[1] == "solo trae la firma y los datos de contacto"


def test_a_handwritten_closing_misread_still_opens_the_letters_last_page() -> None:
    """GIVEN a letter's second page holding its misread page number ("YY"), its closing as
    OCR read the hand ("Atertarnente,", "Óracias.") and the signature WHEN split THEN
    one letter; a page opening with a word that is no closing ("Garcia") is judged as
    before."""
    first = page(1, "Al personal del IMSS:\nel guardia no la dejo pasar\ny se quedo sin\n"
                    "consulta. eso es discriminacion")
    for closing in ("Atertarnente,", "Óracias."):
        last = page(2, f"YY\n\n{closing}\n\nIrene Guerrero Sandalal\n\nGras ER AATFO")
        groups = split_pages([first, last])
        assert [g.page_numbers for g in groups] == [[1, 2]], closing
        assert groups[0].reasons[1] == "empieza con la despedida y la firma"
    other = page(2, "Garcia López me atendió muy bien\nen la farmacia, gracias.")
    assert [g.page_numbers for g in split_pages([first, other])] == [[1], [2]]


def test_a_page_marked_one_of_three_is_followed_by_its_next_pages() -> None:
    """GIVEN a letter marked "1/3" whose page 2 mark OCR read as "1/3" too WHEN split
    THEN one letter of three pages; a page marked with another count ("1/2") after it is
    another letter, and one that opens like a letter always is."""
    pages = [page(1, "1/3\nPUEBLA, PUE., 7 DE MAYO DEL 2026\nMI SUGERENCIA ES QUE\n"
                     "LA TUVIERON QUE METER"),
             page(2, "1/3\nPRIMERO. EN MAYO ESO ES UN HORNO.\nDAN PECHO EN LA"),
             page(3, "SALA DE ESPERA.\nARACELI SOLÍS GUERRERO\n(55) 1991 1309\n3/3")]
    groups = split_pages(pages)
    assert [g.page_numbers for g in groups] == [[1, 2, 3]]
    assert groups[0].reasons[1] == "la página anterior es la 1 de 3"
    other = page(2, "1/2\nQUIERO DECIR QUE EL DOCTOR ME ATENDIÓ BIEN.")
    assert [g.page_numbers for g in split_pages([pages[0], other])] == [[1], [2]]
    letter = page(2, "Ciudad de México, a 3 de marzo de 2025\nA quien corresponda:")
    assert [g.page_numbers for g in split_pages([pages[0], letter])] == [[1], [2]]


def test_scraps_and_capitals_misread_in_lower_case_are_no_sentence_going_on() -> None:
    """GIVEN a page whose first line is a scrap ("l TT") above a sentence that opens in
    capitals, and a job advert in capitals whose first letter OCR read in lower case ("se
    BUSCAN OPERADORES") WHEN each follows another page THEN each starts a document."""
    note = page(1, "Te amo beto +ever")
    scrap = page(2, "l TT\nNu hermpno dice qué ya no quiere, VIViC\ny que hoy se va")
    advert = page(2, "se BUSCAN OPEKADOKES DE PKODULCION TUKNO NOCTUKNO, BoNo DE ASISTENCIA")
    for second in (scrap, advert):
        assert [g.page_numbers for g in split_pages([note, second])] == [[1], [2]]
    going_on = page(2, "de la clinica y dice que se quiere ir")
    assert [g.page_numbers for g in split_pages([note, going_on])] == [[1, 2]]


def test_a_closing_followed_by_running_text_is_no_signature() -> None:
    assert not ends_signed(["GRACIAS X LOS CONTACTOS", "NUEVOS JUNTO A FARMACIA ME",
                            "SALVARON JAJAJA"])
    assert ends_signed(["Gracias por su atención.", "Rosa Méndez", "Colonia Centro"])


def test_sigue_in_capitals_misread_still_goes_on_over_the_leaf() -> None:
    front = page(1, "Nombre\nLLORANDO EL RESTO DE LA NOCHE. NOSOTROS (SiovE)", volante=True)
    back = page(2, "ENTENDEMOS QUE EL PERSONAL ES POCO.\nATENTAMENTE, LA FAMILIA")
    assert [g.page_numbers for g in split_pages([front, back])] == [[1, 2]]
