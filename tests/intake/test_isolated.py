"""Ingest in a child process: another process reads, within a memory and a time limit,
on a database it checks and never migrates (issue 12, item 11)."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from intake import isolated
from intake.batch_task import OUT_OF_MEMORY
from intake.config import Settings
from intake.errors import IsolatedIngestError
from intake.isolated import run_isolated
from intake.pipeline import open_database
from models.db import make_engine, session_scope
from models.schema import SourceFile
from tests.hostile.corpus import letter_pdf, png_declaring
from tests.intake.isolated_fakes import stuck_ingest

TODAY = date(2026, 11, 20)
# A child and the Dask worker it starts for two files each need some 300-650 MiB of data
# segment; an RGB page of 13,000 x 13,000 pixels takes 676 MiB more to decode.
TIGHT_MB = 800
BIG_SIDE = 13_000


def _box(tmp_path: Path, **files: bytes) -> list[str]:
    box = tmp_path / "cargas" / "x"
    box.mkdir(parents=True)
    for name, data in files.items():
        (box / name).write_bytes(data)
    return [str(box / name) for name in files]


def test_the_ingest_runs_in_a_child_process_and_reports_progress_here(
        ready_settings: Settings, tmp_path: Path) -> None:
    open_database(ready_settings)  # what the station does at start-up
    [path] = _box(tmp_path, **{"carta.pdf": letter_pdf(40)})
    progress: list[tuple[int, int]] = []
    outcome = run_isolated([path], ready_settings, unit="UMF 20", received_on=TODAY,
                           on_file=lambda d, t: progress.append((d, t)))
    assert outcome.pid and outcome.pid != os.getpid()
    assert (outcome.documents, outcome.failed, outcome.files) == (1, [], 1)
    assert progress == [(1, 1)]
    assert multiprocessing.active_children() == []
    with session_scope(open_database(ready_settings)) as s:
        [source] = s.scalars(select(SourceFile)).all()
        assert source.status == "ok" and source.unit == "UMF 20"


def test_a_file_over_the_memory_limit_is_quarantined_and_the_good_one_kept(
        ready_settings: Settings, tmp_path: Path) -> None:
    """GIVEN an upload of a good letter and a scan whose decoding needs more memory than
    the limit WHEN read in the child THEN the scan is quarantined as a cause that may pass,
    with the Spanish reason, and the letter is stored."""
    settings = replace(ready_settings, upload_memory_mb=TIGHT_MB,
                       max_image_pixels=BIG_SIDE * BIG_SIDE + 1)
    open_database(settings)
    paths = _box(tmp_path, **{"carta.pdf": letter_pdf(41),
                              "enorme.png": png_declaring(BIG_SIDE, BIG_SIDE, rgb=True)})
    outcome = run_isolated(paths, settings, unit=None, received_on=TODAY)
    assert outcome.documents == 1 and outcome.files == 2
    [reason] = outcome.failed
    assert reason.startswith(OUT_OF_MEMORY)
    with session_scope(open_database(settings)) as s:
        rows = {Path(f.source_path).name: f for f in s.scalars(select(SourceFile))}
        assert rows["carta.pdf"].status == "ok"
        assert rows["enorme.png"].status == "cuarentena" and rows["enorme.png"].transient
        assert rows["enorme.png"].error == OUT_OF_MEMORY


def test_a_child_past_its_time_limit_is_killed_and_says_so(
        ready_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a reader that never finishes WHEN its time limit passes THEN the child is
    killed and reaped, the error says so in Spanish, and the uploaded file is still there."""
    settings = replace(ready_settings, upload_timeout=1.0)
    open_database(settings)
    [path] = _box(tmp_path, **{"carta.pdf": letter_pdf(42)})
    monkeypatch.setattr(isolated, "ingest_paths", stuck_ingest)
    with pytest.raises(IsolatedIngestError) as info:
        run_isolated([path], settings, unit=None, received_on=TODAY)
    assert str(info.value).startswith("La carga superó el tiempo límite de 1 s y se "
                                      "detuvo: 0 de 1 archivo(s) quedaron leídos")
    assert multiprocessing.active_children() == []
    assert Path(path).is_file()


def test_the_child_never_migrates_a_database_that_is_not_at_head(
        ready_settings: Settings, tmp_path: Path) -> None:
    """GIVEN a database nobody migrated WHEN an upload's child opens it THEN it refuses,
    in Spanish, and leaves it as it was (only the station migrates, once)."""
    [path] = _box(tmp_path, **{"carta.pdf": letter_pdf(43)})
    with pytest.raises(IsolatedIngestError, match="La base de datos no está al día"):
        run_isolated([path], ready_settings, unit=None, received_on=TODAY)
    engine = make_engine(ready_settings.database_url)
    try:
        assert "alembic_version" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
