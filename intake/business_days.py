"""Business days: the one calendar every deadline is counted on.

Mexico's mandatory rest days (Ley Federal del Trabajo art. 74, including the holidays moved
to a Monday and the change of federal government) come from the `holidays` package; the
institution's own declared non-working days come from configuration (`dias_inhabiles`).
Saturdays and Sundays are never business days.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays

if TYPE_CHECKING:
    from intake.config import Settings

log = logging.getLogger(__name__)

_MAX_DAYS = 3660  # a deadline is counted in days, not decades: stop a runaway loop


@lru_cache(maxsize=64)
def _federal(year: int) -> dict[date, str]:
    """The year's federal holidays with their Spanish names (built once per year)."""
    return dict(holidays.country_holidays("MX", years=year, language="es").items())


class BusinessCalendar:
    """Which days count, and dates so many business days after another."""

    def __init__(self, days_off: Iterable[date] = ()) -> None:
        self.days_off = frozenset(days_off)

    def holiday_name(self, day: date) -> str | None:
        """Why `day` is not worked (a holiday's name or the institution's day off)."""
        if day in self.days_off:
            return "Día inhábil de la institución"
        return _federal(day.year).get(day)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def add(self, start: date, days: int) -> date:
        """The date `days` business days after `start`; 0 is `start` itself (same day).

        The day of `start` never counts, as with every deadline "within N business days of"
        an event.
        """
        if days < 0:
            raise ValueError("days must be >= 0")
        day, left = start, days
        for _ in range(_MAX_DAYS):
            if left == 0:
                return day
            day += timedelta(days=1)
            if self.is_business_day(day):
                left -= 1
        raise ValueError("deadline too far away")

    def count(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (0 if `end` <= `start`)."""
        n, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_business_day(day):
                n += 1
        return n


def calendar_for(settings: Settings) -> BusinessCalendar:
    """The calendar of the configured institution (federal holidays + its days off)."""
    return BusinessCalendar(settings.dias_inhabiles)
