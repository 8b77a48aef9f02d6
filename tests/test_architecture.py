"""The import direction of STYLE.md, checked by walking every module's imports (ast)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("intake", "ocr", "classifier", "models", "review_ui", "common")
# `common` (the error root and exit codes, atomic writes) lies under every layer.
ALLOWED: dict[str, set[str]] = {
    "review_ui": {"intake", "classifier", "models", "common"},
    "intake": {"ocr", "classifier", "models", "common"},
    "ocr": {"common"},
    "classifier": {"common"},
    "models": {"common"},
    "common": set(),
}


def imported_packages(source: str) -> set[str]:
    """Top-level project packages a module imports (absolute imports, any nesting)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(n.split(".")[0] for n in names if n.split(".")[0] in PACKAGES)
    return found


def violations(root: Path) -> list[str]:
    bad = []
    for pkg in PACKAGES:
        for f in sorted((root / pkg).rglob("*.py")):
            for target in imported_packages(f.read_text(encoding="utf-8")) - {pkg}:
                if target not in ALLOWED[pkg]:
                    bad.append(f"{f.relative_to(root)} imports {target}")
    return bad


def test_project_follows_the_import_direction() -> None:
    assert violations(ROOT) == []


def test_every_package_is_checked() -> None:
    for pkg in PACKAGES:
        assert list((ROOT / pkg).rglob("*.py")), pkg


@pytest.mark.parametrize(("pkg", "code", "ok"), [
    ("ocr", "from classifier.model import Classifier\n", False),
    ("classifier", "import models.schema\n", False),
    ("models", "def f():\n    from review_ui import create_app\n", False),
    ("intake", "from review_ui import create_app\n", False),
    ("intake", "from ocr.read import read_page\nimport classifier\n", True),
    ("review_ui", "from intake.config import load_settings\n", True),
    ("ocr", "from common.errors import BuzonError\n", True),
    ("common", "from ocr.errors import OcrError\n", False),
])
def test_checker_catches_wrong_arrows(tmp_path: Path, pkg: str, code: str, ok: bool) -> None:
    """GIVEN a tree with one module WHEN it imports across layers THEN only wrong arrows fail."""
    for p in PACKAGES:
        (tmp_path / p).mkdir()
        (tmp_path / p / "__init__.py").write_text("")
    (tmp_path / pkg / "mod.py").write_text(code)
    assert (violations(tmp_path) == []) is ok
