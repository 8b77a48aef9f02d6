"""Login throttling: failed attempts per account and per address within a sliding window.

Kept in the database (not in memory) so every thread and process of the server shares the
count. No Flask here: the functions take a session, plain values and the current time.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from models.schema import LoginAttempt

if TYPE_CHECKING:
    from sqlalchemy.orm import InstrumentedAttribute, Session

log = logging.getLogger(__name__)

MAX_USERNAME = 80  # the column's width; longer attempts are stored cut
MAX_ADDRESS = 64


@dataclass(frozen=True)
class Limits:
    """Failures allowed in `window` before logins are refused (even with the right password)."""

    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


def _key(username: str) -> str:
    return username.strip()[:MAX_USERNAME]


def _wait(session: Session, column: InstrumentedAttribute[str], value: str, limit: int,
          now: datetime,
          window: timedelta) -> float:
    """Seconds until fewer than `limit` failures for `value` remain in the window (0: none)."""
    since = now - window
    recent = list(session.scalars(
        select(LoginAttempt.created_at)
        .where(column == value, LoginAttempt.created_at > since)
        .order_by(LoginAttempt.created_at.desc()).limit(limit)))
    if len(recent) < limit:
        return 0.0
    # The limit-th most recent failure leaving the window lets one more attempt in.
    return max(0.0, (recent[-1] + window - now).total_seconds())


def blocked_for(session: Session, username: str, address: str, now: datetime,
                limits: Limits) -> int:
    """Whole seconds the caller must wait before trying to log in again; 0 when allowed."""
    wait = max(_wait(session, LoginAttempt.username, _key(username), limits.per_account, now,
                     limits.window),
               _wait(session, LoginAttempt.address, address[:MAX_ADDRESS], limits.per_address,
                     now, limits.window))
    return math.ceil(wait)


def record_failure(session: Session, username: str, address: str, now: datetime,
                   limits: Limits) -> None:
    """Count a failed login; drops attempts older than the window (the table stays small)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.created_at <= now - limits.window))
    session.add(LoginAttempt(username=_key(username), address=address[:MAX_ADDRESS],
                             created_at=now))


def clear_account(session: Session, username: str) -> None:
    """A successful login forgets the account's failures (not the address's)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == _key(username)))
