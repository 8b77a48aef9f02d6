"""The classifier's routing rules as the review station calls them (one import point)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from classifier.route import missing_data as _missing_data
from classifier.route import route_for as _route_for

if TYPE_CHECKING:
    from classifier.profile import Profile


def route_for(type_: str, fields: Mapping[str, Any], profile: Profile) -> tuple[str, str]:
    """(route, Spanish reason) for a petition type and the person's data."""
    return _route_for(type_, dict(fields or {}), profile)


def missing_data(fields: Mapping[str, Any], profile: Profile, type_: str | None = None
                 ) -> list[str]:
    """Which of the profile's required data (for a petition of `type_`) are absent."""
    return list(_missing_data(dict(fields or {}), profile, type_))


def discard_type(profile: Profile) -> str:
    """The label for "not a petition" in the institution's taxonomy."""
    return profile.discard_type
