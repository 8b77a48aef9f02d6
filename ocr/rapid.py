"""A second recognizer for identifier regions: RapidOCR's PP-OCRv6 line model (optional).

The recognizer is the ONNX model shipped inside the `rapidocr` wheel, run with onnxruntime
(the one module that imports it). Only the packaged file is opened, by its path, and its
character list is in the model's metadata: nothing is downloaded, ever. It reads one line
(a region's crop) in one forward pass; the per-frame probabilities are restricted to the
characters the identifier can hold (the whitelist Tesseract's re-read gets), and each
character keeps the alternatives its frames saw, as Tesseract's choice iterator gives them.

It is an `ocr.engine.SymbolEngine` that reads every identifier region again
(`ocr.identifiers.read_identifiers`); the classifier takes its value where Tesseract's is
not valid and makes a doubt where the two disagree. On handwriting-style pages it reads
identifiers Tesseract misses, in about 0.7 of the time of Tesseract's re-read of the same
regions, about 1% of the pages' whole read (bench/second_reader.py).
"""

from __future__ import annotations

import logging
import math
import threading
import unicodedata
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from ocr.errors import EngineError
from ocr.types import Symbol

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

log = logging.getLogger(__name__)

REC_MODEL = "PP-OCRv6_rec_small.onnx"
HEIGHT = 48  # the model's input height
MIN_WIDTH = 320  # the model's trained input width; narrower lines are padded to it
ALTERNATIVES = 6  # per character, at most
MIN_ALTERNATIVE = 0.005  # alternatives less likely than this are dropped
NOT_INSTALLED = ("el segundo lector (RapidOCR) no está instalado: instálelo con "
                 "scripts/setup.sh o desactive la opción segundo_lector")


def model_path() -> Path:
    """The recognizer shipped in the installed `rapidocr` wheel (found, not imported:
    importing rapidocr would load its own configuration and downloader, unused here).

    Raises:
        EngineError: rapidocr is not installed (or ships no such model).
    """
    spec = find_spec("rapidocr")
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "models" / REC_MODEL
        if path.is_file():
            return path
    raise EngineError(NOT_INSTALLED)


def check_installed() -> None:
    """Make sure the second reader can run here (rapidocr's model and onnxruntime).

    Raises:
        EngineError: either is missing (in Spanish, with how to install them).
    """
    model_path()
    try:
        import onnxruntime  # noqa: F401
    except ImportError as e:
        raise EngineError(NOT_INSTALLED) from e


_local = threading.local()


def _session(path: Path, threads: int) -> tuple[InferenceSession, list[str]]:
    """This thread's loaded model and its characters (index 0 is CTC's blank)."""
    cache: dict[tuple[str, int], tuple[Any, list[str]]] = _local.__dict__.setdefault(
        "sessions", {})
    key = (str(path), threads)
    if key not in cache:
        try:
            import onnxruntime as ort
        except ImportError as e:
            raise EngineError(NOT_INSTALLED) from e
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 4
        try:
            session = ort.InferenceSession(str(path), sess_options=opts,
                                           providers=["CPUExecutionProvider"])
            chars = session.get_modelmeta().custom_metadata_map["character"].splitlines()
        except Exception as e:  # noqa: BLE001 - onnxruntime raises its own, untyped errors
            raise EngineError(f"no se pudo cargar el segundo lector (RapidOCR): {e}") from e
        # rapidocr decodes with a blank first and a space last around the model's list
        cache[key] = (session, ["", *chars, " "])
        log.debug("rapidocr recognizer loaded (%d characters)", len(chars))
    return cache[key]


class RapidEngine:
    """RapidOCR's line recognizer behind `SymbolEngine`; picklable, loaded per thread.

    Args:
        threads: onnxruntime's threads for one line. One by default: pages are read one
            per worker process, as Tesseract is.
    """

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def __repr__(self) -> str:
        return f"RapidEngine(threads={self.threads!r})"

    def image_to_symbols(self, image: np.ndarray, *, psm: int,
                         whitelist: str | None = None) -> list[Symbol]:
        """The line's characters, each with its alternatives among `whitelist`.

        `image` is one line (a crop), grayscale or RGB; it is given to the model as RGB.
        `psm` is Tesseract's and means nothing here: the model reads one line. Boxes are the
        characters' columns in `image` (the model's frames), spanning its full height.
        """
        del psm
        session, chars = _session(model_path(), self.threads)
        rgb = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB) if image.ndim == 2 else image
        h, w = rgb.shape[:2]
        if h < 2 or w < 2:
            return []
        width = max(1, math.ceil(HEIGHT * w / h))
        line = cv2.resize(rgb, (width, HEIGHT)).astype(np.float32)
        x = np.zeros((1, 3, HEIGHT, max(width, MIN_WIDTH)), dtype=np.float32)
        x[0, :, :, :width] = (line.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
        try:
            probs = np.asarray(session.run(None, {session.get_inputs()[0].name: x})[0][0])
        except Exception as e:  # noqa: BLE001 - onnxruntime raises its own, untyped errors
            raise EngineError(f"el segundo lector (RapidOCR) falló: {e}") from e
        keep = [0] + [i for i, c in enumerate(chars) if c and (whitelist is None
                                                                or c in whitelist)]
        sub = probs[:, keep]
        sub = sub / np.maximum(sub.sum(axis=1, keepdims=True), 1e-9)
        # frames cover the padded width; a frame's column in the image:
        scale = x.shape[3] / len(probs) * w / width
        return _symbols(sub, [chars[i] for i in keep], scale, h)


def _symbols(sub: np.ndarray, chars: list[str], scale: float, height: int) -> list[Symbol]:
    """Greedy CTC decoding; each character's alternatives are its frames' mean
    distribution over the allowed characters (the blank left out)."""
    best = sub.argmax(axis=1)
    out: list[Symbol] = []
    t = 0
    while t < len(best):
        k = int(best[t])
        if k == 0:
            t += 1
            continue
        end = t
        while end + 1 < len(best) and best[end + 1] == k:
            end += 1
        dist = sub[t:end + 1, 1:].mean(axis=0)
        dist = dist / max(float(dist.sum()), 1e-9)
        order = np.argsort(dist)[::-1][:ALTERNATIVES]
        alts = _plain([(chars[i + 1], float(dist[i])) for i in order
                       if dist[i] >= MIN_ALTERNATIVE])
        box = (int(t * scale), 0, int(math.ceil((end + 1) * scale)), height)
        out.append(Symbol(alts[0][0], round(100 * alts[0][1], 1), box, alts))
        t = end + 1
    return out


def _plain(alternatives: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The alternatives in their plain forms (NFKC: the model also reads the fullwidth
    "（" and "３" of Asian scripts), the probabilities of forms that become one summed,
    most likely first."""
    merged: dict[str, float] = {}
    for ch, p in alternatives:
        plain = unicodedata.normalize("NFKC", ch)
        merged[plain] = merged.get(plain, 0.0) + p
    return sorted(((ch, round(p, 4)) for ch, p in merged.items()), key=lambda a: -a[1])
