"""Statuses and decision actions are named once (models.states) and stored as their value."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from intake.labels import STATUS_NAMES
from models import schema
from models.db import make_engine, make_sessionmaker, migrate, session_scope
from models.states import DecisionAction, DocumentStatus, FileStatus, LinkStatus, OutboxStatus
from review_ui.labels import ACTION_NAMES


@pytest.fixture
def engine(tmp_path: Path, new_database_url: Callable[[Path], str]) -> Iterator[Engine]:
    engine = make_engine(new_database_url(tmp_path))
    migrate(engine)
    yield engine
    engine.dispose()


def test_every_status_and_action_has_its_spanish_name() -> None:
    assert set(STATUS_NAMES) == set(DocumentStatus)
    assert set(DecisionAction) <= set(ACTION_NAMES)


def test_a_member_is_the_string_it_stands_for() -> None:
    assert DocumentStatus.PENDING == "pendiente" and f"{DocumentStatus.MERGED}" == "fusionado"
    assert {"confirmado": 1}[DocumentStatus.CONFIRMED] == 1  # dicts keyed by the stored text
    assert DecisionAction("unir") is DecisionAction.MERGE


def test_members_are_stored_and_read_back_as_their_values(engine: Engine) -> None:
    """GIVEN rows written with enum members (defaults and explicit) WHEN read with raw SQL
    THEN the columns hold the Spanish values, not the members' names, on SQLite and
    PostgreSQL alike, and a query by the plain string finds them."""
    factory = make_sessionmaker(engine)
    with session_scope(factory) as s:
        user = schema.User(username="ana", password_hash="x")
        src = schema.SourceFile(sha256="b" * 64, source_path="x.pdf", stored_path="o/x.pdf",
                                size=1, file_kind="pdf")
        doc = schema.Document(source_file=src, pages=[1], kind="volante",
                              received_on=date(2026, 11, 2), type="queja", route="registrar")
        s.add_all([user, doc])
        s.flush()
        s.add(schema.Decision(document_id=doc.id, user_id=user.id,
                              action=DecisionAction.CONFIRM,
                              before={"status": DocumentStatus.PENDING},
                              after={"status": DocumentStatus.CONFIRMED}))
        s.add(schema.OutboxMessage(kind="acuse", recipients=["a@b.mx"], subject="s", body="b"))
        doc.status = DocumentStatus.CONFIRMED
    with engine.connect() as c:
        assert c.execute(text("SELECT status FROM documents")).scalar_one() == "confirmado"
        assert c.execute(text("SELECT status FROM source_files")).scalar_one() == FileStatus.OK
        assert c.execute(text("SELECT status FROM outbox")).scalar_one() == "pendiente"
        assert c.execute(text("SELECT action FROM decisions")).scalar_one() == "confirmar"
    with session_scope(factory) as s:
        found = s.scalars(select(schema.Document).where(
            schema.Document.status == "confirmado")).one()
        assert type(found.status) is str  # read back as the plain string it stands for
        decision = s.scalars(select(schema.Decision)).one()
        assert decision.after == {"status": "confirmado"}
        assert s.scalar(select(schema.OutboxMessage.status)) == OutboxStatus.PENDING


def test_link_status_default_is_proposed() -> None:
    column = schema.DuplicateLink.__table__.c.status
    assert column.default.arg == LinkStatus.PROPOSED == "propuesto"
