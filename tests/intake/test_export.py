"""The export contract: keys, field shape, and merged documents left out."""

from __future__ import annotations

import io
import json
from datetime import date

from intake.config import Settings
from intake.export import EXPORT_KEYS, write_jsonl
from intake.pipeline import open_database
from models import schema
from models.db import session_scope


def test_export_lines_follow_the_contract_and_skip_merged_documents(settings: Settings) -> None:
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
    out = io.StringIO()
    with session_scope(factory) as s:
        assert write_jsonl(s, out) == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["pages"] for r in rows] == [[1, 2], [3]]
    for r in rows:
        assert tuple(r) == EXPORT_KEYS
        assert r["fields"] == {"nombre": None, "nss": "92919084431", "telefono": None,
                               "correo": None, "curp": None, "unidad": None, "servicio": None}
        assert r["source"] == "caja/a.pdf" and r["confidence"] == 0.9
