"""The OCR engine behind a small Protocol; the one module that imports pytesseract."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

import pytesseract
from PIL import Image

from ocr.errors import EngineError
from ocr.types import Word

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

# Tesseract's own OpenMP threads fight the page-level workers (a documented 10x+ slowdown);
# pytesseract's subprocess inherits os.environ, so this is set once, here.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

DIGITS = "0123456789"
# Below this OSD orientation confidence the answer is a guess (sparse or handwritten pages):
# callers then fall back to their own test.
OSD_MIN_CONF = 2.0

T = TypeVar("T")


@runtime_checkable
class OcrEngine(Protocol):
    """What the OCR layer needs from an engine; tests pass fakes, recorders or crashers."""

    def image_to_data(self, image: np.ndarray, *, psm: int,
                      whitelist: str | None = None) -> list[Word]:
        """Words (with boxes in `image` pixels, confidences 0..100 and line ids)."""
        ...

    def osd(self, image: np.ndarray) -> int:
        """Degrees clockwise (0, 90, 180, 270) to turn `image` upright.

        Raises:
            EngineError: the engine cannot tell (too little text) or failed.
        """
        ...


class TesseractEngine:
    """Tesseract 5 through pytesseract, with a timeout on every call."""

    def __init__(self, lang: str = "spa", timeout: float = 120.0,
                 extra_config: str = "") -> None:
        self.lang = lang
        self.timeout = timeout
        self.extra_config = extra_config

    def __repr__(self) -> str:
        return f"TesseractEngine(lang={self.lang!r}, timeout={self.timeout!r})"

    def _call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, timeout=self.timeout, **kwargs)
        except pytesseract.TesseractNotFoundError as e:
            raise EngineError("Tesseract no está instalado o no está en el PATH") from e
        except pytesseract.TesseractError as e:
            log.debug("tesseract %s failed: status %s", what, e.status)
            detail = " ".join(str(e.message).split())[-160:]
            raise EngineError(f"Tesseract falló ({what}): {detail}".strip()) from e
        except RuntimeError as e:  # pytesseract signals its timeout this way
            if "timeout" in str(e).lower():
                raise EngineError(
                    f"Tesseract excedió el tiempo límite de {self.timeout:g} s ({what})") from e
            raise EngineError(f"Tesseract falló ({what})") from e
        except (OSError, ValueError) as e:
            raise EngineError(f"Tesseract falló ({what}): {type(e).__name__}") from e

    def image_to_data(self, image: np.ndarray, *, psm: int,
                      whitelist: str | None = None) -> list[Word]:
        config = f"--psm {int(psm)} {self.extra_config}".strip()
        if whitelist:
            config += f" -c tessedit_char_whitelist={whitelist}"
        data = self._call("image_to_data", pytesseract.image_to_data, Image.fromarray(image),
                          lang=self.lang, config=config,
                          output_type=pytesseract.Output.DICT)
        return _words(data)

    def osd(self, image: np.ndarray) -> int:
        data = self._call("osd", pytesseract.image_to_osd, Image.fromarray(image),
                          config="--psm 0", output_type=pytesseract.Output.DICT)
        try:
            rotate = int(data["rotate"]) % 360
        except (KeyError, TypeError, ValueError) as e:
            raise EngineError("Tesseract no informó la orientación") from e
        if rotate not in (0, 90, 180, 270):
            raise EngineError("Tesseract informó una orientación inválida")
        if float(data.get("orientation_conf", 0.0)) < OSD_MIN_CONF:
            raise EngineError("Tesseract no está seguro de la orientación")
        return rotate


def _words(data: dict[str, list]) -> list[Word]:
    """Tesseract's TSV as Words; `line` numbers lines in reading order, from 0."""
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for i, text in enumerate(data.get("text", [])):
        text = (text or "").strip()
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            conf = -1.0
        if not text or conf < 0:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line = line_ids.setdefault(key, len(line_ids))
        x, y = int(data["left"][i]), int(data["top"][i])
        w, h = int(data["width"][i]), int(data["height"][i])
        words.append(Word(text=text, confidence=conf, box=(x, y, x + w, y + h), line=line,
                          block=key[0]))
    return words


def words_to_text(words: list[Word]) -> str:
    """Text with the engine's line breaks kept; a blank line between blocks."""
    out: list[str] = []
    current: list[str] = []
    last_line: int | None = None
    last_block: int | None = None
    for w in words:
        if last_line is not None and w.line != last_line:
            out.append(" ".join(current))
            current = []
            if w.block != last_block:
                out.append("")
        current.append(w.text)
        last_line, last_block = w.line, w.block
    if current:
        out.append(" ".join(current))
    return "\n".join(out)


def mean_confidence(words: list[Word]) -> float:
    """Mean word confidence weighted by word length (0 when there are no words)."""
    total = sum(len(w.text) for w in words)
    if not total:
        return 0.0
    return sum(w.confidence * len(w.text) for w in words) / total
