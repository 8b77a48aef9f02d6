"""Undo: a reviewer takes back their own last decision while nobody has changed it since."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select

from models.schema import Decision, Document
from models.states import DecisionAction
from review_ui.decide import SNAPSHOT_KEYS, record_decision, snapshot
from review_ui.errors import InvalidDecisionError
from review_ui.procedure import STEPS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from review_ui.accounts import Reviewer

log = logging.getLogger(__name__)

_NOT_UNDOABLE: dict[str, str] = {DecisionAction.MERGE: "una unión de documentos (use «separar»)",
                 DecisionAction.SPLIT: "una separación de páginas (use «unir»)",
                 DecisionAction.UNDO: "un «deshacer»",
                 **{step: "un paso del seguimiento, que ya ocurrió fuera de la estación"
                    for step in STEPS}}


def undo_last(session: Session, reviewer: Reviewer) -> Document:
    """Restore the document of the reviewer's last decision to how it was before it.

    Raises:
        InvalidDecisionError: nothing to undo, or the document changed since.
    """
    last = session.scalar(select(Decision).where(Decision.user_id == reviewer.id)
                          .order_by(Decision.id.desc()).limit(1))
    if last is None:
        raise InvalidDecisionError("No hay ninguna decisión suya que deshacer.")
    if last.action in _NOT_UNDOABLE:
        raise InvalidDecisionError(f"Su última acción fue {_NOT_UNDOABLE[last.action]}; "
                                   "no se puede deshacer.")
    doc = session.get(Document, last.document_id)
    if doc is None or not reviewer.may_see_unit(doc.unit):
        raise InvalidDecisionError("No hay ninguna decisión suya que deshacer.")
    latest = session.scalar(select(Decision.id).where(Decision.document_id == doc.id)
                            .order_by(Decision.id.desc()).limit(1))
    if latest != last.id:
        raise InvalidDecisionError("Otra persona decidió después sobre este documento; no se "
                                   "puede deshacer.")
    before = snapshot(doc)
    for key in SNAPSHOT_KEYS:
        if key in last.before:
            setattr(doc, key, last.before[key])
    if last.action == DecisionAction.URGENT:
        doc.escalated_at = None
    record_decision(session, doc, reviewer.id, DecisionAction.UNDO, before,
                    f"Deshizo «{last.action}»")
    return doc
