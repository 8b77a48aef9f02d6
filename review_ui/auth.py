"""Log in (throttled, failures audited) and out (the session ends on the server too)."""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from models.schema import AuditEvent, User, utcnow
from review_ui import throttle
from review_ui.accounts import Reviewer, authenticate, end_sessions
from review_ui.db import get_session

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never redirect to another host after login. Control characters
    (a CR/LF would split the Location header) and backslashes (browsers read `/\\host` as
    `//host`) make the target unsafe."""
    if not target:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _limits() -> throttle.Limits:
    cfg = current_app.config
    return throttle.Limits(per_account=int(cfg["LOGIN_MAX_FAILURES_ACCOUNT"]),
                           per_address=int(cfg["LOGIN_MAX_FAILURES_ADDRESS"]),
                           window=timedelta(seconds=float(cfg["LOGIN_WINDOW_S"])))


def _audit_login(action: str, username: str, address: str) -> None:
    """A refused login in the audit trail: who was tried and from where (no password)."""
    get_session().add(AuditEvent(user_id=None, action=action, detail={
        "usuario": username.strip()[:throttle.MAX_USERNAME], "direccion": address}))


@bp.route("/login", methods=("GET", "POST"))
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("queue.index"))
    if request.method == "GET":
        return render_template("auth/login.html", error=None)
    db = get_session()
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    address = request.remote_addr or "desconocida"
    now, limits = utcnow(), _limits()
    wait = throttle.blocked_for(db, username, address, now, limits)
    if wait:
        _audit_login("login_bloqueado", username, address)
        db.commit()
        log.warning("login refused: too many failures for the account or the address")
        minutes = max(1, math.ceil(wait / 60))
        error = ("Demasiados intentos fallidos. Por seguridad, el acceso está bloqueado "
                 f"temporalmente: intente de nuevo en {minutes} minuto"
                 f"{'s' if minutes != 1 else ''}.")
        return (render_template("auth/login.html", error=error), 429,
                {"Retry-After": str(wait)})
    user = authenticate(db, username, password)
    if user is None:
        throttle.record_failure(db, username, address, now, limits)
        _audit_login("login_fallido", username, address)
        db.commit()
        log.info("failed login attempt")
        return render_template("auth/login.html",
                               error="Usuario o contraseña incorrectos."), 401
    throttle.clear_account(db, username)
    db.commit()
    next_url = _safe_next(request.args.get("next"))
    session.clear()
    login_user(Reviewer.from_row(user))
    log.info("user %s logged in", user.id)
    return redirect(next_url or url_for("queue.index"))


@bp.route("/logout", methods=("POST",))
@login_required
def logout() -> ResponseReturnValue:
    log.info("user %s logged out", current_user.id)
    from review_ui.claims import release

    db = get_session()
    release(db, current_user.id)  # others may take their documents at once
    user = db.get(User, current_user.id)
    if user is not None:
        end_sessions(user)  # a copy of this session's cookie stops working too
    db.commit()
    logout_user()
    session.clear()
    flash("Sesión cerrada.", "info")
    return redirect(url_for("auth.login"))
