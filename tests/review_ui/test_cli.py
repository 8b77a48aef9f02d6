"""`buzon user add/list/passwd/disable/enable` and `buzon serve` (waitress) wiring."""

from __future__ import annotations

import threading
import urllib.request

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from common.errors import ExitCode
from models.db import make_engine, make_sessionmaker
from models.schema import AuditEvent, User
from review_ui.accounts import authenticate
from review_ui.cli import serve, user


def _run(settings, *args, stdin=None):
    return CliRunner().invoke(user, list(args), input=stdin, obj={"settings": settings})


def _check(settings, check):
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as s:
            return check(s)
    finally:
        engine.dispose()


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
    assert again.exit_code == ExitCode.USER_EXISTS and "Ya existe el usuario carla." in again.output
    listed = runner.invoke(user, ["list"], obj={"settings": settings})
    assert "carla\ttaod\tUMF 20, HGZ 1" in listed.output


def test_user_add_prompts_for_password(settings):
    result = CliRunner().invoke(user, ["add", "dora", "--role", "supervisor",
                                       "--todas-las-unidades"],
                                input="clave-larga-1\nclave-larga-1\n", obj={"settings": settings})
    assert result.exit_code == 0, result.output
    assert "todas las unidades" in result.output


def test_user_add_refuses_short_password(settings):
    result = CliRunner().invoke(user, ["add", "eva", "--password-stdin"], input="corta\n",
                                obj={"settings": settings})
    assert result.exit_code == ExitCode.REVIEW and "al menos 10 caracteres" in result.output


def test_serve_options():
    result = CliRunner().invoke(serve, ["--help"])
    assert "--host" in result.output and "--port" in result.output
    assert "--proxies" in result.output and "--threads" in result.output


def test_commands_are_reachable_through_buzon(settings, cli_env):
    from intake.cli import cli

    cli_env(settings)
    runner = CliRunner()
    added = runner.invoke(cli, ["user", "add", "fer", "--unit", "UMF 20", "--password-stdin"],
                          input="clave-larga-2\n")
    assert added.exit_code == 0, added.output
    assert "fer\ttaod\tUMF 20" in runner.invoke(cli, ["user", "list"]).output
    assert runner.invoke(cli, ["user", "disable", "fer"]).exit_code == 0
    assert "--port" in runner.invoke(cli, ["serve", "--help"]).output


def test_buzon_user_exits_with_the_review_error_code(settings, cli_env, capsys):
    """`buzon user` reports a ReviewError in Spanish and exits with that error's own code
    (not click's generic 1) through the entry point scripts and cron see."""
    from intake.cli import main

    cli_env(settings)
    assert main(["user", "disable", "nadie"]) == ExitCode.REVIEW
    assert capsys.readouterr().err == "Error: No existe el usuario nadie.\n"


# --- accounts from the command line (issue 12, item 14) -----------------------------------

def test_a_taod_needs_a_unit_and_all_units_must_be_asked_for(settings):
    """GIVEN no --unit WHEN a TAOD or a supervisor is created THEN refused; all units only
    for supervisor/admin with --todas-las-unidades, never together with --unit."""
    pw = "frase-de-acceso-1\n"
    taod = _run(settings, "add", "eva", "--password-stdin", stdin=pw)
    assert taod.exit_code == ExitCode.REVIEW and "al menos una unidad" in taod.output
    sup = _run(settings, "add", "sara", "--role", "supervisor", "--password-stdin", stdin=pw)
    assert sup.exit_code == ExitCode.REVIEW
    assert "todas las unidades de forma explícita" in sup.output
    all_taod = _run(settings, "add", "eva", "--todas-las-unidades", "--password-stdin",
                    stdin=pw)
    assert all_taod.exit_code == ExitCode.REVIEW and "TAOD no puede ver todas" in all_taod.output
    both = _run(settings, "add", "sara", "--role", "supervisor", "--unit", "UMF 20",
                "--todas-las-unidades", "--password-stdin", stdin=pw)
    assert both.exit_code == ExitCode.REVIEW and "no ambas" in both.output
    ok = _run(settings, "add", "sara", "--role", "supervisor", "--todas-las-unidades",
              "--password-stdin", stdin=pw)
    assert ok.exit_code == 0 and "todas las unidades" in ok.output
    assert _check(settings, lambda s: s.scalar(select(User.units).where(
        User.username == "sara"))) == []
    assert "eva" not in _run(settings, "list").output


