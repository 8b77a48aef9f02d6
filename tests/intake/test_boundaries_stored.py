"""The split's boundary proposal is stored per page, with its reason, for the reviewer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from intake.config import Settings
from intake.pipeline import ingest_paths
from models.db import make_engine, make_sessionmaker, session_scope
from models.schema import Document, Page
from tests.intake.typed_scans import typed_page, write_tiff


def test_each_page_keeps_why_it_starts_or_continues_a_document(
        tmp_path: Path, ready_settings: Settings) -> None:
    """GIVEN one scan holding a two-page letter (numbered) and a second letter
    WHEN ingested THEN two documents, and every page row says why it was put there."""
    pages = [
        typed_page(["A quien corresponda:", "Quiero quejarme porque en la farmacia",
               "no me surtieron la receta de mi mamá y"]),
        typed_page(["- 2 -", "nos dijeron que regresáramos otro día.", "Atentamente, Lucía"]),
        typed_page(["Estimados señores:", "Agradezco la atención de la enfermera",
               "del turno de la noche en urgencias."]),
    ]
    scan = write_tiff(tmp_path / "lote.tif", pages)

    report = ingest_paths([str(scan)], ready_settings, unit="UMF 20")
    assert report.documents == 2

    engine = make_engine(ready_settings.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        docs = session.scalars(select(Document).order_by(Document.id)).all()
        assert [d.pages for d in docs] == [[1, 2], [3]]
        reasons = {p.page_no: p.boundary_reason for p in session.scalars(select(Page))}
    engine.dispose()
    assert reasons == {1: "encabezado de carta", 2: "número de página 2",
                       3: "encabezado de carta"}


def test_a_two_page_letter_with_its_contact_data_on_page_two_is_one_document_with_the_data(
        tmp_path: Path, ready_settings: Settings) -> None:
    """GIVEN a scanned two-page letter, no page numbers, whose page 1 ends mid-sentence on a
    line that mentions a folio, and whose page 2 goes on in lower case and signs with phone
    and NSS WHEN ingested with real Tesseract THEN one document that carries page 2's data
    (it used to be cut in two, the data on a document of its own)."""
    pages = [
        typed_page(["A quien corresponda:", "Quiero quejarme porque en la farmacia no me",
               "surtieron la receta de mi mamá. Llamé varias veces,",
               "me dieron el folio 20261234 pero nadie contesta en la"]),
        typed_page(["clínica ni en el módulo de atención.", "Atentamente", "María López Ruiz",
               "Tel. 55 8765 4321", "NSS 92919084431"]),
    ]
    scan = write_tiff(tmp_path / "carta.tif", pages)

    report = ingest_paths([str(scan)], ready_settings, unit="UMF 20")
    assert report.documents == 1

    engine = make_engine(ready_settings.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        doc = session.scalars(select(Document)).one()
        assert doc.pages == [1, 2]
        assert doc.fields["telefono"] == "5587654321"
        assert doc.fields["nss"] == "92919084431"
        assert "nss" not in doc.missing
        reasons = [p.boundary_reason for p in session.scalars(select(Page).order_by(Page.page_no))]
    engine.dispose()
    assert reasons == ["encabezado de carta", "empieza a media frase"]
