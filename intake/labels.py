"""Spanish names of the document statuses, for every layer that shows them (the review
station's pages, the monthly report)."""

from __future__ import annotations

STATUS_NAMES: dict[str, str] = {
    "pendiente": "Pendiente",
    "confirmado": "Confirmado",
    "descartado": "Descartado",
    "contactar": "Por contactar",
    "cerrado": "Cerrado (desinterés)",
    "fusionado": "Unido a otro",
}
