"""A document's contact data from any of its pages: ingest proposes with every page's
identifier candidates, and keeps the doubtful ones for the view."""

from __future__ import annotations

from pathlib import Path

from classifier.model import Classifier, load_bundle
from intake.workflow import propose_document
from ocr.types import FieldRead, IdentifierRead, PageRead, Symbol, VolanteRead

NSS = "92919084431"


def _sure(text: str, x: int = 100) -> list[Symbol]:
    return [Symbol(ch, 97.0, (x + 20 * i, 10, x + 20 * i + 18, 40), [(ch, 0.97), ("8", 0.03)])
            for i, ch in enumerate(text)]


def test_contact_data_on_the_second_page_belongs_to_the_whole_letter(trained_model: Path
                                                                     ) -> None:
    """GIVEN a two-page letter whose second page ends with the NSS (read surely) and a
    phone written too unsurely to read WHEN the letter is proposed as one document THEN it
    carries the NSS, from page 2 and its box, and the phone's region to be read by a
    person (its field empty)."""
    first = PageRead(page_no=1, text="Buenos días, quiero presentar una queja porque en la "
                     "farmacia no me dieron mi medicamento y", confidence=80.0,
                     method="tesseract")
    second = PageRead(
        page_no=2, text="regresé tres veces sin respuesta.\nAtentamente, Ana Ruiz\n"
        "NSS 9291 9O84 43l\nCel. 55 2472 O844", confidence=70.0, method="tesseract",
        identifiers=[
            IdentifierRead("nss", "NSS", (100, 300, 320, 340), "9291 9O84 43l", 70.0,
                           _sure(NSS)),
            IdentifierRead("telefono", "Cel.", (100, 360, 320, 400), "55 2472 O844", 40.0,
                           [Symbol(ch, 40.0, (0, 0, 1, 1), [(ch, 0.4), ("3", 0.35),
                                                            ("9", 0.25)])
                            for ch in "5524720844"])])
    model = Classifier(load_bundle(trained_model))
    proposal = propose_document([first, second], model, "UMF 20").proposal
    assert proposal.fields["nss"] == NSS
    nss = proposal.spans["nss"]
    assert (nss.source, nss.page, nss.box) == ("pagina", 2, (100, 300, 320, 340))
    assert proposal.fields["telefono"] is None  # the text's "55 2472 O844" is not taken
    assert proposal.candidates == [{"field": "telefono", "label": "posible teléfono",
                                    "page": 2, "box": [100, 360, 320, 400],
                                    "kind": "telefono"}]
    # The phone is there, only unread: the letter has contact data and the minimum data
    # once the reviewer types it from the crop.
    assert "contacto" not in proposal.missing
    assert proposal.route != "publico_general"


def test_a_volantes_name_box_read_by_both_recognizers_is_proposed_from_the_better(
        trained_model: Path) -> None:
    """GIVEN a volante whose name box Tesseract read as "Cer ¡Cl Calderén Salinas" and the
    second recognizer as "Leticia Calderon Salinas" WHEN proposed THEN the name is the
    second's, spelled: "Leticia Calderón Salinas"."""
    name = FieldRead("Cer ¡Cl Calderén Salinas", 66.0, (10, 10, 900, 60),
                     second=_sure("Leticia Calderon Salinas"))
    page = PageRead(page_no=1, text="No había medicamento en la farmacia.", confidence=80.0,
                    method="volante", volante=VolanteRead("volante_v1", None,
                                                          fields={"nombre": name}))
    proposal = propose_document([page], Classifier(load_bundle(trained_model)), "UMF 20")
    assert proposal.proposal.fields["nombre"] == "Leticia Calderón Salinas"


def test_digits_the_page_read_as_an_nss_are_not_also_the_texts_phone(trained_model: Path
                                                                      ) -> None:
    """GIVEN a letter ending in an unlabelled "979 9405 506" (ten digits: a phone to the
    text) that both re-readings read as the NSS 85755485506 WHEN proposed THEN the NSS is
    taken and no phone is proposed from the same ink."""
    nss = "85755485506"
    page = PageRead(page_no=1, text="Sugiero que se amplíe ese esquema a más empresas.\n"
                    "Viridiana Ruiz\n979 9405 506", confidence=60.0, method="tesseract",
                    identifiers=[IdentifierRead("numero", "", (100, 300, 320, 340),
                                                "979 9405 506", 60.0, [], _sure(nss),
                                                _sure(nss))])
    proposal = propose_document([page], Classifier(load_bundle(trained_model)), "UMF 20")
    assert proposal.proposal.fields["nss"] == nss
    assert proposal.proposal.fields["telefono"] is None
