"""`buzon demo --no-serve`: sample, ingest and the demo login, on a fresh data dir."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.cli import main
from intake.config import Settings, load_settings
from models import schema
from models.db import make_engine, make_sessionmaker

pytestmark = pytest.mark.tesseract


def test_demo_prepares_a_box_and_the_demo_user(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        cli_env: Callable[[Settings], Settings],
        new_database_url: Callable[[Path], str]) -> None:
    data_dir = tmp_path / "demo-data"
    settings = cli_env(load_settings(env={}, data_dir=data_dir,
                                     database_url=new_database_url(data_dir)))
    monkeypatch.delenv("BUZON_DATA_DIR")  # the demo picks ./demo-data itself
    monkeypatch.chdir(tmp_path)
    from classifier.model import bundle_path, save_bundle
    from classifier.profile import load_profile
    from classifier.training import train_from_corpus

    (tmp_path / "demo-data" / "modelos").mkdir(parents=True)
    save_bundle(train_from_corpus(load_profile("imss")),
                bundle_path(tmp_path / "demo-data" / "modelos", "imss"))
    assert main(["demo", "--no-serve", "--count", "3", "--seed", "4"]) == 0
    assert main(["demo", "--no-serve", "--count", "3", "--seed", "4"]) == 0  # idempotent
    engine = make_engine(settings.database_url)
    with make_sessionmaker(engine)() as s:
        assert s.scalar(select(func.count()).select_from(schema.Document)) >= 3
        user = s.scalar(select(schema.User).where(schema.User.username == "demo"))
        assert user is not None and user.role == "admin"
    engine.dispose()
    shutil.rmtree(tmp_path / "demo-data")
