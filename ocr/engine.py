"""The OCR engine behind a small Protocol; the one module that imports tesserocr.

Tesseract runs in-process through its C API (tesserocr): the language model is loaded
once per thread and kept, where the command line reloads it on every call (~0.25 s each,
paid per field on a volante and per pass on a page). Orientation detection (OSD) runs in a
helper process of the same module, kept per thread: in-process it holds the interpreter
lock and takes no timeout, so only a process can be stopped when it runs too long.
"""

from __future__ import annotations

import logging
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PIL import Image

from ocr.errors import EngineError
from ocr.types import Symbol, Word

if TYPE_CHECKING:
    from types import ModuleType

    import numpy as np
    import tesserocr

log = logging.getLogger(__name__)

DIGITS = "0123456789"
# Below this OSD orientation confidence the answer is a guess (sparse or handwritten pages):
# callers then fall back to their own test.
OSD_MIN_CONF = 2.0
# Where Debian, Ubuntu and Fedora put the language data, newest first.
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata")
_LIST_LANGS_DIR = re.compile(r'"([^"]+)"')


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


@runtime_checkable
class SymbolEngine(Protocol):
    """An engine that also tells, per character, which other characters it considered."""

    def image_to_symbols(self, image: np.ndarray, *, psm: int,
                         whitelist: str | None = None) -> list[Symbol]:
        """Characters in reading order, each with its alternatives (probabilities 0..1)."""
        ...


@lru_cache(maxsize=1)
def _installed_tessdata() -> str | None:
    """The tessdata folder of the installed `tesseract` (it names it in --list-langs)."""
    exe = shutil.which("tesseract")
    if exe is not None:
        try:
            out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True,
                                 timeout=30, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        found = _LIST_LANGS_DIR.search(out.splitlines()[0] if out else "")
        if found and Path(found.group(1)).is_dir():
            return found.group(1)
    return next((d for d in TESSDATA_DIRS if Path(d).is_dir()), None)


def tessdata_dir() -> str:
    """Folder holding the *.traineddata files (TESSDATA_PREFIX wins when set)."""
    path = os.environ.get("TESSDATA_PREFIX") or _installed_tessdata()
    if not path or not Path(path).is_dir():
        raise EngineError("no se encontraron los datos de idioma de Tesseract (tessdata); "
                          "instale tesseract-ocr y tesseract-ocr-spa")
    return path.rstrip("/") + "/"


class TesseractEngine:
    """Tesseract 5 in-process, with a timeout on every recognition.

    Picklable (Dask ships it to workers): the loaded APIs live per thread, not in the
    instance, and are created on first use.

    Args:
        threads: Tesseract's own OpenMP threads. One by default: ours run one page per
            worker process, and its threads would fight the other workers for the cores
            (a documented 10x+ slowdown). It holds for the whole process (see `_tesserocr`).
    """

    def __init__(self, lang: str = "spa", timeout: float = 120.0, threads: int = 1) -> None:
        self.lang = lang
        self.timeout = timeout
        self.threads = threads

    def __repr__(self) -> str:
        return (f"TesseractEngine(lang={self.lang!r}, timeout={self.timeout!r}, "
                f"threads={self.threads!r})")

    def image_to_data(self, image: np.ndarray, *, psm: int,
                      whitelist: str | None = None) -> list[Word]:
        api = _api(tessdata_dir(), self.lang, self.threads)
        api.SetPageSegMode(int(psm))
        api.SetVariable("tessedit_char_whitelist", whitelist or "")
        api.SetImage(Image.fromarray(image))
        try:
            done = api.Recognize(timeout=max(1, round(self.timeout * 1000)))
        except RuntimeError as e:
            raise EngineError(f"Tesseract falló (image_to_data): {e}") from e
        if not done:
            api.Clear()
            raise EngineError(f"Tesseract excedió el tiempo límite de {self.timeout:g} s")
        words = _tsv_words(api.GetTSVText(0))
        api.Clear()
        return words

    def image_to_symbols(self, image: np.ndarray, *, psm: int,
                         whitelist: str | None = None) -> list[Symbol]:
        """One recognition keeping the LSTM's alternatives for every character.

        Tesseract's choice confidences (0..100) are not a distribution: each symbol's are
        normalised to sum to 1, so a close second choice lowers the first one's share.
        """
        api = _api(tessdata_dir(), self.lang, self.threads)
        api.SetPageSegMode(int(psm))
        api.SetVariable("tessedit_char_whitelist", whitelist or "")
        api.SetVariable("lstm_choice_mode", "2")  # per-symbol alternatives
        api.SetImage(Image.fromarray(image))
        try:
            done = api.Recognize(timeout=max(1, round(self.timeout * 1000)))
            symbols = _symbols(api, _tesserocr(self.threads)) if done else None
        except RuntimeError as e:
            raise EngineError(f"Tesseract falló (image_to_symbols): {e}") from e
        finally:
            api.SetVariable("lstm_choice_mode", "0")
            api.Clear()
        if symbols is None:
            raise EngineError(f"Tesseract excedió el tiempo límite de {self.timeout:g} s")
        return symbols

    def osd(self, image: np.ndarray) -> int:
        found = _osd_helper().detect(image, self.timeout)
        if found is None:
            raise EngineError("Tesseract no informó la orientación")
        orient_deg, orient_conf = found
        if orient_conf < OSD_MIN_CONF:
            raise EngineError("Tesseract no está seguro de la orientación")
        # orient_deg is how far the image is turned clockwise; undoing it turns it back.
        if orient_deg not in (0, 90, 180, 270):
            raise EngineError("Tesseract informó una orientación inválida")
        return (360 - orient_deg) % 360


