"""The database schema: files, documents, pages, proposals, decisions, audit, users, logins,
registered-petition history and duplicate links."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from models.states import DocumentStatus, FileStatus, LinkStatus, OutboxStatus


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="taod")  # taod | supervisor | admin
    units: Mapped[list[Any]] = mapped_column(default=list)  # units a TAOD may see; [] = all
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Part of every session's identity: bumping it (logout, password change, disabling)
    # ends every session opened before, even a copied cookie.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    email: Mapped[str | None] = mapped_column(String(200))  # urgent alerts to supervisors


class LoginAttempt(Base):
    """A failed login, kept for the throttling window (the audit trail keeps the history)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    __table_args__ = (Index("ix_login_attempts_username", "username", "created_at"),
                      Index("ix_login_attempts_address", "address", "created_at"))


class SourceFile(Base):
    """An original as received. The stored copy is never modified or deleted."""

    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_path: Mapped[str] = mapped_column(Text)  # as given to ingest
    stored_path: Mapped[str] = mapped_column(Text)  # relative to the data dir
    size: Mapped[int] = mapped_column(Integer)
    file_kind: Mapped[str] = mapped_column(String(20))  # pdf | tiff | jpeg | png | desconocido
    unit: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default=FileStatus.OK)  # FileStatus
    error: Mapped[str | None] = mapped_column(Text)
    # Quarantined for a cause that may pass (memory, a lost worker, a timeout): the next
    # ingest over the file reads it again. A damaged file stays until `--reintentar`.
    transient: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    documents: Mapped[list[Document]] = relationship(back_populates="source_file")


class Document(Base):
    """One petition (or non-petition) as split from a source file.

    `type`, `fields`, `route` and `status` hold the current values: the proposal's until a
    reviewer decides, then the reviewer's. The proposal itself is kept unchanged.
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id"), index=True)
    pages: Mapped[list[Any]] = mapped_column(default=list)  # 1-based page numbers in the source
    kind: Mapped[str] = mapped_column(String(20))  # volante | escrito_libre | otro
    unit: Mapped[str | None] = mapped_column(String(120), index=True)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(40), index=True)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    missing: Mapped[list[Any]] = mapped_column(default=list)
    route: Mapped[str] = mapped_column(String(30), index=True)  # classifier.types.Route
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    urgent_reason: Mapped[str | None] = mapped_column(Text)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default=DocumentStatus.PENDING,
                                        index=True)  # DocumentStatus
    discard_reason: Mapped[str | None] = mapped_column(Text)
    siade_folio: Mapped[str | None] = mapped_column(String(60))
    route_reason: Mapped[str | None] = mapped_column(Text)  # why the current route
    contact_outcome: Mapped[str | None] = mapped_column(String(20))  # obtenido | no_obtenido
    contact_note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)  # supervisor notified
    registered_on: Mapped[date | None] = mapped_column(Date)  # SIADE folio typed back
    # The area's answer told to the person (IMSS 53, ISSSTE 14): when, and how.
    informed_on: Mapped[date | None] = mapped_column(Date)
    informed_how: Mapped[str | None] = mapped_column(String(20))  # presencial|telefono|...
    archived_on: Mapped[date | None] = mapped_column(Date)  # the end of the procedure
    # The next deadline of the institution's procedure (kept by intake.deadlines): its due
    # date and the profile rule it comes from; None when nothing is due.
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    due_step: Mapped[str | None] = mapped_column(String(40))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version_id}
    # The queue's filter and order: one index walk per page even with many documents.
    __table_args__ = (Index("ix_documents_queue", "status", "urgent", "needs_review",
                            "received_on", "created_at", "id"),)

    source_file: Mapped[SourceFile] = relationship(back_populates="documents")
    page_rows: Mapped[list[Page]] = relationship(
        back_populates="document", order_by="Page.page_no", cascade="all, delete-orphan")
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="document", order_by="Proposal.id", cascade="all, delete-orphan")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="document", order_by="Decision.id", cascade="all, delete-orphan")
    forwardings: Mapped[list[Forwarding]] = relationship(
        back_populates="document", order_by="Forwarding.id", cascade="all, delete-orphan")
    contact_attempts: Mapped[list[ContactAttempt]] = relationship(
        back_populates="document", order_by="ContactAttempt.id",
        cascade="all, delete-orphan")
    # Links from this document to earlier petitions (policy 5.9), repeats first.
    duplicate_links: Mapped[list[DuplicateLink]] = relationship(
        back_populates="document", foreign_keys="DuplicateLink.document_id",
        order_by="(DuplicateLink.kind.desc(), DuplicateLink.score.desc())",
        cascade="all, delete-orphan")

    @property
    def proposal(self) -> Proposal | None:
        """The latest machine proposal."""
        return self.proposals[-1] if self.proposals else None


class Page(Base):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    page_no: Mapped[int] = mapped_column(Integer)  # 1-based in the source file
    image_path: Mapped[str | None] = mapped_column(Text)  # cleaned page PNG, data-dir relative
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    method: Mapped[str] = mapped_column(String(20))  # text_layer | tesseract | volante
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    is_blank: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    ocr: Mapped[dict[str, Any]] = mapped_column(default=dict)  # words, volante fields, boxes
    # The machine's boundary proposal for this page, kept as proposed (a reviewer's merge or
    # split is a Decision): why it starts a document or continues the previous page's.
    boundary_reason: Mapped[str | None] = mapped_column(Text)
    # Spanish reason when the OCR engine failed on this page (a timeout, a crash): the page
    # is stored with its image, unread, for a person to read; the rest of its file goes on.
    read_error: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="page_rows")


class Proposal(Base):
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    model_version: Mapped[str] = mapped_column(String(80))
    type: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    spans: Mapped[dict[str, Any]] = mapped_column(default=dict)
    missing: Mapped[list[Any]] = mapped_column(default=list)
    # Regions where an identifier seems written but no reading was accepted (migration 0009):
    # [{"field", "label", "page" (page number in the file), "box", "kind"}].
    candidates: Mapped[list[Any]] = mapped_column(default=list)
    # Where each field was read (migration 0011): {field: {"page" (number in the file),
    # "zone" (the volante field, or null), "source" ("formulario" | "texto" | "pagina"),
    # "box" ([x0, y0, x1, y1] in the page image's pixels, or null)}}; NULL on proposals
    # stored before it was kept (the view then finds the values on the page).
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    route: Mapped[str] = mapped_column(String(30))
    route_reason: Mapped[str] = mapped_column(Text, default="")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent_reason: Mapped[str | None] = mapped_column(Text)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="proposals")


class Decision(Base):
    """A reviewer's decision on a document; `before`/`after` hold what it changed."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))  # DecisionAction
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="decisions")
    user: Mapped[User] = relationship()


