"""Batch runs on Dask: bounded window, SIGKILL and resume, a corrupt file mid-batch."""

from __future__ import annotations

import gc
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from intake._dask import dask_client, run_bounded
from intake.cli import main
from intake.config import Settings
from intake.pipeline import ingest_paths
from models.db import make_engine
from synthbox.truth import load_jsonl

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LETTERS = [
    ["A quien corresponda:", "Quiero agradecer a la enfermera del turno matutino",
     "por su atención tan amable con mi papá.", "Atentamente, una usuaria"],
    ["Asunto: queja", "Llevo tres horas esperando en urgencias y nadie",
     "me atiende. El médico no llegó a su consultorio.", "Exijo que se me atienda hoy."],
    ["Buenos días:", "Sugiero que pongan más sillas en la sala de espera",
     "y un bebedero para los pacientes de la tercera edad.", "Gracias."],
    ["Estimados señores:", "Solicito información sobre el trámite de mi pensión",
     "pues no me han dicho qué documentos debo llevar.", "Quedo en espera de su respuesta."],
]


def _letter_png(n: int) -> bytes:
    """A one-page letter; `n` picks the text and a serial number so every file differs."""
    img = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for i, line in enumerate([*LETTERS[n % len(LETTERS)], f"Folio interno {1000 + n}"]):
        d.text((120, 200 + 60 * i), line, fill=0, font=font)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _box(root: Path, count: int, corrupt_at: int | None = None) -> Path:
    box = root / "caja"
    box.mkdir()
    for n in range(count):
        data = _letter_png(n)
        if n == corrupt_at:
            data = data[: len(data) // 4]  # a scan cut short in transfer
        (box / f"hoja_{n:02d}.png").write_bytes(data)
    return box


def _export(out: Path) -> list[dict]:
    """The export without database ids, in a stable order (runs finish files in any order)."""
    assert main(["export", "--out", str(out)]) == 0
    records = [{k: v for k, v in r.items() if k != "id"} for r in load_jsonl(out)]
    return sorted(records, key=lambda r: (r["source"], r["pages"]))


def _neg(x: int) -> int:
    if x == 3:
        raise ValueError("bad item")
    return -x


def test_bounded_window_streams_items_and_isolates_failures() -> None:
    """GIVEN 12 items and a window of 2 on a real 2-worker LocalCluster WHEN run THEN the
    item iterator is never more than 2 ahead of the results, a failing item is reported
    and every other item completes; without a client the same runs inline, in order."""
    pulled = 0

    def items():  # type: ignore[no-untyped-def]
        nonlocal pulled
        for i in range(12):
            pulled += 1
            yield i, (i,)

    results: dict[int, int] = {}
    errors: list[int] = []
    with dask_client(2) as client:
        done = 0
        for out in run_bounded(client, _neg, items(), window=2):
            done += 1
            assert pulled - done <= 2  # at most `window` in flight
            if out.error is not None:
                errors.append(out.item)
            else:
                results[out.item] = out.result
    assert errors == [3]
    assert results == {i: -i for i in range(12) if i != 3}
    inline = list(run_bounded(None, _neg, ((i, (i,)) for i in range(5)), window=2))
    assert [o.item for o in inline] == [0, 1, 2, 3, 4]
    assert isinstance(inline[3].error, ValueError) and inline[4].result == -4



def _die_once(data: bytes, marker: str) -> int:
    """Kills its own worker process the first time it runs (the marker file remembers)."""
    if not os.path.exists(marker):
        Path(marker).write_text("murió", encoding="utf-8")
        os._exit(1)
    return len(data)


def test_bytes_lost_with_their_worker_are_sent_again(tmp_path: Path) -> None:
    """GIVEN a task whose worker process dies while running it, taking the task's bytes
    (scattered to that worker) with it WHEN run_bounded runs it on a real LocalCluster
    THEN the bytes are sent again to the worker the nanny started and the task completes,
    instead of the run stopping as if the whole cluster were gone."""
    marker = str(tmp_path / "murio")
    with dask_client(1) as client:
        outs = list(run_bounded(client, _die_once, [("hoja", (b"x" * 5000, marker))],
                                window=1))
    assert os.path.exists(marker)  # the first attempt did die
    assert [(o.item, o.result, o.error) for o in outs] == [("hoja", 5000, None)]


class _RefusesFirstSend:
    """A real client whose first send of bytes fails, as it does to a worker just killed
    that the scheduler has not yet noticed."""

    def __init__(self, client: Any) -> None:
        self.client, self.refused = client, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def scatter(self, *args: Any, **kwargs: Any) -> Any:
        if not self.refused:
            self.refused += 1
            raise OSError("the worker went away")
        return self.client.scatter(*args, **kwargs)


def test_a_send_refused_while_the_cluster_is_up_is_tried_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a cluster whose first send of a file's bytes fails (its worker was just lost)
    WHEN run_bounded runs the batch THEN the file is sent again and every item completes,
    instead of the run stopping as if the cluster were gone."""
    import intake._dask as engine

    monkeypatch.setattr(engine, "SEND_WAIT_S", 0.0)
    with dask_client(1) as client:
        flaky = _RefusesFirstSend(client)
        outs = list(run_bounded(flaky, _size_only, [(i, (b"x" * (10 + i),)) for i in range(3)],
                                window=2))
    assert flaky.refused == 1
    assert sorted((o.item, o.result, o.error) for o in outs) == [
        (0, 10, None), (1, 11, None), (2, 12, None)]


def _size_only(data: bytes) -> int:
    return len(data)


def _size(data: bytes, _shared: dict) -> int:
    return len(data)


def _payloads_alive(size: int) -> int:
    """Containers in this process still holding a bytes payload of exactly `size`."""
    gc.collect()
    return sum(1 for o in gc.get_objects()
               for r in gc.get_referents(o) if isinstance(r, bytes) and len(r) == size)


def test_finished_payloads_are_not_kept_by_the_local_scheduler() -> None:
    """GIVEN 24 files' bytes (1 MB each) and a shared model, as the pipeline sends them
    WHEN run_bounded has run them all on a LocalCluster (its scheduler lives in this
    process) THEN no finished task's bytes are still held here, so memory does not grow
    with the backlog (with bytes inside the task specs the scheduler kept some of them:
    the client grew by 500 MiB from 200 to 2,000 files)."""
    size = 1_000_003
    with dask_client(1) as client:
        items = ((i, (bytes([i]) * size,)) for i in range(24))
        outs = list(run_bounded(client, _size, items, window=2, shared=({"modelo": 1},)))
        assert sorted(o.result for o in outs) == [size] * 24
        assert _payloads_alive(size) == 0


def _worker_env() -> dict[str, str | int | None]:
    import cv2

    return {**{k: os.environ.get(k) for k in ("MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS")},
            "opencv": cv2.getNumThreads()}


def test_local_workers_keep_glibc_adaptive_and_one_thread(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """GIVEN Dask's default worker environment WHEN dask_client starts a LocalCluster THEN
    its workers run one OpenMP and one OpenCV thread (a worker is a core), and without
    MALLOC_TRIM_THRESHOLD_ (+0.12 s of system CPU a page: image arrays mapped afresh).
    Tesseract's own thread limit is its engine's (tests/ocr/test_engine.py)."""
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with dask_client(1) as client:
        [env] = client.run(_worker_env).values()
    assert env == {"MALLOC_TRIM_THRESHOLD_": None, "OMP_NUM_THREADS": "1", "opencv": 1}

def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as c:
        return c.execute(text(sql)).scalar_one()


def _count_files(settings: Settings) -> int:
    """Files stored so far, read while another process writes (0 before it migrated)."""
    url = make_url(settings.database_url)
    connect_args: dict[str, int] = {"connect_timeout": 5}
    if url.get_backend_name() == "sqlite":
        db = Path(url.database or "")
        if not db.exists():
            return 0  # opening it here would create it under the writer's feet
        url = url.set(database=f"file:{db}", query={"mode": "ro", "uri": "true"})
        connect_args = {"timeout": 1}
    engine = create_engine(url, connect_args=connect_args)
    try:
        return _count(engine, "SELECT count(*) FROM source_files")
    except DBAPIError:  # not migrated yet, or (SQLite) locked for a moment
        return 0
    finally:
        engine.dispose()


def _start_ingest(box: Path) -> subprocess.Popen[bytes]:
    """`buzon ingest` on 2 workers in its own process group (so it can be killed whole)."""
    return subprocess.Popen(
        [sys.executable, "-m", "intake.cli", "ingest", str(box), "--workers", "2", "--quiet"],
        env=dict(os.environ), start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)


@pytest.mark.tesseract
def test_sigkill_mid_batch_then_resume_matches_an_uninterrupted_run(
        tmp_path: Path, ready_settings: Settings, trained_model: Path,
        cli_env: Callable[[Settings], Settings],
        new_database_url: Callable[[Path], str]) -> None:
    """GIVEN 6 scans WHEN a 2-worker batch is killed with SIGKILL (client, scheduler and
    workers at once) after some files committed, and ingest is run again THEN the export
    equals that of an uninterrupted run: no document lost, duplicated or half-written."""
    total = 6
    box = _box(tmp_path, total)
    killed = cli_env(ready_settings)
    proc = _start_ingest(box)
    deadline = time.monotonic() + 150
    try:
        while (_count_files(killed) < 2 and proc.poll() is None
               and time.monotonic() < deadline):
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole run, as a power cut would
        proc.wait()
    stored_before = _count_files(killed)
    assert 2 <= stored_before < total, "the kill must land mid-batch"

    assert main(["ingest", str(box), "--workers", "2", "--quiet"]) == 0
    resumed = _export(tmp_path / "resumed.jsonl")

    clean_dir = tmp_path / "limpio"
    (clean_dir / "modelos").mkdir(parents=True)
    (clean_dir / "modelos" / trained_model.name).write_bytes(trained_model.read_bytes())
    cli_env(replace(ready_settings, data_dir=clean_dir,
                    database_url=new_database_url(clean_dir)))
    assert main(["ingest", str(box), "--workers", "2", "--quiet"]) == 0
    clean = _export(tmp_path / "clean.jsonl")

    assert len(clean) == total
    assert resumed == clean
    engine = make_engine(killed.database_url)
    try:  # every stored file has its documents, pages, proposals
        assert _count(engine, "SELECT count(*) FROM source_files") == total
        assert _count(engine, "SELECT count(*) FROM pages") == total
        assert _count(engine, "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 "
                              "FROM proposals p WHERE p.document_id = d.id)") == 0
    finally:
        engine.dispose()


@pytest.mark.tesseract
def test_corrupt_file_mid_batch_is_quarantined_and_the_rest_completes(
        tmp_path: Path, ready_settings: Settings, cli_env: Callable[[Settings], Settings],
        capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN four scans with a truncated one among them WHEN ingested on 2 workers with
    --report THEN three are stored, the truncated one is quarantined with its reason, the
    summary says so in Spanish and in JSON, and the exit code is 1."""
    box = _box(tmp_path, 4, corrupt_at=1)
    cli_env(ready_settings)
    report_file = tmp_path / "resumen.json"
    code = main(["ingest", str(box), "--workers", "2", "--quiet", "--report", str(report_file)])
    err = capsys.readouterr().err
    assert code == 1
    records = _export(tmp_path / "export.jsonl")
    assert sorted(Path(r["source"]).name for r in records) == [
        "hoja_00.png", "hoja_02.png", "hoja_03.png"]
    assert f"CUARENTENA {box / 'hoja_01.png'}" in err
    assert "Archivos nuevos: 3, ya ingresados: 0, en cuarentena: 1" in err
    summary = json.loads(report_file.read_text(encoding="utf-8"))
    assert summary["archivos"]["nuevos"] == 3 and summary["archivos"]["cuarentena"] == 1
    assert summary["documentos"] == 3 and summary["paginas"] == 3
    assert [f["archivo"] for f in summary["fallas"]] == [str(box / "hoja_01.png")]
    assert summary["fallas"][0]["motivo"]
    assert sum(summary["por_tipo"].values()) == sum(summary["por_ruta"].values()) == 3
    assert summary["trabajadores"] == 2
    assert len(list(ready_settings.quarantine_dir.glob("*.json"))) == 1



@pytest.mark.tesseract
def test_progress_is_reported_file_by_file(tmp_path: Path, ready_settings: Settings) -> None:
    """GIVEN a box of three scans, one of them stored by an earlier run WHEN ingested on 2
    workers THEN on_file hears (1, 2) then (2, 2): the stored one is neither read nor
    counted (the upload page shows "n de m" from these calls)."""
    box = _box(tmp_path, 3)
    ingest_paths([str(box / "hoja_00.png")], ready_settings, unit="UMF 20")
    calls: list[tuple[int, int]] = []
    report = ingest_paths([str(box)], ready_settings, unit="UMF 20", workers=2,
                          on_file=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]
    assert report.count("nuevo") == 2 and report.count("repetido") == 1

def test_unreachable_scheduler_is_a_clear_error() -> None:
    from intake.errors import ClusterError

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ClusterError, match="clúster Dask") as info:
        with dask_client(1, f"tcp://127.0.0.1:{port}", connect_timeout=2):
            pass
    assert info.value.exit_code == 8


