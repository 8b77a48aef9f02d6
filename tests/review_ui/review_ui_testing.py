"""Helpers shared by the review_ui tests (a module, since tests/ has no packages)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from classifier.types import Extracted
from classifier.types import Proposal as ClassifierProposal
from intake.config import Settings
from review_ui import create_app

TODAY = date(2026, 11, 20)
PASSWORD = "clave-segura-123"
VALID_NSS = "92919084431"


def build_app(settings: Settings, **config: Any) -> Flask:
    """The app in test mode, CSRF off unless asked, with 'today' pinned to TODAY."""
    return create_app(settings, {"TESTING": True, "WTF_CSRF_ENABLED": False, "TODAY": TODAY,
                                 **config})


def login(client: FlaskClient, username: str = "ana", password: str = PASSWORD) -> Any:
    return client.post("/auth/login", data={"username": username, "password": password})


def csrf_token_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def fake_proposer(text: str, unit: str | None, form_fields: dict[str, str] | None = None,
                  candidates: Any = ()) -> ClassifierProposal:
    """Stands in for the trained classifier after merges and splits (training is slow);
    like the real one, values read from a volante's boxes win over the text."""
    boxes = form_fields or {}
    return ClassifierProposal(
        type="queja_servicio", confidence=0.91,
        scores={"queja_servicio": 0.91, "sugerencia": 0.09}, needs_review=False,
        fields={"nombre": boxes.get("nombre", "Persona Unida"),
                "nss": boxes.get("nss", VALID_NSS), "telefono": "5512345678",
                "correo": None, "curp": None, "unidad": unit, "servicio": None},
        spans={k: Extracted(v, source="formulario") for k, v in boxes.items()},
        missing=[], route="registrar", route_reason="Datos completos: registrar.",
        model_version="falso-1")
