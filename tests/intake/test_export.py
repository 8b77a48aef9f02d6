"""The export contract: keys, field shape, merged documents left out, and its audit."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import select

from intake.cli import main
from intake.config import Settings
from intake.export import EXPORT_KEYS, write_jsonl
from intake.pipeline import open_database
from models import schema
from models.db import session_scope


def _three_documents(settings: Settings) -> None:
    factory = open_database(settings)
    with session_scope(factory) as s:
        src = schema.SourceFile(sha256="b" * 64, source_path="caja/a.pdf",
                                stored_path="originales/bb/b.pdf", size=1, file_kind="pdf")
        for pages, status in (([1, 2], "confirmado"), ([], "fusionado"), ([3], "pendiente")):
            doc = schema.Document(source_file=src, pages=pages, kind="escrito_libre",
                                  received_on=date(2026, 11, 20), type="gestion",
                                  route="registrar", status=status,
                                  fields={"nss": "92919084431"}, text="texto")
            doc.proposals.append(schema.Proposal(
                model_version="m", type="gestion", confidence=0.9,
                scores={"gestion": 0.9, "orientacion": 0.1}, route="registrar"))
            s.add(doc)


def test_export_lines_follow_the_contract_and_skip_merged_documents(settings: Settings) -> None:
    _three_documents(settings)
    factory = open_database(settings)
    out = io.StringIO()
    with session_scope(factory) as s:
        assert write_jsonl(s, out) == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["pages"] for r in rows] == [[1, 2], [3]]
    for r in rows:
        assert tuple(r) == EXPORT_KEYS
        assert r["fields"] == {"nombre": None, "nss": "92919084431", "telefono": None,
                               "correo": None, "curp": None, "unidad": None, "servicio": None,
                               "domicilio": None, "personal_involucrado": None}
        assert r["source"] == "caja/a.pdf" and r["confidence"] == 0.9

    with session_scope(factory) as s:  # a library call names no actor: nothing audited
        assert s.scalars(select(schema.AuditEvent)).all() == []
    assert [r["duplicates"] for r in rows] == [[], []]


def test_export_lines_carry_the_duplicate_links(settings: Settings) -> None:
    """GIVEN a document linked to an imported SIADE petition and to an earlier document
    WHEN exported THEN its line lists both links, the repeat first."""
    _three_documents(settings)
    factory = open_database(settings)
    with session_scope(factory) as s:
        first, _merged, last = s.scalars(select(schema.Document).order_by(
            schema.Document.id)).all()
        old = schema.PetitionHistory(source="siade", folio="2026/7",
                                     registered_on=date(2026, 11, 1))
        last.duplicate_links += [
            schema.DuplicateLink(other_document=first, kind="relacionada", score=0.7,
                                 similarity=0.1, reason="Mismo NSS."),
            schema.DuplicateLink(history=old, kind="repeticion", score=0.9, similarity=0.8,
                                 reason="Mismo NSS, texto 0.80 similar.",
                                 status="confirmado")]
    out = io.StringIO()
    with session_scope(factory) as s:
        write_jsonl(s, out)
        first_id = s.scalars(select(schema.Document.id).order_by(schema.Document.id)).first()
    line = [json.loads(x) for x in out.getvalue().splitlines()][-1]
    assert line["duplicates"] == [
        {"kind": "repeticion", "status": "confirmado", "score": 0.9, "similarity": 0.8,
         "reason": "Mismo NSS, texto 0.80 similar.", "document": None,
         "history": {"source": "siade", "folio": "2026/7"}},
        {"kind": "relacionada", "status": "propuesto", "score": 0.7, "similarity": 0.1,
         "reason": "Mismo NSS.", "document": first_id, "history": None}]


def test_buzon_export_is_audited_as_the_system(
        settings: Settings, cli_env: Callable[[Settings], Settings], tmp_path: Path) -> None:
    """GIVEN documents WHEN `buzon export` runs THEN one audit event with no reviewer
    account, the command as actor, and the ids it covered (issue 12, item 16)."""
    _three_documents(settings)
    cli_env(settings)
    assert main(["export", "--out", str(tmp_path / "x.jsonl")]) == 0
    ids = [json.loads(line)["id"] for line in (tmp_path / "x.jsonl").read_text().splitlines()]
    with session_scope(open_database(settings)) as s:
        [event] = s.scalars(select(schema.AuditEvent)).all()
        assert (event.action, event.user_id, event.document_id) == ("exportar", None, None)
        assert event.detail["actor"].startswith("sistema: buzon export (")
        assert (event.detail["documentos"], event.detail["primer_id"],
                event.detail["ultimo_id"]) == (2, ids[0], ids[-1])
