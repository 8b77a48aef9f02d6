"""The pipeline with a fake engine: what it reads is what is stored, page by page."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from sqlalchemy import select

from intake.config import Settings
from intake.pipeline import ingest_paths, open_database
from models import schema
from models.db import session_scope
from tests.intake.fake_engines import TIMEOUT, ScriptedPages
from tests.intake.typed_scans import typed_page, write_tiff

FIRST = ("A quien corresponda:\nQuiero quejarme porque en la farmacia no me surtieron\n"
         "la receta de mi mamá y nadie me dio una explicación.\nAtentamente, Lucía Gómez")
THIRD = ("Estimados señores:\nAgradezco la atención de la enfermera del turno\n"
         "de la noche en urgencias, fue muy amable conmigo.\nSaludos, Pedro Ruiz")
SCRIPT = (FIRST, None, THIRD)


def _scan(path: Path, pages: int = 3) -> Path:
    """A multi-frame 150 ppp TIFF of `pages` typed pages (no text layer: the engine reads
    them), as a scanner writes a day's box."""
    return write_tiff(path, [typed_page((FIRST if n == 0 else THIRD).splitlines(), 30)
                             for n in range(pages)])


def test_a_fake_engine_reads_the_file_and_its_failing_page_is_stored_unread(
        tmp_path: Path, ready_settings: Settings) -> None:
    """GIVEN a three-page scan and an engine that reads pages 1 and 3 and times out on page
    2 WHEN ingested with that engine THEN the file is stored, not quarantined: pages 1 and
    3 hold the engine's text, page 2 is stored unread with the engine's reason and its
    image, its document waits for a person, and the report lists the unread page."""
    scan = _scan(tmp_path / "caja.tif")
    report = ingest_paths([str(scan)], ready_settings, unit="UMF 20",
                          engine_factory=partial(ScriptedPages, SCRIPT))

    [file] = report.files
    assert (file.status, file.pages, file.unread) == ("nuevo", 3, [(2, TIMEOUT)])
    with session_scope(open_database(ready_settings)) as session:
        [source] = session.scalars(select(schema.SourceFile)).all()
        assert (source.status, source.page_count) == ("ok", 3)
        pages = {p.page_no: p for p in session.scalars(select(schema.Page))}
        assert sorted(pages) == [1, 2, 3]
        assert pages[1].text == FIRST and pages[3].text == THIRD
        assert (pages[1].method, pages[1].confidence, pages[1].read_error) == (
            "tesseract", 95.0, None)
        assert (pages[2].text, pages[2].read_error) == ("", TIMEOUT)
        assert pages[2].image_path and (ready_settings.data_dir / pages[2].image_path).is_file()
        assert pages[2].document.needs_review
        docs = session.scalars(select(schema.Document).order_by(schema.Document.id)).all()
        assert sum(len(d.pages) for d in docs) == 3
        assert FIRST in docs[0].text and THIRD in docs[-1].text


def test_the_engine_factory_travels_to_the_dask_workers(
        tmp_path: Path, ready_settings: Settings) -> None:
    """GIVEN two scans, of one page and of two WHEN ingested on a local Dask cluster with a
    fake engine's factory THEN the worker makes an engine from it for each file: every page
    holds the fake engine's text, each file read from the start of the script."""
    scans = [str(_scan(tmp_path / f"caja_{n}.tif", pages=n)) for n in (1, 2)]
    script = ("Solicito una cita.", "Gracias por todo.")
    report = ingest_paths(scans, ready_settings, unit="UMF 20", workers=1,
                          engine_factory=partial(ScriptedPages, script))
    assert report.workers == 1
    assert [f.status for f in report.files] == ["nuevo", "nuevo"]
    with session_scope(open_database(ready_settings)) as session:
        texts = sorted(p.text for p in session.scalars(select(schema.Page)))
    assert texts == ["Gracias por todo.", "Solicito una cita.", "Solicito una cita."]
