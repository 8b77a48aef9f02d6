"""Urgent special cases: positives, negations and thanks for past emergencies."""

from __future__ import annotations

import pytest

from classifier.urgency import detect_urgency


@pytest.mark.parametrize(
    ("text", "reason_word"),
    [
        ("Mi esposo tiene DOLOR EN EL PECHO y lleva una hora sin que lo vean, ayuda", "infarto"),
        ("Por favor activen el codigo infarto, mi papa esta en la sala", "infarto"),
        ("mi esposa esta sangrando mucho y nadie nos atiende, por favor", "Sangrado"),
        ("Necesitamos el traslado urgente de mi mamá intubada al HGR 72 hoy", "Traslado"),
        ("ya no quiero seguir viviendo, hoy pensé en quitarme la vida", "suicidio"),
        ("Un señor me amenazó con un cuchillo en la sala de espera, tengo miedo", "Violencia"),
        ("MI BEBE DE 2 MESES TIENE FIEBRE Y NADIE LO ATIENDE, llevamos 3 horas", "Niña"),
        ("Estoy embarazada y no me atienden, no hay ginecologo, por favor ayuda", "embarazada"),
        ("le pusieron el medicamento para otro paciente y sigue muy dormido, ayuda", "Daño"),
    ],
)
def test_positives(text: str, reason_word: str) -> None:
    urgent, reason = detect_urgency(text)
    assert urgent and reason and reason_word.lower() in reason.lower(), reason


@pytest.mark.parametrize(
    ("text", "petition_type"),
    [
        ("No hubo ninguna urgencia, solo quiero saber el horario de farmacia.", None),
        ("Gracias al personal de Urgencias por su atención tan rápida, excelente servicio.",
         "reconocimiento"),
        ("Gracias a la Dra. de urgencias que atendió a mi esposo del infarto el domingo "
         "pasado, hoy está vivo gracias a ella.", "reconocimiento"),
        ("Sugiero que en urgencias pongan más sillas.", "sugerencia"),
        ("Mi papá murió en marzo por una hemorragia; exijo que se investigue.",
         "queja_administrativa"),
        ("", None),
        ("me tomaron la muestra sin dolor y sin sangrado", None),
    ],
)
def test_negatives(text: str, petition_type: str | None) -> None:
    assert detect_urgency(text, petition_type) == (False, None)


def test_robust_to_lost_accents_and_case() -> None:
    a = detect_urgency("ALGUIEN AYUDE, MI HIJO INTENTÓ QUITARSE LA VIDA Y LO DAN DE ALTA HOY")
    b = detect_urgency("alguien ayude, mi hijo intento quitarse la vida y lo dan de alta hoy")
    assert a == b and a[0]
