"""propose(): the single path from text (and form fields) to a full Proposal."""

from __future__ import annotations

from classifier.model import Classifier
from classifier.propose import propose
from classifier.types import FIELD_NAMES, Proposal


def test_blank_text_is_discarded_for_review(small_model: Classifier) -> None:
    for text in ("", "   \n", "x .. ~~"):
        p = propose(text, small_model)
        assert p.type == "no_peticion" and p.needs_review and p.confidence < 0.2
        assert p.route == "desechar" and not p.urgent


def test_full_letter(small_model: Classifier) -> None:
    text = (
        "Solicito que me reprogramen la cita con el especialista porque no pude asistir.\n"
        "Atentamente\nAna Ruiz Soto\nNSS 92919084431\nTel. (55) 1234-5678"
    )
    p = propose(text, small_model, unit="UMF 7")
    assert isinstance(p, Proposal)
    assert set(p.fields) == set(FIELD_NAMES)
    assert p.fields["nombre"] == "Ana Ruiz Soto"
    assert p.fields["nss"] == "92919084431" and p.fields["telefono"] == "5512345678"
    assert p.fields["unidad"] == "UMF 7"  # the text names none
    assert p.missing == [] and p.route == "registrar"
    assert p.model_version == small_model.version
    assert p.to_dict()["spans"]["nss"]["start"] == text.index("92919084431")


def test_missing_contact_and_unit_from_text(small_model: Classifier) -> None:
    p = propose("Sugiero que en la clínica 20 pongan más sillas en la sala de espera. "
                "Me llamo Pedro Gómez Luna", small_model, unit="UMF 7")
    assert p.fields["unidad"] == "UMF 20"
    assert p.route == "publico_general" and "contacto" in p.missing


def test_invalid_nss_does_not_count(small_model: Classifier) -> None:
    p = propose("Quiero que me cambien de clínica. Me llamo Pedro Gómez Luna, "
                "mi NSS es 92919084432, tel 55 1234 5678", small_model)
    assert p.fields["nss"] == "92919084432" and p.spans["nss"].valid is False
    assert p.missing == ["nss"] and p.route == "contactar"


def test_form_fields_and_checkbox(small_model: Classifier) -> None:
    p = propose("la farmacia no tenía mi medicamento otra vez, pésimo servicio", small_model,
                form_fields={"nombre": "Ana Ruiz Soto", "nss": "92919084431",
                             "correo": "ana@gmail.com"},
                checked=["queja"])
    assert p.fields["correo"] == "ana@gmail.com" and p.spans["correo"].source == "formulario"
    assert p.route == "registrar"
    assert p.scores and abs(sum(p.scores.values()) - 1) < 0.02


def test_urgent_petition(small_model: Classifier) -> None:
    p = propose("Mi esposo tiene dolor en el pecho y lleva una hora esperando en urgencias, "
                "por favor que alguien lo atienda ya.", small_model)
    assert p.urgent and p.urgent_reason


def test_event_date_is_kept_in_spans_not_in_fields(small_model: Classifier) -> None:
    import datetime as dt

    text = "Ayer en farmacia no me surtieron la receta y la señorita me gritó. Atte. Ana Ruiz"
    p = propose(text, small_model, received_on=dt.date(2026, 11, 20))
    assert p.spans["fecha_evento"].value == "2026-11-19"
    assert text[p.spans["fecha_evento"].start:p.spans["fecha_evento"].end] == "Ayer"
    assert "fecha_evento" not in p.fields and set(p.fields) == set(FIELD_NAMES)
