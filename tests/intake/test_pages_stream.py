"""Pages stream through analysis one at a time, and one bad page does not lose its file."""

from __future__ import annotations

import io
import json
import tracemalloc
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A6
from reportlab.pdfgen import canvas
from sqlalchemy import select

from intake import analyze
from intake.analyze import OcrOptions, analyze_file
from intake.cli import main
from intake.config import Settings
from intake.pipeline import open_database
from models import schema
from models.db import session_scope
from ocr.errors import EngineError
from ocr.loading import load_file
from ocr.read import read_page
from ocr.reader import Reader
from ocr.types import PageImage, PageRead
from tests.hostile.corpus import english_in

LINES = ["A quien corresponda:", "Solicito que me reprogramen la cita de rayos x porque no",
         "pude asistir el martes pasado por estar internado.", "Atentamente, un usuario"]


class _NoEngine:
    """The pages here carry a text layer, or are blank: no engine call is expected."""

    def image_to_data(self, image: object, *, psm: int, whitelist: str | None = None
                      ) -> list[object]:
        raise AssertionError("the OCR engine was called")

    def osd(self, image: object) -> int:
        raise AssertionError("the OCR engine was called")


NO_ENGINE = Reader.of(_NoEngine())


def _pdf(pages: int, *, pagesize: tuple[float, float] = A6, text: bool = True) -> bytes:
    """A PDF of `pages` small pages; with `text`, each carries a letter as a text layer."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=pagesize, invariant=1)
    for n in range(pages):
        if text:
            for i, line in enumerate([*LINES, f"Hoja {n + 1}"]):
                c.drawString(12, pagesize[1] - 20 - 12 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def _cheap_read(image: PageImage, _reader: object) -> PageRead:
    return PageRead(page_no=image.page_no, text="", confidence=0.0, method="tesseract",
                    is_blank=True)


def test_pages_are_decoded_one_at_a_time_and_dropped_once_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a 30-page PDF WHEN analysed THEN each page's pixels are gone before the next
    page is read (never more than the one being read alive), and the traced memory of the
    whole file peaks under three pages' pixels, a page and the copy it is made from (it
    used to hold all 30: issue 12, item 2)."""
    alive: list[weakref.ref] = []
    most = 0

    def reading(image: PageImage, reader: object) -> PageRead:
        nonlocal most
        alive.append(weakref.ref(image.pixels))
        most = max(most, sum(r() is not None for r in alive))
        return _cheap_read(image, reader)

    monkeypatch.setattr(analyze, "read_page", reading)
    data = _pdf(30, text=False)
    tracemalloc.start()
    try:
        result = analyze_file(data, "caja.pdf", OcrOptions(), NO_ENGINE)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error is None and len(result.pages) == 30
    assert most == 1
    [page] = load_file(_pdf(1, text=False), "una.pdf")
    assert peak < 3 * page.pixels.nbytes, (peak, page.pixels.nbytes)


def test_a_page_the_engine_fails_on_is_kept_unread_and_the_file_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a 3-page PDF whose page 2 makes the engine time out WHEN analysed THEN pages 1
    and 3 are read, page 2 is kept with its reason and its image, and the file is not
    quarantined; a file none of whose pages could be read is (a cause that may pass)."""
    def failing_on_2(image: PageImage, reader: Reader) -> PageRead:
        if image.page_no == 2:
            raise EngineError("Tesseract excedió el tiempo límite de 120 s")
        return read_page(image, reader)

    monkeypatch.setattr(analyze, "read_page", failing_on_2)
    result = analyze_file(_pdf(3), "caja.pdf", OcrOptions(), NO_ENGINE)
    assert result.error is None
    assert [p.page_no for p in result.pages] == [1, 2, 3]
    first, second, third = result.pages
    assert first.error is None and "Hoja 1" in first.text and "Hoja 3" in third.text
    assert second.error == "Tesseract excedió el tiempo límite de 120 s"
    assert second.text == "" and second.image_png and second.width > 0

    monkeypatch.setattr(analyze, "read_page", lambda image, reader: (_ for _ in ()).throw(
        EngineError("Tesseract excedió el tiempo límite de 120 s")))
    nothing = analyze_file(_pdf(2), "caja.pdf", OcrOptions(), NO_ENGINE)
    assert nothing.transient and nothing.error is not None
    assert nothing.error.startswith("página 1: Tesseract excedió")


def test_ingest_stores_the_unread_page_with_its_reason_and_reports_it(
        ready_settings: Settings, cli_env: Callable[[Settings], Settings], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN a 3-page PDF (three letters) whose page 2 fails to OCR WHEN `buzon ingest`
    reads it THEN the file is stored, not quarantined: its three pages are in the database,
    page 2 with its Spanish reason and its image, its document flagged for review, and the
    summary and the --report JSON name the page (issue 14: one bad page loses no file)."""
    settings = cli_env(ready_settings)

    def failing_on_2(image: PageImage, reader: Reader) -> PageRead:
        if image.page_no == 2:
            raise EngineError("Tesseract excedió el tiempo límite de 120 s")
        return read_page(image, reader)

    monkeypatch.setattr(analyze, "read_page", failing_on_2)
    pdf = tmp_path / "caja_del_dia.pdf"
    pdf.write_bytes(_pdf(3))
    report = tmp_path / "resumen.json"
    assert main(["ingest", str(pdf), "--quiet", "--report", str(report)]) == 0
    err = capsys.readouterr().err
    assert f"PÁGINA SIN LEER {pdf}, página 2: Tesseract excedió el tiempo límite" in err
    assert not english_in(err), err
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["archivos"]["nuevos"] == 1 and summary["archivos"]["cuarentena"] == 0
    assert summary["paginas_sin_leer"] == [{
        "archivo": str(pdf), "pagina": 2,
        "motivo": "Tesseract excedió el tiempo límite de 120 s"}]
    with session_scope(open_database(settings)) as session:
        pages = {p.page_no: p for p in session.scalars(select(schema.Page))}
        assert sorted(pages) == [1, 2, 3]
        assert pages[1].read_error is None and pages[3].read_error is None
        assert pages[2].read_error == "Tesseract excedió el tiempo límite de 120 s"
        assert pages[2].image_path and (settings.data_dir / pages[2].image_path).is_file()
        assert pages[2].document.needs_review
        [source] = session.scalars(select(schema.SourceFile)).all()
        assert source.status == "ok" and source.page_count == 3
