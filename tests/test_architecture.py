"""The import direction of STYLE.md, checked by walking every module's imports (ast)."""

from __future__ import annotations

import ast
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("intake", "ocr", "classifier", "models", "review_ui", "common")
# Development packages: tools beside the product (the synthetic-box generator), never
# imported by it and never shipped in its wheel.
DEVELOPMENT = ("synthbox",)
PACKAGES = PRODUCT + DEVELOPMENT
# `common` (the error root and exit codes, atomic writes) lies under every layer.
ALLOWED: dict[str, set[str]] = {
    "review_ui": {"intake", "classifier", "models", "common"},
    "intake": {"ocr", "classifier", "models", "common"},
    "ocr": {"common"},
    "classifier": {"common"},
    "models": {"common"},
    "common": set(),
    "synthbox": set(PRODUCT),
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
    ("intake", "def f():\n    from synthbox import write_sample\n", False),
    ("review_ui", "import synthbox.truth\n", False),
    ("classifier", "from synthbox.routes import expected_route\n", False),
    ("common", "def f():\n    import synthbox\n", False),
    ("synthbox", "from intake.form import render_form_image\nfrom review_ui import x\n", True),
])
def test_checker_catches_wrong_arrows(tmp_path: Path, pkg: str, code: str, ok: bool) -> None:
    """GIVEN a tree with one module WHEN it imports across layers THEN only wrong arrows fail."""
    for p in PACKAGES:
        (tmp_path / p).mkdir()
        (tmp_path / p / "__init__.py").write_text("")
    (tmp_path / pkg / "mod.py").write_text(code)
    assert (violations(tmp_path) == []) is ok


# --- no import cycles -----------------------------------------------------------------

def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes under `if TYPE_CHECKING:` (never run, so never a cycle)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skipped


def module_imports(root: Path, path: Path, modules: set[str]) -> set[str]:
    """Project modules `path` imports when it runs, at module level or inside functions
    (`from a import b` counts a.b when b is a module, else a); relative imports resolved."""
    name = _module_name(root, path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = alias.name
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target:
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([node.module] if node.module else [])])
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    found.add(f"{base}.{alias.name}")
                elif base in modules:
                    found.add(base)
    found.discard(name)
    return found


def import_cycles(root: Path) -> list[list[str]]:
    """Every cycle of the project's module graph (strongly connected components of more
    than one module, or a module importing itself), each sorted."""
    files = {_module_name(root, f): f for pkg in PACKAGES for f in (root / pkg).rglob("*.py")}
    graph = {m: module_imports(root, f, set(files)) for m, f in files.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_no_module_imports_itself_back() -> None:
    """classifier.model <-> classifier.training was one: training decides, model predicts."""
    assert import_cycles(ROOT) == []


@pytest.mark.parametrize(("a", "b", "cycle"), [
    ("from classifier import b\n", "def f():\n    from classifier.a import x\n", True),
    ("from . import b\n", "import classifier.a\n", True),
    ("from classifier.b import y\n", "x = 1\n", False),
    ("from classifier.b import y\n",
     "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from classifier.a import A\n",
     False),
])
def test_cycle_checker_sees_function_level_and_relative_imports(
        tmp_path: Path, a: str, b: str, cycle: bool) -> None:
    for p in PACKAGES:
        (tmp_path / p).mkdir()
        (tmp_path / p / "__init__.py").write_text("")
    (tmp_path / "classifier" / "a.py").write_text(a)
    (tmp_path / "classifier" / "b.py").write_text(b)
    assert (import_cycles(tmp_path) == [["classifier.a", "classifier.b"]]) is cycle


# --- no institution in product code -----------------------------------------------------

# What may name an institution: its profile (data) and the settings' default. The
# development packages are not product code and are not checked.
INSTITUTION_ALLOWED = ("classifier/profiles/",)
_SETTINGS_DEFAULT = ("intake/config.py", 'institution: str = "imss"')


def institution_codes(root: Path) -> set[str]:
    return {p.stem for p in (root / "classifier" / "profiles").glob("*.toml")}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value,
                                                                     ast.Constant):
                out.add(id(body[0].value))
    return out


