"""Uploads through the real pipeline, read in a child process: two at the same moment on a
fresh database both land; a scan over the memory limit is quarantined beside the good one
while the server answers; an upload past its time limit stops with a Spanish message."""

from __future__ import annotations

import io
import os
import shutil
import threading
from dataclasses import replace
from pathlib import Path

from review_ui_testing import PASSWORD, build_app, login
from sqlalchemy import select

from intake import isolated
from intake.batch_task import OUT_OF_MEMORY
from models.schema import SourceFile
from review_ui.accounts import create_user
from review_ui.background import jobs_of
from tests.hostile.corpus import letter_pdf, png_declaring
from tests.intake.isolated_fakes import stuck_ingest

MODEL_FILE = "clasificador-imss.joblib"
# A child and the Dask worker it starts for two files each need some 300-650 MiB of data
# segment; an RGB page of 13,000 x 13,000 pixels takes 676 MiB more to decode.
TIGHT_MB = 800
BIG_SIDE = 13_000


def _station(settings, trained_model):
    """An app on a fresh database (migrated once, at start-up) with the model and ana."""
    app = build_app(settings)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(trained_model, settings.models_dir / MODEL_FILE)
    with app.extensions["buzon_sessionmaker"]() as s:
        create_user(s, "ana", PASSWORD, units=["UMF 20"])
        s.commit()
    client = app.test_client()
    assert login(client, "ana").status_code == 302
    return app, client


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


def test_an_upload_is_read_in_another_process_and_a_scan_over_its_memory_is_quarantined(
        settings, trained_model, monkeypatch):
    """GIVEN a station whose uploads may use TIGHT_MB of memory WHEN a TAOD uploads a good
    letter and a scan whose decoding needs more THEN the files are read in a process other
    than the server's, the server answers while they are read, the scan is quarantined
    with the Spanish memory reason (to be read again) and the letter is stored (issue 12,
    item 11)."""
    from review_ui import uploads

    settings = replace(settings, upload_memory_mb=TIGHT_MB,
                       max_image_pixels=BIG_SIDE * BIG_SIDE + 1)
    app, client = _station(settings, trained_model)
    real_ingest = uploads._ingest
    outcomes, answers = [], []

    def watched(paths, unit, on_file, received_on):
        def progress(done, to_read):
            on_file(done, to_read)
            answers.append(client.get("/cargas/estado").status_code)

        outcomes.append(real_ingest(paths, unit, progress, received_on))
        return outcomes[-1]

    monkeypatch.setattr(uploads, "_ingest", watched)
    response = client.post("/cargas/", data={"archivos": [
        (io.BytesIO(letter_pdf(50)), "carta.pdf"),
        (io.BytesIO(png_declaring(BIG_SIDE, BIG_SIDE, rgb=True)), "enorme.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 303
    jobs_of(app).join(600)
    [job] = jobs_of(app).recent("carga")
    assert job.state == "terminado", job.message
    assert job.result == {"documentos": 1, "cuarentena": 1}
    [outcome] = outcomes
    assert outcome.pid != os.getpid()
    assert answers == [200, 200]
    assert client.get("/cargas/estado").get_json()["trabajos"][0]["estado"] == "terminado"
    with app.extensions["buzon_sessionmaker"]() as s:
        rows = {Path(f.source_path).name.split("-", 1)[1]: f
                for f in s.scalars(select(SourceFile))}
    assert rows["carta.pdf"].status == "ok"
    assert rows["enorme.png"].status == "cuarentena" and rows["enorme.png"].transient
    assert rows["enorme.png"].error == OUT_OF_MEMORY
    app.extensions["buzon_engine"].dispose()


def test_an_upload_past_its_time_limit_stops_with_a_spanish_message_and_keeps_its_files(
        settings, trained_model, monkeypatch):
    """GIVEN a station whose uploads may take 1 s and a reader that never finishes WHEN a
    TAOD uploads a letter THEN the job ends in error with the Spanish time-limit message,
    its reader is stopped, the server answers, and the uploaded file stays in
    data_dir/cargas to be read again."""
    settings = replace(settings, upload_timeout=1.0)
    app, client = _station(settings, trained_model)
    monkeypatch.setattr(isolated, "ingest_paths", stuck_ingest)
    response = client.post("/cargas/", data={"archivos": [
        (io.BytesIO(letter_pdf(51)), "carta.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 303
    jobs_of(app).join(600)
    [job] = client.get("/cargas/estado").get_json()["trabajos"]
    assert job["estado"] == "error"
    assert job["mensaje"].startswith("La carga superó el tiempo límite de 1 s y se detuvo")
    assert "se conservan en la estación" in job["mensaje"]
    assert job["mensaje"] in client.get("/cargas/").text  # on the upload page too
    [kept] = (settings.data_dir / "cargas").glob("*/000-carta.pdf")
    assert kept.read_bytes() == letter_pdf(51)
    app.extensions["buzon_engine"].dispose()
