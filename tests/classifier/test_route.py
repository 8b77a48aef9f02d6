"""The routing table of DOMAIN.md, row by row."""

from __future__ import annotations

import pytest

from classifier.profile import load_profile
from classifier.route import missing_data, route_for

FULL = {"nombre": "Ana Ruiz Soto", "nss": "92919084431", "telefono": "5512345678",
        "correo": None, "curp": None, "unidad": None, "servicio": None}


def _without(*keys: str) -> dict[str, str | None]:
    return {k: (None if k in keys else v) for k, v in FULL.items()}


@pytest.mark.parametrize(
    ("petition_type", "fields", "route"),
    [
        ("no_peticion", FULL, "desechar"),
        ("queja_servicio", _without("telefono"), "publico_general"),
        ("sugerencia", _without("telefono", "nombre", "nss"), "publico_general"),
        ("gestion", _without("nss"), "contactar"),
        ("gestion", _without("nombre"), "contactar"),
        ("orientacion", {**_without("telefono"), "correo": "a@b.mx"}, "registrar"),
        ("reconocimiento", FULL, "registrar"),
    ],
)
def test_routing_table(petition_type: str, fields: dict, route: str) -> None:
    got, reason = route_for(petition_type, fields)
    assert got == route
    assert reason and reason[0].isupper()


def test_missing_data_order_and_contact() -> None:
    assert missing_data(FULL) == []
    assert missing_data(_without("telefono", "nss")) == ["nss", "contacto"]
    assert missing_data({"nombre": "  ", "nss": None}) == ["nombre", "nss", "contacto"]


def test_issste_profile_does_not_require_nss() -> None:
    profile = load_profile("issste")
    assert route_for("inconformidad", _without("nss"), profile)[0] == "registrar"
