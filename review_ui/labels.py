"""Spanish names shown in the UI for petition types, routes, statuses and fields, and the
institution profile the station runs with (its words on every screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app

from intake.labels import STATUS_NAMES

if TYPE_CHECKING:
    from flask import Flask

    from classifier.profile import Profile
    from review_ui.evidence import Evidence

__all__ = ["STATUS_NAMES"]  # one list of status names for the station and the report

KIND_NAMES: dict[str, str] = {
    "volante": "Volante",
    "escrito_libre": "Escrito libre",
    "otro": "Otro",
}

FIELD_NAMES: dict[str, str] = {
    "nombre": "Nombre",
    "nss": "NSS",
    "telefono": "Teléfono",
    "correo": "Correo electrónico",
    "curp": "CURP",
    "unidad": "Unidad",
    "servicio": "Servicio",
    "domicilio": "Domicilio completo",
    "personal_involucrado": "Personal involucrado",
}

MISSING_NAMES: dict[str, str] = {
    "nombre": "Nombre",
    "nss": "NSS",
    "contacto": "Teléfono o correo",
    "telefono": "Teléfono",
    "correo": "Correo electrónico",
    "domicilio": "Domicilio completo",
    "personal_involucrado": "Nombre del personal involucrado",
}

# The classifier's figures (classifier.evaluation) as the model page names them; "pct"
# figures are rates shown as percentages.
METRIC_NAMES: dict[str, tuple[str, str]] = {
    "n": ("Documentos de prueba evaluados", "n"),
    "accuracy": ("Exactitud (tipo correcto)", "pct"),
    "macro_f1": ("F1 macro (promedio de los tipos)", "pct"),
    "ece": ("Error de calibración esperado (ECE; menor es mejor)", "pct"),
    "cobertura_automatica": ("Propuestas aceptadas sin revisión (cobertura)", "pct"),
    "precision_automatica": ("Aciertos entre las aceptadas sin revisión", "pct"),
    "muestras_entrenamiento": ("Muestras de entrenamiento", "n"),
    "segundos_entrenamiento": ("Segundos de entrenamiento", "n"),
}

ACTION_NAMES: dict[str, str] = {
    "confirmar": "Confirmó",
    "cambiar_tipo": "Cambió el tipo",
    "editar_campos": "Editó los datos",
    "descartar": "Descartó",
    "contactar": "Marcó para contactar",
    "urgente": "Marcó urgente y avisó a supervisión",
    "unir": "Unió páginas",
    "separar": "Separó páginas",
    "deshacer": "Deshizo su decisión",
    "folio_siade": "Registró el folio {sistema}",
    "resultado_contacto": "Registró el resultado del contacto",
    "intento_contacto": "Registró un intento de contacto",
    "turnar": "Turnó al área",
    "recordatorio": "Registró un recordatorio al área",
    "respuesta_area": "Registró la respuesta del área",
    "informar": "Informó la respuesta a la persona",
    "archivar": "Archivó el documento",
    "ver_hoja_turno": "Descargó la hoja de turno",
    "ver_respuesta": "Vio la respuesta del área (archivo)",
    "aviso_programado": "Programó un aviso por correo",
    "aviso_enviado": "Se envió un aviso por correo",
    "aviso_fallido": "Falló el envío de un aviso por correo",
    "reintentar_aviso": "Pidió reintentar un aviso por correo",
    "ver_avisos": "Vio los avisos por correo",
    "ver_informe": "Vio o descargó el informe mensual",
    "informe": "Generó el informe mensual (buzon informe)",
    "ver_pagina": "Vio la imagen de una página",
    "ver_recorte": "Vio un recorte de página",
    "ver_registro": "Vio la hoja de registro {sistema}",
    "exportar_siade": "Descargó la hoja de registro {sistema}",
    "ver_contactos": "Vio la lista de contactos",
    "ver_duplicado": "Vio un posible duplicado junto a otro documento",
    "confirmar_vinculo": "Confirmó un posible duplicado",
    "rechazar_vinculo": "Rechazó un posible duplicado",
    "deshacer_vinculo": "Deshizo su decisión sobre un posible duplicado",
    "exportar": "Exportó los documentos (buzon export)",
    "login_fallido": "Inicio de sesión fallido",
    "login_bloqueado": "Inicio de sesión bloqueado por demasiados intentos",
    "crear_cuenta": "Creó una cuenta",
    "cambiar_contrasena": "Cambió la contraseña de una cuenta",
    "desactivar_cuenta": "Desactivó una cuenta",
    "activar_cuenta": "Activó una cuenta",
    "cambiar_correo": "Cambió el correo de una cuenta",
}


def current_profile() -> Profile:
    """The profile of the running station (from its settings)."""
    return current_app.config["BUZON_SETTINGS"].profile


def type_names(profile: Profile) -> dict[str, str]:
    """Petition type label -> Spanish name, in profile order (the 1-7 shortcut order)."""
    return dict(profile.types)


def route_names(profile: Profile) -> dict[str, str]:
    """Route -> Spanish name."""
    return dict(profile.routes)


def type_name(label: str | None) -> str:
    """The Spanish name of a petition type; the label itself when unknown."""
    if not label:
        return "—"
    return current_profile().types.get(label, label)


def route_name(route: str | None) -> str:
    if not route:
        return "—"
    return current_profile().routes.get(route, route)


def deadline_name(key: str | None) -> str:
    """The Spanish name of a profile deadline, with the article it comes from."""
    if not key:
        return "—"
    rule = next((r for r in current_profile().deadlines if r.key == key), None)
    if rule is None:
        return key
    return f"{rule.name} ({rule.basis})" if rule.basis else rule.name


def action_name(action: str | None) -> str:
    """What a decision or audited action was, naming the profile's case system."""
    name = ACTION_NAMES.get(action or "", action or "—")
    return name.format(sistema=current_profile().case_system)


def where_read_name(evidence: Evidence) -> str:
    """Where the machine read a value, in words ("Casilla «NSS» del volante, página 1");
    empty when the proposal did not store it."""
    page = f"página {evidence.page_no}"
    zone = FIELD_NAMES.get(evidence.zone or "", evidence.zone or "")
    if evidence.source == "formulario":
        return f"Casilla «{zone}» del volante, {page}" if zone else f"Volante, {page}"
    if evidence.source == "pagina":
        where = f"casilla «{zone}» del volante, {page}" if zone else page
        return f"Leído de nuevo en la {where}"
    if evidence.source == "texto":
        return f"Texto de la {page}"
    return ""


def _profile_context() -> dict[str, Any]:
    """Every template sees the profile: its short name, its case system, its data."""
    return {"profile": current_profile()}


def register_filters(app: Flask) -> None:
    """Expose the names to the templates as Jinja filters."""
    env = app.jinja_env
    env.filters["type_name"] = type_name
    env.filters["route_name"] = route_name
    env.filters["deadline_name"] = deadline_name
    env.filters["status_name"] = lambda v: STATUS_NAMES.get(v, v or "—")
    env.filters["kind_name"] = lambda v: KIND_NAMES.get(v, v or "—")
    env.filters["field_name"] = lambda v: FIELD_NAMES.get(v, v)
    env.filters["missing_name"] = lambda v: MISSING_NAMES.get(v, v)
    env.filters["action_name"] = action_name
    env.filters["where_read"] = where_read_name
    env.filters["pct"] = lambda v: f"{float(v or 0) * 100:.0f} %"
    app.context_processor(_profile_context)