def _tesserocr(threads: int) -> ModuleType:
    """tesserocr, imported on first use with Tesseract's OpenMP threads capped at `threads`.

    The OpenMP runtime reads OMP_THREAD_LIMIT once, when the library loads, and Tesseract
    asks for its threads explicitly (so no later call can lower them): the limit is set just
    before that import and holds for the process. The first engine to read fixes it; an
    engine asking for another limit later is warned.
    """
    if "tesserocr" not in sys.modules:
        os.environ["OMP_THREAD_LIMIT"] = str(threads)
    elif os.environ.get("OMP_THREAD_LIMIT") != str(threads):
        log.warning("Tesseract already loaded with OMP_THREAD_LIMIT=%s; %d threads not applied",
                    os.environ.get("OMP_THREAD_LIMIT"), threads)
    import tesserocr

    return tesserocr


_local = threading.local()


def _api(path: str, lang: str, threads: int) -> tesserocr.PyTessBaseAPI:
    """This thread's loaded API for `lang` (one Tesseract instance is not thread-safe)."""
    tr = _tesserocr(threads)
    cache: dict[tuple[str, str], tesserocr.PyTessBaseAPI] = _local.__dict__.setdefault(
        "apis", {})
    api = cache.get((path, lang))
    if api is None:
        psm = tr.PSM.OSD_ONLY if lang == "osd" else tr.PSM.AUTO
        try:
            api = tr.PyTessBaseAPI(path=path, lang=lang, psm=psm)
        except RuntimeError as e:
            raise EngineError(f"Tesseract no pudo cargar el idioma {lang!r} desde {path}") from e
        cache[(path, lang)] = api
        log.debug("tesseract %s loaded (%s)", lang, tr.tesseract_version().split()[1])
    return api


CHOICE_FLOOR = 1.0  # a listed choice scored 0 still counts this much (of 100)


def _symbols(api: tesserocr.PyTessBaseAPI, tr: ModuleType) -> list[Symbol]:
    level = tr.RIL.SYMBOL
    out: list[Symbol] = []
    iterator = api.GetIterator()
    if iterator is None:
        return out
    for r in tr.iterate_level(iterator, level):
        try:
            text = r.GetUTF8Text(level)
        except RuntimeError:  # an empty symbol ("No text returned")
            continue
        box = r.BoundingBox(level)
        if not text or box is None:
            continue
        scores: dict[str, float] = {}
        for choice in r.GetChoiceIterator():
            ch = choice.GetUTF8Text()
            if ch and ch not in scores:
                scores[ch] = max(float(choice.Confidence()), CHOICE_FLOOR)
        scores.setdefault(text, max(float(r.Confidence(level)), CHOICE_FLOOR))
        total = sum(scores.values())
        alternatives = sorted(((c, v / total) for c, v in scores.items()),
                              key=lambda cv: cv[1], reverse=True)
        out.append(Symbol(text=text, confidence=round(100 * dict(alternatives)[text], 1),
                          box=tuple(int(v) for v in box),  # type: ignore[arg-type]
                          alternatives=[(c, round(p, 4)) for c, p in alternatives]))
    return out


