"""Plain data passed out of the OCR layer (picklable, no ORM, no numpy in results)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the page as stored (after rotation)


@dataclass
class PageImage:
    """One page to read: pixels (grayscale or RGB uint8) and, for digital PDFs, its text layer."""

    pixels: np.ndarray
    page_no: int  # 1-based page number inside its source file
    dpi: int = 300
    text_layer: str | None = None  # text of a digital PDF page; None where it has none
    notes: list[str] = field(default_factory=list)  # Spanish: what loading did to the page


@dataclass
class Word:
    text: str
    confidence: float  # 0..100 as Tesseract reports it
    box: Box
    line: int = 0  # line number in reading order within one engine call (for line breaks)
    block: int = 0  # the engine's block number (paragraph breaks)


@dataclass
class FieldRead:
    """A value read from one zone of a form."""

    value: str
    confidence: float  # 0..100
    box: Box
    legible: bool = True  # False when the engine is unsure: a person should read the crop
    words: list[Word] = field(default_factory=list)  # boxes in page pixels, like `box`


@dataclass
class CheckboxRead:
    state: Literal["marcado", "vacio", "ambiguo"]
    fill_ratio: float
    box: Box


@dataclass
class VolanteRead:
    template: str
    qr: dict[str, str] | None  # {"form": ..., "unit": ...} when the QR code was read
    checkboxes: dict[str, CheckboxRead] = field(default_factory=dict)
    fields: dict[str, FieldRead] = field(default_factory=dict)

    @property
    def checked_types(self) -> list[str]:
        return [k for k, c in self.checkboxes.items() if c.state == "marcado"]


@dataclass
class PageRead:
    """The result of reading one page."""

    page_no: int
    text: str
    confidence: float  # mean word confidence, 0..100 (100 for a text layer)
    method: Literal["text_layer", "tesseract", "volante"]
    rotation: int = 0  # degrees clockwise applied to make the page upright
    skew: float = 0.0  # degrees corrected by deskew
    is_blank: bool = False
    width: int = 0
    height: int = 0
    words: list[Word] = field(default_factory=list)
    volante: VolanteRead | None = None
    image_png: bytes | None = None  # the cleaned, upright page the boxes refer to
    # Spanish notes for the reviewer and the summary (e.g. a text layer cut to size).
    notes: list[str] = field(default_factory=list)
    # Spanish reason when the page could not be read (the engine timed out or failed):
    # the page is kept, its image shown, for a person to read; the rest of the file goes on.
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (without the image) for storage."""
        from dataclasses import asdict

        d = asdict(self)
        d.pop("image_png", None)
        return d
