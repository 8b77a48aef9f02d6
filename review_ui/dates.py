"""The station's "today": the day the box is worked, pinned by tests through config TODAY."""

from __future__ import annotations

from datetime import date

from flask import current_app


def today() -> date:
    pinned = current_app.config.get("TODAY")
    return pinned if isinstance(pinned, date) else date.today()
