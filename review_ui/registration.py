"""Hand-off to the profile's case system (SIADE, SINAPP): the worksheet of confirmed
documents, the folio typed back, and the outcome of contacting people for missing data
(activity 48). No Flask here."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from intake.history import FOLIO_RE
from models.states import DecisionAction, DocumentStatus
from review_ui.decide import check_decidable, clean_fields, record_decision, reroute, snapshot
from review_ui.errors import InvalidDecisionError
from review_ui.labels import FIELD_NAMES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from classifier.profile import Profile
    from intake.config import Settings
    from models.schema import Decision, Document

log = logging.getLogger(__name__)

QUESTIONS = {
    "nombre": "¿Cuál es su nombre completo?",
    "nss": "¿Cuál es su Número de Seguridad Social (NSS, 11 dígitos)?",
    "contacto": "¿A qué teléfono o correo podemos comunicarnos con usted?",
    "telefono": "¿A qué número de teléfono podemos llamarle?",
    "correo": "¿Cuál es su correo electrónico (o el de algún familiar)?",
    "domicilio": "¿Cuál es su domicilio completo (calle, números, colonia y código postal)?",
    "personal_involucrado": "¿Cuál es el nombre del personal involucrado?",
}
# What the worksheet lists, and what the TAOD does with each in the case system.
TO_REGISTER = (DocumentStatus.CONFIRMED, DocumentStatus.CLOSED)
CASE_ACTIONS: dict[str, str] = {DocumentStatus.CONFIRMED: "Registrar",
                                DocumentStatus.CLOSED: "Cerrar por desinterés (actividad 48)"}


def worksheet_columns(profile: Profile) -> tuple[tuple[str, str], ...]:
    """(key, title) of the worksheet's columns: the profile's data, its case system."""
    system = profile.case_system
    return (
        ("folio_buzon", "Folio buzón"), ("recibido", "Fecha de recepción"),
        ("unidad", "Unidad"), ("tipo", "Tipo de petición"), ("ruta", "Ruta"),
        *((f, FIELD_NAMES[f]) for f in profile.fields if f != "unidad"),
        ("urgente", "Urgente"), ("motivo_urgencia", "Motivo de urgencia"),
        ("resumen", "Texto (inicio)"), ("posible_duplicado", "Posible duplicado"),
        ("folio_siade", f"Folio {system}"), ("accion", f"Acción en {system}"),
    )
_SUMMARY = 300


def worksheet_rows(docs: Iterable[Document], type_name: Any, route_name: Any,
                   duplicates: Mapping[int, str] | None = None) -> list[dict[str, str]]:
    """One row per document, values as the case system asks them (Spanish names,
    dd/mm/aaaa); every field is in the row, the columns pick the profile's.

    `duplicates`: document id -> what its link says ("Posible duplicado de folio buzón
    12", ...), so the TAOD checks before registering it a second time (policy 5.9).
    """
    duplicates = duplicates or {}
    rows = []
    for doc in docs:
        f = doc.fields or {}
        text = re.sub(r"\s+", " ", doc.text or "").strip()
        rows.append({
            "folio_buzon": str(doc.id), "recibido": doc.received_on.strftime("%d/%m/%Y"),
            **{name: f.get(name) or "" for name in FIELD_NAMES},
            "unidad": doc.unit or "", "accion": CASE_ACTIONS.get(doc.status, ""),
            "tipo": type_name(doc.type), "ruta": route_name(doc.route),
            "urgente": "Sí" if doc.urgent else "No", "motivo_urgencia": doc.urgent_reason or "",
            "resumen": text[:_SUMMARY] + ("…" if len(text) > _SUMMARY else ""),
            "posible_duplicado": duplicates.get(doc.id, ""),
            "folio_siade": doc.siade_folio or "",
        })
    return rows


def _cell(value: str) -> str:
    """Spreadsheet programs run cells starting with = + - @ as formulas: quote them."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(rows: list[dict[str, str]], columns: tuple[tuple[str, str], ...]) -> bytes:
    """UTF-8 with BOM so Excel opens the accents right."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([title for _key, title in columns])
    for row in rows:
        writer.writerow([_cell(row[key]) for key, _title in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict[str, str]], columns: tuple[tuple[str, str], ...]) -> bytes:
    """One sheet per route (registration differs by route), header row frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook opens on one empty sheet
    by_route: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_route.setdefault(row["ruta"], []).append(row)
    for route, route_rows in sorted(by_route.items()) or [("Sin documentos", [])]:
        ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", route)[:31])
        ws.append([title for _key, title in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row in route_rows:
            ws.append([_cell(row[key]) for key, _title in columns])
        for col, (key, _t) in zip(ws.columns, columns, strict=True):
            ws.column_dimensions[col[0].column_letter].width = 60 if key == "resumen" else 18
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def set_folio(session: Session, doc: Document, user_id: int, version_id: int | None,
              folio: str, *, today: date, settings: Settings) -> Decision:
    """Store the folio the case system gave the registration of a confirmed document; the
    day it is typed back is the day of registration (the deadline of policy 5.9). A person
    who gave an e-mail gets the acknowledgement with the folio (IMSS 51), when e-mail is
    on."""
    from intake.notices import acknowledge

    check_decidable(doc, user_id, version_id)
    folio = (folio or "").strip()
    system = settings.profile.case_system
    if doc.status not in TO_REGISTER:
        raise InvalidDecisionError("Solo los documentos confirmados o cerrados por desinterés "
                                   f"llevan folio {system}.")
    if not FOLIO_RE.match(folio):
        raise InvalidDecisionError(f"El folio {system} debe tener de 1 a 60 letras, números "
                                   "o los signos / . - _")
    before = snapshot(doc)
    doc.siade_folio = folio
    doc.registered_on = doc.registered_on or today
    decision = record_decision(session, doc, user_id, DecisionAction.SIADE_FOLIO, before)
    if doc.status == DocumentStatus.CONFIRMED:
        acknowledge(session, doc, settings.profile, settings,
                    actor_id=user_id)
    return decision


def questions_for(missing: Iterable[str]) -> list[str]:
    return [QUESTIONS[m] for m in missing if m in QUESTIONS]


def record_contact(session: Session, doc: Document, user_id: int, version_id: int | None,
                   outcome: str, raw_fields: Mapping[str, str | None], note: str = "", *,
                   profile: Profile) -> Decision:
    """Obtained: the data given are stored and the document is confirmed for registration.
    Not obtained: closed for lack of interest (activity 48)."""
    check_decidable(doc, user_id, version_id)
    if doc.status != DocumentStatus.TO_CONTACT:
        raise InvalidDecisionError("Este documento no está marcado para contactar.")
    kept_note = (note or "").strip()[:1000] or None
    before = snapshot(doc)
    if outcome == "obtenido":
        cleaned = clean_fields({**(doc.fields or {}), **{k: v for k, v in raw_fields.items()
                                                          if v and v.strip()}})
        doc.fields = {**(doc.fields or {}), **cleaned}
        reroute(doc, profile)
        doc.status = DocumentStatus.CONFIRMED
    elif outcome == "no_obtenido":
        doc.status = DocumentStatus.CLOSED
        doc.route_reason = ("No se obtuvieron los datos al contactar: concluido por "
                            "desinterés (actividad 48).")
    else:
        raise InvalidDecisionError("Elija el resultado del contacto.")
    doc.contact_outcome = outcome
    doc.contact_note = kept_note
    doc.needs_review = False
    return record_decision(session, doc, user_id, DecisionAction.CONTACT_RESULT, before,
                           kept_note)