@pytest.mark.parametrize("db", ["suite_db", pytest.param("postgres",
                                                          marks=pytest.mark.postgres)])
def test_a_file_stored_meanwhile_by_another_station_is_reported_repeated(
        db: str, settings: Settings, request: pytest.FixtureRequest) -> None:
    """GIVEN two stations sharing one database (the pass's, and always PostgreSQL) that both
    planned the same new file WHEN both writers store it THEN the second sees it as
    `repetido`, nothing doubles."""
    from sqlalchemy import func, select

    from intake.batch_report import IngestReport
    from intake.batch_task import FileResult
    from intake.discovery import Candidate
    from intake.pipeline import _write, open_database
    from models import schema
    from models.db import session_scope

    if db == "postgres":
        settings = replace(settings, database_url=request.getfixturevalue("pg_schema_url"))
    factory = open_database(settings)
    data = b"no es una imagen"
    result = FileResult("ab" * 32, "desconocido", error="archivo ilegible")
    cand = Candidate(settings.data_dir / "x.jpg", "x.jpg")
    first = _write(factory, settings, cand, data, result, None, date(2026, 4, 8),
                   IngestReport())
    second = _write(factory, settings, cand, data, result, None, date(2026, 4, 8),
                    IngestReport())
    assert (first.status, second.status) == ("cuarentena", "repetido")
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(schema.SourceFile)) == 1
    factory.kw["bind"].dispose()