def stray_institution_codes(root: Path, codes: set[str]) -> list[str]:
    """Places in product code that name an institution: a string (not a docstring) in a
    Python module, or any text of a template, script or style. Comments and docstrings may
    cite a procedure ("IMSS 5.28"); an e-mail domain (imss.gob.mx) is an address, not a
    setting."""
    word = re.compile(rf"(?i)\b(?:{'|'.join(sorted(codes))})\b(?!\.gob\.mx)")
    found = []
    for pkg in PRODUCT:
        for f in sorted((root / pkg).rglob("*")):
            rel = f.relative_to(root).as_posix()
            if not f.is_file() or rel.startswith(INSTITUTION_ALLOWED):
                continue
            if f.suffix == ".py":
                source = f.read_text(encoding="utf-8")
                tree = ast.parse(source)
                docs = _docstrings(tree)
                for node in ast.walk(tree):
                    if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                            and id(node) not in docs and word.search(node.value)):
                        line = source.splitlines()[node.lineno - 1].strip()
                        if not (rel == _SETTINGS_DEFAULT[0]
                                and line.startswith(_SETTINGS_DEFAULT[1])):
                            found.append(f"{rel}:{node.lineno}: {node.value!r}")
            elif f.suffix in (".html", ".js", ".css", ".txt"):
                for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
                    if word.search(line):
                        found.append(f"{rel}:{n}: {line.strip()}")
    return found


def test_no_institution_code_outside_the_profiles() -> None:
    codes = institution_codes(ROOT)
    assert codes >= {"imss", "issste"}
    assert stray_institution_codes(ROOT, codes) == []


@pytest.mark.parametrize(("rel", "code", "stray"), [
    ("classifier/route.py", 'P = load_profile("imss")\n', True),
    ("review_ui/templates/base.html", "<title>Buzón ISSSTE</title>\n", True),
    ("intake/export.py", 'def f():\n    """As IMSS 5.9 says."""\n    return 1\n', False),
    ("intake/extract.py", 'DOMAINS = ("imss.gob.mx",)\n', False),
    ("classifier/profiles/imss.toml", 'code = "imss"\n', False),
    ("intake/config.py", 'class S:\n    institution: str = "imss"\n', False),
    ("intake/pipeline.py", 'class S:\n    institution: str = "imss"\n', True),
])
def test_institution_checker(tmp_path: Path, rel: str, code: str, stray: bool) -> None:
    """GIVEN one file naming an institution WHEN checked THEN only product code (not its
    profile, a docstring, an e-mail domain or the settings' default) is flagged."""
    for p in PACKAGES:
        (tmp_path / p).mkdir()
    target = tmp_path / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(code, encoding="utf-8")
    assert bool(stray_institution_codes(tmp_path, {"imss", "issste"})) is stray


# --- the development package stays out of the product --------------------------------

def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_the_product_wheel_leaves_the_development_package_out() -> None:
    """GIVEN the two distributions WHEN their package lists and commands are read THEN the
    product's holds only product packages and commands, and synthbox's holds synthbox and
    adds `sample` and `demo` through the product's `buzon.commands` group."""
    product = _toml(ROOT / "pyproject.toml")
    include = product["tool"]["setuptools"]["packages"]["find"]["include"]
    for name in DEVELOPMENT:
        assert not any(fnmatch(name, pat) or fnmatch(f"{name}.x", pat) for pat in include)
    assert {pat.rstrip("*") for pat in include} <= set(PRODUCT)
    commands = product["project"]["entry-points"]["buzon.commands"]
    assert {target.split(".")[0] for target in commands.values()} <= set(PRODUCT)
    dev = _toml(ROOT / "synthbox" / "pyproject.toml")
    assert dev["tool"]["setuptools"]["packages"] == ["synthbox"]
    dev_commands = dev["project"]["entry-points"]["buzon.commands"]
    assert dev_commands == {"sample": "synthbox.cli:sample", "demo": "synthbox.demo:demo"}
    assert not set(dev_commands) & set(commands)
