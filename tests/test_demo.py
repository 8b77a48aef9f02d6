"""`buzon demo --no-serve`: sample, ingest and the demo login, on a fresh data dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.cli import main
from intake.config import load_settings
from models import schema
from models.db import make_engine, make_sessionmaker

pytestmark = pytest.mark.tesseract


def test_demo_prepares_a_box_and_the_demo_user(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUZON_DATA_DIR", raising=False)
    monkeypatch.delenv("BUZON_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    from classifier.model import save_bundle, train_from_corpus

    (tmp_path / "demo-data" / "modelos").mkdir(parents=True)
    save_bundle(train_from_corpus(), tmp_path / "demo-data" / "modelos" / "clasificador.joblib")
    assert main(["demo", "--no-serve", "--count", "3", "--seed", "4"]) == 0
    assert main(["demo", "--no-serve", "--count", "3", "--seed", "4"]) == 0  # idempotent
    settings = load_settings(env={}, data_dir=tmp_path / "demo-data")
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(schema.Document)) >= 3
        user = s.scalar(select(schema.User).where(schema.User.username == "demo"))
        assert user is not None and user.role == "admin"
    shutil.rmtree(tmp_path / "demo-data")
