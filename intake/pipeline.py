"""The ingest pipeline: discover -> hash -> Dask workers (OCR, split, propose) -> one writer."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from tqdm import tqdm

from classifier.training import load_or_train
from intake import deadlines, mail, notices, store
from intake._dask import dask_client, run_bounded
from intake.analyze import OcrOptions
from intake.batch_report import FileReport, IngestReport
from intake.batch_task import FileResult, process_file
from intake.config import Settings, ensure_dirs
from intake.discovery import Candidate, discover, shown
from intake.errors import os_reason
from intake.links import LinkContext, link_context, refresh_links
from intake.workflow import store_proposal
from models import schema
from models.db import (
    make_engine,
    make_sessionmaker,
    migrate,
    require_current,
    session_scope,
)
from ocr import rapid
from ocr.digits import DigitModels
from ocr.engine import TesseractEngine

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from ocr.engine import OcrEngine, SymbolEngine

__all__ = ["FileReport", "IngestReport", "default_workers", "ingest_paths", "open_database"]

log = logging.getLogger(__name__)

_KNOWN_CHUNK = 500  # digests looked up per query
# A task that failed on the cluster itself (its worker died with it, three times).
CLUSTER_FAILED = "falló la lectura del archivo en el clúster"
# Said after the reason of a file quarantined for a cause that may pass.
WILL_RETRY = "se volverá a leer en la próxima ingesta"


def open_database(settings: Settings, *, migrate_schema: bool = True
                  ) -> sessionmaker[Session]:
    """Migrate the configured database and return a session factory whose sessions keep
    each document's next deadline (intake.deadlines).

    With `migrate_schema` False the database is only checked to be at the latest schema
    (MigrationError, in Spanish, otherwise): for a process beside the one that migrates.
    """
    ensure_dirs(settings)
    engine = make_engine(settings.database_url)
    if migrate_schema:
        migrate(engine)
    else:
        require_current(engine)
    factory = make_sessionmaker(engine)
    deadlines.attach(factory, settings)
    return factory


def default_workers() -> int:
    """One single-threaded Dask worker per core."""
    return max(1, os.cpu_count() or 1)


def _hash_file(path: os.PathLike[str]) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _plan(cands: list[Candidate], factory: sessionmaker[Session], report: IngestReport,
          retry_all: bool = False) -> tuple[list[tuple[Candidate, str]], set[str]]:
    """The files still to ingest, by SHA-256, and which of them are in quarantine already.

    Known ones (an earlier, perhaps interrupted, run or another station) and repeats within
    this batch are reported as `repetido`; except quarantined files, read again when their
    cause may have passed (or every one of them with `retry_all`).
    """
    hashed: list[tuple[Candidate, str]] = []
    for c in cands:
        try:
            hashed.append((c, _hash_file(c.path)))
        except OSError as e:
            report.files.append(FileReport(c.given_as, "cuarentena",
                                           reason=f"no se pudo leer el archivo: {os_reason(e)}"))
    known: set[str] = set()
    retry: set[str] = set()
    digests = sorted({d for _c, d in hashed})
    source = schema.SourceFile
    with session_scope(factory) as session:
        for i in range(0, len(digests), _KNOWN_CHUNK):
            for digest, status, transient in session.execute(
                    select(source.sha256, source.status, source.transient).where(
                        source.sha256.in_(digests[i:i + _KNOWN_CHUNK]))):
                if status == "cuarentena" and (transient or retry_all):
                    retry.add(digest)
                else:
                    known.add(digest)
    todo: list[tuple[Candidate, str]] = []
    for c, digest in hashed:
        if digest in known:
            report.files.append(FileReport(c.given_as, "repetido"))
        else:
            known.add(digest)
            todo.append((c, digest))
    return todo, retry


def _tasks(todo: list[tuple[Candidate, str]], options: OcrOptions, unit: str | None,
           report: IngestReport
           ) -> Iterator[tuple[tuple[Candidate, bytes, str], tuple[Any, ...]]]:
    """Read each file only when its task is submitted: bytes travel to the workers."""
    for cand, digest in todo:
        try:
            data = cand.path.read_bytes()
        except OSError as e:
            report.files.append(FileReport(cand.given_as, "cuarentena",
                                           reason=f"no se pudo leer el archivo: {os_reason(e)}"))
            continue
        actual = store.sha256_bytes(data)
        if actual != digest:  # changed since it was hashed: it is what we read now
            log.warning("file changed while the batch ran; using its current content")
            digest = actual
        yield (cand, data, digest), (data, shown(cand.path.name), digest, options, unit)


def ingest_paths(paths: list[str], settings: Settings, *, unit: str | None = None,
                 workers: int = 1, scheduler: str | None = None,
                 received_on: date | None = None,
                 notify: Callable[[str], None] = lambda _m: None,
                 show_progress: bool = False, window: int | None = None,
                 on_file: Callable[[int, int], None] = lambda _d, _t: None,
                 factory: sessionmaker[Session] | None = None,
                 retry_quarantined: bool = False,
                 engine_factory: Callable[[], OcrEngine] | None = None,
                 second_factory: Callable[[], SymbolEngine] | None = None) -> IngestReport:
    """Ingest files and folders on Dask; bad files go to quarantine and the rest goes on.

    Args:
        workers: size of the LocalCluster started when no `scheduler` is given.
        scheduler: address of an existing Dask scheduler (e.g. tcp://10.0.0.5:8786).
        window: tasks in flight at once (default: twice the workers); bounds memory.
        on_file: called with (files done, files to read) after each file is stored; files
            stored by an earlier run are not counted in either.
        factory: sessions on a database already migrated (the review app's, migrated at
            its start-up); None migrates the configured one first (a `buzon` command).
        retry_quarantined: read again every quarantined file met, damaged ones too (those
            quarantined for a cause that may pass are read again on every run).
        engine_factory: makes the OCR engine for each file, where it is read (on a Dask
            worker it arrives pickled: a class, a module-level function or a
            functools.partial of one); None: Tesseract in the settings' language, with
            their timeout on every call. Tests pass a fake.
        second_factory: makes the second recognizer of identifier regions, the same way;
            None: RapidOCR when the settings' segundo_lector is on and no `engine_factory`
            is given (a fake engine's pages get no second reading unless asked).

    A single pending file runs in this process without a cluster. Each file's rows commit
    in one transaction, so an interrupted run resumes where it stopped when started again.
    """
    if second_factory is None and engine_factory is None and settings.segundo_lector:
        rapid.check_installed()  # asked for: a Spanish error before anything is done
        second_factory = rapid.RapidEngine
    if factory is None:
        factory = open_database(settings)
    else:
        ensure_dirs(settings)
    model = load_or_train(settings.models_dir, settings.profile, notify)
    links = link_context(settings.profile)
    unit = unit or settings.default_unit
    received_on = received_on or date.today()
    found = discover(paths)
    report = IngestReport(skipped=found.skipped, missing=found.missing,
                          links_out=found.links_out, unreadable=found.unreadable,
                          not_regular=found.not_regular)
    options = OcrOptions(settings.max_image_pixels, engine_factory or partial(
        TesseractEngine, lang=settings.tesseract_lang, timeout=settings.tesseract_timeout),
        second_factory)
    digits = DigitModels(settings.models_dir)
    todo, retry = _plan(found.files, factory, report, retry_quarantined)
    if todo:  # the workers load the digit model from models_dir: never train it there
        digits.keep()
    use_cluster = bool(scheduler) or len(todo) > 1
    bar = tqdm(total=len(todo), unit="archivo", desc="Ingresando", disable=not show_progress,
               dynamic_ncols=True)
    pages, files_before = 0, len(report.files)
    with dask_client(workers, scheduler) if use_cluster else nullcontext() as client:
        if client is not None:
            report.workers = len(client.scheduler_info()["workers"])
        started = time.monotonic()
        window = window or 2 * max(1, report.workers)
        # The classifier and the digit model go to each worker once, and a worker keeps
        # them for all its files: it loads the digit model from models_dir once.
        for outcome in run_bounded(client, process_file, _tasks(todo, options, unit, report),
                                   window=window, shared=(model, digits)):
            cand, data, digest = outcome.item
            result: FileResult | None = outcome.result
            if outcome.error is not None:
                result = FileResult(digest, "desconocido", error=CLUSTER_FAILED,
                                    failure=type(outcome.error).__name__, transient=True)
            assert result is not None
            if result.failure:  # the type only: a message may quote file names or text
                log.error("file task failed: %s", result.failure)
            t_write = time.monotonic()
            report.files.append(_write(factory, settings, cand, data, result, unit,
                                       received_on, report, links, retrying=digest in retry))
            report.writing_seconds += time.monotonic() - t_write
            pages += len(result.pages)
            elapsed = time.monotonic() - started
            bar.set_postfix_str(f"{pages} págs, {pages / elapsed:.2f} págs/s", refresh=False)
            bar.update(1)
            on_file(len(report.files) - files_before, len(todo))
        report.reading_seconds = time.monotonic() - started
    bar.close()
    if settings.correo_activo:  # urgent alerts go now; failures wait for `buzon avisos`
        with session_scope(factory) as session:
            mail.deliver_due(session, settings)
    report.seconds = time.monotonic() - report.started
    return report


def _write(factory: sessionmaker[Session], settings: Settings, cand: Candidate, data: bytes,
           result: FileResult, unit: str | None, received_on: date,
           report: IngestReport, links: LinkContext | None = None, *,
           retrying: bool = False) -> FileReport:
    """The single writer: one file's rows in one transaction (all of them or none).

    A file read again (`retrying`) replaces its quarantine row, in the same transaction.
    """
    try:
        with session_scope(factory) as session:
            if retrying:  # a quarantined file has no documents: its row alone goes
                session.execute(delete(schema.SourceFile).where(
                    schema.SourceFile.sha256 == result.digest,
                    schema.SourceFile.status == "cuarentena"))
            if result.error:
                _add_quarantined(session, settings, cand, data, result, unit)
                log.info("file quarantined: %s", result.error)
                reason = f"{result.error}; {WILL_RETRY}" if result.transient else result.error
                return FileReport(cand.given_as, "cuarentena", reason=reason,
                                  retried=retrying)
            _add_documents(session, settings, cand, data, result, unit, received_on,
                           links or LinkContext())
    except IntegrityError:
        # Another station sharing the database stored the same file meanwhile.
        log.info("file stored meanwhile by another run; skipped")
        return FileReport(cand.given_as, "repetido")
    if retrying:
        store.release_quarantine(settings, result.digest)
    for d in result.documents:
        report.by_type[d.proposal.type] += 1
        report.by_route[d.proposal.route] += 1
    return FileReport(cand.given_as, "nuevo", documents=len(result.documents),
                      pages=len(result.pages),
                      notes=[f"página {p.page_no}: {n}" for p in result.pages for n in p.notes],
                      unread=[(p.page_no, p.error or "") for p in result.pages if p.error],
                      retried=retrying)


def _add_quarantined(session: Session, settings: Settings, cand: Candidate, data: bytes,
                     result: FileResult, unit: str | None) -> None:
    rel = store.quarantine(settings, data, result.digest, cand.given_as, result.error or "")
    session.add(schema.SourceFile(
        sha256=result.digest, source_path=cand.given_as, stored_path=rel, size=len(data),
        file_kind=result.file_kind, unit=unit, status="cuarentena",
        error=result.error, transient=result.transient))
    session.flush()


def _add_documents(session: Session, settings: Settings, cand: Candidate, data: bytes,
                   result: FileResult, unit: str | None, received_on: date,
                   links: LinkContext) -> None:
    """Original, pages, documents, proposals and duplicate links of one file. Files on disk
    are written first and by content, so a run killed before the commit leaves nothing
    half-done."""
    digest = result.digest
    rel = store.store_original(settings, data, digest, result.file_kind)
    source = schema.SourceFile(sha256=digest, source_path=cand.given_as, stored_path=rel,
                               size=len(data), file_kind=result.file_kind, unit=unit,
                               page_count=len(result.pages))
    session.add(source)
    urgent: list[schema.Document] = []
    stored = []
    for d in result.documents:
        group = d.group
        doc = schema.Document(source_file=source, pages=group.page_numbers, kind=d.kind,
                              unit=d.unit, received_on=received_on)
        store_proposal(doc, group.pages, d.proposal)
        session.add(doc)
        if doc.urgent:
            urgent.append(doc)
        stored.append(doc)
        for page, why in zip(group.pages, group.reasons, strict=True):
            image_rel = (store.save_page_image(settings, digest, page.page_no, page.image_png)
                         if page.image_png else None)
            doc.page_rows.append(schema.Page(
                page_no=page.page_no, image_path=image_rel, width=page.width,
                height=page.height, method=page.method, confidence=page.confidence,
                rotation=page.rotation, is_blank=page.is_blank, text=page.text,
                ocr=page.to_dict(), boundary_reason=why, read_error=page.error))
    session.flush()
    for doc in stored:  # policy 5.9: checked against what is already stored, in order
        refresh_links(session, doc, links)
    for doc in urgent:  # the machine flagged it: the unit's supervisors hear at once
        notices.alert_urgent(session, doc, settings)
