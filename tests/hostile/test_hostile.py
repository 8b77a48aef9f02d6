"""`buzon ingest` over the hostile corpus: good files kept, bad ones quarantined in Spanish,
links out and unreadable folders refused and reported, and the exit code says so."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from intake.cli import main
from intake.config import Settings
from synthbox.truth import load_jsonl
from tests.hostile.corpus import (
    BLANK_FRAMES,
    CUARENTENA,
    INGRESADO,
    RECHAZADO,
    Hostile,
    build,
    english_in,
    letters_around_blanks_tiff,
    refusing_scandir,
    restore,
)

pytestmark = pytest.mark.tesseract


def _shown(path: Path) -> str:
    """How a path must be shown: its bytes as UTF-8, others (and control characters, which
    a terminal would obey) as visible escapes."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 0x20 or ord(c) == 0x7f else c
                   for c in text)


def _ingest(box: Path, report: Path, capfd: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["ingest", str(box), "--workers", "1", "--quiet", "--report", str(report)])
    return code, capfd.readouterr().err


def _stored(settings: Settings, folder: str) -> set[bytes]:
    return {p.read_bytes() for p in (settings.data_dir / folder).rglob("*")
            if p.is_file() and p.suffix != ".json"}


def test_ingest_over_the_hostile_corpus(
        tmp_path: Path, ready_settings: Settings, cli_env: Callable[[Settings], Settings],
        capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN one box holding every hostile kind WHEN `buzon ingest --workers 1` reads it
    (twice) THEN every good file is stored under its escaped name, every bad one is in
    quarantine with a Spanish reason, links out, the link loop, the pipe and the unreadable
    folder are refused and reported, nothing from outside the box reaches the data dir, no
    English reaches stderr, and both runs exit with 1 (something was refused)."""
    settings = cli_env(ready_settings)
    box = tmp_path / "caja"
    corpus = build(box)
    monkeypatch.setattr(os, "scandir", refusing_scandir(
        [p for h in corpus if not h.real for p in h.paths]))
    report_file = tmp_path / "resumen.json"
    try:
        code, err = _ingest(box, report_file, capfd)
        again, err_again = _ingest(box, tmp_path / "otra_vez.json", capfd)
    finally:
        restore(box)
    summary = json.loads(report_file.read_text(encoding="utf-8"))
    out = tmp_path / "export.jsonl"
    assert main(["export", "--out", str(out)]) == 0
    sources = {r["source"] for r in load_jsonl(out)}
    failures = {f["archivo"]: f["motivo"] for f in summary["fallas"]}
    refusals = {r["enlace"]: r["motivo"] for r in summary["enlaces_no_seguidos"]}
    refusals |= {r["carpeta"]: r["motivo"] for r in summary["carpetas_ilegibles"]}
    refusals |= {r["archivo"]: r["motivo"] for r in summary["no_regulares"]}
    refusals |= {r["archivo"]: r["motivo"] for r in summary["omitidos"]}
    warnings = {w["archivo"]: w["aviso"] for w in summary["avisos"]}
    quarantined = _stored(settings, "cuarentena")
    failed_bytes = {Path(p).read_bytes() for h in corpus if h.outcome == CUARENTENA
                    for p in h.paths if _shown(p) in failures}

    def check(h: Hostile, path: Path) -> None:
        shown = _shown(path)
        if h.outcome == INGRESADO:
            assert shown in sources or h.copies  # with copies, any one name is the source
            assert shown not in failures
            if h.reason:
                assert h.reason in warnings[shown]
        elif h.outcome == CUARENTENA:
            data = path.read_bytes()
            assert data in quarantined and shown not in sources
            # Listed by name, unless the same bytes came earlier in the run (two empty files).
            assert shown in failures or data in failed_bytes
            if shown in failures and h.reason:
                assert h.reason in failures[shown]
        else:
            assert h.outcome == RECHAZADO
            assert shown in refusals
            if h.reason:
                assert h.reason in refusals[shown]
            assert not any(s == shown or s.startswith(shown + "/") for s in sources)

    for h in corpus:
        for path in h.paths:
            check(h, path)
    originals = _stored(settings, "originales")
    for h in corpus:  # one file under two names: stored once, under one, nothing refused
        if h.copies:
            names = [_shown(p) for p in [*h.paths, *h.copies]]
            assert h.paths[0].read_bytes() in originals
            assert sum(n in sources for n in names) == 1
            assert not any(n in failures or n in refusals for n in names)
    assert summary["archivos"]["repetidos"] >= sum(len(h.copies) for h in corpus)
    stored = quarantined | originals
    for h in corpus:  # what links pointed to never reached the data dir
        for path in h.outside:
            assert path.read_bytes() not in stored
            assert _shown(path) not in sources
    assert Path("/etc/passwd").read_bytes() not in stored

    said = [*failures.values(), *refusals.values(), *warnings.values()]
    assert all(said) and not english_in(" ".join(said))
    assert not english_in(err), err
    assert not english_in(err_again), err_again
    assert code == 1 and again == 1
    again_summary = json.loads((tmp_path / "otra_vez.json").read_text(encoding="utf-8"))
    assert again_summary["archivos"]["nuevos"] == 0
    first = summary["archivos"]
    assert again_summary["archivos"]["repetidos"] == (
        first["nuevos"] + first["cuarentena"] + first["repetidos"])  # every file read before


def test_blank_frames_of_a_tiff_are_one_item(
        tmp_path: Path, ready_settings: Settings, cli_env: Callable[[Settings], Settings],
        capfd: pytest.CaptureFixture[str]) -> None:
    """GIVEN a multi-frame TIFF: a letter, 20 blank frames (with specks of dust), another
    letter WHEN ingested THEN the queue gets three items, the blank frames together as one
    "otro" item, not 20 empty documents (issue 12, item 9)."""
    cli_env(ready_settings)
    box = tmp_path / "caja"
    box.mkdir()
    (box / "lote.tif").write_bytes(letters_around_blanks_tiff())
    code, _err = _ingest(box, tmp_path / "resumen.json", capfd)
    assert code == 0
    out = tmp_path / "export.jsonl"
    assert main(["export", "--out", str(out)]) == 0
    docs = sorted(load_jsonl(out), key=lambda r: r["pages"][0])
    last = BLANK_FRAMES + 2
    assert [d["pages"] for d in docs] == [[1], list(range(2, last)), [last]]
    assert docs[1]["kind"] == "otro"


# The data-and-files kinds of issue 12 (items 1-9), beside the 32 kinds first tried.
ISSUE_12_KINDS = ("nombre_no_utf8", "pdf_500_paginas_en_blanco", "enlace_fuera",
                  "carpeta_ilegible", "pdf_texto_de_1mb", "pdf_arbol_en_ciclo",
                  "tiff_con_20_hojas_en_blanco")


def test_the_corpus_holds_the_first_32_kinds_and_each_of_issue_12s(tmp_path: Path) -> None:
    """GIVEN the hostile corpus generator THEN it builds every kind the issue names, more
    than the 32 first tried, and the slow one is really 500 blank pages."""
    import pypdfium2

    from tests.hostile.corpus import KINDS, SLOW_KINDS

    assert set(ISSUE_12_KINDS) <= set(KINDS) and len(KINDS) >= 32 + len(ISSUE_12_KINDS)
    assert set(SLOW_KINDS) <= set(KINDS)
    (slow,) = [KINDS[k](tmp_path) for k in SLOW_KINDS]
    pdf = pypdfium2.PdfDocument(slow.paths[0])
    try:
        assert len(pdf) == 500
    finally:
        pdf.close()
