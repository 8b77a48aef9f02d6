"""The learning loop: only reviewed documents train, new ones change the model, reuse, refusal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from classifier.corpus import load_corpus, split
from classifier.model import Bundle, Classifier, bundle_path, fingerprint, load_bundle, save_bundle
from classifier.profile import load_profile
from classifier.training import as_training, item_samples, retrain, train
from intake.learning import reviewed_samples
from models.db import make_engine, make_sessionmaker, migrate
from models.schema import Decision, Document, SourceFile, User

IMSS = load_profile("imss")
REAL_NAME = "Eduviges Tlacuilo Zacatenco"
# A distinctive thanks the corpus has never seen, written like an order about lockers.
ODD_TEXT = ("Los casilleros del vestidor quedaron con candado nuevo y la señora del aseo "
            "nos explicó todo con paciencia. Firma " + REAL_NAME)


@pytest.fixture(scope="module")
def base_samples() -> list[tuple[str, str]]:
    """A small corpus slice (12 train items per type), enough to fit a real model fast."""
    per_type: dict[str, list] = defaultdict(list)
    for item in split(load_corpus())[0]:
        if len(per_type[item.type]) < 12:
            per_type[item.type].append(item)
    items = [i for chosen in per_type.values() for i in chosen]
    return item_samples(items, random.Random(0), IMSS, copies=1, hints=False)


@pytest.fixture(scope="module")
def first_bundle(base_samples: list[tuple[str, str]]) -> Bundle:
    """The small model with no reviews, trained once for the module."""
    return train(base_samples, IMSS)


@pytest.fixture
def small_training(base_samples: list[tuple[str, str]], first_bundle: Bundle,
                   tmp_path: Path):  # type: ignore[no-untyped-def]
    """Small train/fingerprint functions; tmp_path/modelos already holds `first_bundle`."""
    calls: list[int] = []
    save_bundle(first_bundle, bundle_path(tmp_path / "modelos", "imss"))

    def train_fn(extra: Sequence[tuple[str, str]]) -> Bundle:
        calls.append(len(extra))
        return train([*base_samples, *extra], IMSS)

    def fingerprint_fn(extra: Sequence[tuple[str, str]]) -> str:
        return fingerprint([*base_samples, *extra])

    return {"train_fn": train_fn, "fingerprint_fn": fingerprint_fn, "calls": calls,
            "dir": tmp_path / "modelos"}


@pytest.fixture
def session(tmp_path: Path, new_database_url: Callable[[Path], str]) -> Session:
    engine = make_engine(new_database_url(tmp_path))
    migrate(engine)
    with make_sessionmaker(engine)() as s:
        s.add(User(id=1, username="taod", password_hash="x"))
        s.add(SourceFile(id=1, sha256="0" * 64, source_path="a.pdf", stored_path="a.pdf",
                         size=1, file_kind="pdf"))
        s.flush()
        yield s
    engine.dispose()


def _doc(s: Session, text: str, type_: str, status: str, decided: bool,
         fields: dict | None = None) -> int:
    doc = Document(source_file_id=1, kind="escrito_libre", received_on=dt.date(2026, 11, 20),
                   text=text, type=type_, route="publico_general", status=status,
                   fields=fields or {})
    s.add(doc)
    s.flush()
    if decided:
        s.add(Decision(document_id=doc.id, user_id=1, action="confirmar", before={}, after={}))
        s.flush()
    return doc.id


def test_only_documents_a_person_closed_are_gathered(session: Session) -> None:
    ok = _doc(session, ODD_TEXT, "reconocimiento", "confirmado", True,
              {"nombre": REAL_NAME})
    gone = _doc(session, "Vendo tamales los domingos", "no_peticion", "descartado", True)
    call = _doc(session, "Quiero saber el horario de farmacia", "orientacion", "contactar", True)
    _doc(session, "Texto con tipo cambiado pero sin cerrar", "gestion", "pendiente", True)
    _doc(session, "Propuesta de la máquina nunca revisada", "gestion", "pendiente", False)
    _doc(session, "Confirmado sin decisión registrada", "gestion", "confirmado", False)
    _doc(session, "   ", "no_peticion", "descartado", True)
    _doc(session, "Un tipo que el perfil no conoce", "inconformidad", "confirmado", True)
    got = reviewed_samples(session, labels=("reconocimiento", "no_peticion", "orientacion",
                                            "gestion"))
    assert [(s.document_id, s.type) for s in got] == [
        (ok, "reconocimiento"), (gone, "no_peticion"), (call, "orientacion")]
    # The real name never reaches the model's vocabulary.
    assert "Eduviges" not in got[0].text and "Tlacuilo" not in got[0].text
    assert got[0].text.startswith("Los casilleros del vestidor")
    assert as_training(got[:1]) == [(got[0].text, "reconocimiento")] * 2


def test_a_confirmed_decision_changes_the_next_model(
        session: Session, small_training: dict, first_bundle: Bundle) -> None:
    """GIVEN a saved model and no reviews, WHEN training again, THEN it is skipped;
    GIVEN a reviewer then confirms a document as reconocimiento, WHEN training again,
    THEN a new model is saved and it gives that text more reconocimiento probability."""
    kw = {k: small_training[k] for k in ("train_fn", "fingerprint_fn")}
    models = small_training["dir"]
    again = retrain(models, IMSS, reviewed_samples(session), **kw)
    assert not again.trained and again.reason == "sin datos nuevos"
    assert again.bundle.version == first_bundle.version

    _doc(session, ODD_TEXT, "reconocimiento", "pendiente", False)  # unreviewed: no change
    assert not retrain(models, IMSS, reviewed_samples(session), **kw).trained
    assert small_training["calls"] == []
    _doc(session, ODD_TEXT, "reconocimiento", "confirmado", True, {"nombre": REAL_NAME})
    after = retrain(models, IMSS, reviewed_samples(session), **kw)
    assert after.trained and after.reason == "datos nuevos" and after.reviewed == 1
    assert small_training["calls"] == [2]  # the reviewed document, weighted twice
    assert after.bundle.data_fingerprint != first_bundle.data_fingerprint
    saved = load_bundle(bundle_path(models, "imss"))
    assert saved.data_fingerprint == after.bundle.data_fingerprint
    assert saved.metrics["decisiones_revisadas"] == 1

    def p_reconocimiento(bundle: Bundle) -> float:
        return Classifier(bundle).predict(ODD_TEXT)[2]["reconocimiento"]

    assert p_reconocimiento(saved) > p_reconocimiento(first_bundle) + 0.05


def test_an_incompatible_bundle_is_refused_and_retrained(small_training: dict,
                                                         first_bundle: Bundle) -> None:
    kw = {k: small_training[k] for k in ("train_fn", "fingerprint_fn")}
    models = small_training["dir"]
    save_bundle(dataclasses.replace(first_bundle, sklearn_version="0.24.2"),
                bundle_path(models, "imss"))
    notes: list[str] = []
    outcome = retrain(models, IMSS, [], notify=notes.append, **kw)
    assert outcome.trained and outcome.reason == "sin modelo utilizable"
    assert "scikit-learn" in notes[0]
    assert load_bundle(bundle_path(models, "imss")).sklearn_version != "0.24.2"


def test_force_retrains_without_new_data(small_training: dict) -> None:
    kw = {k: small_training[k] for k in ("train_fn", "fingerprint_fn")}
    assert retrain(small_training["dir"], IMSS, [], force=True, **kw).reason == "forzado"
    assert small_training["calls"] == [0]


def test_gathering_works_on_postgresql(pg_schema_url: str) -> None:
    engine = make_engine(pg_schema_url)
    migrate(engine)
    try:
        with make_sessionmaker(engine)() as s:
            s.add(User(id=1, username="taod", password_hash="x"))
            s.add(SourceFile(id=1, sha256="1" * 64, source_path="b.pdf", stored_path="b.pdf",
                             size=1, file_kind="pdf"))
            s.flush()
            closed = _doc(s, "Gracias a la doctora del consultorio 4", "reconocimiento",
                          "confirmado", True)
            _doc(s, "Sin revisar", "gestion", "pendiente", False)
            assert [r.document_id for r in reviewed_samples(s)] == [closed]
    finally:
        engine.dispose()
