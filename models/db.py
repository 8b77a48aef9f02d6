"""Engine and session helpers, and schema migration through Alembic."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from models.errors import MigrationError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys and a busy timeout for concurrent writers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:  # DB-API objects
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location",
                        str(resources.files("models").joinpath("migrations")))
    return cfg


def require_current(engine: Engine) -> None:
    """Refuse a database that is not at the latest schema, without touching it.

    For processes that must never migrate (an upload's worker: two at once would race
    each other's migration); the station migrates once, at start-up.

    Raises:
        MigrationError: with a Spanish reason, when behind, ahead or unreadable.
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except Exception as e:  # noqa: BLE001 - any driver error: the database cannot be read
        raise MigrationError(f"No se pudo leer la versión de la base de datos: "
                             f"{type(e).__name__}") from e
    if current != head:
        raise MigrationError(
            f"La base de datos no está al día (versión {current or 'vacía'}; se espera "
            f"{head}): inicie la estación de revisión o ejecute una orden de buzon para "
            "migrarla antes de cargar escaneos.")


def migrate(engine: Engine) -> None:
    """Bring the database to the latest schema (creates it from empty)."""
    from alembic import command

    cfg = _alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            # SQLite alters a table by copying it and dropping the old one, which its
            # foreign keys forbid; the pragma only takes effect outside a transaction.
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            try:
                with conn.begin():
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
            finally:
                if sqlite:
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()
    except Exception as e:  # alembic raises many kinds; translate once here
        raise MigrationError(f"No se pudo migrar la base de datos: {e}") from e
