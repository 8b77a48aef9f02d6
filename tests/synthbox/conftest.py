"""One sample box for the generator's tests, drawn once per session (about 10 s)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synthbox import write_sample


@pytest.fixture(scope="session")
def box(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("box")
    return out, write_sample(out, count=30, seed=7)
