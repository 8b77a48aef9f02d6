"""The classifier's routing rules as the review station calls them (one import point)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def route_for(type_: str, fields: Mapping[str, Any], institution: str = "imss"
              ) -> tuple[str, str]:
    """(route, Spanish reason) for a petition type and the person's data."""
    from classifier.profile import load_profile
    from classifier.route import route_for as _route_for

    return _route_for(type_, dict(fields or {}), load_profile(institution))


def missing_data(fields: Mapping[str, Any], institution: str = "imss") -> list[str]:
    """Which minimum data (nombre, nss, contacto per the profile) are absent."""
    from classifier.profile import load_profile
    from classifier.route import missing_data as _missing_data

    return list(_missing_data(dict(fields or {}), load_profile(institution)))


def discard_type(institution: str = "imss") -> str:
    """The label for "not a petition" in the institution's taxonomy."""
    from classifier.profile import load_profile

    return load_profile(institution).discard_type
