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
def blank_volante_200() -> Image.Image:
    from intake.form import render_form_image

    return render_form_image("UMF 12 Monterrey", dpi=200)

