"""Read one file into pages: the pure, picklable OCR step that Dask workers run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ocr.engine import TesseractEngine
from ocr.errors import OcrError, UnreadableImageError
from ocr.loading import iter_pages, sniff_kind
from ocr.read import read_page, unread_page
from ocr.reader import Reader
from ocr.types import PageRead

if TYPE_CHECKING:
    from ocr.digits import DigitModels
    from ocr.engine import OcrEngine, SymbolEngine
    from ocr.types import PageImage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OcrOptions:
    """How a file is read; travels with each task to the worker that reads it."""

    max_pixels: int = 150_000_000
    # Makes the engine where the file is read. On a Dask worker it arrives pickled with the
    # task: a class, a module-level function or a functools.partial of one.
    engine_factory: Callable[[], OcrEngine] = TesseractEngine
    # Makes the second recognizer of identifier regions (ocr.rapid.RapidEngine), or None.
    second_factory: Callable[[], SymbolEngine] | None = None

    def reader(self, digits: DigitModels) -> Reader:
        """The reader context for one file: a new engine, the volante template, `digits`
        and the second recognizer, if any."""
        second = self.second_factory() if self.second_factory is not None else None
        return Reader.of(self.engine_factory(), digits, second=second)


@dataclass
class FileAnalysis:
    """What OCR made of one file; `error` (Spanish) is set when it cannot be read."""

    file_kind: str
    pages: list[PageRead] = field(default_factory=list)
    error: str | None = None
    # The engine failed (timed out, crashed, has no language data), not the file: the file
    # is quarantined until the next run reads it again.
    transient: bool = False


def analyze_file(data: bytes, filename: str, options: OcrOptions,
                 reader: Reader) -> FileAnalysis:
    """Read every page of a file with `reader`, one page in memory at a time. Never raises
    for a bad file: reports it.

    Pages are decoded one by one and each is dropped once read: what is kept of a page is
    its PageRead (text, boxes, a 150 dpi PNG), never its pixels, so a file of hundreds of
    pages needs the memory of one. A page the engine fails on (a timeout, a crash) is kept
    as unread, with its reason and its image, and the rest of the file goes on; only when
    no page at all could be read is the file quarantined, as a cause that may pass (the
    engine, not the file, is then at fault).
    """
    kind = sniff_kind(data)
    try:
        images = iter_pages(data, filename, max_pixels=options.max_pixels)
    except UnreadableImageError as e:
        return FileAnalysis(kind, error=str(e))
    pages: list[PageRead] = []
    try:
        for image in images:
            pages.append(_read(image, reader, kind))
            del image  # its pixels go before the next page is decoded
    except UnreadableImageError as e:  # a page found broken only when it was reached
        return FileAnalysis(kind, error=str(e))
    finally:
        images.close()
    if pages and all(p.error for p in pages):
        first = pages[0]
        return FileAnalysis(kind, error=f"página {first.page_no}: {first.error}",
                            transient=True)
    return FileAnalysis(kind, pages)


def _read(image: PageImage, reader: Reader, kind: str) -> PageRead:
    try:
        return read_page(image, reader)
    except UnreadableImageError:
        raise
    except OcrError as e:  # the engine timed out or failed on this page: the page waits
        log.warning("page %d of a %s file could not be read: %s", image.page_no, kind,
                    type(e).__name__)
        return unread_page(image, str(e))
