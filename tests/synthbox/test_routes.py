"""The sample's own route table, and the product's route_for held against it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from classifier.profile import load_profile
from classifier.route import route_for
from synthbox.routes import expected_route

NSS, TEL, MAIL = "92919084431", "5512345678", "ana@example.com"
NAME = "Ana López Pérez"


def _fields(**values: str) -> dict[str, str | None]:
    fields: dict[str, str | None] = dict.fromkeys(
        ("nombre", "nss", "telefono", "correo", "curp", "servicio", "domicilio",
         "personal_involucrado"))
    return {**fields, "unidad": "UMF 20", **values}


# DOMAIN.md's table, case by case, written out by hand.
@pytest.mark.parametrize(("type_", "fields", "route"), [
    ("no_peticion", _fields(nombre=NAME, nss=NSS, telefono=TEL), "desechar"),  # act. 42
    ("queja_servicio", _fields(), "publico_general"),  # 44-46
    ("sugerencia", _fields(nombre=NAME, nss=NSS), "publico_general"),
    ("gestion", _fields(telefono=TEL), "contactar"),  # 47-48
    ("reconocimiento", _fields(nombre=NAME, correo=MAIL), "contactar"),
    ("orientacion", _fields(nss=NSS, telefono=TEL), "contactar"),
    ("queja_administrativa", _fields(nombre=NAME, nss=NSS, telefono=TEL), "registrar"),  # 49
    ("gestion", _fields(nombre=NAME, nss=NSS, correo=MAIL), "registrar"),
    ("gestion", _fields(nombre="  ", nss=NSS, correo=MAIL), "contactar"),  # blank is absent
    # a postal address is a way to reach the person, not the minimum data (4.12)
    ("queja_servicio", _fields(nombre=NAME, nss=NSS, domicilio="Calle 5 núm. 12"),
     "contactar"),
])
def test_the_table_follows_the_procedure(type_: str, fields: dict[str, str | None],
                                         route: str) -> None:
    assert expected_route(type_, fields) == route


def test_the_sample_truth_comes_from_its_own_table(
        box: tuple[Path, list[dict[str, Any]]]) -> None:
    _out, truth = box
    for rec in truth:
        assert rec["route"] == expected_route(rec["type"], rec["fields"])


def test_the_products_route_for_agrees_with_the_table_on_generated_cases(
        box: tuple[Path, list[dict[str, Any]]]) -> None:
    """GIVEN a generated box holding every situation of DOMAIN.md's table WHEN the
    product's route_for decides each document from its true type and data THEN it gives
    the route of the generator's own table, for every document."""
    _out, truth = box
    profile = load_profile("imss")  # the sample box is an IMSS one
    assert {r["route"] for r in truth} == {"desechar", "publico_general", "contactar",
                                           "registrar"}
    disagree = [(r["source"], r["pages"], r["route"], product)
                for r in truth
                if (product := route_for(r["type"], r["fields"], profile)[0]) != r["route"]]
    assert disagree == []
