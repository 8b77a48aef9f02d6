"""Deadlines: the profile's rules counted on the business-day calendar, for one document.

A rule runs from one event of the procedure to another (`classifier.profile.DeadlineRule`).
`evaluate` gives every rule that has started, met or not; the document's *next* deadline is
the open one that started last (after a reminder, the reminder's term replaces the first
one). Each document keeps its next due date in `documents.due_on`, refreshed before every
flush by `keep_due_dates`, so the queue can sort the late ones in SQL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, select

from models.schema import Document
from models.states import DocumentStatus

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session, sessionmaker

    from classifier.profile import DeadlineRule
    from intake.business_days import BusinessCalendar
    from intake.config import Settings

log = logging.getLogger(__name__)

# Statuses with no deadline left: not a petition, closed for lack of interest, merged.
SETTLED = (DocumentStatus.DISCARDED, DocumentStatus.CLOSED, DocumentStatus.MERGED)


@dataclass(frozen=True)
class Events:
    """When each step of the procedure happened (None: not yet)."""

    received: date
    registered: date | None = None
    forwarded: date | None = None
    reminded_1: date | None = None
    reminded_2: date | None = None
    answered: date | None = None
    informed: date | None = None

    def get(self, name: str) -> date | None:
        return getattr(self, name)


EVENT_NAMES = tuple(f.name for f in fields(Events))


@dataclass(frozen=True)
class DeadlineState:
    key: str
    name: str
    basis: str
    started_on: date
    due_on: date
    met_on: date | None

    def late(self, today: date) -> bool:
        """Met after its due date, or still open with the due date past."""
        return (self.met_on or today) > self.due_on


def evaluate(rules: Sequence[DeadlineRule], events: Events, calendar: BusinessCalendar
             ) -> list[DeadlineState]:
    """Every rule whose start has happened, in profile order, with its due date."""
    out = []
    for rule in rules:
        started = events.get(rule.start)
        if started is None:
            continue
        out.append(DeadlineState(rule.key, rule.name, rule.basis, started,
                                 calendar.add(started, rule.business_days),
                                 events.get(rule.until)))
    return out


def next_deadline(rules: Sequence[DeadlineRule], events: Events, calendar: BusinessCalendar
                  ) -> DeadlineState | None:
    """The open deadline that started last (None when nothing is due)."""
    open_ = [s for s in evaluate(rules, events, calendar) if s.met_on is None]
    return open_[-1] if open_ else None


def events_of(doc: Document) -> Events:
    """The events of a stored document. With several areas, the petition is forwarded on
    the first forwarding and answered when the last area answers; reminders count for the
    areas still to answer."""
    values: dict[str, Any] = {"received": doc.received_on, "registered": doc.registered_on,
                              "informed": doc.informed_on}
    sent = list(doc.forwardings)
    if sent:
        values["forwarded"] = min(f.forwarded_on for f in sent)
        waiting = [f for f in sent if f.answered_on is None]
        if not waiting:
            values["answered"] = max(f.answered_on for f in sent if f.answered_on)
        for n in (1, 2):
            days = [d for f in (waiting or sent) if (d := getattr(f, f"reminded_{n}_on"))]
            values[f"reminded_{n}"] = max(days) if days else None
    return Events(**values)


def answer_due(doc: Document, rules: Sequence[DeadlineRule]) -> date | None:
    """When the area's answer is due, if that is the document's next deadline."""
    waiting = {r.key for r in rules if r.until == "answered"}
    return doc.due_on if doc.due_step in waiting else None


def is_settled(doc: Document) -> bool:
    """No deadline left: not a petition, closed, merged or archived."""
    return doc.status in SETTLED or doc.archived_on is not None


def refresh(doc: Document, rules: Sequence[DeadlineRule], calendar: BusinessCalendar) -> None:
    """Store the document's next due date and rule key (None when nothing is due)."""
    state = None if is_settled(doc) or doc.received_on is None else next_deadline(
        rules, events_of(doc), calendar)
    due, step = (state.due_on, state.key) if state else (None, None)
    if doc.due_on != due or doc.due_step != step:
        doc.due_on, doc.due_step = due, step


def keep_due_dates(factory: sessionmaker[Session], rules: Sequence[DeadlineRule],
                   calendar: BusinessCalendar) -> None:
    """Refresh `due_on` of every new or changed document before each flush of `factory`'s
    sessions: one place, whichever path (ingest, a decision, a procedure step) changed it."""

    def before_flush(session: Session, _ctx: object, _instances: object) -> None:
        for obj in (*session.new, *session.dirty):
            doc = obj if isinstance(obj, Document) else getattr(obj, "document", None)
            if isinstance(doc, Document):
                refresh(doc, rules, calendar)

    event.listen(factory, "before_flush", before_flush)


def attach(factory: sessionmaker[Session], settings: Settings, batch: int = 500) -> None:
    """Keep due dates on `factory`'s sessions, with the configured institution's rules and
    calendar, and bring the open documents' due dates up to date (documents stored before
    deadlines existed, or a calendar changed since: new days off move every due date)."""
    from intake.business_days import calendar_for

    rules, calendar = settings.profile.deadlines, calendar_for(settings)
    keep_due_dates(factory, rules, calendar)
    session = factory()
    try:
        last, changed = 0, 0
        while True:
            docs = list(session.scalars(
                select(Document).where(Document.id > last, Document.status.not_in(SETTLED),
                                       Document.archived_on.is_(None))
                .order_by(Document.id).limit(batch)))
            if not docs:
                break
            for doc in docs:
                before = (doc.due_on, doc.due_step)
                refresh(doc, rules, calendar)
                changed += (doc.due_on, doc.due_step) != before
            session.commit()
            last = docs[-1].id
            session.expunge_all()
        if changed:
            log.info("due dates brought up to date on %s documents", changed)
    finally:
        session.close()
