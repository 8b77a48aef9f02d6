"""Spanish names of the document statuses, for every layer that shows them (the review
station's pages, the monthly report)."""

from __future__ import annotations

from models.states import DocumentStatus

STATUS_NAMES: dict[str, str] = {
    DocumentStatus.PENDING: "Pendiente",
    DocumentStatus.CONFIRMED: "Confirmado",
    DocumentStatus.DISCARDED: "Descartado",
    DocumentStatus.TO_CONTACT: "Por contactar",
    DocumentStatus.CLOSED: "Cerrado (desinterés)",
    DocumentStatus.MERGED: "Unido a otro",
}
