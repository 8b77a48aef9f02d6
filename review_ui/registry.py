"""Registration hand-off pages: the case system's worksheet (HTML, CSV, XLSX; SIADE or
SINAPP, from the profile) with folio entry, and the contact list with its outcomes."""

from __future__ import annotations

import logging
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from models.schema import AuditEvent, Document
from review_ui import links, procedure, registration
from review_ui.dates import today
from review_ui.db import get_session
from review_ui.errors import InvalidDecisionError, InvalidFieldsError, StaleDocumentError
from review_ui.labels import current_profile, route_name, type_name
from review_ui.scope import scoped, visible_document

log = logging.getLogger(__name__)

bp = Blueprint("registry", __name__)

MAX_ROWS = 1000
# The data a contact may bring back: the profile's required ones ("contacto" is either).
_CONTACT_KEYS = {"contacto": ("telefono", "correo")}


def contact_fields() -> tuple[str, ...]:
    """The profile's required data as the fields of the contact form, in its order."""
    wanted = {k for m in current_profile().minimum_data for k in _CONTACT_KEYS.get(m, (m,))}
    return tuple(f for f in current_profile().fields if f in wanted)


def _day() -> date:
    try:
        return date.fromisoformat(request.args.get("dia", ""))
    except ValueError:
        return today()


def _confirmed(day: date) -> list[Document]:
    """The day's documents to enter in the case system: confirmed ones to register, and
    those closed as desinterés (activity 48 closes them there too)."""
    stmt = scoped(current_user, select(Document)).where(
        Document.status.in_(registration.TO_REGISTER), Document.received_on == day
    ).order_by(Document.status.desc(), Document.route, Document.id).limit(MAX_ROWS)
    return list(get_session().scalars(stmt))


def _audit(action: str, docs: list[Document], detail: dict[str, object]) -> None:
    """One audit row per document shown or exported, so the audit page finds every view of
    a document (its filter and a unit supervisor's scope go by document id)."""
    session = get_session()
    session.add_all([AuditEvent(user_id=current_user.id, action=action, document_id=d.id,
                                detail=detail) for d in docs])
    session.commit()


@bp.route("/registro/")
@login_required
def register() -> ResponseReturnValue:
    day = _day()
    docs = _confirmed(day)
    marks = links.marks(get_session(), current_user, [d.id for d in docs])
    _audit("ver_registro", docs, {"dia": day.isoformat()})
    return render_template("registry/siade.html", docs=docs, day=day, marks=marks)


@bp.route("/registro/hoja.<fmt>")
@bp.route("/registro/siade.<fmt>")  # the address before profiles named the system
@login_required
def worksheet(fmt: str) -> ResponseReturnValue:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    day = _day()
    docs = _confirmed(day)
    marks = links.marks(get_session(), current_user, [d.id for d in docs])
    rows = registration.worksheet_rows(docs, type_name, route_name,
                                       {i: m.text for i, m in marks.items()})
    _audit("exportar_siade", docs, {"dia": day.isoformat(), "formato": fmt})
    log.info("case system worksheet exported: %s rows as %s", len(rows), fmt)
    profile = current_profile()
    columns = registration.worksheet_columns(profile)
    if fmt == "csv":
        body, mime = registration.to_csv(rows, columns), "text/csv; charset=utf-8"
    else:
        body = registration.to_xlsx(rows, columns)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"{profile.case_system.lower()}-{day.isoformat()}.{fmt}"
    return Response(body, mimetype=mime, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


def _version() -> int | None:
    try:
        return int(request.form.get("version_id", ""))
    except ValueError:
        return None


def _doc_or_404(doc_id: int) -> Document:
    doc = visible_document(get_session(), current_user, doc_id)
    if doc is None:
        abort(404)
    return doc


@bp.route("/registro/<id:doc_id>/folio", methods=("POST",))
@login_required
def folio(doc_id: int) -> ResponseReturnValue:
    session = get_session()
    doc = _doc_or_404(doc_id)
    try:
        registration.set_folio(session, doc, current_user.id, _version(),
                               request.form.get("folio", ""), today=today(),
                               settings=current_app.config["BUZON_SETTINGS"])
        session.commit()
        flash(f"Folio {current_profile().case_system} guardado para el documento {doc_id}.",
              "ok")
    except (InvalidDecisionError, StaleDocumentError, StaleDataError) as e:
        session.rollback()
        flash(str(e) if not isinstance(e, StaleDataError) else str(StaleDocumentError()),
              "error")
    return redirect(url_for("registry.register", dia=doc.received_on.isoformat()), 303)


@bp.route("/contactos/")
@login_required
def contacts() -> ResponseReturnValue:
    stmt = scoped(current_user, select(Document)).where(Document.status == "contactar"
                                                        ).order_by(Document.received_on,
                                                                   Document.id).limit(MAX_ROWS)
    docs = list(get_session().scalars(stmt))
    _audit("ver_contactos", docs, {})
    limit = current_app.config["BUZON_SETTINGS"].intentos_contacto
    return render_template("registry/contacts.html", docs=docs,
                           questions={d.id: registration.questions_for(d.missing or [])
                                      for d in docs},
                           fields=contact_fields(), today=today(), limit=limit,
                           propose={d.id: procedure.proposes_closing(d, limit) for d in docs},
                           channels=procedure.CHANNELS, outcomes=procedure.CONTACT_OUTCOMES)


@bp.route("/contactos/<id:doc_id>/resultado", methods=("POST",))
@login_required
def contact_outcome(doc_id: int) -> ResponseReturnValue:
    session = get_session()
    doc = _doc_or_404(doc_id)
    form = request.form
    try:
        registration.record_contact(
            session, doc, current_user.id, _version(), form.get("resultado", ""),
            {f: form.get(f) for f in contact_fields()}, form.get("nota", ""),
            profile=current_profile())
        links.refresh(session, current_app.extensions["buzon_links"], [doc])
        session.commit()
        flash(f"Resultado del contacto guardado (documento {doc_id}).", "ok")
    except InvalidFieldsError as e:
        session.rollback()
        flash("No se guardó: " + "; ".join(e.errors.values()), "error")
    except (InvalidDecisionError, StaleDocumentError, StaleDataError) as e:
        session.rollback()
        flash(str(e) if not isinstance(e, StaleDataError) else str(StaleDocumentError()),
              "error")
    return redirect(url_for("registry.contacts"), 303)
