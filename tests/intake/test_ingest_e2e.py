"""End to end with the real engine: sample -> ingest (Tesseract) -> export vs truth."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from intake.cli import main
from intake.config import Settings
from synthbox import write_sample
from synthbox.truth import compare, load_jsonl, scores

pytestmark = pytest.mark.tesseract


def _export(tmp_path: Path) -> list[dict]:
    out = tmp_path / "export.jsonl"
    assert main(["export", "--out", str(out)]) == 0
    return load_jsonl(out)


def test_sample_box_is_ingested_and_matches_truth(
        tmp_path: Path, ready_settings: Settings, cli_env: Callable[[Settings], Settings],
        capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN a generated box of 10 documents WHEN ingested with real Tesseract THEN the
    export has the contract's keys, most documents match truth, and re-ingesting adds nothing."""
    cli_env(ready_settings)
    box = tmp_path / "buzon"
    truth = write_sample(box, 10, seed=3, unit="UMF 20")
    assert len(truth) == 10
    assert main(["ingest", str(box), "--unit", "UMF 20", "--workers", "2", "--quiet"]) == 0
    records = _export(tmp_path)
    assert records and set(records[0]) == {
        "id", "source", "pages", "kind", "type", "confidence", "scores", "fields", "missing",
        "route", "urgent", "needs_review", "status", "received_on", "due_on", "duplicates",
        "text"}
    today = date.today().isoformat()
    for r in records:
        assert r["status"] == "pendiente"
        assert r["received_on"] == today
        assert r["due_on"] == today  # IMSS registers the same day (policy 5.9)
        assert r["kind"] in {"volante", "escrito_libre", "otro"}
        assert r["fields"]["nss"] is None or len(r["fields"]["nss"]) == 11
        assert r["fields"]["telefono"] is None or len(r["fields"]["telefono"]) == 10
        assert abs(sum(r["scores"].values()) - 1) < 1e-3  # rounded to 4 places
    result = scores(compare(records, truth))
    matched = [(t, r) for t, r in compare(records, truth).pairs if r]
    nss_truth = [(t, r) for t, r in matched if t["fields"]["nss"]]
    nss_hits = sum(r["fields"]["nss"] == t["fields"]["nss"] for t, r in nss_truth)
    with capsys.disabled():  # the hit rates, for the record (pytest -s shows them)
        print(json.dumps({k: result[k] for k in ("boundary_recall", "type_accuracy",
                                                 "route_accuracy", "kind_accuracy")}),
              f"nss {nss_hits}/{len(nss_truth)}")
    # Ten documents, a third of them handwriting: one misread page moves these by 0.1.
    # The figures that track quality come from bench/accuracy.py on 60 documents; these
    # floors catch a broken stage (e.g. every page its own document, a constant type).
    assert result["boundary_recall"] >= 0.7
    assert result["kind_accuracy"] >= 0.7
    assert result["type_accuracy"] >= 0.6
    assert result["route_accuracy"] >= 0.3

    # The same files again: nothing new is stored.
    assert main(["ingest", str(box), "--quiet"]) == 0
    assert len(_export(tmp_path)) == len(records)
    assert "ya ingresados: " in capsys.readouterr().err


def _good_page_png(lines: list[str] | None = None) -> bytes:
    img = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 34)
    lines = lines or ["A quien corresponda:", "Quiero agradecer a la enfermera del turno",
                      "matutino por su atención tan amable con mi papá.",
                      "Atentamente, una usuaria"]
    for i, line in enumerate(lines):
        d.text((120, 200 + 60 * i), line, fill=0, font=font)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("db", ["suite_db", pytest.param("postgres",
                                                          marks=pytest.mark.postgres)])
def test_bad_files_are_quarantined_and_the_rest_goes_on(
        db: str, tmp_path: Path, ready_settings: Settings,
        cli_env: Callable[[Settings], Settings], capsys: pytest.CaptureFixture[str],
        request: pytest.FixtureRequest) -> None:
    """GIVEN a zero-byte file, a truncated PDF and a text file named .jpg among good files
    WHEN ingested together (on the pass's database, SQLite or PostgreSQL, and always on
    PostgreSQL, which checks column widths) THEN the good ones are stored, the bad ones
    quarantined with reasons, and the exit code says some failed."""
    if db == "postgres":
        ready_settings = replace(ready_settings,
                                 database_url=request.getfixturevalue("pg_schema_url"))
    cli_env(ready_settings)
    from intake.form import render_form_pdf

    box = tmp_path / "mezcla"
    box.mkdir()
    (box / "carta.png").write_bytes(_good_page_png())
    pdf = render_form_pdf("UMF 7")
    (box / "volante.pdf").write_bytes(pdf)
    (box / "vacio.pdf").write_bytes(b"")
    (box / "truncado.pdf").write_bytes(pdf[: len(pdf) // 3])
    (box / "nota.jpg").write_text("esto no es una imagen\n", encoding="utf-8")
    code = main(["ingest", str(box), "--workers", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    records = _export(tmp_path)
    assert {Path(r["source"]).name for r in records} == {"carta.png", "volante.pdf"}
    quarantined = sorted((ready_settings.quarantine_dir).glob("*.json"))
    reasons = {json.loads(p.read_text(encoding="utf-8"))["archivo"]:
               json.loads(p.read_text(encoding="utf-8"))["motivo"] for p in quarantined}
    assert {Path(k).name for k in reasons} == {"vacio.pdf", "truncado.pdf", "nota.jpg"}
    assert all(reasons.values())
    for name in ("vacio.pdf", "truncado.pdf", "nota.jpg"):
        assert f"CUARENTENA {box / name}" in err
    # The quarantined bytes are kept as they came.
    kept = sorted(p.read_bytes() for p in ready_settings.quarantine_dir.glob("*.bin"))
    assert b"" in kept and pdf[: len(pdf) // 3] in kept


@pytest.mark.postgres
def test_ingest_and_export_on_postgresql(
        tmp_path: Path, ready_settings: Settings, pg_schema_url: str,
        cli_env: Callable[[Settings], Settings]) -> None:
    """GIVEN PostgreSQL WHEN two scans are ingested on a 2-worker Dask cluster, then again
    THEN both are stored once, the second run adds nothing, and SQLite is never touched."""
    cli_env(replace(ready_settings, database_url=pg_schema_url))
    box = tmp_path / "caja"
    box.mkdir()
    (box / "carta.png").write_bytes(_good_page_png())
    (box / "otra.png").write_bytes(_good_page_png(["Asunto: queja", "Llevo tres horas "
                                                   "esperando y nadie me atiende."]))
    assert main(["ingest", str(box), "--workers", "2", "--quiet"]) == 0
    assert main(["ingest", str(box / "carta.png"), "--quiet"]) == 0
    records = _export(tmp_path)
    assert len(records) == 2
    carta = next(r for r in records if r["source"].endswith("carta.png"))
    assert "enfermera" in carta["text"].lower()
    assert carta["type"] == "reconocimiento"
    assert not (ready_settings.data_dir / "buzon.sqlite3").exists()
