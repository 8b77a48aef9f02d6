"""The ingest pipeline: discover -> store original -> OCR -> split -> propose -> database."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from tqdm import tqdm

from classifier.model import Classifier, load_or_train
from classifier.propose import propose
from intake import store
from intake.analyze import FileAnalysis, OcrOptions, analyze_task
from intake.config import Settings, ensure_dirs
from intake.discovery import Candidate, discover
from intake.split import DocumentGroup, split_pages
from models import schema
from models.db import make_engine, make_sessionmaker, migrate, session_scope

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from classifier.types import Proposal

log = logging.getLogger(__name__)


@dataclass
class FileReport:
    given_as: str
    status: str  # nuevo | repetido | cuarentena
    documents: int = 0
    pages: int = 0
    reason: str | None = None


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    by_type: Counter[str] = field(default_factory=Counter)
    by_route: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "cuarentena"]

    @property
    def documents(self) -> int:
        return sum(f.documents for f in self.files)


def open_database(settings: Settings) -> sessionmaker[Session]:
    """Migrate the configured database and return a session factory."""
    ensure_dirs(settings)
    engine = make_engine(settings.database_url)
    migrate(engine)
    return make_sessionmaker(engine)


def _read_candidates(cands: list[Candidate]) -> Iterator[tuple[Candidate, bytes | None, str]]:
    for c in cands:
        try:
            yield c, c.path.read_bytes(), ""
        except OSError as e:
            yield c, None, f"no se pudo leer el archivo: {e.strerror or e}"


def _analyses(jobs: list[tuple[bytes, str, OcrOptions]], workers: int
              ) -> Iterator[FileAnalysis]:
    """Analyses in submission order; in worker processes when more than one is asked for."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(analyze_task, jobs)
        return
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(analyze_task, jobs)


def ingest_paths(paths: list[str], settings: Settings, *, unit: str | None = None,
                 workers: int = 1, received_on: date | None = None,
                 notify: Callable[[str], None] = lambda _m: None,
                 show_progress: bool = False) -> IngestReport:
    """Ingest files and folders; bad files go to quarantine and the rest goes on."""
    factory = open_database(settings)
    model = load_or_train(settings.models_dir, notify)
    unit = unit or settings.default_unit
    received_on = received_on or date.today()
    found = discover(paths)
    report = IngestReport(skipped=[str(p) for p in found.skipped], missing=found.missing)
    options = OcrOptions(settings.tesseract_lang, settings.tesseract_timeout,
                         settings.max_image_pixels)

    pending: list[tuple[Candidate, bytes, str]] = []
    with session_scope(factory) as session:
        for cand, data, err in _read_candidates(found.files):
            if data is None:
                report.files.append(FileReport(cand.given_as, "cuarentena", reason=err))
                continue
            digest = store.sha256_bytes(data)
            known = session.scalar(select(schema.SourceFile).where(
                schema.SourceFile.sha256 == digest))
            if known is not None or any(d == digest for _c, _b, d in pending):
                report.files.append(FileReport(cand.given_as, "repetido"))
                continue
            pending.append((cand, data, digest))

    jobs = [(data, cand.path.name, options) for cand, data, _d in pending]
    bar = tqdm(total=len(jobs), unit="archivo", desc="Ingresando", disable=not show_progress)
    for (cand, data, digest), analysis in zip(pending, _analyses(jobs, workers), strict=True):
        with session_scope(factory) as session:
            if analysis.error:
                rel = store.quarantine(settings, data, digest, cand.given_as, analysis.error)
                session.add(schema.SourceFile(
                    sha256=digest, source_path=cand.given_as, stored_path=rel, size=len(data),
                    file_kind=analysis.file_kind, unit=unit, status="cuarentena",
                    error=analysis.error))
                report.files.append(FileReport(cand.given_as, "cuarentena",
                                               reason=analysis.error))
                log.info("file quarantined: %s", analysis.error)
            else:
                report.files.append(_store_file(session, settings, model, cand, data, digest,
                                                analysis, unit, received_on, report))
        bar.update(1)
    bar.close()
    return report


def _store_file(session: Session, settings: Settings, model: Classifier, cand: Candidate,
                data: bytes, digest: str, analysis: FileAnalysis, unit: str | None,
                received_on: date, report: IngestReport) -> FileReport:
    """Write one file's original, pages and documents (one transaction, by the caller)."""
    rel = store.store_original(settings, data, digest, analysis.file_kind)
    source = schema.SourceFile(sha256=digest, source_path=cand.given_as, stored_path=rel,
                               size=len(data), file_kind=analysis.file_kind, unit=unit,
                               page_count=len(analysis.pages))
    session.add(source)
    groups = split_pages(analysis.pages)
    for group in groups:
        doc_unit, proposal = _propose_group(group, model, unit)
        kind = refine_kind(group, proposal)
        doc = schema.Document(
            source_file=source, pages=group.page_numbers, kind=kind, unit=doc_unit,
            received_on=received_on, text=group.text, type=proposal.type,
            fields=dict(proposal.fields), missing=list(proposal.missing), route=proposal.route,
            urgent=proposal.urgent, urgent_reason=proposal.urgent_reason,
            needs_review=proposal.needs_review, status="pendiente")
        session.add(doc)
        for page in group.pages:
            image_rel = (store.save_page_image(settings, digest, page.page_no, page.image_png)
                         if page.image_png else None)
            doc.page_rows.append(schema.Page(
                page_no=page.page_no, image_path=image_rel, width=page.width,
                height=page.height, method=page.method, confidence=page.confidence,
                rotation=page.rotation, is_blank=page.is_blank, text=page.text,
                ocr=page.to_dict()))
        doc.proposals.append(schema.Proposal(
            model_version=proposal.model_version, type=proposal.type,
            confidence=proposal.confidence, scores=proposal.scores, fields=proposal.fields,
            spans={k: vars(v) for k, v in proposal.spans.items()}, missing=proposal.missing,
            route=proposal.route, route_reason=proposal.route_reason, urgent=proposal.urgent,
            urgent_reason=proposal.urgent_reason, needs_review=proposal.needs_review))
        report.by_type[proposal.type] += 1
        report.by_route[proposal.route] += 1
    return FileReport(cand.given_as, "nuevo", documents=len(groups),
                      pages=len(analysis.pages))


def _propose_group(group: DocumentGroup, model: Classifier, unit: str | None
                   ) -> tuple[str | None, Proposal]:
    """The proposal for one document; a volante's QR unit overrides the box's unit."""
    first = group.pages[0]
    form_fields: dict[str, str] | None = None
    checked: list[str] = []
    if first.volante is not None:
        vol = first.volante
        if vol.qr and vol.qr.get("unit"):
            unit = vol.qr["unit"]
        form_fields = {k: f.value for k, f in vol.fields.items() if f.value.strip()}
        checked = vol.checked_types
    proposal = propose(group.text, model, form_fields=form_fields, checked=checked, unit=unit)
    return unit, proposal


def refine_kind(group: DocumentGroup, proposal: Proposal) -> str:
    """volante and blank pages keep their kind; a non-petition with little text is 'otro'."""
    if group.kind != "escrito_libre":
        return group.kind
    words = len(group.text.split())
    if proposal.type == "no_peticion" and words < 25:
        return "otro"
    return "escrito_libre"


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))
