"""Reviewer accounts: creation, password check, unit scope and the Flask-Login user."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_login import LoginManager, UserMixin
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from models.schema import User
from review_ui.errors import ReviewError, UserExistsError

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ROLES = ("taod", "supervisor", "admin")
MIN_PASSWORD = 8

# Compared against when the username does not exist, so a failed login costs the same time
# whether or not the account exists.
_DUMMY_HASH = generate_password_hash("contraseña-de-relleno")


def create_user(session: Session, username: str, password: str, role: str = "taod",
                units: Iterable[str] = (), display_name: str = "") -> User:
    """Add a reviewer; `units` limits what a TAOD sees ([] = all units).

    Raises:
        UserExistsError: the username is taken.
        ReviewError: bad role, empty username or a password shorter than 8 characters.
    """
    username = username.strip()
    if not username:
        raise ReviewError("El nombre de usuario no puede estar vacío.")
    if role not in ROLES:
        raise ReviewError(f"Rol no válido: {role}. Use uno de: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise ReviewError(f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres.")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserExistsError(f"Ya existe el usuario {username}.")
    user = User(username=username, password_hash=generate_password_hash(password), role=role,
                units=[u.strip() for u in units if u.strip()], display_name=display_name)
    session.add(user)
    session.flush()
    log.info("user created: id=%s role=%s", user.id, role)
    return user


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

    @classmethod
    def from_row(cls, user: User) -> Reviewer:
        return cls(id=user.id, username=user.username,
                   display_name=user.display_name or user.username, role=user.role,
                   units=tuple(user.units or ()))

    def get_id(self) -> str:
        return str(self.id)

    @property
    def sees_all_units(self) -> bool:
        return not self.units

    def may_see_unit(self, unit: str | None) -> bool:
        return self.sees_all_units or (unit is not None and unit in self.units)


login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Inicie sesión para continuar."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(user_id: str) -> Reviewer | None:
    from review_ui.db import get_session

    try:
        user = get_session().get(User, int(user_id))
    except ValueError:
        return None
    if user is None or not user.active:
        return None
    return Reviewer.from_row(user)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
