"""Stand-ins for `ingest_paths` that a spawned child can import (tests/intake/test_isolated.py
and tests/review_ui/test_uploads.py pass them to intake.isolated)."""

from __future__ import annotations

import threading
from typing import Any


def stuck_ingest(paths: list[str], settings: Any, **_kw: Any) -> Any:
    """A reader stuck on a page for ever: only the time limit ends it."""
    threading.Event().wait()
