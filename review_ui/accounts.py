"""Reviewer accounts: creation, password policy and changes, activation, unit scope, and
the Flask-Login user (whose id carries the session version, so sessions can be revoked)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from flask import abort
from flask_login import LoginManager, UserMixin, current_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from models.schema import AuditEvent, User
from review_ui.errors import ReviewError, UserExistsError
from review_ui.ids import parse_id

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ROLES = ("taod", "supervisor", "admin")
# Only these roles may see every unit, and only when it is asked for explicitly.
ALL_UNITS_ROLES = ("supervisor", "admin")
MIN_PASSWORD = 10

# Compared against when the username does not exist, so a failed login costs the same time
# whether or not the account exists.
_DUMMY_HASH = generate_password_hash("contraseña-de-relleno")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, in lower case."""
    text = resources.files("review_ui").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def check_password_policy(password: str, username: str = "") -> None:
    """Raises ReviewError (Spanish) when the password is too short or too easy to guess."""
    if len(password) < MIN_PASSWORD:
        raise ReviewError(f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres.")
    folded = password.strip().lower()
    if folded in common_passwords() or len(set(folded)) < 3:
        raise ReviewError("Esa contraseña es demasiado común o fácil de adivinar; elija otra "
                          "(por ejemplo, una frase de varias palabras).")
    if folded == username.strip().lower():
        raise ReviewError("La contraseña no puede ser el nombre de usuario.")


def _clean_units(role: str, units: Iterable[str], all_units: bool) -> list[str]:
    """The units an account of `role` may see; [] only for all units, asked explicitly."""
    cleaned = list(dict.fromkeys(u.strip() for u in units if u.strip()))
    if all_units:
        if role not in ALL_UNITS_ROLES:
            raise ReviewError("Una cuenta TAOD no puede ver todas las unidades: indique al "
                              "menos una unidad.")
        if cleaned:
            raise ReviewError("Indique unidades o todas las unidades, no ambas.")
        return []
    if not cleaned:
        if role in ALL_UNITS_ROLES:
            raise ReviewError("Indique al menos una unidad, o pida todas las unidades de "
                              "forma explícita.")
        raise ReviewError("Indique al menos una unidad (p. ej. UMF 20) para la cuenta TAOD.")
    return cleaned


def create_user(session: Session, username: str, password: str, role: str = "taod",
                units: Iterable[str] = (), display_name: str = "", *,
                all_units: bool = False, email: str | None = None) -> User:
    """Add a reviewer who sees `units`; a supervisor or admin sees every unit only with
    `all_units=True`.

    Raises:
        UserExistsError: the username is taken.
        ReviewError: bad role, empty username, no unit, or a password the policy refuses.
    """
    username = username.strip()
    if not username:
        raise ReviewError("El nombre de usuario no puede estar vacío.")
    if len(username) > 80:
        raise ReviewError("El nombre de usuario admite hasta 80 caracteres.")
    if role not in ROLES:
        raise ReviewError(f"Rol no válido: {role}. Use uno de: {', '.join(ROLES)}.")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserExistsError(f"Ya existe el usuario {username}.")
    check_password_policy(password, username)
    user = User(username=username, password_hash=generate_password_hash(password), role=role,
                units=_clean_units(role, units, all_units), display_name=display_name,
                email=clean_email(email))
    session.add(user)
    session.flush()
    log.info("user created: id=%s role=%s", user.id, role)
    return user


def clean_email(email: str | None) -> str | None:
    """The account's address for notices (urgent alerts reach supervisors there)."""
    from classifier.validate import is_valid_email

    email = (email or "").strip().lower() or None
    if email is not None and (len(email) > 200 or not is_valid_email(email)):
        raise ReviewError("El correo electrónico no es válido (ejemplo: nombre@dominio.mx).")
    return email


def find_user(session: Session, username: str) -> User:
    """The account named `username`; raises ReviewError when there is none."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise ReviewError(f"No existe el usuario {username.strip()}.")
    return user


def end_sessions(user: User) -> None:
    """Every session opened before this call stops working (see Reviewer.get_id)."""
    user.session_version = (user.session_version or 1) + 1


def set_password(session: Session, user: User, password: str) -> None:
    """Change the password (policy checked) and end the account's open sessions."""
    check_password_policy(password, user.username)
    user.password_hash = generate_password_hash(password)
    end_sessions(user)
    session.flush()
    log.info("password changed: user id=%s", user.id)


def set_active(session: Session, user: User, active: bool) -> None:
    """Enable or disable the account; disabling ends its open sessions at once."""
    user.active = active
    if not active:
        end_sessions(user)
    session.flush()
    log.info("user id=%s %s", user.id, "enabled" if active else "disabled")


def units_label(user: User) -> str:
    """The units an account sees, in Spanish (the CLI list and the admin page)."""
    if user.units:
        return ", ".join(user.units)
    if user.role not in ALL_UNITS_ROLES:
        return "ninguna (asigne una unidad)"
    return "todas"


def audit_account(session: Session, actor_id: int | None, action: str, user: User,
                  **detail: Any) -> None:
    """An account change in the audit trail; `actor_id` None is the command line."""
    session.add(AuditEvent(user_id=actor_id, action=action,
                           detail={"cuenta": user.username, **detail}))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, else None."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


@dataclass(frozen=True)
class Reviewer(UserMixin):
    """The logged-in reviewer as the views see it (a plain copy, not an ORM row)."""

    id: int
    username: str
    display_name: str
    role: str
    units: tuple[str, ...] = field(default=())
    session_version: int = 1

    @classmethod
    def from_row(cls, user: User) -> Reviewer:
        return cls(id=user.id, username=user.username,
                   display_name=user.display_name or user.username, role=user.role,
                   units=tuple(user.units or ()), session_version=user.session_version or 1)

    def get_id(self) -> str:
        """Kept in the session cookie: the session version makes old cookies invalid."""
        return f"{self.id}:{self.session_version}"

    @property
    def sees_all_units(self) -> bool:
        # A TAOD row without units (made before units were required) sees nothing.
        return not self.units and self.role in ALL_UNITS_ROLES

    def may_see_unit(self, unit: str | None) -> bool:
        return self.sees_all_units or (unit is not None and unit in self.units)


def role_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view decorator (under @login_required): 403 unless the reviewer has one of `roles`."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate


login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Inicie sesión para continuar."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(user_id: str) -> Reviewer | None:
    from review_ui.db import get_session

    uid, _, version = user_id.partition(":")
    pk, seen_version = parse_id(uid), parse_id(version)
    if pk is None or seen_version is None:
        return None  # also a session from before versions: log in again
    user = get_session().get(User, pk)
    if user is None or not user.active or user.session_version != seen_version:
        return None
    return Reviewer.from_row(user)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
