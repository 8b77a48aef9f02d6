"""Log in and out."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from review_ui.accounts import Reviewer, authenticate
from review_ui.db import get_session

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never redirect to another host after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=("GET", "POST"))
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("queue.index"))
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")
        password = request.form.get("password", "")
        user = authenticate(get_session(), username, password)
        if user is None:
            log.info("failed login attempt")
            error = "Usuario o contraseña incorrectos."
        else:
            next_url = _safe_next(request.args.get("next"))
            session.clear()
            login_user(Reviewer.from_row(user))
            log.info("user %s logged in", user.id)
            return redirect(next_url or url_for("queue.index"))
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=("POST",))
@login_required
def logout() -> ResponseReturnValue:
    log.info("user %s logged out", current_user.id)
    from review_ui.claims import release

    release(get_session(), current_user.id)  # others may take their documents at once
    get_session().commit()
    logout_user()
    session.clear()
    flash("Sesión cerrada.", "info")
    return redirect(url_for("auth.login"))
