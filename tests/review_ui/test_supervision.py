"""Roles, the supervisors' audit page and escalations, background uploads and retraining."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from review_ui_testing import TODAY, login
from sqlalchemy import select

from models.schema import AuditEvent
from review_ui.background import jobs_of


@pytest.mark.parametrize("url", ["/supervision/auditoria", "/supervision/modelo",
                                 "/supervision/avisos", "/supervision/informe",
                                 "/supervision/informe.json"])
def test_taod_cannot_open_supervisor_pages(ana, url):
    assert ana.get(url).status_code == 403
    assert ana.post("/supervision/reentrenar").status_code == 403
    assert ana.post("/supervision/avisos/1/reintentar").status_code == 403


def test_audit_page_shows_views_and_decisions_and_escalations(client, app, make_document):
    doc = make_document()
    theirs = make_document(unit="HGZ 1")
    taod = app.test_client()
    login(taod, "ana")
    taod.get(f"/documentos/{doc.id}")
    taod.post(f"/documentos/{doc.id}/urgente",
              data={"version_id": doc.version_id, "motivo": "amenaza de suicidio"})
    login(client, "sofia")
    html = client.get("/supervision/auditoria").text
    assert "Marcó urgente y avisó a supervisión" in html and "ver_documento" in html
    assert f"Documento #{doc.id}" in html and "amenaza de suicidio" in html
    assert f'href="/documentos/{theirs.id}"' not in html  # a unit supervisor sees their units
    only = client.get(f"/supervision/auditoria?usuario=ana&documento={doc.id}").text
    assert only.count("<tr>") == 3  # header + view + urgent


def test_upload_runs_the_pipeline_in_the_background(ana, app, db, monkeypatch, settings):
    from review_ui import uploads

    calls, seen = [], []

    def fake_ingest(paths, unit, on_file, received_on):
        calls.append((paths, unit))
        assert received_on == TODAY  # the form's default
        on_file(0, 1)
        seen.append(ana.get("/cargas/estado").get_json()["trabajos"][0]["hechos"])
        on_file(1, 1)
        seen.append(ana.get("/cargas/estado").get_json()["trabajos"][0]["hechos"])
        return SimpleNamespace(documents=3, failed=[])

    monkeypatch.setattr(uploads, "_ingest", fake_ingest)
    response = ana.post("/cargas/", data={
        "archivos": [(io.BytesIO(b"%PDF-1.4 x"), "buzon lunes.pdf"),
                     (io.BytesIO(b"MZ"), "virus.exe")],
        "unidad": "HGZ 1"}, content_type="multipart/form-data")
    assert response.status_code == 303
    jobs_of(app).join(10)
    [(paths, unit)] = calls
    assert unit == "UMF 20"  # a TAOD uploads only into their own unit
    assert len(paths) == 1 and paths[0].endswith("buzon_lunes.pdf")
    assert str(settings.data_dir) in paths[0]
    state = ana.get("/cargas/estado").get_json()["trabajos"][0]
    assert state["estado"] == "terminado" and state["resultado"]["documentos"] == 3
    assert seen == [0, 1]  # the status follows the pipeline file by file
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "cargar_escaneos"))


def test_upload_takes_the_reception_day_of_a_backlog(ana, app, monkeypatch):
    """GIVEN a backlog emptied on Friday 13 November WHEN uploaded with that date THEN the
    pipeline gets it; a future or malformed date is refused with nothing started."""
    from datetime import date

    from review_ui import uploads

    days = []
    monkeypatch.setattr(uploads, "_ingest", lambda paths, unit, on_file, received_on: (
        days.append(received_on), SimpleNamespace(documents=1, failed=[]))[1])
    page = ana.get("/cargas/").text
    assert 'name="recibido" value="2026-11-20" max="2026-11-20"' in page
    assert "Fecha de recepción" in page

    def upload(day):
        return ana.post("/cargas/", data={"archivos": [(io.BytesIO(b"%PDF-1.4 x"), "r.pdf")],
                                          "recibido": day},
                        content_type="multipart/form-data", follow_redirects=True)

    assert upload("2026-11-13").status_code == 200
    jobs_of(app).join(10)
    assert days == [date(2026, 11, 13)]
    for bad in ("2026-11-21", "13/11/2026"):
        assert "La fecha de recepción no es válida" in upload(bad).text
    jobs_of(app).join(10)
    assert days == [date(2026, 11, 13)]


def test_upload_status_shows_only_the_reviewers_units(app, monkeypatch):
    """GIVEN beto (HGZ 1) uploads a scan WHEN ana (UMF 20) looks at the upload status or
    page THEN she sees no job of his; beto and an all-units admin do (issue 12, item 15)."""
    from review_ui import uploads

    monkeypatch.setattr(uploads, "_ingest", lambda paths, unit, on_file, received_on:
                        SimpleNamespace(documents=2, failed=[]))
    clients = {}
    for name in ("ana", "beto", "admin", "sofia"):
        clients[name] = app.test_client()
        assert login(clients[name], name).status_code == 302
    response = clients["beto"].post("/cargas/", data={
        "archivos": [(io.BytesIO(b"%PDF-1.4 x"), "hgz.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 303
    jobs_of(app).join(10)

    def jobs(name):
        return clients[name].get("/cargas/estado").get_json()["trabajos"]

    assert jobs("ana") == [] and jobs("sofia") == []
    assert "1 archivo(s)" not in clients["ana"].get("/cargas/").text
    assert [j["resultado"]["documentos"] for j in jobs("beto")] == [2]
    assert "1 archivo(s)" in clients["beto"].get("/cargas/").text
    assert len(jobs("admin")) == 1


def test_supervisor_retrain_uses_reviews_and_shows_the_version(client, app, monkeypatch):
    import random
    from collections import defaultdict

    from classifier.corpus import load_corpus, split
    from classifier.profile import load_profile
    from classifier.training import item_samples, train

    imss = load_profile("imss")

    per_type: dict[str, list] = defaultdict(list)
    for item in split(load_corpus())[0]:
        if len(per_type[item.type]) < 8:
            per_type[item.type].append(item)
    base = item_samples([i for c in per_type.values() for i in c], random.Random(0), imss,
                        copies=1, hints=False)

    def tiny_train(extra):
        return train([*base, *extra], imss)

    app.extensions["buzon_train_fn"] = tiny_train
    login(client, "sofia")
    assert client.post("/supervision/reentrenar").status_code == 303
    jobs_of(app).join(60)
    page = client.get("/supervision/modelo").text
    assert "model-version" in page and "terminado" in page
    assert "buzon_model" not in app.extensions  # the next merge loads the new model


def test_supervisor_queue_counts_open_escalations(client, app, make_document):
    doc = make_document()
    taod = app.test_client()
    login(taod, "ana")
    taod.post(f"/documentos/{doc.id}/urgente",
              data={"version_id": doc.version_id, "motivo": "riesgo"})
    assert "avisado" not in taod.get("/cola/").text.split("Plazo de registro")[0]
    login(client, "sofia")
    assert "1 caso urgente avisado por el personal TAOD" in client.get("/cola/").text


def test_serve_https_flag_makes_cookies_secure(monkeypatch, settings):
    from click.testing import CliRunner

    from review_ui import cli

    served = {}
    monkeypatch.setattr(cli, "serve_app", lambda app, *args: served.update(app=app))
    monkeypatch.setattr(cli, "_settings", lambda ctx: settings)
    result = CliRunner().invoke(cli.serve, ["--https"])
    assert result.exit_code == 0, result.output
    assert served["app"].config["SESSION_COOKIE_SECURE"] is True
    served["app"].extensions["buzon_engine"].dispose()


def test_model_page_names_its_figures_in_spanish_with_a_chart(client, app, monkeypatch):
    """The model page shows Spanish names and percentages, not raw keys, and a chart of
    F1 by petition type drawn on the server."""
    import classifier.model as model

    settings = app.config["BUZON_SETTINGS"]
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    model.bundle_path(settings.models_dir, "imss").write_bytes(b"x")
    metrics = {"n": 120, "accuracy": 0.8812, "macro_f1": 0.8034, "ece": 0.041,
               "cobertura_automatica": 0.59, "precision_automatica": 0.983,
               "muestras_entrenamiento": 2400, "segundos_entrenamiento": 12.5,
               "f1_por_tipo": {"gestion": 0.8, "queja_servicio": 0.9, "sugerencia": 0.7}}
    monkeypatch.setattr(model, "load_bundle",
                        lambda path, code=None: SimpleNamespace(version="imss-1",
                                                                metrics=metrics))
    login(client, "sofia")
    page = client.get("/supervision/modelo").text
    assert "Exactitud (tipo correcto)</td><td class=\"num\">88.1 %" in page
    assert "Propuestas aceptadas sin revisión (cobertura)</td><td class=\"num\">59.0 %" in page
    assert "Muestras de entrenamiento</td><td class=\"num\">2400" in page
    assert "macro_f1" not in page and "cobertura_automatica" not in page
    assert 'id="grafica-f1" src="data:image/png;base64,' in page
