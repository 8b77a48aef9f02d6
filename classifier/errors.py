"""Errors raised by the classifier layer."""

from __future__ import annotations

from common.errors import BuzonError, ExitCode


class ClassifierError(BuzonError):
    """Root of classifier failures."""

    exit_code = ExitCode.CLASSIFIER


class ModelBundleError(ClassifierError):
    """A saved model cannot be used (missing, corrupt, other format or sklearn version)."""

    exit_code = ExitCode.MODEL_BUNDLE


class ProfileError(ClassifierError):
    """An institution profile file is missing or malformed."""

    exit_code = ExitCode.PROFILE


class CorpusError(ClassifierError):
    """A corpus file or line is malformed (the message names file and line)."""

    exit_code = ExitCode.CORPUS
