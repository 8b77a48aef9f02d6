"""The values the status and action columns hold, named once (paperless-ngx's StrEnum habit).

StrEnum members are `str`: they compare equal to the stored strings, are stored and
serialised (JSON, templates) as their value, and read back as plain strings. Routes and
duplicate-link kinds are the classifier's words (`classifier.types.Route`), not these:
the classifier may not import models.
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class DocumentStatus(StrEnum):
    """`documents.status`: where a document is in the review (Spanish names in
    intake.labels.STATUS_NAMES)."""

    PENDING = "pendiente"
    CONFIRMED = "confirmado"
    DISCARDED = "descartado"
    TO_CONTACT = "contactar"
    CLOSED = "cerrado"  # contact failed: desinterés (IMSS 48)
    MERGED = "fusionado"  # joined into documents.merged_into_id


@unique
class DecisionAction(StrEnum):
    """`decisions.action`: what a reviewer did (Spanish names in
    review_ui.labels.ACTION_NAMES)."""

    CONFIRM = "confirmar"
    CHANGE_TYPE = "cambiar_tipo"
    EDIT_FIELDS = "editar_campos"
    DISCARD = "descartar"
    MARK_CONTACT = "contactar"
    URGENT = "urgente"
    MERGE = "unir"
    SPLIT = "separar"
    UNDO = "deshacer"
    SIADE_FOLIO = "folio_siade"
    CONTACT_RESULT = "resultado_contacto"
    CONTACT_ATTEMPT = "intento_contacto"
    FORWARD = "turnar"
    REMIND = "recordatorio"
    AREA_ANSWER = "respuesta_area"
    INFORM = "informar"
    ARCHIVE = "archivar"


@unique
class FileStatus(StrEnum):
    """`source_files.status`."""

    OK = "ok"
    QUARANTINED = "cuarentena"


@unique
class OutboxStatus(StrEnum):
    """`outbox.status`: an e-mail notice waits, is sent, or failed every attempt."""

    PENDING = "pendiente"
    SENT = "enviado"
    FAILED = "fallido"


@unique
class LinkStatus(StrEnum):
    """`duplicate_links.status`: the reviewer's verdict on a proposed link."""

    PROPOSED = "propuesto"
    CONFIRMED = "confirmado"
    REJECTED = "rechazado"
