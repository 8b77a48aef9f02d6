"""Fixtures: an app on a temporary database (SQLite, or a throw-away PostgreSQL schema on a
PostgreSQL pass), users, and a factory of documents with pages."""

# ruff: noqa: E402  (sys.path must be set before the project imports, see below)

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

# Shared helpers live beside this file (review_ui_testing.py); tests run with
# --import-mode=importlib, which puts no test folder on sys.path, so add this one.
_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from review_ui_testing import PASSWORD, TODAY, VALID_NSS, build_app, login, small_model
from sqlalchemy import Engine, insert, make_url, select, text
from sqlalchemy.orm import Session

from intake.config import Settings
from models.db import make_engine
from models.schema import Base, Document, Page, Proposal, SourceFile
from review_ui.accounts import create_user


@pytest.fixture()
def institution() -> str:
    """The profile the app runs with; a test module overrides this fixture for ISSSTE."""
    return "imss"


@pytest.fixture()
def settings(tmp_path, new_database_url, institution) -> Settings:
    data = tmp_path / "data"
    return Settings(data_dir=data, database_url=new_database_url(data),
                    secret_key="clave-de-pruebas", institution=institution)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory, new_session_database_url) -> str:
    """The URL of a migrated database with the test users, built once and copied for each
    test (password hashing and migrations are the slow part of the set-up)."""
    data = tmp_path_factory.mktemp("plantilla")
    url = new_session_database_url(data)
    app = build_app(Settings(data_dir=data, database_url=url, secret_key="clave-de-pruebas"))
    with session_of(app) as s:
        create_user(s, "ana", PASSWORD, units=["UMF 20"], display_name="Ana TAOD")
        create_user(s, "beto", PASSWORD, units=["HGZ 1"])
        create_user(s, "admin", PASSWORD, role="admin", all_units=True)
        create_user(s, "carla", PASSWORD, units=["UMF 20"], display_name="Carla TAOD")
        create_user(s, "sofia", PASSWORD, role="supervisor", units=["UMF 20"],
                    display_name="Sofía JDAOD")
        s.commit()
    app.extensions["buzon_engine"].dispose()
    return url


def _copy_rows(src_url: str, dst: Engine) -> None:
    """Copy every row of the template into `dst` (already migrated, empty), keeping ids."""
    src = make_engine(src_url)
    try:
        with src.connect() as read, dst.begin() as write:
            for table in Base.metadata.sorted_tables:
                rows = read.execute(select(table)).mappings().all()
                if rows:
                    write.execute(insert(table), [dict(r) for r in rows])
                    if dst.dialect.name == "postgresql" and "id" in table.c:
                        # Explicit ids do not move the sequence; the next insert would clash.
                        write.execute(text(
                            "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"), {"t": table.name})
    finally:
        src.dispose()


@pytest.fixture()
def app(settings, template_db) -> Iterator[Flask]:
    source = make_url(template_db)
    if source.get_backend_name() == "sqlite":  # a file copy is the fastest
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.database, make_url(settings.database_url).database)
        app = build_app(settings)
    else:
        app = build_app(settings)
        _copy_rows(template_db, app.extensions["buzon_engine"])
    app.extensions["buzon_model"] = small_model(settings.profile)  # loaded once, as served
    yield app
    if (mailer := app.extensions.get("buzon_mailer")) is not None:
        mailer.stop()
    app.extensions["buzon_engine"].dispose()


def session_of(app: Flask) -> Session:
    return app.extensions["buzon_sessionmaker"]()


@pytest.fixture()
def db(app) -> Iterator[Session]:
    """A session for arranging and checking; expire_all() after requests to re-read."""
    s = session_of(app)
    yield s
    s.close()


def _png(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 80), color).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture()
def make_document(app, settings) -> Callable[..., Document]:
    """Create a document with `pages` page images and one proposal, straight via the ORM."""
    counter = iter(range(1, 10_000))

    def make(unit: str | None = "UMF 20", type: str = "queja_servicio", *,
             confidence: float = 0.8, scores: dict[str, float] | None = None,
             fields: dict[str, Any] | None = None, route: str = "registrar",
             urgent: bool = False, urgent_reason: str | None = None,
             needs_review: bool = False, received_on: date = TODAY,
             status: str = "pendiente", pages: int = 1, text: str = "Texto de prueba.",
             missing: list[str] | None = None,
             route_reason: str = "Motivo de la propuesta.",
             source_file_id: int | None = None, first_page: int = 1) -> Document:
        n = next(counter)
        fields = fields if fields is not None else {
            "nombre": "Persona de Prueba", "nss": VALID_NSS, "telefono": "5512345678",
            "correo": None, "curp": None, "unidad": unit, "servicio": "Farmacia"}
        scores = scores or {type: confidence, "orientacion": round(1 - confidence, 2)}
        numbers = list(range(first_page, first_page + pages))
        with session_of(app) as s:
            src = s.get(SourceFile, source_file_id) if source_file_id else SourceFile(
                sha256=f"{n:064d}", source_path=f"escaneo{n}.pdf",
                stored_path=f"originales/{n}.pdf", size=10, file_kind="pdf", unit=unit,
                page_count=pages)
            doc = Document(source_file=src, pages=numbers, kind="volante",
                           unit=unit, received_on=received_on, text=text, type=type,
                           fields=fields, missing=missing or [], route=route, urgent=urgent,
                           urgent_reason=urgent_reason, needs_review=needs_review,
                           status=status)
            s.add(doc)
            s.flush()
            for p in numbers:
                rel = f"paginas/doc{doc.id}_p{p}.png"
                (settings.data_dir / rel).write_bytes(_png((250, 250, 240 - p)))
                s.add(Page(document=doc, page_no=p, image_path=rel, width=60, height=80,
                           method="tesseract", confidence=88.0, text=text))
            s.add(Proposal(document=doc, model_version="prueba-1", type=type,
                           confidence=confidence, scores=scores, fields=dict(fields),
                           missing=missing or [], route=route,
                           route_reason=route_reason, urgent=urgent,
                           urgent_reason=urgent_reason, needs_review=needs_review))
            s.commit()
            s.refresh(doc)
            _ = doc.page_rows, doc.proposals  # loaded for the tests, before detaching
            s.expunge(doc)
            return doc

    return make


@pytest.fixture()
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def ana(client) -> FlaskClient:
    """A client logged in as a TAOD of UMF 20."""
    assert login(client).status_code == 302
    return client
