"""Duplicate links stored (policy 5.9): at ingest, after an edit of the identity data, and
against the SIADE/SINAPP history imported from a CSV (bad lines reported, good ones kept)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from classifier.profile import load_profile
from common.errors import ExitCode
from intake.cli import main
from intake.config import Settings
from intake.errors import UnsupportedFileError
from intake.history import import_history, parse_history
from intake.links import link_context, refresh_links
from intake.pipeline import ingest_paths, open_database
from models.db import session_scope
from models.schema import Document, DuplicateLink, MatchKey, PetitionHistory, SourceFile

DAY = date(2026, 11, 20)
NSS = "92919084431"
OTHER_NSS = "12345678903"
PHARMACY = ("En la farmacia de la UMF 20 no me surtieron la metformina ni el losartán, me "
            "dijeron que regresara la otra semana. Ya no tengo pastillas desde el viernes.")
PHARMACY_AGAIN = ("Vuelvo a escribir porque en la farmacia de la UMF 20 siguen sin surtirme la "
                  "metformina ni el losartán; me dicen que regrese la otra semana y ya no "
                  "tengo pastillas.")
THANKS = ("Quiero felicitar a la enfermera Lupita del turno de la tarde por su paciencia con "
          "mi mamá cuando la internaron en el segundo piso.")
SIX_DAYS_AGO = (DAY - timedelta(days=6)).strftime("%d/%m/%Y")
HISTORY = f"""folio;Fecha de registro;NSS;Nombre;Tipo;Servicio;Resumen
SIADE-100;{SIX_DAYS_AGO};{NSS};María José Pérez López;Queja de servicio;Farmacia;{PHARMACY}
SIADE-101;31/02/2026;{NSS};María José Pérez López;Queja;Farmacia;fecha imposible
SIADE-102;2026-11-01;12345;Luis Mora Díaz;Queja;Urgencias;NSS con error
SIADE-103;2026-11-02;;Ana;Sugerencia;;sin NSS ni nombre completo
;2026-11-02;{OTHER_NSS};Rosa Díaz Ruiz;Gestión;Archivo;sin folio
SIADE-100;2026-11-03;{OTHER_NSS};Rosa Díaz Ruiz;Gestión;Archivo;folio repetido
SIADE-104;2026-11-04;{OTHER_NSS};Rosa Díaz Ruiz;Gestión;Archivo;Pide su expediente
SIADE-105;2099-01-01;{OTHER_NSS};Rosa Díaz Ruiz;Gestión;Archivo;fecha futura
"""


def test_a_history_csv_keeps_the_good_lines_and_reports_the_bad(settings: Settings) -> None:
    """GIVEN a SIADE export (semicolons, Spanish headers) with six bad lines among eight
    WHEN imported THEN the two good petitions are stored and filed for the search, each bad
    line is reported with its number and reason, and importing again adds nothing."""
    factory = open_database(settings)
    ctx = link_context(load_profile("imss"))
    data = HISTORY.encode("utf-8")
    with session_scope(factory) as s:
        report = import_history(s, data, ctx, unit="UMF 20", today=DAY)
    assert report.imported == 2 and report.already == 0
    assert report.errors == [
        (3, "la fecha «31/02/2026» no es válida (use dd/mm/aaaa)"),
        (4, "el NSS no es válido (11 dígitos con dígito verificador)"),
        (5, "sin NSS ni nombre completo no se puede buscar la petición"),
        (6, "falta el folio"),
        (7, "el folio SIADE-100 ya aparece en la línea 2"),
        (9, "la fecha «2099-01-01» es posterior a hoy"),
    ]
    lines = report.summary_lines()
    assert lines[0] == "Historial importado: 2 petición(es) nueva(s)."
    assert "  Línea 4: el NSS no es válido (11 dígitos con dígito verificador)" in lines
    assert not any("12345" in line for line in lines)  # the bad NSS itself is not echoed
    with session_scope(factory) as s:
        rows = s.scalars(select(PetitionHistory).order_by(PetitionHistory.folio)).all()
        assert [(h.folio, h.registered_on, h.unit) for h in rows] == [
            ("SIADE-100", DAY - timedelta(days=6), "UMF 20"),
            ("SIADE-104", date(2026, 11, 4), "UMF 20")]
        assert s.scalar(select(func.count()).select_from(MatchKey)) > 4
        assert not s.scalars(select(MatchKey.key).where(MatchKey.key.contains(NSS))).all()
        again = import_history(s, data, ctx, today=DAY)
    assert (again.imported, again.already) == (0, 2)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "está vacío"),
    (b"folio,nombre\nA-1,Ana Ruiz\n", "no tiene las columnas fecha"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "no es un CSV"),
])
def test_a_file_that_is_no_history_is_refused_in_spanish(content: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFileError, match=message):
        parse_history(content, DAY)


def test_a_windows_export_is_read(settings: Settings) -> None:
    data = ("folio,fecha,nombre,resumen\nA-1,01/11/2026,José Núñez Peña,Queja por la "
            "atención\n").encode("cp1252")
    rows, errors, encoding = parse_history(data, DAY)
    assert errors == [] and encoding == "Windows-1252"
    assert rows[0].nombre == "José Núñez Peña"


def test_buzon_historial_imports_and_exits_1_on_bad_lines(
        tmp_path: Path, settings: Settings, cli_env, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_env(settings)
    path = tmp_path / "siade.csv"
    path.write_text(HISTORY.replace("2099-01-01", "2026-11-05"), encoding="utf-8")
    assert main(["historial", str(path), "--unit", "UMF 20"]) == ExitCode.ROWS_FAILED
    err = capsys.readouterr().err
    assert "Historial importado: 3 petición(es) nueva(s)." in err
    assert "Línea 3: la fecha «31/02/2026» no es válida" in err
    assert main(["historial", str(path)]) == ExitCode.ROWS_FAILED  # the same bad lines
    assert "0 petición(es) nueva(s), 3 ya estaban importadas" in capsys.readouterr().err


def _doc(s, text: str, fields: dict, received_on: date = DAY, unit: str = "UMF 20",
         n: int = 0) -> Document:
    src = SourceFile(sha256=f"{len(text)}-{n}-{received_on}".ljust(64, "0"),
                     source_path="x.pdf", stored_path="o/x.pdf", size=1, file_kind="pdf")
    doc = Document(source_file=src, pages=[1], kind="escrito_libre", unit=unit,
                   received_on=received_on, text=text, type="queja_servicio",
                   fields={"nombre": None, "nss": None, "telefono": None, "correo": None,
                           "curp": None, "unidad": unit, "servicio": None, **fields},
                   route="registrar", status="pendiente")
    s.add(doc)
    s.flush()
    return doc


def test_links_follow_an_edit_of_the_identity_data(settings: Settings) -> None:
    """GIVEN a complaint and its repeat whose name was misread (no NSS on either)
    WHEN the repeat is stored THEN nothing links them; WHEN the reviewer fixes the name on
    the first one THEN the later repeat is linked to it; WHEN the name is changed to
    someone else THEN the proposed link goes away."""
    factory = open_database(settings)
    ctx = link_context(load_profile("imss"))
    with session_scope(factory) as s:
        first = _doc(s, PHARMACY, {"nombre": "Mario Ríos"}, n=1)
        refresh_links(s, first, ctx)
        again = _doc(s, PHARMACY_AGAIN, {"nombre": "María José Pérez López"},
                     received_on=DAY + timedelta(days=2), n=2)
        assert refresh_links(s, again, ctx) == []
        first.fields = {**first.fields, "nombre": "Pérez López María José"}
        refresh_links(s, first, ctx)
        links = s.scalars(select(DuplicateLink)).all()
        assert [(x.document_id, x.other_document_id, x.kind) for x in links] == [
            (again.id, first.id, "repeticion")]
        assert links[0].reason.startswith("Mismo nombre, texto 0.")
        first.fields = {**first.fields, "nombre": "Otra Persona Distinta"}
        refresh_links(s, first, ctx)
        assert s.scalars(select(DuplicateLink)).all() == []


def test_a_decided_link_survives_a_refresh(settings: Settings) -> None:
    factory = open_database(settings)
    ctx = link_context(load_profile("imss"))
    with session_scope(factory) as s:
        first = _doc(s, PHARMACY, {"nss": NSS}, n=1)
        refresh_links(s, first, ctx)
        again = _doc(s, PHARMACY_AGAIN, {"nss": NSS}, n=2)
        [link] = refresh_links(s, again, ctx)
        link.status = "rechazado"
        s.flush()
        assert refresh_links(s, again, ctx) == []  # the rejected pair is not proposed again
        assert [x.status for x in s.scalars(select(DuplicateLink))] == ["rechazado"]


def _letter_pdf(path: Path, lines: list[str]) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    y = 780
    for line in lines:
        c.drawString(72, y, line)
        y -= 20
    c.save()
    return path


def test_ingest_links_a_repeat_to_the_history_and_a_new_petition_as_related(
        tmp_path: Path, ready_settings: Settings) -> None:
    """GIVEN the person's complaint registered in SIADE six days ago (imported history)
    WHEN her new letter repeating it is ingested THEN it is linked to the SIADE folio as a
    repeat; WHEN she then writes about something else THEN that letter is linked as
    related (and keeps its route: it is registered)."""
    factory = open_database(ready_settings)
    with session_scope(factory) as s:
        import_history(s, HISTORY.encode("utf-8"), link_context(load_profile("imss")),
                       unit="UMF 20", today=DAY)
    sign = ["Atentamente,", "María José Pérez López", f"NSS {NSS}", "Tel. 55 1234 5678"]
    repeat = _letter_pdf(tmp_path / "carta1.pdf", [
        "A quien corresponda:", *_wrap(PHARMACY_AGAIN), *sign])
    related = _letter_pdf(tmp_path / "carta2.pdf", [
        "A quien corresponda:", *_wrap(THANKS), *sign])
    ingest_paths([str(repeat)], ready_settings, unit="UMF 20", received_on=DAY)
    ingest_paths([str(related)], ready_settings, unit="UMF 20",
                 received_on=DAY + timedelta(days=1))
    with session_scope(factory) as s:
        docs = s.scalars(select(Document).order_by(Document.id)).all()
        assert [d.fields["nss"] for d in docs] == [NSS, NSS]
        first, second = docs
        assert [(x.kind, x.history.folio if x.history else None, x.other_document_id)
                for x in first.duplicate_links] == [("repeticion", "SIADE-100", None)]
        assert "Mismo NSS" in first.duplicate_links[0].reason
        kinds = {(x.kind, x.other_document_id) for x in second.duplicate_links}
        assert ("relacionada", first.id) in kinds
        assert all(k == "relacionada" for k, _o in kinds)
        assert second.route == second.proposals[-1].route  # a related petition is registered


def _wrap(text: str, width: int = 80) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)
