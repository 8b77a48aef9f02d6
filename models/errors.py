"""Errors raised by the persistence layer."""

from __future__ import annotations

from common.errors import BuzonError, ExitCode


class StoreError(BuzonError):
    """Root of persistence failures."""

    exit_code = ExitCode.STORE


class MigrationError(StoreError):
    """The database could not be brought to the current schema."""

    exit_code = ExitCode.MIGRATION
