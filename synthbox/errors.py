"""Errors of the synthetic-box generator, under the product's BuzonError and exit codes."""

from __future__ import annotations

from common.errors import BuzonError, ExitCode


class SampleFontsMissing(BuzonError):
    """A font the sample draws with is not installed (its Debian package is missing)."""

    exit_code = ExitCode.SAMPLE_FONTS_MISSING
