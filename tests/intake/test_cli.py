"""The `buzon` commands' contracts: classify (JSONL in/out), form, train, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from common.errors import ExitCode
from intake.cli import main
from intake.config import Settings


@pytest.fixture
def env(ready_settings: Settings, cli_env: Callable[[Settings], Settings]) -> Settings:
    return cli_env(ready_settings)


def test_classify_writes_one_proposal_per_line_and_reports_bad_lines(
        env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "textos.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "a", "text": "Muchas gracias a la enfermera Lupita del turno de la "
                                       "noche, nos atendió con mucho cariño a mi mamá."}),
        "esto no es json",
        json.dumps({"id": "b", "text": "Solicito que me reprogramen la cita de rayos x, mi "
                                       "NSS es 92919084431 y mi cel 55 1234 5678. Atte. "
                                       "Ana Ruiz Soto"}),
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(src), "--out", str(out)]) == ExitCode.ROWS_FAILED
    assert "Línea 2" in capsys.readouterr().err
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert set(rows[0]) == {"id", "type", "confidence", "scores", "fields", "missing",
                            "route", "urgent"}
    assert rows[0]["type"] == "reconocimiento"
    assert rows[1]["fields"]["nss"] == "92919084431"
    assert rows[1]["fields"]["telefono"] == "5512345678"
    assert rows[1]["route"] == "registrar" and rows[1]["missing"] == []


def test_classify_under_issste_answers_in_issste_types_and_asks_no_nss(
        settings: Settings, trained_issste_model: Path, tmp_path: Path,
        cli_env: Callable[[Settings], Settings], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN BUZON_INSTITUTION=issste and its trained bundle WHEN `buzon classify` reads a
    complaint with a name, address, phone, e-mail and the staff involved, and no NSS THEN
    it answers with ISSSTE's types, reads the address and the staff, asks for no NSS and
    registers it in SINAPP (the IMSS bundle beside it is not used)."""
    import shutil

    from classifier.model import bundle_path

    cli_env(settings)
    monkeypatch.setenv("BUZON_INSTITUTION", "issste")
    settings.models_dir.mkdir(parents=True)
    shutil.copy(trained_issste_model, bundle_path(settings.models_dir, "issste"))
    src = tmp_path / "t.jsonl"
    src.write_text(json.dumps({"id": 1, "text": (
        "El enfermero Ramón Téllez del turno vespertino nos contestó de mala manera y no "
        "quiso cambiar el suero de mi papá aunque se lo pedimos tres veces. Ana Ruiz Soto, "
        "Calle Pino 45, Col. Centro, C.P. 06000, tel. 55 1234 5678, ana.ruiz@gmail.com")},
        ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["classify", str(src), "--out", str(out)]) == 0
    assert "No hay modelo" not in capsys.readouterr().err
    [row] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert set(row["scores"]) == {"inconformidad", "reconocimiento", "sugerencia",
                                  "solicitud_servicio", "orientacion", "no_peticion"}
    assert row["type"] == "inconformidad"
    assert row["fields"]["domicilio"] == "Calle Pino 45, Col. Centro, C.P. 06000"
    assert row["fields"]["personal_involucrado"] == "enfermero Ramón Téllez"
    assert row["missing"] == [] and row["route"] == "registrar"


def test_form_writes_a_pdf(env: Settings, tmp_path: Path) -> None:
    out = tmp_path / "volante.pdf"
    assert main(["form", "--out", str(out), "--unit", "HGZ 1"]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_train_saves_a_model_that_classify_then_uses(
        settings: Settings, tmp_path: Path, cli_env: Callable[[Settings], Settings],
        capsys: pytest.CaptureFixture[str]) -> None:
    cli_env(settings)
    assert main(["train"]) == 0
    assert (settings.models_dir / "clasificador-imss.joblib").exists()
    assert (settings.models_dir / "digitos.pkl").exists()  # the first batch only loads it
    capsys.readouterr()
    src = tmp_path / "t.jsonl"
    src.write_text(json.dumps({"id": 1, "text": "¿Qué papeles necesito para "
                                                "inscribir a mi bebé?"}) + "\n")
    assert main(["classify", str(src), "--out", str(tmp_path / "o.jsonl")]) == 0
    assert "No hay modelo" not in capsys.readouterr().err  # the saved model was used


def test_a_bad_configuration_is_an_error_with_its_exit_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "buzon.toml"
    cfg.write_text('sin_sentido = 1\n')
    monkeypatch.setenv("BUZON_CONFIG", str(cfg))
    assert main(["export"]) == ExitCode.CONFIG
    assert "desconocidas" in capsys.readouterr().err


def test_click_speaks_spanish_whatever_the_locale(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN an English locale WHEN asking for help or mistyping an option THEN click's own
    words (usage, help option, errors) are Spanish too, and a typo is exit code 2."""
    monkeypatch.setenv("LANGUAGE", "en")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Uso: buzon") and "Muestra esta ayuda y termina." in out
    assert "Opciones:" in out and "Órdenes:" in out and "Show this message" not in out
    assert main(["ingest", "--nope"]) == 2
    assert "No existe la opción '--nope'." in capsys.readouterr().err


def test_the_compiled_catalogue_matches_its_source() -> None:
    """messages.mo is what msgfmt makes of messages.po (a .po edit needs a recompile)."""
    import ast
    import gettext

    from intake.cli import LOCALE_DIR

    folder = LOCALE_DIR / "es" / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    pairs, msgid = [], None
    for line in (folder / "messages.po").read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgstr ")):
            key, _sp, literal = line.partition(" ")
            value = ast.literal_eval(literal)
            if key == "msgid":
                msgid = value
            elif msgid:
                pairs.append((msgid, value))
    assert len(pairs) >= 40
    assert all(catalogue.gettext(m) == t for m, t in pairs)


# Libraries whose DEBUG output quotes what they read (pdfminer: a PDF's text) or fills the
# terminal (Dask's workers); the names issue 12 lists.
NOISY = ("pdfminer", "PIL", "distributed", "asyncio", "urllib3", "matplotlib")


@pytest.fixture
def logger_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give back the logger levels and Dask's logging variable a command changes. The root
    logger is put at DEBUG as -vv would (under pytest, whose handlers sit on the root,
    logging.basicConfig does nothing)."""
    import logging

    monkeypatch.setattr(logging.getLogger(), "level", logging.DEBUG)
    for name in NOISY:
        monkeypatch.setattr(logging.getLogger(name), "level", logging.getLogger(name).level)
    monkeypatch.setenv("DASK_LOGGING__DISTRIBUTED", "debug")


def test_third_party_loggers_stay_at_warning_whatever_the_verbosity(
        env: Settings, tmp_path: Path, logger_levels: None) -> None:
    """GIVEN -vv WHEN any command runs THEN our loggers debug, libraries stay at WARNING,
    distributed included (it sets its own level from Dask's config when imported, in this
    process and in each worker, so the variable they read says WARNING too)."""
    import logging
    import os

    assert main(["-vv", "form", "--out", str(tmp_path / "v.pdf")]) == 0
    for name in NOISY:
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name
    assert os.environ["DASK_LOGGING__DISTRIBUTED"] == "warning"


def _letter_pdf(path: Path, text: str) -> None:
    """A one-page PDF with a text layer (read without Tesseract)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for i, line in enumerate(text.splitlines()):
        c.drawString(72, 760 - 16 * i, line)
    c.showPage()
    c.save()


def test_ingest_dates_a_backlog_by_its_reception_day(
        env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN a backlog emptied on Friday 13 November 2026 WHEN ingested today with
    --recibido 2026-11-13 THEN its documents (and their export lines) carry that day; a
    malformed or future date is refused before anything is read."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from intake.pipeline import open_database
    from models import schema
    from models.db import session_scope

    box = tmp_path / "rezago"
    box.mkdir()
    _letter_pdf(box / "carta.pdf", "Solicito que me reprogramen la cita de rayos x.\n"
                                   "Mi NSS es 92919084431, cel 55 1234 5678. Ana Ruiz Soto")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert main(["ingest", str(box), "--recibido", "13/11/2026", "--quiet"]) == 2
    assert "no tiene el formato" in capsys.readouterr().err
    assert main(["ingest", str(box), "--recibido", tomorrow, "--quiet"]) == 2
    assert "no puede ser posterior a hoy" in capsys.readouterr().err
    assert main(["ingest", str(box), "--recibido", "2026-11-13", "--quiet"]) == 0
    with session_scope(open_database(env)) as s:
        assert list(s.scalars(select(schema.Document.received_on))) == [date(2026, 11, 13)]
    out = tmp_path / "x.jsonl"
    assert main(["export", "--out", str(out)]) == 0
    [line] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert line["received_on"] == "2026-11-13"
