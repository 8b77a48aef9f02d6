"""The address (domicilio) and the staff involved (personal involucrado): what ISSSTE
requires besides name, phone and e-mail (guía, lineamiento 3)."""

from __future__ import annotations

import pytest

from classifier.address import find_address, is_full_address
from classifier.extract import extract_fields
from classifier.staff import find_staff

LETTER = ("La Dra. Martínez del consultorio 5 me trató muy mal y no quiso revisarme.\n"
          "Atentamente Ana Ruiz Soto\n"
          "Domicilio: Calle Pino 45 int. 3, Col. Las Flores, C.P. 54030, Tlalnepantla\n"
          "Tel. 55 1234 5678")


def test_both_are_extracted_with_their_spans() -> None:
    found = extract_fields(LETTER)
    address, staff = found["domicilio"], found["personal_involucrado"]
    assert address.value == "Calle Pino 45 int. 3, Col. Las Flores, C.P. 54030, Tlalnepantla"
    assert address.valid and LETTER[address.start:address.end] == address.value
    assert staff.value == "Dra. Martínez" and LETTER[staff.start:staff.end] == "Dra. Martínez"
    # The phone after the address is still the phone, not part of the address.
    assert found["telefono"].value == "5512345678"


@pytest.mark.parametrize(("text", "value", "full"), [
    ("Vivo en Av. Juárez 120, colonia Centro\nGracias", "Av. Juárez 120, colonia Centro", True),
    ("domicilio: Privada Olivo s/n, fracc. Real del Sol, CP 76100 Querétaro",
     "Privada Olivo s/n, fracc. Real del Sol, CP 76100 Querétaro", True),
    ("Mi dirección es Manzana 12 lote 5, Ejido San Juan. Atentamente Juana",
     "Manzana 12 lote 5, Ejido San Juan", False),
    ("VIVO EN CALLE 5 DE MAYO 230 COL. OBRERA CP 06800 CDMX TEL 5544332211",
     "CALLE 5 DE MAYO 230 COL. OBRERA CP 06800 CDMX", True),
])
def test_addresses(text: str, value: str, full: bool) -> None:
    found = find_address(text)
    assert found is not None and found.value == value and found.valid is full
    assert is_full_address(value) is full


@pytest.mark.parametrize("text", [
    "La calle de enfrente no tiene luz y hay baches.",
    "Esperé 3 horas en la ventanilla 4 de farmacia.",
    "Sugiero que pongan más sillas en la sala de espera.",
])
def test_no_address_where_there_is_none(text: str) -> None:
    assert find_address(text) is None


@pytest.mark.parametrize(("text", "value"), [
    ("el enfermero Juan Pérez Gómez no quiso ponerme la inyección",
     "enfermero Juan Pérez Gómez"),
    ("la recepcionista de nombre Laura me gritó", "recepcionista Laura"),
    ("Personal involucrado: Lic. Rosa María Téllez\nGracias", "Lic. Rosa María Téllez"),
    ("EL DR. RAMIREZ NO ME ATENDIO", "Dr. Ramirez"),
    ("Quiero agradecer a la doctora Ana de la Cruz por su paciencia",
     "doctora Ana de la Cruz"),
])
def test_staff(text: str, value: str) -> None:
    found = find_staff(text)
    assert found is not None and found.value == value


@pytest.mark.parametrize("text", [
    "el doctor del consultorio 4 no llegó",  # a role, but nobody named
    "La doctora Me dijo que regresara",
    "Gracias por todo.",
])
def test_no_staff_without_a_name(text: str) -> None:
    assert find_staff(text) is None


def test_volante_boxes_win_and_a_partial_address_stays_invalid() -> None:
    found = extract_fields("Me atendieron mal.", {"domicilio": "Calle Roble 3",
                                                   "personal_involucrado": "Enf. Lucía Mora"})
    assert found["domicilio"].source == "formulario" and not found["domicilio"].valid
    assert found["personal_involucrado"].value == "Enf. Lucía Mora"
