"""The routing table of DOMAIN.md, row by row."""

from __future__ import annotations

import pytest

from classifier.profile import load_profile
from classifier.route import missing_data, route_for

IMSS = load_profile("imss")
ISSSTE = load_profile("issste")
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
    got, reason = route_for(petition_type, fields, IMSS)
    assert got == route
    assert reason and reason[0].isupper()


def test_missing_data_order_and_contact() -> None:
    assert missing_data(FULL, IMSS) == []
    assert missing_data(_without("telefono", "nss"), IMSS) == ["nss", "contacto"]
    assert missing_data({"nombre": "  ", "nss": None}, IMSS) == ["nombre", "nss", "contacto"]
    assert route_for("gestion", FULL, IMSS)[1].endswith("registrar en SIADE.")


ISSSTE_FULL = {**_without("nss"), "correo": "ana.ruiz@correo.mx",
               "domicilio": "Calle Pino 45, Col. Centro, C.P. 06000",
               "personal_involucrado": "Dra. Martínez"}


def test_issste_requires_its_own_data_and_no_nss() -> None:
    """GIVEN ISSSTE's required data (lineamiento 3) WHEN a petition has all but the NSS
    THEN it is registered in SINAPP; without the address, or without the staff involved
    in an inconformidad, the person is contacted; without phone and e-mail it has no
    contact; a sugerencia does not need the staff involved."""
    assert route_for("inconformidad", ISSSTE_FULL, ISSSTE) == (
        "registrar", "Datos mínimos completos (nombre, nombre del personal involucrado, "
        "domicilio completo, teléfono y correo electrónico): registrar en SINAPP.")
    no_staff = {**ISSSTE_FULL, "personal_involucrado": None}
    assert missing_data(no_staff, ISSSTE, "inconformidad") == ["personal_involucrado"]
    assert route_for("inconformidad", no_staff, ISSSTE)[0] == "contactar"
    assert route_for("sugerencia", no_staff, ISSSTE)[0] == "registrar"
    assert route_for("solicitud_servicio", {**ISSSTE_FULL, "domicilio": None},
                     ISSSTE)[0] == "contactar"
    unreachable = {**ISSSTE_FULL, "telefono": None, "correo": None}
    route, reason = route_for("inconformidad", unreachable, ISSSTE)
    assert route == "publico_general" and "sin contacto" in reason
    assert missing_data(unreachable, ISSSTE, "orientacion") == ["telefono", "correo"]