@pytest.mark.tesseract
def test_a_worker_lost_mid_batch_is_replaced_and_the_run_completes(
        tmp_path: Path, ready_settings: Settings,
        cli_env: Callable[[Settings], Settings]) -> None:
    """GIVEN 8 scans on 2 workers WHEN one worker process is killed with SIGKILL after a
    file committed THEN Dask's nanny starts a new worker, the lost tasks run again and the
    same run ends normally with every file stored exactly once."""
    import psutil

    total = 8
    box = _box(tmp_path, total)
    settings = cli_env(ready_settings)
    proc = _start_ingest(box)
    try:
        deadline = time.monotonic() + 150
        while (_count_files(settings) < 1 and proc.poll() is None
               and time.monotonic() < deadline):
            time.sleep(0.05)
        # LocalCluster workers are processes spawned by the client's nannies.
        workers = [p for p in psutil.Process(proc.pid).children(recursive=True)
                   if "spawn_main" in " ".join(p.cmdline())]
        stored_at_kill = _count_files(settings)
        assert len(workers) == 2 and stored_at_kill < total, "the kill must land mid-batch"
        workers[0].send_signal(signal.SIGKILL)
        assert proc.wait(timeout=300) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    records = _export(tmp_path / "export.jsonl")
    assert sorted(Path(r["source"]).name for r in records) == [
        f"hoja_{n:02d}.png" for n in range(total)]
    engine = make_engine(settings.database_url)
    try:
        assert _count(engine, "SELECT count(*) FROM source_files") == total
        assert _count(engine, "SELECT count(*) FROM pages") == total
    finally:
        engine.dispose()
