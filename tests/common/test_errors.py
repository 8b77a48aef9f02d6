"""One error hierarchy under BuzonError, one exit code per cause, and the CLI returns it."""

from __future__ import annotations

import importlib

import click
import pytest

from common.errors import BuzonError, ExitCode
from intake import cli as intake_cli

# Every layer's hierarchy, and the development package's (`buzon sample`); importing them
# is what makes their classes known to the walk.
ERROR_MODULES = ("intake.errors", "ocr.errors", "classifier.errors", "models.errors",
                 "review_ui.errors", "synthbox.errors")
# Codes the CLI gives for causes that are not a BuzonError (success, click, Ctrl-C).
NOT_AN_ERROR = {ExitCode.OK, ExitCode.USAGE, ExitCode.INTERRUPTED}


def _all_errors() -> list[type[BuzonError]]:
    for name in ERROR_MODULES:
        importlib.import_module(name)
    found: list[type[BuzonError]] = []
    todo = [BuzonError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: c.exit_code)


def _instance(cls: type[BuzonError]) -> BuzonError:
    from review_ui.errors import ClaimedError, InvalidFieldsError, StaleDocumentError

    if cls is InvalidFieldsError:
        return cls({"nss": "El NSS no es válido."})
    if cls is ClaimedError:
        return cls("Ana")
    if cls is StaleDocumentError:
        return cls()
    return cls("Mensaje de prueba en español.")


ERRORS = _all_errors()


def test_every_layer_roots_its_errors_at_buzon_error() -> None:
    names = {c.__module__ for c in ERRORS}
    assert set(ERROR_MODULES) <= names
    assert len(ERRORS) > 20  # the walk found the leaves, not just the roots


def test_every_error_class_has_its_own_exit_code() -> None:
    """GIVEN every BuzonError subclass WHEN their codes are listed THEN each class names its
    own ExitCode member (none inherited), no two share one, and none is a code the CLI
    keeps for success, click's usage errors or an interruption."""
    for cls in ERRORS:
        assert "exit_code" in vars(cls), f"{cls.__name__} inherits its exit code"
        assert isinstance(cls.exit_code, ExitCode), cls.__name__
    codes = [cls.exit_code for cls in ERRORS]
    assert len(set(codes)) == len(codes), sorted(codes)
    assert not set(codes) & NOT_AN_ERROR


def test_every_exit_code_names_one_cause() -> None:
    causes = {cls.exit_code for cls in ERRORS} | NOT_AN_ERROR
    assert causes == set(ExitCode)  # no code is left without the cause it was made for


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_the_cli_exits_with_the_error_code_and_its_spanish_message(
        cls: type[BuzonError], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    error = _instance(cls)

    def fails() -> None:
        raise error

    monkeypatch.setitem(intake_cli.cli.commands, "falla", click.Command("falla", callback=fails))
    assert intake_cli.main(["falla"]) == cls.exit_code
    assert capsys.readouterr().err == f"Error: {error}\n"


def test_the_readme_lists_every_exit_code() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Códigos de salida", 1)[1].split("\n## ", 1)[0]
    listed = {int(line.split("|")[1].strip(" `")) for line in table.splitlines()
              if line.startswith("| `")}
    assert listed == {int(code) for code in ExitCode}
