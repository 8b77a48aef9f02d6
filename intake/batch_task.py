"""The work one batch task does on a worker: bytes in, pages, documents and proposals out."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from intake.analyze import OcrOptions, analyze_file
from intake.split import DocumentGroup, split_pages
from intake.workflow import propose_document, refine_kind
from ocr.loading import sniff_kind

if TYPE_CHECKING:
    from classifier.model import Classifier
    from classifier.types import Proposal
    from ocr.digits import DigitModels
    from ocr.types import PageRead

log = logging.getLogger(__name__)

# A file that made our own code or a library fail in a way nobody foresaw.
UNEXPECTED = "el archivo no se pudo leer (falla inesperada del lector)"
OUT_OF_MEMORY = "no hubo memoria suficiente para leer el archivo"


@dataclass
class DocumentResult:
    """One proposed document: its pages as read, the machine's proposal and final kind."""

    group: DocumentGroup
    proposal: Proposal
    kind: str
    unit: str | None


@dataclass
class FileResult:
    """What a worker made of one file. Plain data only (STYLE.md: no ORM on workers)."""

    digest: str
    file_kind: str
    pages: list[PageRead] = field(default_factory=list)
    documents: list[DocumentResult] = field(default_factory=list)
    error: str | None = None  # Spanish reason: the file goes to quarantine
    failure: str | None = None  # the exception type when the task itself failed (a bug)
    # The cause may pass (memory, a lost worker, an engine timeout): the next run retries.
    transient: bool = False


def process_file(data: bytes, filename: str, digest: str, options: OcrOptions,
                 unit: str | None, model: Classifier, digits: DigitModels) -> FileResult:
    """OCR every page, split into documents and propose each. Never raises.

    `model` and `digits` are the worker's own (the pipeline sends them to each worker once);
    the engine is made for this file by `options.engine_factory`.

    A task that raised would have Dask's worker print the traceback, with the task's
    arguments (the file's name), on the user's terminal, in English: the file is
    quarantined instead, and only the exception's type travels back to be logged.
    """
    try:
        return _process(data, filename, digest, options, unit, model, digits)
    except MemoryError:  # this worker was short of memory at this moment, perhaps no other
        return FileResult(digest, sniff_kind(data), error=OUT_OF_MEMORY, failure="MemoryError",
                          transient=True)
    except Exception as e:  # noqa: BLE001 - one file's surprise must not stop the batch
        return FileResult(digest, sniff_kind(data), error=UNEXPECTED, failure=type(e).__name__)


def _process(data: bytes, filename: str, digest: str, options: OcrOptions,
             unit: str | None, model: Classifier, digits: DigitModels) -> FileResult:
    analysis = analyze_file(data, filename, options, options.reader(digits))
    if analysis.error:
        return FileResult(digest, analysis.file_kind, error=analysis.error,
                          transient=analysis.transient)
    docs = []
    for group in split_pages(analysis.pages):
        proposed = propose_document(group.pages, model, unit)
        docs.append(DocumentResult(group, proposed.proposal,
                                   refine_kind(group, proposed.proposal), proposed.unit))
    return FileResult(digest, analysis.file_kind, analysis.pages, docs)

