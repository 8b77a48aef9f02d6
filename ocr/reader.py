"""The reader context: what reading a page needs, passed in rather than found in globals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ocr.digits import DigitModels
from ocr.template import load_template

if TYPE_CHECKING:
    from ocr.engine import OcrEngine, SymbolEngine
    from ocr.template import FormTemplate

VOLANTE_TEMPLATE = "volante_v1"  # the bundled template of our printed volante


@dataclass(frozen=True)
class Reader:
    """The engine, the volante template and the handwritten-digit model that read pages.

    Every reading function (`ocr.read`, `ocr.volante`, `ocr.zones`, `ocr.identifiers`)
    takes it, or the part it needs, as a parameter: a test reads with a fake engine, and two
    readers in one process share nothing. Plain and picklable when its engine is.
    """

    engine: OcrEngine
    template: FormTemplate
    digits: DigitModels  # loaded on first use: most pages never need it
    # A second recognizer for identifier regions (ocr.rapid.RapidEngine), or None.
    second: SymbolEngine | None = None

    @classmethod
    def of(cls, engine: OcrEngine, digits: DigitModels | None = None,
           template: str = VOLANTE_TEMPLATE, second: SymbolEngine | None = None) -> Reader:
        """A reader with `engine`, the bundled volante template (or a zones file's path),
        `digits` (None: a model trained in memory on first use, ~10 s) and, optionally, a
        `second` recognizer that reads every identifier region again."""
        return cls(engine, load_template(template),
                   digits if digits is not None else DigitModels(), second)
