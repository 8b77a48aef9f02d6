"""Fake OCR engines for pipeline tests, in a module Dask workers can import
(tests.intake.fake_engines): `ingest_paths(..., engine_factory=partial(ScriptedPages, ...))`."""

from __future__ import annotations

from typing import Any

from ocr.errors import EngineError
from ocr.identifiers import LINE_PSM
from ocr.types import Word

TIMEOUT = "Tesseract excedió el tiempo límite de 120 s"


class ScriptedPages:
    """Reads a file's pages in order: the n-th full-page read answers the n-th text of the
    script (its lines as the engine's lines, every word at confidence 95, so that each page
    is read once, upright); a None entry fails as a Tesseract timeout does.

    The factory makes one per file, so every file of a batch reads the same script.
    """

    def __init__(self, script: tuple[str | None, ...]) -> None:
        self.script = script
        self.reads = 0

    def image_to_data(self, image: Any, *, psm: int, whitelist: str | None = None
                      ) -> list[Word]:
        if psm == LINE_PSM:  # a line of a short page read again: the script is the page's
            return []
        text = self.script[self.reads]
        self.reads += 1
        if text is None:
            raise EngineError(TIMEOUT)
        return [Word(word, 95.0, (100 + 80 * i, 100 + 50 * n, 170 + 80 * i, 140 + 50 * n),
                     line=n, block=1)
                for n, line in enumerate(text.splitlines()) for i, word in enumerate(line.split())]

    def osd(self, image: Any) -> int:
        raise AssertionError("every page reads upright: OSD is never needed")
