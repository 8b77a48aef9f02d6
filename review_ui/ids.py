"""Database ids taken from URLs and forms: only those every database can hold get through.

Id columns are INTEGER: 32 bits on PostgreSQL, 64 on SQLite. A larger number in a URL would
make the driver raise (an error page 500); out of range it is simply not found (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.routing import IntegerConverter

if TYPE_CHECKING:
    from flask import Flask

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER, the narrowest of the id columns


def parse_id(value: str | None) -> int | None:
    """The id written in `value` (ASCII digits, 1..MAX_ID), else None."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(MAX_ID)):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: an int in 1..MAX_ID; anything else does not match (404)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        super().__init__(map, min=1, max=MAX_ID)  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    """Register the converter; call before the blueprints are registered."""
    app.url_map.converters["id"] = IdConverter
