"""`buzon serve` and `buzon user ...`: run the review station and manage its accounts."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from review_ui.errors import ReviewError

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

    from intake.config import Settings
    from models.schema import User

log = logging.getLogger(__name__)

CLI_ACTOR = "línea de comandos (buzon user)"  # who changed an account, in the audit trail

# The production server's knobs (waitress). Requests are served by a fixed pool of threads;
# a connection idle for CHANNEL_TIMEOUT s is closed, so slow or stalled clients cannot hold
# the pool; at most CONNECTION_LIMIT open connections.
THREADS = 8
CHANNEL_TIMEOUT = 60
CONNECTION_LIMIT = 200


def _settings(ctx: click.Context) -> Settings:
    """The settings of this `buzon` invocation (built once, kept in ctx.obj["settings"])."""
    from intake.cli import settings_from

    return settings_from(ctx)


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 5000,
                threads: int = THREADS) -> Any:
    """A waitress server for `app` (not started: call .run(), and .close() to stop)."""
    from waitress.server import create_server

    from review_ui.uploads import MAX_UPLOAD

    proxied = int(app.config.get("TRUSTED_PROXIES") or 0) > 0
    return create_server(
        app, host=host, port=port, threads=threads, channel_timeout=CHANNEL_TIMEOUT,
        connection_limit=CONNECTION_LIMIT, cleanup_interval=10, asyncore_use_poll=True,
        # waitress reads a body before the app sees it: bound it by the largest upload.
        max_request_body_size=MAX_UPLOAD + 1024 * 1024, max_request_header_size=64 * 1024,
        # Without a trusted proxy, X-Forwarded-* headers are dropped; with one, ProxyFix
        # (create_app) reads them, so waitress must leave them in place.
        clear_untrusted_proxy_headers=not proxied, ident="buzon")


def serve_app(app: Flask, host: str = "127.0.0.1", port: int = 5000,
              threads: int = THREADS) -> None:
    """Serve `app` with waitress until Ctrl+C, printing the address to open."""
    server = make_server(app, host, port, threads)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"Estación de revisión en http://{shown}:{server.effective_port}/ "
               "(Ctrl+C para detener)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("Aviso: el servidor acepta conexiones de otros equipos; use HTTPS delante "
                   "(proxy inverso) para proteger los datos personales.", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("\nDetenido.")
    finally:
        server.close()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Dirección de escucha.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Puerto.")
@click.option("--https", "behind_https", is_flag=True,
              help="Se sirve detrás de HTTPS (proxy inverso): cookies solo por HTTPS y "
                   "cabecera HSTS.")
@click.option("--proxies", default=0, show_default=True, type=click.IntRange(0, 5),
              help="Proxies inversos de confianza delante del servidor: sus cabeceras "
                   "X-Forwarded-For/-Proto/-Host dan la dirección y el esquema del cliente. "
                   "0: ninguno (las cabeceras se ignoran).")
@click.option("--threads", default=THREADS, show_default=True, type=click.IntRange(1, 64),
              help="Hilos que atienden solicitudes.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, behind_https: bool, proxies: int,
          threads: int) -> None:
    """Inicia la estación de revisión (interfaz web)."""
    from review_ui import create_app

    config: dict[str, Any] = {"TRUSTED_PROXIES": proxies}
    if behind_https:
        config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True,
                      PREFERRED_URL_SCHEME="https", HSTS=True)
    serve_app(create_app(_settings(ctx), config), host, port, threads)


@contextmanager
def _accounts(ctx: click.Context) -> Iterator[Session]:
    """A session on the configured database (migrated first) that commits on success; a
    ReviewError becomes the command's Spanish error message."""
    from models.db import make_engine, make_sessionmaker, migrate, session_scope

    settings = _settings(ctx)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            yield session
    except ReviewError as e:  # the Spanish message, then the error's own exit code
        click.echo(f"Error: {e}", err=True)
        raise click.exceptions.Exit(e.exit_code) from e
    finally:
        engine.dispose()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Contraseña", hide_input=True, confirmation_prompt=True))


