"""The root of every error the project raises, and the exit codes of `buzon`, one per cause.

Each layer keeps its own `errors.py` hierarchy under `BuzonError`; every class names its own
`ExitCode` member, and no two classes share one (tests/test_errors.py). The CLI turns an
error into its code in one place (`intake.cli.main`); the README lists the codes in Spanish.
"""

from __future__ import annotations

from enum import IntEnum, unique


@unique
class ExitCode(IntEnum):
    """What `buzon` returns. 0, 1, 2, 5 and 8 keep the numbers they always had."""

    OK = 0
    FILES_FAILED = 1  # ingest ended, but some files went to quarantine or were not read
    USAGE = 2  # click's own: an unknown option or a bad argument
    OCR = 3
    UNSUPPORTED_FILE = 4
    MODEL_BUNDLE = 5
    STORE = 6
    REVIEW = 7
    CLUSTER = 8
    INTAKE = 9
    CONFIG = 10
    ROWS_FAILED = 11
    NOTICES_NOT_SENT = 12
    OCR_ENGINE = 13
    UNREADABLE_IMAGE = 14
    CLASSIFIER = 15
    PROFILE = 16
    CORPUS = 17
    MIGRATION = 18
    STALE_DOCUMENT = 19
    CLAIMED = 20
    INVALID_FIELDS = 21
    INVALID_DECISION = 22
    USER_EXISTS = 23
    ERROR = 24  # a BuzonError of no more precise kind (none is raised today)
    INGEST_STOPPED = 25  # an upload's child ingest: its time limit, or it died (the station)
    SAMPLE_FONTS_MISSING = 26  # `buzon sample`: a handwriting font's Debian package is absent
    INTERRUPTED = 130  # Ctrl-C, or a prompt cancelled (128 + SIGINT, as shells count)


class BuzonError(Exception):
    """Root of every failure the project reports; its message is Spanish, for the user."""

    exit_code: ExitCode = ExitCode.ERROR
