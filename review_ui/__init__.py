"""The review station: a Flask app where TAOD staff check and decide on each document."""

from __future__ import annotations

import logging
import os
import secrets
import traceback
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect

if TYPE_CHECKING:
    from flask import Response

    from intake.config import Settings

log = logging.getLogger(__name__)

csrf = CSRFProtect()


class ReviewFlask(Flask):
    def log_exception(self, exc_info: Any) -> None:
        """Log the type and where it happened, never the message or source lines: both may
        quote personal data."""
        exc_type, _exc, tb = exc_info
        name = exc_type.__name__ if exc_type else "desconocido"
        frames = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}"
                           for f in traceback.extract_tb(tb))
        log.error("unhandled %s\n%s", name, frames)


def _secret_key(settings: Settings) -> str:
    """settings.secret_key, else a random key kept in data_dir/secret_key (mode 0600)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret_key"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        key = secrets.token_hex(32)
        f.write(key)
    log.info("generated a new session key in the data directory")
    return key


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
    # Pages carry personal data: never keep them in shared browser or proxy caches.
    headers.setdefault("Cache-Control", "no-store")
    if current_app.config.get("HSTS"):  # served over HTTPS only (buzon serve --https)
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def create_app(settings: Settings | None = None, test_config: dict[str, Any] | None = None
               ) -> Flask:
    """Build the review app; migrates the database to the current schema on start."""
    from intake import deadlines
    from intake.config import ensure_dirs, load_settings
    from intake.links import link_context
    from models.db import make_engine, make_sessionmaker, migrate
    from review_ui import (
        accounts,
        admin,
        auth,
        db,
        documents,
        errors,
        followup,
        ids,
        labels,
        mailer,
        pages,
        queue,
        registry,
        supervision,
        uploads,
    )

    settings = settings or load_settings()
    ensure_dirs(settings)
    app = ReviewFlask(__name__)
    app.config.from_mapping(
        SECRET_KEY=_secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="buzon_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        # Small for every request; uploads.init_app lifts it for signed-in uploads only.
        MAX_CONTENT_LENGTH=1024 * 1024,
        LOGIN_MAX_FAILURES_ACCOUNT=5,
        LOGIN_MAX_FAILURES_ADDRESS=20,
        LOGIN_WINDOW_S=15 * 60,
        HSTS=False,
        TRUSTED_PROXIES=0,  # reverse proxies in front whose X-Forwarded-* headers count
        BUZON_SETTINGS=settings,
    )
    if test_config:
        app.config.from_mapping(test_config)
    proxies = int(app.config["TRUSTED_PROXIES"] or 0)
    if proxies > 0:  # only when configured: otherwise anyone could forge their address
        from werkzeug.middleware.proxy_fix import ProxyFix

        fixed = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
        app.wsgi_app = fixed  # type: ignore[method-assign]

    engine = make_engine(settings.database_url)
    migrate(engine)
    app.extensions["buzon_engine"] = engine
    factory = make_sessionmaker(engine)
    deadlines.attach(factory, settings)  # every session keeps the documents' due dates
    # Duplicate rules and type names of the profile, for every relink after an edit.
    app.extensions["buzon_links"] = link_context(settings.profile)
    app.extensions["buzon_sessionmaker"] = factory

    db.init_app(app)
    ids.init_app(app)
    uploads.init_app(app)
    csrf.init_app(app)
    accounts.init_app(app)
    errors.register_error_handlers(app)
    labels.register_filters(app)
    app.after_request(_security_headers)
    mailer.init_app(app)

    app.register_blueprint(auth.bp)
    app.register_blueprint(queue.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(registry.bp)
    app.register_blueprint(followup.bp)
    app.register_blueprint(supervision.bp)
    app.register_blueprint(uploads.bp)
    app.register_blueprint(admin.bp)
    app.add_url_rule("/", endpoint="index", view_func=queue.index)
    return app
