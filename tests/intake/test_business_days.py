"""Business days: federal holidays (LFT art. 74) and the institution's own days off."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from intake.business_days import BusinessCalendar, calendar_for
from intake.config import load_settings
from intake.errors import ConfigError

CAL = BusinessCalendar()


def test_a_holiday_moved_to_monday_is_skipped() -> None:
    """GIVEN Friday 13 November 2026 WHEN counting 3 business days THEN Monday 16 (Día de
    la Revolución, the third Monday of November) does not count: Thursday 19."""
    assert CAL.holiday_name(date(2026, 11, 16)) == "Día de la Revolución"
    assert not CAL.is_business_day(date(2026, 11, 16))
    assert CAL.add(date(2026, 11, 13), 1) == date(2026, 11, 17)
    assert CAL.add(date(2026, 11, 13), 3) == date(2026, 11, 19)
    # Constitution day is the first Monday of February, not the 5th, in 2026.
    assert not CAL.is_business_day(date(2026, 2, 2))
    assert CAL.is_business_day(date(2026, 2, 5))


def test_the_year_end_skips_new_year_and_the_weekend() -> None:
    """Thursday 31 December 2026 + 1 business day: Friday 1 January is a holiday, then the
    weekend: Monday 4 January 2027."""
    assert CAL.add(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert CAL.add(date(2026, 12, 31), 3) == date(2027, 1, 6)
    assert CAL.add(date(2026, 12, 24), 1) == date(2026, 12, 28)  # 25 Dec is a Friday
    assert CAL.count(date(2026, 12, 24), date(2027, 1, 6)) == 7  # 28-31 Dec, 4-6 Jan


def test_a_configured_institutional_day_off_is_skipped() -> None:
    cal = BusinessCalendar([date(2026, 12, 24)])
    assert cal.holiday_name(date(2026, 12, 24)) == "Día inhábil de la institución"
    assert CAL.add(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert cal.add(date(2026, 12, 23), 1) == date(2026, 12, 28)


def test_zero_days_is_the_same_day_and_weekends_never_count() -> None:
    assert CAL.add(date(2026, 11, 20), 0) == date(2026, 11, 20)
    assert CAL.add(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Friday -> Monday
    assert not CAL.is_business_day(date(2026, 11, 21))
    assert CAL.count(date(2026, 11, 20), date(2026, 11, 20)) == 0
    # The change of federal government (LFT art. 74 VI) on 1 October 2024.
    assert not CAL.is_business_day(date(2024, 10, 1))


def test_days_off_come_from_the_toml_file_or_the_variable(tmp_path: Path) -> None:
    cfg = tmp_path / "buzon.toml"
    cfg.write_text('dias_inhabiles = [2026-12-24, "2026-12-31"]\n')
    s = load_settings(env={"BUZON_CONFIG": str(cfg), "BUZON_DATA_DIR": str(tmp_path)})
    assert s.dias_inhabiles == (date(2026, 12, 24), date(2026, 12, 31))
    assert not calendar_for(s).is_business_day(date(2026, 12, 31))
    s = load_settings(env={"BUZON_DATA_DIR": str(tmp_path),
                           "BUZON_DIAS_INHABILES": "2026-12-24, 2026-12-31"})
    assert s.dias_inhabiles == (date(2026, 12, 24), date(2026, 12, 31))
    assert load_settings(env={"BUZON_DATA_DIR": str(tmp_path)}).dias_inhabiles == ()
    with pytest.raises(ConfigError, match="Día inhábil no válido «24/12/2026»"):
        load_settings(env={"BUZON_DATA_DIR": str(tmp_path), "BUZON_DIAS_INHABILES": "24/12/2026"})
