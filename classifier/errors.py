"""Errors raised by the classifier layer."""

from __future__ import annotations


class ClassifierError(Exception):
    """Root of classifier failures. `exit_code` is what the CLI returns for it."""

    exit_code = 5


class ModelBundleError(ClassifierError):
    """A saved model cannot be used (missing, corrupt, other format or sklearn version)."""


class ProfileError(ClassifierError):
    """An institution profile file is missing or malformed."""


class CorpusError(ClassifierError):
    """A corpus file or line is malformed (the message names file and line)."""
