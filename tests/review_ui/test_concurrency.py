"""Two reviewers on the same document: a claim keeps them apart, optimistic locking makes
sure exactly one decision stands, and the loser gets a clear Spanish message."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from review_ui_testing import login
from sqlalchemy import select

from models.schema import Decision, Document


def _two(app):
    a, b = app.test_client(), app.test_client()
    login(a, "ana")
    login(b, "carla")
    return a, b


def _claims_expire_at_once(app) -> None:
    """The station's claim_timeout set to 0 s: a claim is stale as soon as it is taken."""
    app.config["BUZON_SETTINGS"] = replace(app.config["BUZON_SETTINGS"], claim_timeout=0)


def test_two_sessions_deciding_the_same_document_one_decision_stands(app, db, make_document):
    """GIVEN Ana and Carla open the same pending document
    WHEN both decide (Carla discards, Ana confirms)
    THEN only Ana's decision stands: she claimed it first; Carla is told who holds it."""
    doc = make_document()
    other = make_document()
    ana, carla = _two(app)
    assert ana.get(f"/documentos/{doc.id}").status_code == 200
    page = carla.get(f"/documentos/{doc.id}").text
    assert "Ana TAOD está revisando este documento" in page
    refused = carla.post(f"/documentos/{doc.id}/descartar",
                         data={"version_id": doc.version_id, "motivo": "no aplica"},
                         follow_redirects=True)
    assert "Ana TAOD está revisando este documento" in refused.text
    done = ana.post(f"/documentos/{doc.id}/confirmar", data={"version_id": doc.version_id})
    assert done.status_code == 303
    db.expire_all()
    stored = db.get(Document, doc.id)
    assert stored.status == "confirmado" and stored.claimed_by is None
    assert [d.action for d in db.scalars(select(Decision).where(
        Decision.document_id == doc.id))] == ["confirmar"]
    # Carla's "next" skips the document Ana holds.
    ana.get(f"/documentos/{other.id}")
    assert carla.get(f"/documentos/{doc.id}/siguiente").headers["Location"] == "/cola/"


def test_expired_claim_lets_another_take_over_but_stale_version_still_loses(
        app, db, make_document):
    """GIVEN Ana's claim has expired (timeout 0) and Carla decides
    WHEN Ana then decides with the version she saw
    THEN Ana is refused: optimistic locking keeps Carla's decision."""
    doc = make_document()
    _claims_expire_at_once(app)
    ana, carla = _two(app)
    ana.get(f"/documentos/{doc.id}")
    carla.get(f"/documentos/{doc.id}")
    assert carla.post(f"/documentos/{doc.id}/contactar",
                      data={"version_id": doc.version_id}).status_code == 303
    late = ana.post(f"/documentos/{doc.id}/confirmar", data={"version_id": doc.version_id},
                    follow_redirects=True)
    assert "Otra persona modificó este documento" in late.text
    db.expire_all()
    assert db.get(Document, doc.id).status == "contactar"
    assert len(list(db.scalars(select(Decision).where(Decision.document_id == doc.id)))) == 1


def test_simultaneous_posts_exactly_one_wins(app, db, make_document):
    """GIVEN no claim (both opened it before claims, e.g. expired) WHEN two sessions post
    their decisions at the same moment THEN exactly one Decision row exists."""
    doc = make_document()
    _claims_expire_at_once(app)
    clients = _two(app)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def post(client, action):
        barrier.wait()
        data = {"version_id": doc.version_id, "motivo": "sin datos"}
        codes.append(client.post(f"/documentos/{doc.id}/{action}", data=data).status_code)

    threads = [threading.Thread(target=post, args=(c, a))
               for c, a in zip(clients, ("confirmar", "contactar"), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.expire_all()
    decisions = list(db.scalars(select(Decision).where(Decision.document_id == doc.id)))
    assert len(decisions) == 1
    assert db.get(Document, doc.id).status == {"confirmar": "confirmado",
                                               "contactar": "contactar"}[decisions[0].action]
    assert db.get(Document, doc.id).version_id == doc.version_id + 1


def test_queue_shows_who_holds_a_document_and_logout_releases_it(app, db, make_document):
    doc = make_document()
    ana, carla = _two(app)
    ana.get(f"/documentos/{doc.id}")
    assert "En revisión por otra persona" in carla.get("/cola/").text
    assert "En revisión por otra persona" not in ana.get("/cola/").text
    ana.post("/auth/logout")
    db.expire_all()
    assert db.get(Document, doc.id).claimed_by is None
    assert "En revisión por otra persona" not in carla.get("/cola/").text


@pytest.mark.postgres
def test_simultaneous_decisions_on_postgres_one_stands(pg_schema_url, tmp_path):
    """GIVEN the station on PostgreSQL (where writers really run in parallel)
    WHEN two reviewers post different decisions on one document at the same moment
    THEN exactly one Decision row exists and the document shows that decision."""
    from datetime import date

    from review_ui_testing import PASSWORD, build_app

    from intake.config import Settings
    from models.schema import SourceFile
    from review_ui.accounts import create_user

    app = build_app(Settings(data_dir=tmp_path / "d", database_url=pg_schema_url,
                             secret_key="x", claim_timeout=0))
    try:
        with app.extensions["buzon_sessionmaker"]() as s:
            create_user(s, "ana", PASSWORD, units=["UMF 20"])
            create_user(s, "carla", PASSWORD, units=["UMF 20"])
            doc = Document(source_file=SourceFile(sha256="b" * 64, source_path="x.pdf",
                                                  stored_path="o/x.pdf", size=1,
                                                  file_kind="pdf"),
                           pages=[1], kind="volante", unit="UMF 20", received_on=date.today(),
                           type="queja_servicio", route="registrar")
            s.add(doc)
            s.commit()
            doc_id = doc.id
        for _round in range(3):
            clients = _two(app)
            barrier = threading.Barrier(2)
            with app.extensions["buzon_sessionmaker"]() as s:
                version = s.get(Document, doc_id).version_id

            def post(client, action, version=version, barrier=barrier):
                barrier.wait()
                client.post(f"/documentos/{doc_id}/{action}",
                            data={"version_id": version, "tipo": "sugerencia"})

            threads = [threading.Thread(target=post, args=(c, a)) for c, a in
                       zip(clients, ("cambiar_tipo", "cambiar_tipo"), strict=True)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        with app.extensions["buzon_sessionmaker"]() as s:
            decisions = list(s.scalars(select(Decision).where(Decision.document_id == doc_id)))
            assert len(decisions) == 3  # one per round, never two
            assert s.get(Document, doc_id).version_id == 4
    finally:
        app.extensions["buzon_engine"].dispose()