_OSD_HEADER = struct.Struct(">III")  # height, width, channels of the uint8 pixels that follow


class _OsdHelper:
    """A child process (`python -m ocr.engine`) that answers OSD requests over pipes.

    One per thread, started on first use and again after a timeout killed it; it ends by
    itself when its stdin closes (this process exited or dropped it).
    """

    def __init__(self, command: list[str] | None = None) -> None:
        self._command = command  # None: this module's helper loop (tests pass a stub)
        self._proc: subprocess.Popen[bytes] | None = None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            command = self._command or [sys.executable, "-m", "ocr.engine", tessdata_dir()]
            try:
                self._proc = subprocess.Popen(command, stdin=subprocess.PIPE,
                                              stdout=subprocess.PIPE,
                                              stderr=subprocess.DEVNULL)
            except OSError as e:
                raise EngineError("no se pudo iniciar la detección de orientación") from e
        return self._proc

    def detect(self, image: np.ndarray, timeout: float) -> tuple[int, float] | None:
        """(orient_deg, orient_conf) from Tesseract, None when it found no answer.

        Raises:
            EngineError: past `timeout` seconds (the helper is killed) or if it died.
        """
        proc = self._started()
        assert proc.stdin is not None and proc.stdout is not None
        h, w = image.shape[:2]
        channels = 1 if image.ndim == 2 else image.shape[2]
        try:
            proc.stdin.write(_OSD_HEADER.pack(h, w, channels)
                             + image.astype("uint8", copy=False).tobytes())
            proc.stdin.flush()
            ready, _w, _x = select.select([proc.stdout], [], [], timeout)
            line = proc.stdout.readline() if ready else None
        except OSError as e:
            self.close()
            raise EngineError("la detección de orientación terminó inesperadamente") from e
        if line is None:
            self.close()
            raise EngineError(f"Tesseract excedió el tiempo límite de {timeout:g} s al "
                              "detectar la orientación")
        parts = line.split()
        if not parts:  # it died on this page
            self.close()
            raise EngineError("la detección de orientación terminó inesperadamente")
        if parts[0] != b"ok":
            return None
        return int(parts[1]), float(parts[2])

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    pipe.close()

    def __del__(self) -> None:
        self.close()


def _osd_helper() -> _OsdHelper:
    helper: _OsdHelper | None = getattr(_local, "osd", None)
    if helper is None:
        helper = _local.osd = _OsdHelper()
    return helper


def _serve_osd(path: str) -> None:
    """The helper's loop: pixels in on stdin, "ok DEG CONF" or "none" out on stdout."""
    import numpy as np

    api = _api(path, "osd", 1)  # this process only detects orientation: one thread
    read, write = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = read.read(_OSD_HEADER.size)
        if len(header) < _OSD_HEADER.size:
            return  # the parent is gone
        h, w, channels = _OSD_HEADER.unpack(header)
        pixels = np.frombuffer(read.read(h * w * channels), dtype=np.uint8)
        image = pixels.reshape((h, w) if channels == 1 else (h, w, channels))
        api.SetImage(Image.fromarray(image))
        found = api.DetectOrientationScript()
        api.Clear()
        if found:
            write.write(f"ok {int(found.get('orient_deg', -1))} "
                        f"{float(found.get('orient_conf', 0.0))}\n".encode())
        else:
            write.write(b"none\n")
        write.flush()


def _tsv_words(tsv: str) -> list[Word]:
    """Tesseract's TSV as Words; `line` numbers lines in reading order, from 0.

    Columns: level page block par line word left top width height conf text.
    """
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for row in tsv.splitlines():
        cols = row.split("\t", 11)
        if len(cols) < 12 or not cols[0].isdigit():
            continue
        text = cols[11].strip()
        try:
            conf = float(cols[10])
        except ValueError:
            conf = -1.0
        if not text or conf < 0:
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        line = line_ids.setdefault(key, len(line_ids))
        x, y, w, h = (int(c) for c in cols[6:10])
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


if __name__ == "__main__":  # the OSD helper (see _OsdHelper)
    _serve_osd(sys.argv[1])
