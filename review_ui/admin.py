"""Account administration (role admin): list, create, change password, disable and enable.

The same rules as `buzon user` (review_ui.accounts); every change is audited.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from models.schema import User
from review_ui.accounts import (
    ALL_UNITS_ROLES,
    ROLES,
    Reviewer,
    audit_account,
    create_user,
    role_required,
    set_active,
    set_password,
    units_label,
)
from review_ui.db import get_session
from review_ui.errors import ReviewError

log = logging.getLogger(__name__)

bp = Blueprint("admin", __name__, url_prefix="/admin")

admin_required = role_required("admin")
ROLE_NAMES = {"taod": "TAOD", "supervisor": "Supervisión (CDAOD/JDAOD)",
              "admin": "Administración"}


def _page(form: dict[str, str] | None = None, error: str | None = None,
          status: int = 200) -> ResponseReturnValue:
    accounts = list(get_session().scalars(select(User).order_by(User.username)))
    return render_template("admin/accounts.html", accounts=accounts, roles=ROLES,
                           role_names=ROLE_NAMES, all_units_roles=ALL_UNITS_ROLES,
                           units_label=units_label, form=form or {}, error=error), status


def _account(user_id: int) -> User:
    account = get_session().get(User, user_id)
    if account is None:
        abort(404)
    return account


def _new_password() -> str:
    password = request.form.get("contrasena", "")
    if password != request.form.get("confirmacion", ""):
        raise ReviewError("Las contraseñas no coinciden.")
    return password


@bp.route("/cuentas", methods=("GET", "POST"))
@login_required
@admin_required
def accounts() -> ResponseReturnValue:
    if request.method == "GET":
        return _page()
    form = request.form
    session = get_session()
    units = [u for u in form.get("unidades", "").replace(";", ",").split(",")]
    try:
        created = create_user(session, form.get("usuario", ""), _new_password(),
                              role=form.get("rol", ""), units=units,
                              display_name=form.get("nombre", "").strip(),
                              all_units=bool(form.get("todas_las_unidades")),
                              email=form.get("correo"))
        audit_account(session, current_user.id, "crear_cuenta", created, rol=created.role)
        session.commit()
    except ReviewError as e:
        session.rollback()
        kept = {k: form.get(k, "") for k in ("usuario", "nombre", "rol", "unidades",
                                             "todas_las_unidades", "correo")}
        return _page(kept, str(e), 422)
    flash(f"Cuenta {created.username} creada.", "ok")
    return redirect(url_for("admin.accounts"), 303)


@bp.route("/cuentas/<id:user_id>/contrasena", methods=("POST",))
@login_required
@admin_required
def change_password(user_id: int) -> ResponseReturnValue:
    session = get_session()
    account = _account(user_id)
    try:
        set_password(session, account, _new_password())
        audit_account(session, current_user.id, "cambiar_contrasena", account)
        session.commit()
    except ReviewError as e:
        session.rollback()
        flash(f"No se cambió la contraseña de {account.username}: {e}", "error")
        return redirect(url_for("admin.accounts"), 303)
    if account.id == current_user.id:  # the change ended this session too: keep it open
        login_user(Reviewer.from_row(account))
    flash(f"Contraseña de {account.username} cambiada; sus sesiones abiertas se cerraron.",
          "ok")
    return redirect(url_for("admin.accounts"), 303)


def _set_active(user_id: int, active: bool) -> ResponseReturnValue:
    session = get_session()
    account = _account(user_id)
    if not active and account.id == current_user.id:
        flash("No puede desactivar su propia cuenta.", "error")
        return redirect(url_for("admin.accounts"), 303)
    set_active(session, account, active)
    audit_account(session, current_user.id,
                  "activar_cuenta" if active else "desactivar_cuenta", account)
    session.commit()
    flash(f"Cuenta {account.username} {'activada' if active else 'desactivada'}"
          f"{'' if active else '; sus sesiones abiertas se cerraron'}.", "ok")
    return redirect(url_for("admin.accounts"), 303)


@bp.route("/cuentas/<id:user_id>/desactivar", methods=("POST",))
@login_required
@admin_required
def disable(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, False)


@bp.route("/cuentas/<id:user_id>/activar", methods=("POST",))
@login_required
@admin_required
def enable(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, True)
