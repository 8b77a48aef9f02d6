"""`buzon ingest` on hostile files and folders: what is stored, refused, said and logged.

The scans here are born-digital PDFs (a text layer, no OCR), so these runs are quick; the
whole hostile corpus, OCR included, runs in tests/hostile/test_hostile.py.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from intake import pipeline
from intake.analyze import OcrOptions
from intake.batch_task import UNEXPECTED, process_file
from intake.cli import main
from intake.config import Settings
from intake.errors import os_reason
from intake.pipeline import ingest_paths, open_database
from models import schema
from models.db import session_scope
from ocr.digits import DigitModels
from ocr.pdf import MAX_TEXT_LAYER_CHARS
from synthbox.truth import load_jsonl
from tests.hostile.corpus import (
    english_in,
    huge_text_pdf,
    letter_pdf,
    looping_pdf,
    refusing_scandir,
)


@pytest.fixture
def env(ready_settings: Settings, cli_env: Callable[[Settings], Settings]) -> Settings:
    return cli_env(ready_settings)


def _export(tmp_path: Path) -> list[dict]:
    out = tmp_path / "export.jsonl"
    assert main(["export", "--out", str(out)]) == 0
    return load_jsonl(out)


def _bytes_path(parent: Path, name: bytes) -> Path:
    return Path(os.fsdecode(os.fsencode(parent) + b"/" + name))


def test_a_non_utf8_name_is_stored_escaped_beside_a_good_file_and_a_rerun_adds_nothing(
        env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN a box whose first file's name is not UTF-8 (b"carta\\xe9.pdf") WHEN ingested
    THEN both files are stored, the name escaped in the database, summary and JSON, and a
    second run finds both already stored (it used to crash with UnicodeEncodeError and lose
    the good file beside it)."""
    box = tmp_path / "caja"
    box.mkdir()
    _bytes_path(box, b"carta\xe9.pdf").write_bytes(letter_pdf(1))
    (box / "otra.pdf").write_bytes(letter_pdf(2))
    report = tmp_path / "resumen.json"
    assert main(["ingest", str(box), "--workers", "1", "--quiet", "--report", str(report)]) == 0
    assert sorted(r["source"] for r in _export(tmp_path)) == [
        f"{box}/carta\\xe9.pdf", f"{box}/otra.pdf"]
    assert json.loads(report.read_text(encoding="utf-8"))["archivos"]["nuevos"] == 2
    capsys.readouterr()
    assert main(["ingest", str(box), "--quiet"]) == 0
    assert "ya ingresados: 2" in capsys.readouterr().err


