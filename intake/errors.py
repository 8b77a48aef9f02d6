"""Errors raised by intake; the CLI turns each into its exit code.

Each layer has its own root (OcrError, ClassifierError, StoreError) because the layers may
not import each other; every root carries `exit_code`, which is all the CLI relies on.
"""

from __future__ import annotations


class IntakeError(Exception):
    exit_code = 2


class ConfigError(IntakeError):
    """Configuration file or variables are wrong."""


class UnsupportedFileError(IntakeError):
    """A file is empty, corrupt, too large or of a kind we do not read."""

    exit_code = 4


class SomeFilesFailed(IntakeError):
    """Ingest finished, but some files went to quarantine."""

    exit_code = 1


class SomeRowsFailed(IntakeError):
    """An import kept its good lines, but some lines had errors."""

    exit_code = 1


class ClusterError(IntakeError):
    """The Dask cluster could not be started or reached."""

    exit_code = 8
