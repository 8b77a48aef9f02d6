"""Migrations build the schema from empty on SQLite and PostgreSQL, matching the models.

`engine` is the pass's database (SQLite, or PostgreSQL with BUZON_TEST_DATABASE=postgresql);
the PostgreSQL-only test also runs on a SQLite pass when a server answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.orm.exc import StaleDataError

from models import schema
from models.db import make_engine, make_sessionmaker, migrate, session_scope
from tests.migration_testing import database_at, document, source_file, user


@pytest.fixture
def engine(tmp_path: Path, new_database_url: Callable[[Path], str]) -> Iterator[Engine]:
    engine = make_engine(new_database_url(tmp_path))
    yield engine
    engine.dispose()


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        return list(compare_metadata(ctx, schema.Base.metadata))


def _check_roundtrip(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)  # idempotent
    assert _schema_diff(engine) == []
    factory = make_sessionmaker(engine)
    with session_scope(factory) as s:
        src = schema.SourceFile(sha256="a" * 64, source_path="x.pdf", stored_path="o/x.pdf",
                                size=1, file_kind="pdf")
        doc = schema.Document(source_file=src, pages=[1], kind="volante", received_on=date.today(),
                              type="sugerencia", route="publico_general",
                              fields={"nss": None})
        s.add(doc)
    # Two reviewers load the same row; the second write must fail (optimistic locking).
    a, b = factory(), factory()
    da, db_ = a.get(schema.Document, doc.id), b.get(schema.Document, doc.id)
    assert da is not None and db_ is not None
    da.status = "confirmado"
    a.commit()
    db_.status = "descartado"
    with pytest.raises(StaleDataError):
        b.commit()
    a.close()
    b.close()


def test_migrates_from_empty(engine: Engine) -> None:
    _check_roundtrip(engine)


@pytest.mark.postgres
def test_postgres_migrates_from_empty(pg_engine: Engine) -> None:
    _check_roundtrip(pg_engine)


def test_0002_upgrades_a_database_with_documents(engine: Engine) -> None:
    """GIVEN a database at revision 0001 holding a document
    WHEN it is migrated to head THEN the document survives with the new columns empty."""
    database_at(engine, "0001", {"source_files": [source_file()], "documents": [document()]})
    migrate(engine)
    assert _schema_diff(engine) == []
    with make_sessionmaker(engine)() as s:
        doc = s.get(schema.Document, 1)
        assert doc is not None and doc.type == "sugerencia"
        assert (doc.route_reason, doc.contact_outcome, doc.merged_into_id) == (None, None, None)


def test_0005_gives_existing_users_a_session_version(engine: Engine) -> None:
    """GIVEN a database at revision 0004 with an account WHEN migrated to head THEN the
    account keeps its data with session version 1 and failed logins have their table."""
    from sqlalchemy import inspect

    database_at(engine, "0004", {"users": [user()]})
    migrate(engine)
    assert _schema_diff(engine) == []
    assert "login_attempts" in inspect(engine).get_table_names()
    with make_sessionmaker(engine)() as s:
        ana = s.get(schema.User, 1)
        assert ana is not None and (ana.username, ana.session_version) == ("ana", 1)


def test_0008_marks_quarantines_whose_cause_may_pass(engine: Engine) -> None:
    """GIVEN a database at revision 0005 with a file lost with its workers, one Tesseract
    ran out of time on and a damaged one, all quarantined WHEN migrated to head THEN the
    first two will be read again by the next run and the damaged one stays."""
    errors = ["falló la lectura del archivo en el clúster",
              "página 3: Tesseract excedió el tiempo límite de 120 s",
              "el PDF está dañado o incompleto"]
    database_at(engine, "0005", {"source_files": [
        source_file(n, status="cuarentena", error=error, stored_path="c/a.bin", page_count=0)
        for n, error in enumerate(errors, start=1)]})
    migrate(engine)
    assert _schema_diff(engine) == []
    with make_sessionmaker(engine)() as s:
        assert [s.get(schema.SourceFile, n).transient for n in (1, 2, 3)] == [
            True, True, False]


def test_0006_adds_history_keys_and_links_to_a_database_with_documents(engine: Engine) -> None:
    """GIVEN a database at revision 0005 holding a document WHEN migrated to head THEN the
    document survives, the three duplicate tables exist and a link to it can be stored."""
    from sqlalchemy import inspect

    database_at(engine, "0005", {"source_files": [source_file()], "documents": [document()]})
    migrate(engine)
    assert _schema_diff(engine) == []
    assert {"petition_history", "match_keys", "duplicate_links"} <= set(
        inspect(engine).get_table_names())
    with session_scope(make_sessionmaker(engine)) as s:
        old = schema.PetitionHistory(source="siade", folio="2026/1", registered_on=date.today())
        s.add(schema.DuplicateLink(document_id=1, history=old, kind="repeticion", score=0.9,
                                   similarity=0.8, reason="Mismo NSS."))
    with make_sessionmaker(engine)() as s:
        doc = s.get(schema.Document, 1)
        assert doc is not None and doc.type == "sugerencia"
        assert [(x.kind, x.status, x.history.folio) for x in doc.duplicate_links] == [
            ("repeticion", "propuesto", "2026/1")]


def test_0009_gives_earlier_proposals_no_candidate_regions(engine: Engine) -> None:
    """GIVEN a database at revision 0008 holding a document and its proposal WHEN migrated
    to head THEN the proposal survives with no candidate regions (an empty list)."""
    from importlib import resources

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("models") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
    factory = make_sessionmaker(engine)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO source_files (id, sha256, source_path, stored_path, size, file_kind, "
            "status, page_count, ingested_at, transient) VALUES (1, 'x', 'a.pdf', 'o/a.pdf', "
            "1, 'pdf', 'ok', 1, '2026-11-20 10:00:00', false)"))
        conn.execute(text(
            "INSERT INTO documents (id, source_file_id, pages, kind, received_on, text, type, "
            "fields, missing, route, urgent, needs_review, status, created_at, updated_at, "
            "version_id) VALUES (1, 1, '[1]', 'escrito_libre', '2026-11-20', 't', "
            "'sugerencia', '{}', '[]', 'registrar', false, true, 'pendiente', "
            "'2026-11-20 10:00:00', '2026-11-20 10:00:00', 1)"))
        conn.execute(text(
            "INSERT INTO proposals (id, document_id, model_version, type, confidence, scores, "
            "fields, spans, missing, route, route_reason, urgent, needs_review, created_at) "
            "VALUES (1, 1, 'm', 'sugerencia', 0.9, '{}', '{}', '{}', '[]', 'registrar', '', "
            "false, true, '2026-11-20 10:00:00')"))
    migrate(engine)
    assert _schema_diff(engine) == []
    with factory() as s:
        proposal = s.get(schema.Proposal, 1)
        assert proposal is not None and proposal.candidates == []


def test_0011_leaves_earlier_proposals_without_provenance(engine: Engine) -> None:
    """GIVEN a database at revision 0010 holding a document and its proposal WHEN migrated
    to head THEN the proposal survives with no provenance (NULL: the document view finds
    its values on the page, as before) and a new one stores where each value was read."""
    # No explicit id: PostgreSQL's sequence must hand out the next one for the new proposal.
    proposal = {"document_id": 1, "model_version": "m", "type": "sugerencia",
                "confidence": 0.9, "scores": "{}", "fields": "{}", "spans": "{}",
                "missing": "[]", "candidates": "[]", "route": "registrar", "route_reason": "",
                "urgent": False, "needs_review": True, "created_at": date(2026, 11, 20)}
    database_at(engine, "0010", {"source_files": [source_file()], "documents": [document()],
                                 "proposals": [proposal]})
    migrate(engine)
    assert _schema_diff(engine) == []
    where = {"nss": {"page": 1, "zone": "nss", "source": "pagina", "box": [1, 2, 3, 4]}}
    with session_scope(make_sessionmaker(engine)) as s:
        doc = s.get(schema.Document, 1)
        assert doc is not None and doc.proposal is not None
        assert doc.proposal.provenance is None
        doc.proposals.append(schema.Proposal(model_version="m", type="sugerencia",
                                             confidence=0.9, route="registrar",
                                             provenance=where))
    with make_sessionmaker(engine)() as s:
        assert s.get(schema.Proposal, 2).provenance == where
