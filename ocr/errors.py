"""Errors raised by the OCR layer."""

from __future__ import annotations

from common.errors import BuzonError, ExitCode


class OcrError(BuzonError):
    """Root of OCR failures."""

    exit_code = ExitCode.OCR


class EngineError(OcrError):
    """The OCR engine (Tesseract) failed, timed out or is missing."""

    exit_code = ExitCode.OCR_ENGINE


class UnreadableImageError(OcrError):
    """The bytes are not an image or PDF we can read (corrupt, empty, too large)."""

    exit_code = ExitCode.UNREADABLE_IMAGE
