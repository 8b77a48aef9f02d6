"""Quarantine is not for ever: a file quarantined for a cause that may pass (memory, a lost
worker, a timeout) is read again by the next run; a damaged one only with --reintentar."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.cli import main
from intake.config import Settings
from intake.pipeline import open_database
from models.db import session_scope
from models.schema import SourceFile
from ocr.errors import EngineError
from tests.hostile.corpus import english_in, letter_pdf, letter_png

pytestmark = pytest.mark.tesseract


def _ingest(box: Path, report: Path, capfd: pytest.CaptureFixture[str], *extra: str
            ) -> tuple[int, dict]:
    """One file per run: it is read in this process, where the test's patches apply."""
    code = main(["ingest", str(box), "--workers", "1", "--quiet", "--report", str(report),
                 *extra])
    err = capfd.readouterr().err
    assert not english_in(err), err
    return code, json.loads(report.read_text(encoding="utf-8"))


def _rows(settings: Settings) -> list[tuple[str, str | None, bool]]:
    with session_scope(open_database(settings)) as s:
        return [(f.status, f.error, f.transient) for f in s.scalars(select(SourceFile))]


def _out_of_memory(*_a: object, **_k: object) -> object:
    raise MemoryError


def _timeout(*_a: object, **_k: object) -> object:
    raise EngineError("Tesseract excedió el tiempo límite de 120 s")


class KilledWorker(Exception):
    """What Dask raises for a task whose workers died (it has no public constructor)."""


def _lost_worker(*_a: object, **_k: object) -> object:
    raise KilledWorker("the task killed 3 workers")


@pytest.mark.parametrize(("target", "fail", "said"), [
    ("intake.analyze.read_page", _out_of_memory, "memoria"),
    ("intake.analyze.read_page", _timeout, "tiempo límite"),
    ("intake.pipeline.process_file", _lost_worker, "clúster"),
], ids=["memoria", "tiempo_agotado", "proceso_perdido"])
def test_a_file_quarantined_for_a_passing_cause_is_read_again_by_the_next_run(
        tmp_path: Path, ready_settings: Settings, cli_env: Callable[[Settings], Settings],
        capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        target: str, fail: Callable[..., object], said: str) -> None:
    """GIVEN a good letter whose reading fails once for a cause that may pass WHEN the same
    `buzon ingest` runs again THEN the letter is read again and stored, not left "ya
    ingresado" in quarantine, and its quarantine copy is gone (issue 12, item 3)."""
    settings = cli_env(ready_settings)
    box = tmp_path / "caja"
    box.mkdir()
    (box / "carta.png").write_bytes(letter_png(30))
    with monkeypatch.context() as m:
        m.setattr(target, fail)
        code, first = _ingest(box, tmp_path / "uno.json", capfd)
    assert code == 1 and first["archivos"]["cuarentena"] == 1
    [failure] = first["fallas"]
    assert said in failure["motivo"] and "se volverá a leer" in failure["motivo"]
    assert [(status, transient) for status, _e, transient in _rows(settings)] == [
        ("cuarentena", True)]
    code, again = _ingest(box, tmp_path / "dos.json", capfd)
    assert code == 0
    assert (again["archivos"]["nuevos"], again["archivos"]["repetidos"],
            again["archivos"]["reintentados"], again["documentos"]) == (1, 0, 1, 1)
    assert [status for status, _e, _t in _rows(settings)] == ["ok"]
    assert not any((settings.data_dir / "cuarentena").iterdir())
    code, third = _ingest(box, tmp_path / "tres.json", capfd)
    assert code == 0 and third["archivos"]["repetidos"] == 1  # stored now: not read again


def test_a_damaged_file_stays_in_quarantine_until_reintentar(
        tmp_path: Path, ready_settings: Settings, cli_env: Callable[[Settings], Settings],
        capfd: pytest.CaptureFixture[str]) -> None:
    """GIVEN a truncated PDF, quarantined WHEN ingest runs over it again THEN it stays in
    quarantine with its reason, unread; WHEN run with --reintentar THEN it is read again and
    quarantined again with its reason (issue 12, item 3)."""
    settings = cli_env(ready_settings)
    box = tmp_path / "caja"
    box.mkdir()
    pdf = letter_pdf(31)
    (box / "truncado.pdf").write_bytes(pdf[: len(pdf) // 3])
    code, first = _ingest(box, tmp_path / "uno.json", capfd)
    assert code == 1 and "dañado" in first["fallas"][0]["motivo"]
    assert "se volverá a leer" not in first["fallas"][0]["motivo"]
    code, again = _ingest(box, tmp_path / "dos.json", capfd)
    assert code == 0
    assert (again["archivos"]["repetidos"], again["archivos"]["reintentados"]) == (1, 0)
    [(status, error, transient)] = _rows(settings)
    assert status == "cuarentena" and "dañado" in (error or "") and not transient
    code, retried = _ingest(box, tmp_path / "tres.json", capfd, "--reintentar")
    assert code == 1
    assert (retried["archivos"]["cuarentena"], retried["archivos"]["reintentados"]) == (1, 1)
    assert "dañado" in retried["fallas"][0]["motivo"]
    [(status, error, transient)] = _rows(settings)
    assert status == "cuarentena" and "dañado" in (error or "") and not transient
    assert (settings.data_dir / "cuarentena" / f"{_digest(pdf[: len(pdf) // 3])}.json").exists()


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
