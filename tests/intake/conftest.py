"""Fixtures for intake tests: a classifier trained once per session, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from intake.config import Settings, ensure_dirs

MODEL_FILE = "clasificador.joblib"


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus trained once (the same code path `buzon train` uses)."""
    from classifier.model import save_bundle, train_from_corpus

    path = tmp_path_factory.mktemp("modelo") / MODEL_FILE
    save_bundle(train_from_corpus(), path)
    return path


@pytest.fixture
def ready_settings(settings: Settings, trained_model: Path) -> Settings:
    """Settings on a fresh data dir that already holds the trained model."""
    ensure_dirs(settings)
    shutil.copy(trained_model, settings.models_dir / MODEL_FILE)
    return settings
