"""Deadlines as profile data: every rule of the IMSS and ISSSTE profiles on the calendar."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from classifier.errors import ProfileError
from classifier.profile import load_profile
from intake.business_days import BusinessCalendar
from intake.deadlines import Events, evaluate, next_deadline

CAL = BusinessCalendar()
IMSS = load_profile("imss").deadlines
ISSSTE = load_profile("issste").deadlines
FRI_13 = date(2026, 11, 13)  # Monday 16 November 2026 is Día de la Revolución


def _next(rules, **events):  # type: ignore[no-untyped-def]
    return next_deadline(rules, Events(**events), CAL)


def test_the_profiles_carry_their_deadlines_in_procedure_order() -> None:
    assert [(r.key, r.start, r.until, r.business_days) for r in IMSS] == [
        ("registro", "received", "registered", 0)]
    assert [(r.key, r.start, r.until, r.business_days) for r in ISSSTE] == [
        ("turnar", "received", "forwarded", 3),
        ("respuesta", "forwarded", "answered", 3),
        ("primer_recordatorio", "reminded_1", "answered", 2),
        ("segundo_recordatorio", "reminded_2", "answered", 1),
        ("notificar", "answered", "informed", 2)]
    assert all(r.name and r.basis for r in (*IMSS, *ISSSTE))


def test_issste_received_on_friday_and_not_forwarded_is_due_thursday() -> None:
    """The issue's example: received Friday 2026-11-13, not yet forwarded: due Thursday
    2026-11-19, because Monday 16 November is a holiday."""
    state = _next(ISSSTE, received=FRI_13)
    assert (state.key, state.due_on) == ("turnar", date(2026, 11, 19))
    assert not state.late(date(2026, 11, 19)) and state.late(date(2026, 11, 20))


def test_imss_registers_the_same_day() -> None:
    state = _next(IMSS, received=FRI_13)
    assert (state.key, state.due_on) == ("registro", FRI_13)
    assert state.late(date(2026, 11, 17))
    assert _next(IMSS, received=FRI_13, registered=FRI_13) is None
    [met] = evaluate(IMSS, Events(received=FRI_13, registered=date(2026, 11, 17)), CAL)
    assert met.met_on == date(2026, 11, 17) and met.late(date(2026, 11, 30))  # met late


def test_issste_follow_up_runs_from_the_forwarding() -> None:
    forwarded = date(2026, 11, 17)
    state = _next(ISSSTE, received=FRI_13, forwarded=forwarded)
    assert (state.key, state.due_on) == ("respuesta", date(2026, 11, 20))
    [turnar, respuesta] = evaluate(ISSSTE, Events(received=FRI_13, forwarded=forwarded), CAL)
    assert turnar.met_on == forwarded and not turnar.late(date(2026, 12, 1))
    assert respuesta.met_on is None


def test_issste_reminders_give_the_area_two_then_one_business_day() -> None:
    """First reminder on Monday 23 November: the area answers by Wednesday 25; second
    reminder on Thursday 26: by Friday 27 (24 hours counted in business days)."""
    events = dict(received=FRI_13, forwarded=date(2026, 11, 17))
    first = _next(ISSSTE, **events, reminded_1=date(2026, 11, 23))
    assert (first.key, first.due_on) == ("primer_recordatorio", date(2026, 11, 25))
    second = _next(ISSSTE, **events, reminded_1=date(2026, 11, 23),
                   reminded_2=date(2026, 11, 26))
    assert (second.key, second.due_on) == ("segundo_recordatorio", date(2026, 11, 27))
    # Friday 27 + 1 business day is Monday 30.
    assert _next(ISSSTE, **events, reminded_1=date(2026, 11, 23),
                 reminded_2=date(2026, 11, 27)).due_on == date(2026, 11, 30)


def test_issste_answer_is_notified_within_two_business_days() -> None:
    events = dict(received=FRI_13, forwarded=date(2026, 11, 17), answered=date(2026, 11, 19))
    state = _next(ISSSTE, **events)
    assert (state.key, state.due_on) == ("notificar", date(2026, 11, 23))
    assert _next(ISSSTE, **events, informed=date(2026, 11, 20)) is None


def test_institutional_days_off_move_a_deadline() -> None:
    cal = BusinessCalendar([date(2026, 11, 17)])
    state = next_deadline(ISSSTE, Events(received=FRI_13), cal)
    assert state.due_on == date(2026, 11, 20)


def test_a_rule_with_an_unknown_event_or_backwards_is_refused(tmp_path: Path) -> None:
    src = Path(__file__).parents[2] / "classifier" / "profiles" / "issste.toml"
    for old, new, bad in (('until = "informed"', 'until = "olvidado"', "olvidado"),
                          ('until = "informed"', 'until = "received"', "notificar")):
        broken = tmp_path / f"{bad}.toml"
        broken.write_text(src.read_text("utf-8").replace(old, new), "utf-8")
        with pytest.raises(ProfileError, match=bad):
            load_profile(broken)


def test_documents_stored_before_0007_get_their_due_dates(settings) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a database at revision 0005 holding an open IMSS document WHEN it is opened
    THEN the migration adds the deadline columns and the document gets its due date."""
    from intake.config import ensure_dirs
    from intake.pipeline import open_database
    from models import schema
    from models.db import make_engine, session_scope
    from tests.migration_testing import database_at, document, source_file

    ensure_dirs(settings)
    engine = make_engine(settings.database_url)
    day = {"received_on": FRI_13, "created_at": datetime(2026, 11, 13, 10),
           "updated_at": datetime(2026, 11, 13, 10)}
    database_at(engine, "0005", {
        "source_files": [source_file(ingested_at=datetime(2026, 11, 13, 10))],
        "documents": [document(1, **day), document(2, status="descartado", **day)]})
    engine.dispose()
    with session_scope(open_database(settings)) as s:
        open_doc, discarded = s.get(schema.Document, 1), s.get(schema.Document, 2)
        assert (open_doc.due_on, open_doc.due_step) == (FRI_13, "registro")
        assert discarded.due_on is None
