"""Minimum data check and the route (desechar, publico_general, contactar, registrar)."""

from __future__ import annotations

from collections.abc import Mapping

from classifier.profile import Profile, load_profile
from classifier.types import Route

_NAMES_ES = {"nombre": "nombre", "nss": "NSS", "contacto": "teléfono o correo"}


def _has(fields: Mapping[str, str | None], key: str) -> bool:
    if key == "contacto":
        return bool(fields.get("telefono") or fields.get("correo"))
    return bool((fields.get(key) or "").strip())


def missing_data(fields: Mapping[str, str | None], profile: Profile | None = None) -> list[str]:
    """The minimum data (nombre, nss, contacto per the profile) absent from `fields`."""
    profile = profile or load_profile("imss")
    return [key for key in profile.minimum_data if not _has(fields, key)]


def _join_es(items: list[str]) -> str:
    words = [_NAMES_ES[i] for i in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " y " + words[-1]


def route_for(
    petition_type: str, fields: Mapping[str, str | None], profile: Profile | None = None
) -> tuple[str, str]:
    """The route for a petition type and its data, with the reason in Spanish (DOMAIN.md)."""
    profile = profile or load_profile("imss")
    if petition_type == profile.discard_type:
        return Route.DISCARD, "No es una petición: se desecha y se conserva para auditoría."
    missing = missing_data(fields, profile)
    if "contacto" in missing:
        if missing == ["contacto"]:
            return (Route.GENERAL_PUBLIC,
                    "Sin teléfono ni correo: se registra como público en general.")
        return (
            Route.GENERAL_PUBLIC,
            f"Sin datos de contacto y faltan {_join_es(missing)}: "
            "se registra como público en general.",
        )
    if missing:
        return Route.CONTACT, f"Hay datos de contacto pero falta {_join_es(missing)}: contactar."
    return Route.REGISTER, "Datos mínimos completos (nombre, NSS y contacto): registrar en SIADE."
