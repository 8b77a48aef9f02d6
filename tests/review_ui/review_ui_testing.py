"""Helpers shared by the review_ui tests (a module, since tests/ has no packages)."""

from __future__ import annotations

import hashlib
import io
import random
import re
from collections import defaultdict
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from classifier.corpus import CorpusItem, split
from classifier.model import Classifier
from classifier.profile import Profile
from classifier.training import item_samples, profile_items, train
from intake.config import Settings
from ocr.engine import words_to_text
from ocr.identifiers import from_volante
from ocr.types import CheckboxRead, FieldRead, PageRead, Symbol, VolanteRead, Word
from review_ui import create_app

TODAY = date(2026, 11, 20)
PASSWORD = "clave-segura-123"
VALID_NSS = "92919084431"


def build_app(settings: Settings, **config: Any) -> Flask:
    """The app in test mode, CSRF off unless asked, with 'today' pinned to TODAY."""
    return create_app(settings, {"TESTING": True, "WTF_CSRF_ENABLED": False, "TODAY": TODAY,
                                 **config})


def login(client: FlaskClient, username: str = "ana", password: str = PASSWORD) -> Any:
    return client.post("/auth/login", data={"username": username, "password": password})


def csrf_token_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


_SMALL_MODELS: dict[str, Classifier] = {}


def small_model(profile: Profile) -> Classifier:
    """A classifier of `profile` trained on a few corpus texts per type, once per test run:
    merges and splits propose through the real workflow (intake.workflow) without paying
    for the whole corpus's training."""
    if profile.code not in _SMALL_MODELS:
        per_type: dict[str, list[CorpusItem]] = defaultdict(list)
        for item in split(profile_items(profile))[0]:
            if len(per_type[item.type]) < 8:
                per_type[item.type].append(item)
        samples = item_samples([i for items in per_type.values() for i in items],
                               random.Random(0), profile, copies=1, hints=False)
        _SMALL_MODELS[profile.code] = Classifier(train(samples, profile), profile)
    return _SMALL_MODELS[profile.code]


def words_of(lines: list[str], *, x: int = 100, y: int = 100, block: int = 0) -> list[Word]:
    """Words laid out line by line from (x, y), as the OCR returns them (boxes in pixels)."""
    words = []
    for n, line in enumerate(lines):
        left, top = x, y + 40 * n
        for token in line.split():
            words.append(Word(token, 90.0, (left, top, left + 16 * len(token), top + 30),
                              line=n, block=block))
            left += 16 * len(token) + 16
    return words


def page_png(width: int = 1240, height: int = 1754) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (width, height), 250).save(buf, format="PNG")
    return buf.getvalue()


def volante_page(page_no: int, *, name: str, nss: str, description: list[str],
                 unit: str = "UMF 20") -> PageRead:
    """A volante read as `ocr.read` reads one (150 dpi): its QR unit, the "queja" box
    marked, the name in its box, the NSS in its digit row (the digit model's alternatives,
    sure ones) and the description's words, which are the page's text."""
    desc_words = words_of(description, x=100, y=930)
    text = words_to_text(desc_words)
    digits = [Symbol(d, 96.0, (366 + 56 * i, 543, 413 + 56 * i, 602), [(d, 0.96), ("7", 0.04)])
              for i, d in enumerate(nss)]
    fields = {
        "nombre": FieldRead(name, 88.0, (307, 461, 1169, 520)),
        "nss": FieldRead(nss, 96.0, (366, 543, 1000, 602), symbols=digits),
        "descripcion": FieldRead(text, 85.0, (94, 921, 1146, 1394), words=desc_words),
    }
    vol = VolanteRead("volante-v1", {"form": "volante-v1", "unit": unit},
                      checkboxes={"queja": CheckboxRead("marcado", 0.4, (130, 342, 160, 372)),
                                  "sugerencia": CheckboxRead("vacio", 0.01,
                                                             (342, 342, 372, 372))},
                      fields=fields)
    return PageRead(page_no=page_no, text=text, confidence=85.0, method="volante",
                    width=1240, height=1754, words=desc_words, volante=vol,
                    image_png=page_png(), identifiers=from_volante(vol))


def letter_page(page_no: int, lines: list[str]) -> PageRead:
    """A handwritten page read whole: its words and the text they make."""
    words = words_of(lines)
    return PageRead(page_no=page_no, text=words_to_text(words), confidence=80.0,
                    method="tesseract", width=1240, height=1754, words=words,
                    image_png=page_png())


def ingest_read_pages(app: Flask, settings: Settings, groups: list[list[PageRead]], *,
                      unit: str = "UMF 20", name: str = "caja.pdf") -> list[int]:
    """Store pages already read through the ingest writer (`intake.pipeline`), grouped
    into documents as given, each proposed by the workflow as a worker does; returns the
    documents' ids in order."""
    from sqlalchemy import select

    from intake.batch_report import IngestReport
    from intake.batch_task import DocumentResult, FileResult
    from intake.discovery import Candidate
    from intake.links import link_context
    from intake.pipeline import _write
    from intake.split import DocumentGroup
    from intake.workflow import propose_document, refine_kind
    from models.schema import Document, SourceFile

    data = f"%PDF-1.4 {name}".encode()
    digest = hashlib.sha256(data).hexdigest()
    model = app.extensions["buzon_model"]
    docs = []
    for pages in groups:
        group = DocumentGroup("volante" if pages[0].volante else "escrito_libre", pages,
                              ["primera página"] * len(pages))
        proposed = propose_document(group.pages, model, unit)
        docs.append(DocumentResult(group, proposed.proposal,
                                   refine_kind(group, proposed.proposal), proposed.unit))
    result = FileResult(digest, "pdf", [p for g in groups for p in g], docs)
    report = _write(app.extensions["buzon_sessionmaker"], settings,
                    Candidate(settings.data_dir / name, name), data, result, unit, TODAY,
                    IngestReport(), link_context(settings.profile))
    assert report.status == "nuevo", report
    with app.extensions["buzon_sessionmaker"]() as s:
        source = s.scalar(select(SourceFile.id).where(SourceFile.sha256 == digest))
        return list(s.scalars(select(Document.id).where(Document.source_file_id == source)
                              .order_by(Document.id)))