def _password_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--password-stdin", is_flag=True,
                        help="Leer la contraseña de la entrada estándar.")(f)


@click.group()
def user() -> None:
    """Administra las cuentas de la estación de revisión."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["taod", "supervisor", "admin"]), default="taod",
              show_default=True, help="Rol de la cuenta.")
@click.option("--unit", "units", multiple=True,
              help='Unidad que puede ver (repetible), p. ej. --unit "UMF 20". Obligatoria '
                   "salvo con --todas-las-unidades.")
@click.option("--todas-las-unidades", "all_units", is_flag=True,
              help="La cuenta ve todas las unidades (solo roles supervisor y admin).")
@click.option("--display-name", default="", help="Nombre para mostrar.")
@click.option("--correo", "email", default=None,
              help="Correo de la cuenta (la supervisión recibe ahí las alertas urgentes).")
@_password_option
@click.pass_context
def user_add(ctx: click.Context, username: str, role: str, units: tuple[str, ...],
             all_units: bool, display_name: str, email: str | None,
             password_stdin: bool) -> None:
    """Crea la cuenta USERNAME."""
    from review_ui.accounts import audit_account, create_user

    password = _read_password(password_stdin)
    with _accounts(ctx) as session:
        created = create_user(session, username, password, role=role, units=units,
                              display_name=display_name, all_units=all_units, email=email)
        audit_account(session, None, "crear_cuenta", created, actor=CLI_ACTOR, rol=role)
    scope = ", ".join(created.units) if created.units else "todas las unidades"
    click.echo(f"Usuario {created.username} creado (rol {role}; {scope}).")


def _change(ctx: click.Context, username: str, action: str,
            change: Callable[[Session, User], None]) -> None:
    from review_ui.accounts import audit_account, find_user

    with _accounts(ctx) as session:
        account = find_user(session, username)
        change(session, account)
        audit_account(session, None, action, account, actor=CLI_ACTOR)


@user.command("passwd")
@click.argument("username")
@_password_option
@click.pass_context
def user_passwd(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Cambia la contraseña de USERNAME y cierra sus sesiones abiertas."""
    from review_ui.accounts import set_password

    password = _read_password(password_stdin)
    _change(ctx, username, "cambiar_contrasena",
            lambda session, account: set_password(session, account, password))
    click.echo(f"Contraseña de {username} cambiada; sus sesiones abiertas se cerraron.")


@user.command("disable")
@click.argument("username")
@click.pass_context
def user_disable(ctx: click.Context, username: str) -> None:
    """Desactiva la cuenta USERNAME (no puede entrar; sus sesiones se cierran)."""
    from review_ui.accounts import set_active

    _change(ctx, username, "desactivar_cuenta",
            lambda session, account: set_active(session, account, False))
    click.echo(f"Cuenta {username} desactivada; sus sesiones abiertas se cerraron.")


@user.command("enable")
@click.argument("username")
@click.pass_context
def user_enable(ctx: click.Context, username: str) -> None:
    """Vuelve a activar la cuenta USERNAME."""
    from review_ui.accounts import set_active

    _change(ctx, username, "activar_cuenta",
            lambda session, account: set_active(session, account, True))
    click.echo(f"Cuenta {username} activada.")


@user.command("correo")
@click.argument("username")
@click.argument("address", required=False, default="")
@click.pass_context
def user_email(ctx: click.Context, username: str, address: str) -> None:
    """Fija (o borra, sin ADDRESS) el correo de USERNAME para los avisos."""
    from review_ui.accounts import clean_email

    def change(_session: Session, account: User) -> None:
        account.email = clean_email(address)

    _change(ctx, username, "cambiar_correo", change)
    click.echo(f"Correo de {username} {'guardado' if address.strip() else 'borrado'}.")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """Lista las cuentas."""
    from sqlalchemy import select

    from models.schema import User
    from review_ui.accounts import units_label

    with _accounts(ctx) as session:
        for u in session.scalars(select(User).order_by(User.username)):
            state = "" if u.active else " (inactivo)"
            click.echo(f"{u.username}\t{u.role}\t{units_label(u)}{state}")
