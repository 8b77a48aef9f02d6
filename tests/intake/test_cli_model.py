"""`buzon train`, `buzon evaluate` and `buzon model`: what they print and when they train."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from classifier import training
from classifier.model import Bundle, bundle_path, load_bundle, save_bundle
from intake.cli import main
from intake.config import Settings, ensure_dirs


@pytest.fixture
def env(settings: Settings, cli_env: Callable[[Settings], Settings]) -> Settings:
    cli_env(settings)
    ensure_dirs(settings)
    return settings


@pytest.fixture
def saved(trained_model: Path) -> Bundle:
    return load_bundle(trained_model)


def test_model_without_a_model_says_how_to_get_one(
        env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model"]) == 5
    assert "buzon train" in capsys.readouterr().err


def test_model_shows_version_and_metrics(env: Settings, trained_model: Path, saved: Bundle,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(trained_model, bundle_path(env.models_dir, "imss"))
    assert main(["model"]) == 0
    out = capsys.readouterr().out
    assert saved.version in out and saved.sklearn_version in out
    assert "F1 macro (prueba)" in out and str(saved.metrics["macro_f1"]) in out
    assert "Decisiones revisadas: 0" in " ".join(out.split())


def test_evaluate_prints_the_report_and_json(env: Settings, trained_model: Path,
                                            saved: Bundle,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(trained_model, bundle_path(env.models_dir, "imss"))
    assert main(["evaluate"]) == 0
    out = capsys.readouterr().out
    for expected in ("Queja de servicio", "Matriz de confusión", "ECE", "cobertura"):
        assert expected in out
    assert main(["evaluate", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["modelo"] == saved.version
    # The same fixed test split the bundle was scored on when it was trained.
    assert figures["macro_f1"] == saved.metrics["macro_f1"]
    assert figures["n"] == saved.metrics["n"]


def test_train_skips_when_nothing_is_new_and_refuses_old_bundles(
        env: Settings, saved: Bundle, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN the saved model was trained on exactly this data, WHEN `buzon train` runs,
    THEN nothing is trained; GIVEN a bundle from another scikit-learn, THEN it retrains."""
    trained: list[int] = []

    def fake_train(_profile, extra):  # type: ignore[no-untyped-def]
        trained.append(len(extra))
        return dataclasses.replace(saved, metrics=dict(saved.metrics))

    monkeypatch.setattr(training, "train_from_corpus", fake_train)
    monkeypatch.setattr(training, "training_fingerprint",
                        lambda _profile, extra: saved.data_fingerprint)
    save_bundle(saved, bundle_path(env.models_dir, "imss"))
    assert main(["train"]) == 0
    assert trained == [] and "Sin datos nuevos" in capsys.readouterr().err
    assert main(["train", "--force"]) == 0
    assert trained == [0]
    save_bundle(dataclasses.replace(saved, sklearn_version="0.24.2"),
                bundle_path(env.models_dir, "imss"))
    assert main(["train"]) == 0
    err = capsys.readouterr().err
    assert "scikit-learn" in err and "guardado" in err
    assert trained == [0, 0]
    assert load_bundle(bundle_path(env.models_dir, "imss")).sklearn_version == saved.sklearn_version
