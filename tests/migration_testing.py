"""A database at an old Alembic revision holding given rows: what migration tests start from.

    database_at(engine, "0005", {"source_files": [source_file()],
                                 "documents": [document(1), document(2, status="descartado")]})

Rows are written with plain SQL, as a database of that revision holds them (the models
describe only the current schema). `source_file` and `document` give a row with every
column the oldest revisions require, to override where a test cares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

CREATED = datetime(2026, 11, 20, 10, 0)


def source_file(file_id: int = 1, **values: Any) -> dict[str, Any]:
    """A stored original (revision 0001 onwards)."""
    return {"id": file_id, "sha256": f"{file_id:064x}", "source_path": "a.pdf",
            "stored_path": "o/a.pdf", "size": 1, "file_kind": "pdf", "status": "ok",
            "page_count": 1, "ingested_at": CREATED, **values}


def document(doc_id: int = 1, **values: Any) -> dict[str, Any]:
    """A pending volante of source file 1 (revision 0001 onwards)."""
    return {"id": doc_id, "source_file_id": 1, "pages": "[1]", "kind": "volante",
            "received_on": date(2026, 11, 20), "text": "t", "type": "sugerencia",
            "fields": "{}", "missing": "[]", "route": "registrar", "urgent": False,
            "needs_review": True, "status": "pendiente", "created_at": CREATED,
            "updated_at": CREATED, "version_id": 1, **values}


def user(user_id: int = 1, **values: Any) -> dict[str, Any]:
    """A TAOD account of UMF 20 (revision 0002 onwards)."""
    return {"id": user_id, "username": "ana", "password_hash": "h", "display_name": "Ana",
            "role": "taod", "units": '["UMF 20"]', "active": True, "created_at": CREATED,
            **values}


def database_at(engine: Engine, revision: str,
                rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> None:
    """Migrate the empty database behind `engine` up to `revision`, then insert `rows`
    (table name -> rows, in order) in the same transaction."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("models") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        for table, table_rows in (rows or {}).items():
            for row in table_rows:
                columns = ", ".join(row)
                params = ", ".join(f":{c}" for c in row)
                conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({params})"),
                             dict(row))
