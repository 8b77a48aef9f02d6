"""The Tesseract wrapper: failures become EngineError, words keep their lines."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from ocr_testing import CrashingEngine, text_page

from common.errors import ExitCode
from ocr.engine import OcrEngine, TesseractEngine, mean_confidence, words_to_text
from ocr.errors import EngineError, OcrError
from ocr.read import read_page
from ocr.reader import Reader
from ocr.types import PageImage, Word

_LOADS = textwrap.dedent("""
    import logging, os, sys
    import numpy as np
    from ocr.engine import TesseractEngine
    logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="%(message)s")
    print("loaded before reading:", "tesserocr" in sys.modules)
    blank = np.full((40, 120), 255, np.uint8)
    TesseractEngine(threads=1).image_to_data(blank, psm=7)
    print("limit:", os.environ["OMP_THREAD_LIMIT"])
    TesseractEngine(threads=3).image_to_data(blank, psm=7)
""")


@pytest.mark.tesseract
def test_tesseract_loads_with_the_engines_thread_limit(tesseract_engine):
    """GIVEN a fresh process with no OMP_THREAD_LIMIT WHEN an engine asking for one thread
    reads first THEN Tesseract is loaded only then, under OMP_THREAD_LIMIT=1 (its OpenMP
    threads would fight the page workers), and a later engine asking for three is warned
    that the limit of the process stands."""
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    env["PYTHONPATH"] = str(root)
    out = subprocess.run([sys.executable, "-c", _LOADS], env=env, cwd=root, text=True,
                         capture_output=True, timeout=120, check=True).stdout.splitlines()
    assert out[:2] == ["loaded before reading: False", "limit: 1"]
    assert out[2:] == ["Tesseract already loaded with OMP_THREAD_LIMIT=1; 3 threads not applied"]


def test_fakes_satisfy_the_protocol():
    assert isinstance(CrashingEngine(), OcrEngine)
    assert isinstance(TesseractEngine(), OcrEngine)


def test_words_to_text_keeps_lines_and_blocks():
    words = [Word("Hola", 90, (0, 0, 1, 1), line=0, block=1),
             Word("IMSS", 80, (0, 0, 1, 1), line=0, block=1),
             Word("segunda", 70, (0, 0, 1, 1), line=1, block=1),
             Word("otro", 60, (0, 0, 1, 1), line=2, block=2)]
    assert words_to_text(words) == "Hola IMSS\nsegunda\n\notro"
    assert words_to_text([]) == ""


def test_mean_confidence_weights_long_words():
    words = [Word("a", 0, (0, 0, 1, 1)), Word("bbbbbbbbb", 100, (0, 0, 1, 1))]
    assert mean_confidence(words) == pytest.approx(90.0)
    assert mean_confidence([]) == 0.0


def test_crashing_engine_surfaces_as_engine_error_from_read_page():
    page = PageImage(pixels=np.asarray(text_page(dpi=100)), page_no=1, dpi=100)
    engine = CrashingEngine()
    with pytest.raises(EngineError) as info:
        read_page(page, Reader.of(engine))
    assert isinstance(info.value, OcrError)
    assert info.value.exit_code == ExitCode.OCR_ENGINE
    assert engine.calls >= 1


def test_missing_language_data_is_an_engine_error(monkeypatch, tmp_path):
    blank = np.full((50, 50), 255, np.uint8)
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "no_existe"))
    with pytest.raises(EngineError, match="tesseract-ocr-spa"):
        TesseractEngine().image_to_data(blank, psm=6)
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # a folder without spa.traineddata
    with pytest.raises(EngineError, match="no pudo cargar el idioma"):
        TesseractEngine().image_to_data(blank, psm=6)


@pytest.mark.tesseract
def test_engine_pickles_without_its_loaded_model(tesseract_engine):
    import pickle

    img = np.asarray(text_page(["Farmacia sin medicamento"], dpi=150))
    before = [w.text for w in tesseract_engine.image_to_data(img, psm=6)]
    copy = pickle.loads(pickle.dumps(tesseract_engine))  # what Dask does to ship it
    assert [w.text for w in copy.image_to_data(img, psm=6)] == before
    assert "Farmacia" in before


@pytest.mark.tesseract
def test_unknown_language_is_an_engine_error(tesseract_engine):
    engine = TesseractEngine(lang="zzz_no_existe", timeout=30)
    with pytest.raises(EngineError):
        engine.image_to_data(np.full((60, 200), 255, np.uint8), psm=7)


@pytest.mark.tesseract
def test_timeout_is_an_engine_error(tesseract_engine):
    engine = TesseractEngine(timeout=0.001)
    big = np.asarray(text_page(dpi=200))
    with pytest.raises(EngineError, match="tiempo límite"):
        engine.image_to_data(big, psm=3)


@pytest.mark.tesseract
def test_osd_on_an_empty_image_is_an_engine_error(tesseract_engine):
    with pytest.raises(EngineError):
        tesseract_engine.osd(np.full((400, 300), 255, np.uint8))


@pytest.mark.tesseract
def test_real_engine_returns_words_with_boxes_and_lines(tesseract_engine):
    img = np.asarray(text_page(["Atención médica", "Número de consultorio 7"], dpi=150))
    words = tesseract_engine.image_to_data(img, psm=6)
    texts = [w.text for w in words]
    assert "médica" in texts and "consultorio" in texts
    by_text = {w.text: w for w in words}
    assert by_text["médica"].line != by_text["consultorio"].line
    x0, y0, x1, y1 = by_text["consultorio"].box
    assert 0 <= x0 < x1 <= img.shape[1] and 0 <= y0 < y1 <= img.shape[0]
    assert all(0 <= w.confidence <= 100 for w in words)


@pytest.mark.tesseract
def test_whitelist_restricts_to_digits(tesseract_engine):
    img = np.asarray(text_page(["55 1234 5678"], dpi=150, pt=20))
    words = tesseract_engine.image_to_data(img, psm=7, whitelist="0123456789")
    assert "".join(w.text for w in words) == "5512345678"
    # The whitelist is per call: the next call reads letters again.
    words = tesseract_engine.image_to_data(np.asarray(text_page(["Cita 55"], dpi=150, pt=20)),
                                           psm=7)
    assert "Cita" in [w.text for w in words]


@pytest.mark.tesseract
@pytest.mark.parametrize("turned", [90, 180, 270])
def test_osd_answers_the_clockwise_turn_that_rights_the_page(tesseract_engine, turned):
    from ocr.preprocess import rotate_clockwise

    lines = ["La farmacia de la unidad no tiene el medicamento que necesito",
             "desde hace tres semanas y nadie me da una respuesta clara"] * 6
    img = rotate_clockwise(np.asarray(text_page(lines, dpi=150)), turned)
    assert tesseract_engine.osd(img) == (360 - turned) % 360


def test_osd_past_its_timeout_is_an_engine_error_and_its_helper_is_stopped():
    """GIVEN an OSD helper that never answers (a page Tesseract loops on) WHEN asked for an
    orientation with a timeout THEN an EngineError says the time ran out and the helper
    process is killed, so the next call starts a fresh one (issue 14: OSD has a timeout)."""
    import sys

    from ocr.engine import _OsdHelper

    helper = _OsdHelper([sys.executable, "-c", "import sys; sys.stdin.buffer.read()"])
    with pytest.raises(EngineError, match="tiempo límite de 0.2 s"):
        helper.detect(np.full((40, 30), 255, np.uint8), timeout=0.2)
    assert helper._proc is None  # killed, not left reading


@pytest.mark.tesseract
def test_osd_runs_in_a_helper_process_that_is_reused(tesseract_engine):
    """The orientation is asked of a child process (so that it can be stopped), one per
    thread, kept from one call to the next."""
    from ocr.engine import _osd_helper
    from ocr.preprocess import rotate_clockwise

    lines = ["La farmacia de la unidad no tiene el medicamento que necesito"] * 10
    img = rotate_clockwise(np.asarray(text_page(lines, dpi=150)), 90)
    assert tesseract_engine.osd(img) == 270
    proc = _osd_helper()._proc
    assert proc is not None and proc.pid != os.getpid() and proc.poll() is None
    assert tesseract_engine.osd(img) == 270
    assert _osd_helper()._proc is proc
