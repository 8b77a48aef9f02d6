"""Errors raised by the OCR layer."""

from __future__ import annotations


class OcrError(Exception):
    """Root of OCR failures. `exit_code` is what the CLI returns for it."""

    exit_code = 3


class EngineError(OcrError):
    """The OCR engine (Tesseract) failed, timed out or is missing."""


class UnreadableImageError(OcrError):
    """The bytes are not an image or PDF we can read (corrupt, empty, too large)."""

    exit_code = 4
