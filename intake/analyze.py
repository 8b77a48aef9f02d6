"""Read one file into pages: the pure, picklable OCR step that Dask workers run."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ocr import digits
from ocr.engine import TesseractEngine
from ocr.errors import EngineError, UnreadableImageError
from ocr.loading import load_file, sniff_kind
from ocr.read import read_page
from ocr.types import PageRead

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OcrOptions:
    lang: str = "spa"
    timeout: float = 120.0
    max_pixels: int = 150_000_000
    # Where the handwritten-digit model is cached, so each worker process loads it instead
    # of training its own (about 10 s of CPU); None keeps it in memory only.
    model_cache: str | None = None


@dataclass
class FileAnalysis:
    """What OCR made of one file; `error` (Spanish) is set when it cannot be read."""

    file_kind: str
    pages: list[PageRead] = field(default_factory=list)
    error: str | None = None
    # The engine failed (timed out, crashed, has no language data), not the file: the file
    # is quarantined until the next run reads it again.
    transient: bool = False


def analyze_file(data: bytes, filename: str, options: OcrOptions) -> FileAnalysis:
    """Load every page of a file and read it. Never raises for a bad file: reports it."""
    if options.model_cache:
        digits.configure(Path(options.model_cache))
    kind = sniff_kind(data)
    try:
        images = load_file(data, filename, max_pixels=options.max_pixels)
    except UnreadableImageError as e:
        return FileAnalysis(kind, error=str(e))
    engine = TesseractEngine(lang=options.lang, timeout=options.timeout)
    pages: list[PageRead] = []
    for image in images:
        try:
            pages.append(read_page(image, engine))
        except EngineError as e:
            log.warning("page %d of a %s file could not be read: %s", image.page_no, kind, e)
            return FileAnalysis(kind, error=f"página {image.page_no}: {e}", transient=True)
    return FileAnalysis(kind, pages)
