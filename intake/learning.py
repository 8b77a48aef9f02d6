"""The learning loop's database side: reviewers' closed documents, gathered as training
samples with the person's data replaced (classifier.training decides what to do with them).

Only documents a person has closed (confirmed, discarded or sent to contact, with a
Decision row) count; a machine proposal nobody reviewed never trains the model.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from classifier.identity import NAME_PARTICLES, make_identity
from classifier.training import ReviewedSample
from models.schema import Decision, Document
from models.states import DocumentStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

REVIEWED_STATUSES = (DocumentStatus.CONFIRMED, DocumentStatus.DISCARDED, DocumentStatus.TO_CONTACT)
_PERSONAL_KEYS = ("nombre", "nss", "telefono", "correo", "curp")
# Parts of names that are also ordinary words: replacing them would garble the text.
_PARTICLES = NAME_PARTICLES | {"san", "santa"}


def _literally(replacement: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement that inserts `replacement` as is (no backslash escapes)."""
    return lambda _match: replacement


def _pseudonymize(text: str, fields: Mapping[str, object], seed: int) -> str:
    """Replace the person's recorded data in the text by an invented identity's.

    The trained model's vocabulary is saved to disk; it should hold corpus-like invented
    names, not the names of real people who wrote to the box.
    """
    fake = make_identity(random.Random(seed))
    replacements = {"nombre": fake.nombre, "nss": fake.nss, "telefono": fake.telefono,
                    "correo": fake.correo, "curp": fake.curp}
    for key in _PERSONAL_KEYS:
        value = fields.get(key)
        if not isinstance(value, str) or len(value.strip()) < 3:
            continue
        if key == "nombre":
            fake_parts = fake.nombre.split()
            for i, part in enumerate(value.split()):
                if len(part) > 2 and part.lower() not in _PARTICLES:
                    new = fake_parts[i % len(fake_parts)]
                    text = re.sub(rf"(?i)\b{re.escape(part)}\b", _literally(new), text)
        else:
            new = replacements[key]
            text = re.sub(re.escape(value), _literally(new), text, flags=re.IGNORECASE)
    return text


def reviewed_samples(session: Session, labels: Sequence[str] | None = None
                     ) -> list[ReviewedSample]:
    """Every document a reviewer closed, with its final type, in id order.

    Args:
        session: an open database session.
        labels: the types the model knows; documents of other types are left out.
    """
    has_decision = select(Decision.document_id).distinct()
    query = (select(Document)
             .where(Document.status.in_(REVIEWED_STATUSES), Document.id.in_(has_decision))
             .order_by(Document.id))
    out: list[ReviewedSample] = []
    for doc in session.scalars(query):
        if labels is not None and doc.type not in labels:
            continue
        if not (doc.text or "").strip():
            continue
        out.append(ReviewedSample(doc.id, doc.type,
                                  _pseudonymize(doc.text, doc.fields or {}, doc.id)))
    log.info("reviewed documents for training: %d", len(out))
    return out
