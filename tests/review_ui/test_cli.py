"""`buzon user add/list` and `buzon serve` wiring."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from models.db import make_engine, make_sessionmaker
from models.schema import User
from review_ui.accounts import authenticate
from review_ui.cli import serve, user


def test_user_add_with_password_stdin_and_list(settings):
    runner = CliRunner()
    result = runner.invoke(user, ["add", "carla", "--unit", "UMF 20", "--unit", "HGZ 1",
                                  "--password-stdin"], input="otra-clave-456\n",
                           obj={"settings": settings})
    assert result.exit_code == 0, result.output
    assert "Usuario carla creado (rol taod; UMF 20, HGZ 1)." in result.output
    engine = make_engine(settings.database_url)
    with make_sessionmaker(engine)() as s:
        carla = s.scalar(select(User).where(User.username == "carla"))
        assert carla.units == ["UMF 20", "HGZ 1"]
        assert authenticate(s, "carla", "otra-clave-456") is not None
    engine.dispose()
    again = runner.invoke(user, ["add", "carla", "--password-stdin"], input="otra-clave-456\n",
                          obj={"settings": settings})
    assert again.exit_code == 1 and "Ya existe el usuario carla." in again.output
    listed = runner.invoke(user, ["list"], obj={"settings": settings})
    assert "carla\ttaod\tUMF 20, HGZ 1" in listed.output


def test_user_add_prompts_for_password(settings):
    result = CliRunner().invoke(user, ["add", "dora", "--role", "supervisor"],
                                input="clave-larga-1\nclave-larga-1\n", obj={"settings": settings})
    assert result.exit_code == 0, result.output
    assert "todas las unidades" in result.output


def test_user_add_refuses_short_password(settings):
    result = CliRunner().invoke(user, ["add", "eva", "--password-stdin"], input="corta\n",
                                obj={"settings": settings})
    assert result.exit_code == 1 and "al menos 8 caracteres" in result.output


def test_serve_options():
    result = CliRunner().invoke(serve, ["--help"])
    assert "--host" in result.output and "--port" in result.output




def test_commands_are_reachable_through_buzon(settings, cli_env):
    from intake.cli import cli

    cli_env(settings)
    runner = CliRunner()
    added = runner.invoke(cli, ["user", "add", "fer", "--password-stdin"],
                          input="clave-larga-2\n")
    assert added.exit_code == 0, added.output
    assert "fer\ttaod\ttodas" in runner.invoke(cli, ["user", "list"]).output
    assert "--port" in runner.invoke(cli, ["serve", "--help"]).output
