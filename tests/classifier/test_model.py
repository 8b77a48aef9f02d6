"""The type model: training, predictions, abstention, persistence and version refusal."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from classifier import training as training_mod
from classifier.errors import ModelBundleError
from classifier.model import (
    Bundle,
    Classifier,
    bundle_path,
    fingerprint,
    load_bundle,
    normalize,
    save_bundle,
)
from classifier.profile import load_profile
from classifier.training import load_or_train

IMSS = load_profile("imss")

OBVIOUS = {
    "reconocimiento": "Quiero felicitar y agradecer a la enfermera del turno matutino por su "
                      "trato tan amable y humano con mi mamá. Muchas gracias.",
    "sugerencia": "Sugiero que pongan más sillas y un bebedero en la sala de espera, sería "
                  "una buena idea para mejorar.",
    "no_peticion": "Vendo tamales, atole y champurrado los domingos, pedidos por WhatsApp.",
    "gestion": "Solicito que me reprogramen la cita con el especialista porque no pude "
               "asistir, necesito una nueva fecha.",
}


def test_named_pipeline_steps(small_bundle: Bundle) -> None:
    steps = dict(small_bundle.pipeline.named_steps)
    assert set(steps) == {"features", "model"}
    assert [name for name, _ in steps["features"].transformer_list] == ["word", "char"]


def test_obvious_held_out_texts(small_model: Classifier) -> None:
    for expected, text in OBVIOUS.items():
        label, confidence, scores, _ = small_model.predict(text)
        assert label == expected, (expected, scores)
        assert abs(sum(scores.values()) - 1.0) < 0.02
        assert confidence == max(scores.values())


def test_metrics_recorded(small_bundle: Bundle) -> None:
    assert small_bundle.metrics["n"] > 50
    assert small_bundle.metrics["accuracy"] > 0.5
    assert 0.0 <= small_bundle.metrics["macro_f1"] <= 1.0
    assert set(small_bundle.metrics["f1_por_tipo"]) == set(small_bundle.pipeline.classes_)
    assert small_bundle.version.startswith("imss-")


def test_abstains_below_threshold(small_bundle: Bundle) -> None:
    lenient = dataclasses.replace(load_profile("imss"), default_threshold=0.0, thresholds={})
    text = OBVIOUS["sugerencia"]
    label, confidence, _scores, review = Classifier(small_bundle, lenient).predict(text)
    assert label == "sugerencia" and review is False
    just_above = dataclasses.replace(lenient, default_threshold=confidence + 1e-6)
    assert Classifier(small_bundle, just_above).predict(text)[3] is True
    per_type = dataclasses.replace(lenient, thresholds={"sugerencia": confidence + 1e-6})
    assert Classifier(small_bundle, per_type).predict(text)[3] is True
    other_type = dataclasses.replace(lenient, thresholds={"gestion": 1.0})
    assert Classifier(small_bundle, other_type).predict(text)[3] is False


def test_hint_disagreement_needs_review(small_bundle: Bundle) -> None:
    lenient = dataclasses.replace(load_profile("imss"), default_threshold=0.0, thresholds={})
    model = Classifier(small_bundle, lenient)
    label, *_ , review = model.predict(OBVIOUS["no_peticion"], "reconocimiento")
    assert review is (label != "reconocimiento")


def test_normalize_masks_personal_data() -> None:
    out = normalize("Mi NSS es 9291 9084 431, correo Ana.Ruiz@gmail.com. Atención")
    assert "9291" not in out and "gmail" not in out
    assert "atencion" in out


def test_fingerprint_ignores_order() -> None:
    a = [("uno", "gestion"), ("dos", "sugerencia")]
    assert fingerprint(a) == fingerprint(list(reversed(a)))
    assert fingerprint(a) != fingerprint([("uno", "gestion")])


def test_save_load_roundtrip(small_model: Classifier, tmp_path: Path) -> None:
    path = bundle_path(tmp_path / "m", "imss")
    save_bundle(small_model.bundle, path)
    assert [p.name for p in path.parent.iterdir()] == ["clasificador-imss.joblib"]
    loaded = Classifier(load_bundle(path))
    assert loaded.version == small_model.version
    text = OBVIOUS["gestion"]
    assert loaded.predict(text) == small_model.predict(text)
    clone = pickle.loads(pickle.dumps(loaded))
    assert clone.predict(text) == loaded.predict(text)


def test_refuses_other_sklearn_version(small_bundle: Bundle, tmp_path: Path) -> None:
    path = bundle_path(tmp_path, "imss")
    save_bundle(dataclasses.replace(small_bundle, sklearn_version="0.24.2"), path)
    with pytest.raises(ModelBundleError, match="scikit-learn"):
        load_bundle(path)


def test_refuses_corrupt_and_other_format(small_bundle: Bundle, tmp_path: Path) -> None:
    bad = tmp_path / "bad.joblib"
    bad.write_bytes(b"not a pickle at all")
    with pytest.raises(ModelBundleError):
        load_bundle(bad)
    with pytest.raises(ModelBundleError):
        load_bundle(tmp_path / "missing.joblib")
    other = tmp_path / "other.joblib"
    save_bundle(dataclasses.replace(small_bundle, format_version=99), other)
    with pytest.raises(ModelBundleError, match="formato"):
        load_bundle(other)


def test_load_or_train(small_bundle: Bundle, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(training_mod, "train_from_corpus", lambda _p, _e=(): small_bundle)
    path = bundle_path(tmp_path, "imss")
    first = load_or_train(tmp_path, IMSS, calls.append)
    assert calls[0].startswith("No hay modelo entrenado")
    assert path.is_file()
    calls.clear()
    second = load_or_train(tmp_path, IMSS, calls.append)
    assert calls == [] and second.version == first.version
    save_bundle(dataclasses.replace(small_bundle, sklearn_version="0.0"), path)
    load_or_train(tmp_path, IMSS, calls.append)
    assert "scikit-learn" in calls[0]
    assert load_bundle(path).sklearn_version != "0.0"


def test_a_bundle_of_another_profile_is_refused_and_replaced(
        small_bundle: Bundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN the IMSS bundle saved where the ISSSTE station looks for its own WHEN the
    ISSSTE station loads its model THEN the bundle is refused (its labels are IMSS types)
    and a model for ISSSTE is trained in its place."""
    issste = load_profile("issste")
    saved = bundle_path(tmp_path, "issste")
    save_bundle(small_bundle, saved)
    with pytest.raises(ModelBundleError, match="perfil"):
        load_bundle(saved, "issste")
    trained: list[str] = []

    def fake_train(profile, _extra=()):  # type: ignore[no-untyped-def]
        trained.append(profile.code)
        return dataclasses.replace(small_bundle, profile=profile.code)

    monkeypatch.setattr(training_mod, "train_from_corpus", fake_train)
    notes: list[str] = []
    model = load_or_train(tmp_path, issste, notes.append)
    assert trained == ["issste"] and "perfil" in notes[0]
    assert model.profile is issste and load_bundle(saved, "issste").profile == "issste"


def test_load_or_train_adds_reviewed_samples_only_when_training(
        small_bundle: Bundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[tuple[str, str]]] = []
    asked: list[int] = []

    def fake_train(_profile, extra=()):  # type: ignore[no-untyped-def]
        seen.append(list(extra))
        return small_bundle

    def reviewed() -> list[tuple[str, str]]:
        asked.append(1)
        return [("Gracias a la doctora", "reconocimiento")]

    monkeypatch.setattr(training_mod, "train_from_corpus", fake_train)
    load_or_train(tmp_path, IMSS, lambda _m: None, reviewed)
    assert seen == [[("Gracias a la doctora", "reconocimiento")]]
    load_or_train(tmp_path, IMSS, lambda _m: None, reviewed)  # loaded: the database is not asked
    assert asked == [1]
