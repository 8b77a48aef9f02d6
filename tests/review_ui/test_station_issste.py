"""The station under the ISSSTE profile: its name, its case system (SINAPP), its required
data on the document, the correction form, the contact list and the worksheet."""

from __future__ import annotations

import csv
import io

import pytest
from review_ui_testing import VALID_NSS

from models.schema import Document

FIELDS = {"nombre": "Ana Ruiz Soto", "nss": VALID_NSS, "telefono": "5512345678",
          "correo": None, "curp": None, "unidad": "UMF 20", "servicio": "Farmacia",
          "domicilio": "Calle Pino 45, Col. Centro, C.P. 06000",
          "personal_involucrado": None}


@pytest.fixture()
def institution() -> str:
    return "issste"


def test_the_pages_name_issste_and_sinapp(ana, make_document):
    make_document(type="inconformidad")
    queue = ana.get("/cola/").text
    assert "· Buzón ISSSTE</title>" in queue and "Registro SINAPP" in queue
    assert "SIADE" not in queue and "IMSS" not in queue
    assert "registre en SINAPP todo lo recibido" in queue
    assert "Plazo de registro: hoy" not in queue  # ISSSTE has 3 business days, not 0


def test_the_document_asks_for_issstes_data_and_keeps_what_it_does_not_show(
        ana, db, make_document):
    """GIVEN an inconformidad without e-mail nor staff involved WHEN shown THEN the form
    has ISSSTE's data (address, staff involved; no NSS) and asks for the missing ones by
    name; WHEN the TAOD fills them THEN it is routed to registrar in SINAPP and the NSS
    the form does not show is left as it was."""
    doc = make_document(type="inconformidad", fields=dict(FIELDS), route="contactar",
                        missing=["personal_involucrado", "correo"])
    page = ana.get(f"/documentos/{doc.id}").text
    assert 'name="domicilio" value="Calle Pino 45, Col. Centro, C.P. 06000"' in page
    assert 'name="personal_involucrado"' in page and 'name="nss"' not in page
    assert "¿Cuál es el nombre del personal involucrado?" in page
    form = {f: (FIELDS[f] or "") for f in ("nombre", "domicilio", "telefono", "curp",
                                          "unidad", "servicio")}
    ana.post(f"/documentos/{doc.id}/editar_campos",
             data={"version_id": doc.version_id, **form, "correo": "ana.ruiz@gmail.com",
                   "personal_involucrado": "Dra. Martínez"})
    db.expire_all()
    stored = db.get(Document, doc.id)
    assert stored.fields["personal_involucrado"] == "Dra. Martínez"
    assert stored.fields["nss"] == VALID_NSS
    assert (stored.route, stored.missing) == ("registrar", [])
    assert stored.route_reason.endswith("registrar en SINAPP.")


def test_the_contact_list_asks_for_issstes_data(ana, make_document):
    make_document(type="inconformidad", status="contactar", fields=dict(FIELDS),
                  missing=["personal_involucrado", "correo"])
    page = ana.get("/contactos/").text
    assert 'name="domicilio"' in page and 'name="personal_involucrado"' in page
    assert 'name="nss"' not in page


def test_the_sinapp_worksheet_has_issstes_columns(ana, make_document):
    doc = make_document(type="inconformidad", status="confirmado",
                        fields={**FIELDS, "correo": "ana.ruiz@gmail.com",
                                "personal_involucrado": "Dra. Martínez"})
    response = ana.get("/registro/hoja.csv")
    assert 'filename="sinapp-2026-11-20.csv"' in response.headers["Content-Disposition"]
    [row] = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert row["Folio buzón"] == str(doc.id) and row["Tipo de petición"] == "Inconformidad"
    assert row["Domicilio completo"] == FIELDS["domicilio"]
    assert row["Personal involucrado"] == "Dra. Martínez"
    assert "NSS" not in row and "Folio SINAPP" in row and "Acción en SINAPP" in row
    page = ana.get("/registro/").text
    assert "<h1>Registro en SINAPP</h1>" in page and "Personal involucrado" in page