def test_user_passwd_disable_and_enable(settings):
    assert _run(settings, "add", "carla", "--unit", "UMF 20", "--password-stdin",
                stdin="otra-clave-456\n").exit_code == 0
    weak = _run(settings, "passwd", "carla", "--password-stdin", stdin="contraseña123\n")
    assert weak.exit_code == ExitCode.REVIEW and "demasiado común" in weak.output
    changed = _run(settings, "passwd", "carla", "--password-stdin",
                   stdin="una-frase-nueva-7\n")
    assert changed.exit_code == 0 and "sesiones abiertas se cerraron" in changed.output
    assert _check(settings, lambda s: (authenticate(s, "carla", "otra-clave-456"),
                                       authenticate(s, "carla", "una-frase-nueva-7") is not None)
                  ) == (None, True)
    assert _run(settings, "disable", "carla").exit_code == 0
    assert "carla\ttaod\tUMF 20 (inactivo)" in _run(settings, "list").output
    assert _check(settings, lambda s: authenticate(s, "carla", "una-frase-nueva-7")) is None
    assert _run(settings, "enable", "carla").exit_code == 0
    assert _check(settings, lambda s: authenticate(s, "carla", "una-frase-nueva-7")
                  is not None)
    missing = _run(settings, "disable", "nadie")
    assert missing.exit_code == ExitCode.REVIEW and "No existe el usuario nadie." in missing.output
    actions = _check(settings, lambda s: [(e.action, e.user_id, e.detail["cuenta"])
                                          for e in s.scalars(select(AuditEvent)
                                                             .order_by(AuditEvent.id))])
    assert actions == [("crear_cuenta", None, "carla"), ("cambiar_contrasena", None, "carla"),
                       ("desactivar_cuenta", None, "carla"), ("activar_cuenta", None, "carla")]


def test_passwd_ends_the_accounts_open_sessions(app, settings):
    from review_ui_testing import login

    client = app.test_client()
    login(client)
    assert client.get("/cola/").status_code == 200
    assert _run(settings, "passwd", "ana", "--password-stdin",
                stdin="una-frase-nueva-7\n").exit_code == 0
    assert client.get("/cola/").status_code == 302


# --- the production server (item 20) ------------------------------------------------------

def test_serve_app_runs_waitress_with_a_thread_pool_and_timeouts(app):
    from waitress.server import BaseWSGIServer

    from review_ui.cli import CHANNEL_TIMEOUT, make_server

    server = make_server(app, "127.0.0.1", 0, threads=3)
    assert isinstance(server, BaseWSGIServer)
    assert server.adj.threads == 3 and server.adj.channel_timeout == CHANNEL_TIMEOUT
    assert server.adj.clear_untrusted_proxy_headers  # no proxy configured: headers dropped
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{server.effective_port}/auth/login",
                         timeout=30) as response:
            assert response.status == 200 and response.headers["Server"] == "buzon"
            assert "Iniciar sesión" in response.read().decode("utf-8")
    finally:
        server.close()
        runner.join(30)
    assert not runner.is_alive()


@pytest.mark.parametrize("args,hsts,address", [
    (["--https", "--proxies", "1"], True, "203.0.113.7"),
    ([], False, "127.0.0.1"),
])
def test_serve_sends_hsts_under_https_and_trusts_proxies_only_when_told(
        monkeypatch, settings, args, hsts, address):
    from review_ui_testing import csrf_token_of

    from review_ui import cli

    served = {}
    monkeypatch.setattr(cli, "serve_app", lambda app, *a: served.update(app=app))
    monkeypatch.setattr(cli, "_settings", lambda ctx: settings)
    result = CliRunner().invoke(cli.serve, args)
    assert result.exit_code == 0, result.output
    app = served["app"]
    client = app.test_client()
    https = "https://localhost"  # secure cookies travel back over HTTPS only
    page = client.get("/auth/login", base_url=https,
                      headers={"X-Forwarded-For": "203.0.113.7"})
    assert ("Strict-Transport-Security" in page.headers) is hsts
    server = cli.make_server(app, "127.0.0.1", 0)
    try:  # with a trusted proxy, waitress hands X-Forwarded-* on to ProxyFix
        assert server.adj.clear_untrusted_proxy_headers is not hsts
    finally:
        server.close()
    refused = client.post("/auth/login", base_url=https, data={
        "username": "x", "password": "y", "csrf_token": csrf_token_of(page.text)}, headers={
        "X-Forwarded-For": "203.0.113.7", "Referer": f"{https}/auth/login"})
    assert refused.status_code == 401
    with app.extensions["buzon_sessionmaker"]() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "login_fallido"))
        assert event.detail["direccion"] == address
    app.extensions["buzon_engine"].dispose()


def test_user_email_for_notices(settings):
    result = CliRunner().invoke(user, ["add", "sofia", "--role", "supervisor", "--unit",
                                       "UMF 20", "--correo", "Sofia@UMF20.example",
                                       "--password-stdin"], input="clave-larga-12\n",
                                obj={"settings": settings})
    assert result.exit_code == 0, result.output
    assert _check(settings, lambda s: s.scalar(select(User.email))) == "sofia@umf20.example"
    bad = _run(settings, "correo", "sofia", "no-es-correo")
    assert bad.exit_code == ExitCode.REVIEW and "El correo electrónico no es válido" in bad.output
    assert _run(settings, "correo", "sofia").output == "Correo de sofia borrado.\n"
    assert _check(settings, lambda s: s.scalar(select(User.email))) is None
