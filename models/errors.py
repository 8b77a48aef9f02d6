"""Errors raised by the persistence layer."""

from __future__ import annotations


class StoreError(Exception):
    """Root of persistence failures. `exit_code` is what the CLI returns for it."""

    exit_code = 6


class MigrationError(StoreError):
    """The database could not be brought to the current schema."""
