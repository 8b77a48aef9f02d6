"""Follow-up pages: forward to the area and its sheet, reminders, the area's answer,
informing the person, archiving, and contact attempts (see review_ui.procedure)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from intake.errors import IntakeError
from models.schema import AuditEvent, Document, Forwarding
from review_ui import procedure
from review_ui.dates import today
from review_ui.db import get_session
from review_ui.errors import InvalidDecisionError, StaleDocumentError
from review_ui.ids import parse_id
from review_ui.scope import scoped, visible_document

log = logging.getLogger(__name__)

bp = Blueprint("followup", __name__, url_prefix="/seguimiento")

MAX_ANSWER = 25 * 1024 * 1024  # a scanned answer of a few pages


def _doc_or_404(doc_id: int) -> Document:
    doc = visible_document(get_session(), current_user, doc_id)
    if doc is None:
        abort(404)
    return doc


def _version() -> int | None:
    return parse_id(request.form.get("version_id", ""))


def _date(name: str) -> date | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as e:
        raise InvalidDecisionError("Escriba la fecha como AAAA-MM-DD.") from e


def _settings() -> Any:
    return current_app.config["BUZON_SETTINGS"]


def _step(doc: Document, done: str, apply: Callable[[], object],
          back: str | None = None) -> ResponseReturnValue:
    """Apply one step, commit, say so; a refused step changes nothing."""
    session = get_session()
    try:
        apply()
        session.commit()
        flash(done, "ok")
    except (InvalidDecisionError, StaleDocumentError, IntakeError) as e:
        session.rollback()
        flash(str(e), "error")
    except StaleDataError:
        session.rollback()
        flash(str(StaleDocumentError()), "error")
    return redirect(back or url_for("documents.view", doc_id=doc.id) + "#seguimiento", 303)


@bp.route("/<id:doc_id>/turnar", methods=("POST",))
@login_required
def forward(doc_id: int) -> ResponseReturnValue:
    doc = _doc_or_404(doc_id)
    area = (request.form.get("area") or "").strip()
    return _step(doc, f"Documento {doc_id} turnado a {area}; descargue la hoja de turno.",
                 lambda: procedure.forward(get_session(), doc, current_user.id, _version(),
                                           area, _settings().servicios, today()))


@bp.route("/<id:doc_id>/turnos/<id:forwarding_id>/recordatorio", methods=("POST",))
@login_required
def remind(doc_id: int, forwarding_id: int) -> ResponseReturnValue:
    doc = _doc_or_404(doc_id)
    return _step(doc, "Recordatorio registrado.",
                 lambda: procedure.remind(get_session(), doc, current_user.id, _version(),
                                          forwarding_id, today(), settings=_settings()))


@bp.route("/<id:doc_id>/turnos/<id:forwarding_id>/respuesta", methods=("POST",))
@login_required
def answer(doc_id: int, forwarding_id: int) -> ResponseReturnValue:
    from intake.store import store_attachment

    doc = _doc_or_404(doc_id)

    def apply() -> object:
        upload = request.files.get("adjunto")
        data = upload.read() if upload and upload.filename else b""
        attachment = store_attachment(_settings(), data) if data else None
        return procedure.record_answer(
            get_session(), doc, current_user.id, _version(), forwarding_id,
            _date("fecha"), request.form.get("resumen", ""), attachment, today())

    return _step(doc, "Respuesta del área registrada.", apply)


@bp.route("/<id:doc_id>/informar", methods=("POST",))
@login_required
def inform(doc_id: int) -> ResponseReturnValue:
    doc = _doc_or_404(doc_id)
    return _step(doc, "Se registró cómo y cuándo se informó a la persona.",
                 lambda: procedure.inform(get_session(), doc, current_user.id, _version(),
                                          _date("fecha"), request.form.get("medio", ""),
                                          today()))


@bp.route("/<id:doc_id>/archivar", methods=("POST",))
@login_required
def archive(doc_id: int) -> ResponseReturnValue:
    doc = _doc_or_404(doc_id)
    return _step(doc, f"Documento {doc_id} archivado.",
                 lambda: procedure.archive(get_session(), doc, current_user.id, _version(),
                                           today()))


@bp.route("/<id:doc_id>/intento", methods=("POST",))
@login_required
def attempt(doc_id: int) -> ResponseReturnValue:
    doc = _doc_or_404(doc_id)
    back = (url_for("registry.contacts") + f"#contacto-{doc_id}"
            if request.form.get("volver") == "contactos" else None)
    return _step(doc, "Intento de contacto registrado.",
                 lambda: procedure.record_attempt(
                     get_session(), doc, current_user.id, _version(), _date("fecha"),
                     request.form.get("medio", ""), request.form.get("resultado", ""),
                     request.form.get("nota", ""), today()), back)


def _forwarding_or_404(forwarding_id: int) -> Forwarding:
    sent = get_session().get(Forwarding, forwarding_id)
    if sent is None or not current_user.may_see_unit(sent.document.unit):
        abort(404)
    return sent


@bp.route("/turnos/<id:forwarding_id>/hoja.pdf")
@login_required
def sheet(forwarding_id: int) -> ResponseReturnValue:
    """The area's sheet for the day of this forwarding: every petition of the same unit
    forwarded to it that day (one sheet per area per day)."""
    from flask import Response

    from intake.deadlines import answer_due
    from review_ui.forwarding_sheet import SheetItem, render_sheet
    from review_ui.labels import route_name, type_name
    from review_ui.pages import resolve_image

    sent = _forwarding_or_404(forwarding_id)
    unit = sent.document.unit
    session = get_session()
    docs = list(session.scalars(scoped(current_user, select(Document)).join(
        Forwarding, Forwarding.document_id == Document.id).where(
        Forwarding.area == sent.area, Forwarding.forwarded_on == sent.forwarded_on,
        Document.unit.is_(None) if unit is None else Document.unit == unit)
        .order_by(Document.id)))
    profile = _settings().profile
    data_dir = _settings().data_dir
    items = [SheetItem(
        folio=d.id, siade_folio=d.siade_folio, type_name=type_name(d.type),
        route_name=route_name(d.route), received_on=d.received_on,
        answer_due=answer_due(d, profile.deadlines),
        pages=tuple(p for page in d.page_rows
                    if (p := resolve_image(data_dir, page.image_path)) is not None))
        for d in docs]
    pdf = render_sheet(profile.name, unit, sent.area, sent.forwarded_on, items,
                       profile.case_system)
    session.add_all([AuditEvent(user_id=current_user.id, action="ver_hoja_turno",
                                document_id=d.id, detail={"area": sent.area,
                                                          "dia": sent.forwarded_on.isoformat()})
                     for d in docs])
    session.commit()
    name = f"hoja-de-turno-{sent.forwarded_on.isoformat()}-{forwarding_id}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


_ATTACHMENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png",
                     ".tif": "image/tiff"}


@bp.route("/turnos/<id:forwarding_id>/respuesta")
@login_required
def answer_file(forwarding_id: int) -> ResponseReturnValue:
    sent = _forwarding_or_404(forwarding_id)
    if not sent.answer_path:
        abort(404)
    base = _settings().data_dir.resolve()
    path = (base / sent.answer_path).resolve()
    if not path.is_relative_to(base) or not path.is_file() or (
            path.suffix not in _ATTACHMENT_TYPES):
        abort(404)
    session = get_session()
    session.add(AuditEvent(user_id=current_user.id, action="ver_respuesta",
                           document_id=sent.document_id, detail={"area": sent.area}))
    session.commit()
    response = send_file(path, mimetype=_ATTACHMENT_TYPES[path.suffix], max_age=0,
                         as_attachment=True,
                         download_name=f"respuesta-{sent.document_id}{path.suffix}")
    response.headers["Cache-Control"] = "private, no-store"
    return response
