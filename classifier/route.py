"""Required data check and the route (desechar, publico_general, contactar, registrar)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from classifier.types import Route

if TYPE_CHECKING:
    from classifier.profile import Profile

# The required data as the route's reason names them.
_NAMES_ES = {"nombre": "nombre", "nss": "NSS", "contacto": "teléfono o correo",
             "telefono": "teléfono", "correo": "correo electrónico",
             "domicilio": "domicilio completo",
             "personal_involucrado": "nombre del personal involucrado"}


_CONTACT = ("contacto", "telefono", "correo")


def _has(fields: Mapping[str, str | None], key: str) -> bool:
    if key == "contacto":
        return reachable(fields)
    return bool((fields.get(key) or "").strip())


def reachable(fields: Mapping[str, str | None]) -> bool:
    """The person left a phone or an e-mail: someone can ask for what is missing."""
    return bool(fields.get("telefono") or fields.get("correo"))


def missing_data(fields: Mapping[str, str | None], profile: Profile,
                 petition_type: str | None = None) -> list[str]:
    """The profile's required data (for a petition of `petition_type`) absent from `fields`."""
    return [key for key in profile.required_for(petition_type) if not _has(fields, key)]


def _join_es(items: list[str] | tuple[str, ...]) -> str:
    words = [_NAMES_ES[i] for i in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " y " + words[-1]


def route_for(
    petition_type: str, fields: Mapping[str, str | None], profile: Profile
) -> tuple[str, str]:
    """The route for a petition type and its data, with the reason in Spanish (DOMAIN.md):
    no phone nor e-mail -> publico_general; reachable but something required is missing ->
    contactar; everything the profile requires -> registrar."""
    if petition_type == profile.discard_type:
        return Route.DISCARD, "No es una petición: se desecha y se conserva para auditoría."
    missing = missing_data(fields, profile, petition_type)
    general = profile.routes["publico_general"].lower()
    if not reachable(fields):
        if all(m in _CONTACT for m in missing):
            return Route.GENERAL_PUBLIC, f"Sin teléfono ni correo: se registra como {general}."
        return (
            Route.GENERAL_PUBLIC,
            f"Sin datos de contacto y faltan {_join_es(missing)}: se registra como {general}.",
        )
    if missing:
        return Route.CONTACT, f"Hay datos de contacto pero falta {_join_es(missing)}: contactar."
    required = profile.required_for(petition_type)
    return Route.REGISTER, (f"Datos mínimos completos ({_join_es(required)}): registrar en "
                            f"{profile.case_system}.")
