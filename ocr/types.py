"""Plain data passed out of the OCR layer (picklable, no ORM, no numpy in results)."""

from __future__ import annotations

from collections.abc import Mapping
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
class Symbol:
    """One character of a constrained re-read, with the alternatives the recognizers saw."""

    text: str
    confidence: float  # 0..100: the probability of `text` among `alternatives`
    box: Box
    # (character, probability 0..1), best first; the engine's choices, fused with the
    # handwritten-digit model's for doubtful digits.
    alternatives: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class IdentifierRead:
    """A place on the page where an NSS, a phone or an e-mail seems written.

    `kind` comes from the label before it ("nss", "telefono", "correo") or, without one,
    from its shape ("numero": a run of digits; "correo": an @-like token). `symbols` is
    the region read again with the characters such a value can hold; empty when the
    engine cannot give alternatives.
    """

    kind: str
    label: str  # the label as read ("NSS", "Cel.", "correo"), "" when there is none
    box: Box  # the value's region (the label excluded)
    text: str  # the value as the page read it
    confidence: float  # 0..100: the page read's mean word confidence over the region
    symbols: list[Symbol] = field(default_factory=list)
    # For numbers: the region cut into characters (connected ink), each read by the
    # handwritten-digit model; a second reading, independent of Tesseract's.
    segmented: list[Symbol] = field(default_factory=list)
    # The region read by the reader's second recognizer (ocr.rapid), when it has one.
    second: list[Symbol] = field(default_factory=list)


@dataclass
class FieldRead:
    """A value read from one zone of a form."""

    value: str
    confidence: float  # 0..100
    box: Box
    legible: bool = True  # False when the engine is unsure: a person should read the crop
    words: list[Word] = field(default_factory=list)  # boxes in page pixels, like `box`
    # Per character, what else it could be: the digit model's probabilities on a digit row,
    # the engine's choices on the e-mail field (ocr.identifiers searches them).
    symbols: list[Symbol] = field(default_factory=list)
    # On a digit row without a check digit, the engine's own read of the same boxes (one
    # Symbol per box, in page pixels): a second opinion the digit model's reading must
    # agree with. Empty when the engine could not give exactly one digit per filled box.
    reread: list[Symbol] = field(default_factory=list)
    # The digit row or the e-mail field read by the reader's second recognizer (one Symbol
    # per box on a row, as `reread`), when it has one.
    second: list[Symbol] = field(default_factory=list)


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
    # Where identifiers seem written in running text, read again (ocr.identifiers).
    identifiers: list[IdentifierRead] = field(default_factory=list)
    # Spanish reason when the page could not be read (the engine timed out or failed):
    # the page is kept, its image shown, for a person to read; the rest of the file goes on.
    error: str | None = None
    # A handwritten page's last lines as the second recognizer read them (ocr.closing):
    # the signature read again. Empty when Tesseract read them surely.
    closing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (without the image) for storage."""
        from dataclasses import asdict

        d = asdict(self)
        d.pop("image_png", None)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PageRead:
        """The reading back from `to_dict`'s form (as stored, JSON lists for tuples), the
        image left out. Keys a reading stored by an earlier version lacks take their
        defaults, so every stored page can be proposed again."""
        volante = d.get("volante")
        return cls(
            page_no=int(d.get("page_no", 0)), text=str(d.get("text") or ""),
            confidence=float(d.get("confidence") or 0.0),
            method=d.get("method") or "tesseract", rotation=int(d.get("rotation") or 0),
            skew=float(d.get("skew") or 0.0), is_blank=bool(d.get("is_blank")),
            width=int(d.get("width") or 0), height=int(d.get("height") or 0),
            words=[_word(w) for w in d.get("words") or ()],
            volante=_volante(volante) if volante else None,
            notes=[str(n) for n in d.get("notes") or ()],
            identifiers=[_identifier(i) for i in d.get("identifiers") or ()],
            error=d.get("error"), closing=[str(t) for t in d.get("closing") or ()])


def _box(value: Any) -> Box:
    x0, y0, x1, y1 = (int(v) for v in value)
    return (x0, y0, x1, y1)


def _word(d: Mapping[str, Any]) -> Word:
    return Word(str(d.get("text", "")), float(d.get("confidence", 0.0)), _box(d["box"]),
                int(d.get("line", 0)), int(d.get("block", 0)))


def _symbol(d: Mapping[str, Any]) -> Symbol:
    return Symbol(str(d.get("text", "")), float(d.get("confidence", 0.0)), _box(d["box"]),
                  [(str(c), float(p)) for c, p in d.get("alternatives") or ()])


def _identifier(d: Mapping[str, Any]) -> IdentifierRead:
    return IdentifierRead(
        kind=str(d.get("kind", "")), label=str(d.get("label", "")), box=_box(d["box"]),
        text=str(d.get("text", "")), confidence=float(d.get("confidence", 0.0)),
        symbols=[_symbol(s) for s in d.get("symbols") or ()],
        segmented=[_symbol(s) for s in d.get("segmented") or ()],
        second=[_symbol(s) for s in d.get("second") or ()])


def _volante(d: Mapping[str, Any]) -> VolanteRead:
    return VolanteRead(
        template=str(d.get("template", "")), qr=d.get("qr"),
        checkboxes={k: CheckboxRead(c["state"], float(c.get("fill_ratio", 0.0)),
                                    _box(c["box"]))
                    for k, c in (d.get("checkboxes") or {}).items()},
        fields={k: FieldRead(str(f.get("value", "")), float(f.get("confidence", 0.0)),
                             _box(f["box"]), bool(f.get("legible", True)),
                             [_word(w) for w in f.get("words") or ()],
                             [_symbol(s) for s in f.get("symbols") or ()],
                             [_symbol(s) for s in f.get("reread") or ()],
                             [_symbol(s) for s in f.get("second") or ()])
                for k, f in (d.get("fields") or {}).items()})
