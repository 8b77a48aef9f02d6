"""`buzon serve` and `buzon user ...`: run the review station and manage its accounts."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

import click

from review_ui.errors import ReviewError

if TYPE_CHECKING:
    from flask import Flask

    from intake.config import Settings

log = logging.getLogger(__name__)


def _settings(ctx: click.Context) -> Settings:
    """The settings of this `buzon` invocation (built once, kept in ctx.obj["settings"])."""
    from intake.cli import settings_from

    return settings_from(ctx)


def serve_app(app: Flask, host: str = "127.0.0.1", port: int = 5000) -> None:
    """Serve `app` until Ctrl+C, printing the address to open."""
    from werkzeug.serving import make_server

    server = make_server(host, port, app, threaded=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"Estación de revisión en http://{shown}:{server.server_port}/ "
               "(Ctrl+C para detener)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("Aviso: el servidor acepta conexiones de otros equipos; use HTTPS delante "
                   "(proxy inverso) para proteger los datos personales.", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("\nDetenido.")
    finally:
        server.server_close()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Dirección de escucha.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Puerto.")
@click.option("--https", "behind_https", is_flag=True,
              help="Se sirve detrás de HTTPS (proxy inverso): cookies solo por HTTPS.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, behind_https: bool) -> None:
    """Inicia la estación de revisión (interfaz web)."""
    from review_ui import create_app

    config = {"SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True,
              "PREFERRED_URL_SCHEME": "https"} if behind_https else None
    serve_app(create_app(_settings(ctx), config), host, port)


@click.group()
def user() -> None:
    """Administra las cuentas de la estación de revisión."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["taod", "supervisor", "admin"]), default="taod",
              show_default=True, help="Rol de la cuenta.")
@click.option("--unit", "units", multiple=True,
              help='Unidad que puede ver (repetible), p. ej. --unit "UMF 20". Sin --unit: todas.')
@click.option("--display-name", default="", help="Nombre para mostrar.")
@click.option("--password-stdin", is_flag=True, help="Leer la contraseña de la entrada estándar.")
@click.pass_context
def user_add(ctx: click.Context, username: str, role: str, units: tuple[str, ...],
             display_name: str, password_stdin: bool) -> None:
    """Crea la cuenta USERNAME."""
    from models.db import make_engine, make_sessionmaker, migrate, session_scope
    from review_ui.accounts import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Contraseña", hide_input=True, confirmation_prompt=True)
    settings = _settings(ctx)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            create_user(session, username, password, role=role, units=units,
                        display_name=display_name)
    except ReviewError as e:
        raise click.ClickException(str(e)) from e
    finally:
        engine.dispose()
    scope = ", ".join(units) if units else "todas las unidades"
    click.echo(f"Usuario {username} creado (rol {role}; {scope}).")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """Lista las cuentas."""
    from sqlalchemy import select

    from models.db import make_engine, make_sessionmaker, migrate, session_scope
    from models.schema import User

    settings = _settings(ctx)
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            for u in session.scalars(select(User).order_by(User.username)):
                units = ", ".join(u.units) if u.units else "todas"
                state = "" if u.active else " (inactivo)"
                click.echo(f"{u.username}\t{u.role}\t{units}{state}")
    finally:
        engine.dispose()