class Forwarding(Base):
    """A copy of the petition sent to the service involved ("turnar al área"), and the
    area's answer once it arrives."""

    __tablename__ = "forwardings"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    area: Mapped[str] = mapped_column(String(120), index=True)
    forwarded_on: Mapped[date] = mapped_column(Date, index=True)
    forwarded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reminded_1_on: Mapped[date | None] = mapped_column(Date)
    reminded_2_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer_summary: Mapped[str | None] = mapped_column(Text)
    answer_path: Mapped[str | None] = mapped_column(Text)  # attachment, data-dir relative
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="forwardings")


class ContactAttempt(Base):
    """One try to reach the person for missing data (IMSS 47): when, how, who, outcome."""

    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    attempted_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))  # telefono | correo | presencial | postal
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(30))  # sin_respuesta | ... | obtenido
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="contact_attempts")
    user: Mapped[User] = relationship()


class OutboxMessage(Base):
    """An e-mail notice, kept from the moment it is decided until it is sent: a failed send
    is retried and shown, never lost."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # acuse | recordatorio | alerta_urgente
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING,
                                        index=True)  # OutboxStatus
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)  # Spanish, with no personal data
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    """Who saw or changed what, and when. Written for every view of personal data too."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship()


class PetitionHistory(Base):
    """A petition already registered in SIADE or SINAPP before this installation, imported
    from a CSV so the duplicate search (policy 5.9) finds it like a document."""

    __tablename__ = "petition_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # siade | sinapp
    folio: Mapped[str] = mapped_column(String(60))
    registered_on: Mapped[date] = mapped_column(Date, index=True)
    nss: Mapped[str | None] = mapped_column(String(11))
    nombre: Mapped[str | None] = mapped_column(String(200))
    tipo: Mapped[str | None] = mapped_column(String(80))
    servicio: Mapped[str | None] = mapped_column(String(120))
    resumen: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str | None] = mapped_column(String(120), index=True)  # who may see it
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("source", "folio", name="uq_petition_history_folio"),)


class MatchKey(Base):
    """One blocking key of a document or history petition (a hash of its NSS, CURP, phone,
    e-mail or a pair of name words): the duplicate search looks candidates up by key and
    date instead of comparing with every petition."""

    __tablename__ = "match_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32))
    received_on: Mapped[date] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    history_id: Mapped[int | None] = mapped_column(ForeignKey("petition_history.id"),
                                                   index=True)

    __table_args__ = (Index("ix_match_keys_lookup", "key", "received_on"),)


class DuplicateLink(Base):
    """A proposed link from a document to an earlier petition it may repeat (repeticion)
    or follow up (relacionada): another document or a history petition. The reviewer
    confirms or rejects it; proposed links are recomputed when identity data change."""

    __tablename__ = "duplicate_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    other_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"),
                                                          index=True)
    history_id: Mapped[int | None] = mapped_column(ForeignKey("petition_history.id"),
                                                   index=True)
    kind: Mapped[str] = mapped_column(String(20))  # classifier.types.LinkKind
    score: Mapped[float] = mapped_column(Float)
    similarity: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=LinkStatus.PROPOSED)  # LinkStatus
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(foreign_keys=[document_id],
                                              back_populates="duplicate_links")
    other_document: Mapped[Document | None] = relationship(foreign_keys=[other_document_id])
    history: Mapped[PetitionHistory | None] = relationship()
