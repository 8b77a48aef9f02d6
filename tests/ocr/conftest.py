"""Fixtures for the OCR tests: the real engine (when installed) and a rendered volante."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image

# The helpers module (ocr_testing.py) lives beside this file; tests import it by name.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(scope="session")
def tesseract_engine():
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    from ocr.engine import TesseractEngine

    return TesseractEngine(lang="spa", timeout=60)


@pytest.fixture(scope="session")
def tesseract_reader(tesseract_engine, digit_models):
    """The real engine with the bundled volante template and the session's digit model."""
    from ocr.reader import Reader

    return Reader.of(tesseract_engine, digit_models)


@pytest.fixture(scope="session")
def reader_of(digit_models):
    """Makes a reader around an engine (a fake, usually), sharing the session's digit model."""
    from ocr.reader import Reader

    return lambda engine: Reader.of(engine, digit_models)


@pytest.fixture(scope="session")
def blank_volante_200() -> Image.Image:
    from intake.form import render_form_image

    return render_form_image("UMF 12 Monterrey", dpi=200)

