"""Shared fixtures: isolated settings, and the PostgreSQL URL when a server is reachable."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from intake.config import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh data dir and SQLite database under tmp_path."""
    return load_settings(env={}, data_dir=tmp_path / "datos")


def _pg_reachable(url: str) -> bool:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    try:
        with socket.create_connection((u.host or "127.0.0.1", u.port or 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL (BUZON_TEST_POSTGRES_URL or the local server); skips if none."""
    url = os.environ.get("BUZON_TEST_POSTGRES_URL", DEFAULT_PG_URL)
    if not _pg_reachable(url):
        pytest.skip(f"PostgreSQL no disponible en {url}: se omiten las pruebas solo-PostgreSQL")
    return url


@pytest.fixture
def pg_schema_url(postgres_url: str) -> Iterator[str]:
    """A URL whose search_path is a throw-away schema, dropped after the test."""
    from sqlalchemy import text

    from models.db import make_engine

    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = make_engine(postgres_url)
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {name}"))
    yield f"{postgres_url}?options=-csearch_path%3D{name}"
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA {name} CASCADE"))
    admin.dispose()


@pytest.fixture
def pg_engine(pg_schema_url: str) -> Iterator[Engine]:
    from models.db import make_engine

    engine = make_engine(pg_schema_url)
    yield engine
    engine.dispose()