def test_links_out_of_the_box_are_not_read_and_the_summary_counts_them(
        env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN a box with a good scan, a link to a scan outside and a link to a system file
    WHEN ingested THEN only the good scan is stored, nothing reaches the quarantine, the
    summary says which links were not followed and how many (also in JSON), exit code 1."""
    box, out = tmp_path / "caja", tmp_path / "fuera"
    box.mkdir()
    out.mkdir()
    (box / "bien.pdf").write_bytes(letter_pdf(1))
    (out / "ajeno.pdf").write_bytes(letter_pdf(2))
    (box / "enlace.pdf").symlink_to(out / "ajeno.pdf")
    (box / "sistema.pdf").symlink_to("/etc/passwd")
    report = tmp_path / "resumen.json"
    assert main(["ingest", str(box), "--quiet", "--report", str(report)]) == 1
    err = capsys.readouterr().err
    assert [Path(r["source"]).name for r in _export(tmp_path)] == ["bien.pdf"]
    assert not list(env.quarantine_dir.iterdir())
    assert "No se leyeron: 2 enlace(s) no seguido(s)" in err
    assert f"ENLACE NO SEGUIDO {box / 'enlace.pdf'}: el enlace apunta fuera" in err
    assert f"ENLACE NO SEGUIDO {box / 'sistema.pdf'}" in err
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["archivos"]["enlaces_no_seguidos"] == 2
    assert [e["enlace"] for e in summary["enlaces_no_seguidos"]] == [
        str(box / "enlace.pdf"), str(box / "sistema.pdf")]


def test_an_unreadable_subfolder_is_in_the_summary_and_json_and_the_exit_code(
        env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN a box with a subfolder the system refuses to list (EACCES; simulated, since the
    suite runs as root) WHEN ingested THEN the good scan is stored, the folder is named
    (escaped) with a Spanish reason in the summary and JSON, and the exit code is 1."""
    box = tmp_path / "caja"
    hidden = _bytes_path(box, b"privada\xe9")
    hidden.mkdir(parents=True)
    (hidden / "dentro.pdf").write_bytes(letter_pdf(2))
    (box / "bien.pdf").write_bytes(letter_pdf(1))
    monkeypatch.setattr(os, "scandir", refusing_scandir([hidden]))
    report = tmp_path / "resumen.json"
    assert main(["ingest", str(box), "--quiet", "--report", str(report)]) == 1
    err = capsys.readouterr().err
    shown = f"{box}/privada\\xe9"
    assert f"CARPETA ILEGIBLE {shown}: sin permiso de lectura" in err
    assert "1 carpeta(s) ilegible(s)" in err
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["archivos"]["carpetas_ilegibles"] == 1
    assert summary["carpetas_ilegibles"] == [{"carpeta": shown,
                                              "motivo": "sin permiso de lectura"}]
    assert [Path(r["source"]).name for r in _export(tmp_path)] == ["bien.pdf"]


def test_a_looping_page_tree_is_quarantined_as_damaged_with_no_traceback(
        env: Settings, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """GIVEN a PDF whose page tree loops, beside a good one WHEN ingested on a Dask worker
    THEN it is quarantined as a damaged PDF, and nothing of Dask's (a worker's traceback,
    the exception's English name) reaches the terminal: capfd reads the file descriptor
    the worker processes write to."""
    box = tmp_path / "caja"
    box.mkdir()
    (box / "ciclo.pdf").write_bytes(looping_pdf())
    (box / "bien.pdf").write_bytes(letter_pdf(1))
    assert main(["ingest", str(box), "--workers", "1", "--quiet"]) == 1
    err = capfd.readouterr().err
    assert f"CUARENTENA {box / 'ciclo.pdf'}: el PDF está dañado" in err
    assert not english_in(err), err


def test_a_task_that_raises_becomes_a_spanish_reason_and_its_type(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug on one file never escapes the task (Dask would print its traceback)."""
    import intake.batch_task as batch_task

    def boom(*_a: object) -> None:
        raise ZeroDivisionError("text of the file: Juan Pérez")

    monkeypatch.setattr(batch_task, "analyze_file", boom)
    result = process_file(letter_pdf(1), "x.pdf", "d" * 64, OcrOptions(), None,
                          None, DigitModels())  # type: ignore[arg-type]
    assert result.error == UNEXPECTED and result.failure == "ZeroDivisionError"
    assert result.file_kind == "pdf"


@pytest.mark.parametrize(("code", "spanish"), [
    (errno.EACCES, "sin permiso de lectura"),
    (errno.ENOENT, "ya no existe"),
    (errno.EIO, "falla de lectura del disco"),
    (errno.EROFS, "falla del sistema operativo (EROFS)"),
])
def test_os_errors_have_spanish_reasons(code: int, spanish: str) -> None:
    assert os_reason(OSError(code, os.strerror(code))).startswith(spanish)


def test_a_file_that_vanishes_or_refuses_is_quarantined_in_spanish(
        ready_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN one file deleted after it was found and one the system refuses to open WHEN
    ingested THEN both are reported with Spanish reasons, not the system's English."""
    box = tmp_path / "caja"
    box.mkdir()
    for name, n in (("borrado.pdf", 1), ("vedado.pdf", 2), ("bien.pdf", 3)):
        (box / name).write_bytes(letter_pdf(n))
    real_discover, real_hash = pipeline.discover, pipeline._hash_file

    def discover(paths: list[str]) -> object:
        found = real_discover(paths)
        (box / "borrado.pdf").unlink()
        return found

    def hash_file(path: Path) -> str:
        if Path(path).name == "vedado.pdf":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_hash(path)

    monkeypatch.setattr(pipeline, "discover", discover)
    monkeypatch.setattr(pipeline, "_hash_file", hash_file)
    report = ingest_paths([str(box)], ready_settings)
    reasons = {Path(f.given_as).name: f.reason for f in report.failed}
    assert not english_in(" ".join(reasons.values()))
    assert reasons == {
        "borrado.pdf": "no se pudo leer el archivo: ya no existe (se movió o se borró "
                       "durante el lote)",
        "vedado.pdf": "no se pudo leer el archivo: sin permiso de lectura"}
    assert report.count("nuevo") == 1


def test_a_megabyte_text_layer_is_cut_with_a_note_on_the_page_and_in_the_summary(
        env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN a one-page PDF carrying a megabyte of text WHEN ingested THEN the page keeps
    MAX_TEXT_LAYER_CHARS characters, its stored reading notes the cut in Spanish, and the
    summary and JSON warn about it."""
    pdf = tmp_path / "enorme.pdf"
    pdf.write_bytes(huge_text_pdf())
    report = tmp_path / "resumen.json"
    assert main(["ingest", str(pdf), "--quiet", "--report", str(report)]) == 0
    err = capsys.readouterr().err
    assert f"AVISO {pdf}: página 1: la capa de texto tiene" in err
    [warning] = json.loads(report.read_text(encoding="utf-8"))["avisos"]
    assert warning["archivo"] == str(pdf)
    assert f"se conservaron los primeros {MAX_TEXT_LAYER_CHARS:,}" in warning["aviso"]
    with session_scope(open_database(env)) as session:
        [page] = session.scalars(select(schema.Page)).all()
        assert len(page.text) <= MAX_TEXT_LAYER_CHARS
        assert page.ocr["notes"] and "caracteres" in page.ocr["notes"][0]


def test_verbose_logs_never_show_a_documents_text(env: Settings, tmp_path: Path) -> None:
    """GIVEN a digital letter with a name, an NSS and a phone WHEN ingested with -vv THEN
    stderr shows debugging but none of the letter's personal data (pdfminer used to print
    every character it read)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "carta.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4)
    for i, line in enumerate(["Solicito cita de rayos x, soy Rosaura Quintanilla Bermúdez,",
                              "mi NSS es 92919084431 y mi celular 5512345678."]):
        c.drawString(72, A4[1] - 72 - 16 * i, line)
    c.save()
    proc = subprocess.run(
        [sys.executable, "-m", "intake.cli", "-vv", "ingest", str(pdf), "--quiet"],
        env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "DEBUG intake" in proc.stderr  # -vv did ask for debugging
    for secret in ("92919084431", "5512345678", "Quintanilla", "Rosaura"):
        assert secret not in proc.stderr
