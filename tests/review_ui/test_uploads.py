"""Uploads through the real pipeline: two at the same moment on a fresh database both land."""

from __future__ import annotations

import io
import shutil
import threading

from review_ui_testing import PASSWORD, build_app, login
from sqlalchemy import select

from models.schema import SourceFile
from review_ui.accounts import create_user
from review_ui.background import jobs_of

MODEL_FILE = "clasificador-imss.joblib"


def test_two_uploads_at_the_same_moment_on_a_fresh_database_both_land(
        settings, trained_model, monkeypatch):
    """GIVEN an app started on a fresh database WHEN two reviewers' uploads reach the
    pipeline at the same moment, three times over THEN every job ends "terminado" and every
    file is recorded: the app migrated once, at start-up, and no job migrates again
    (issue 12, item 11)."""
    from review_ui import uploads

    app = build_app(settings)  # the only migration: at start-up
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(trained_model, settings.models_dir / MODEL_FILE)
    with app.extensions["buzon_sessionmaker"]() as s:
        create_user(s, "ana", PASSWORD, units=["UMF 20"])
        create_user(s, "carla", PASSWORD, units=["UMF 20"])
        s.commit()
    clients = [app.test_client(), app.test_client()]
    for client, name in zip(clients, ("ana", "carla"), strict=True):
        assert login(client, name).status_code == 302
    real_ingest = uploads._ingest
    together = threading.Barrier(2, timeout=60)

    def at_once(paths, unit, on_file, received_on):
        together.wait()  # both jobs enter the pipeline together
        return real_ingest(paths, unit, on_file, received_on)

    monkeypatch.setattr(uploads, "_ingest", at_once)
    rounds = 2
    for r in range(rounds):
        for n, client in enumerate(clients):
            # Unreadable bytes: quarantined at once (no OCR), yet recorded like any file.
            body = f"%PDF-1.4 ronda {r} carga {n}".encode()
            response = client.post("/cargas/", data={
                "archivos": [(io.BytesIO(body), f"carga{n}.pdf")]},
                content_type="multipart/form-data")
            assert response.status_code == 303
        jobs_of(app).join(120)
    jobs = jobs_of(app).recent("carga")
    assert [j.state for j in jobs] == ["terminado"] * 2 * rounds, [j.message for j in jobs]
    with app.extensions["buzon_sessionmaker"]() as s:
        assert len(s.scalars(select(SourceFile)).all()) == 2 * rounds
    app.extensions["buzon_engine"].dispose()
