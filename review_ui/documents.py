"""One document: its pages beside the machine's proposal, and the reviewer's decisions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
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

from models.schema import Decision, Document, OutboxMessage
from review_ui import claims, decide, evidence, links, procedure, regroup, undo
from review_ui.dates import today
from review_ui.db import get_session
from review_ui.errors import InvalidDecisionError, InvalidFieldsError, StaleDocumentError
from review_ui.labels import current_profile, type_names
from review_ui.proposer import get_proposer
from review_ui.routing import route_for
from review_ui.scope import following_pending, next_pending, visible_document

log = logging.getLogger(__name__)

bp = Blueprint("documents", __name__, url_prefix="/documentos")

# Decisions that settle a document move on to the next one; corrections (type, data)
# reload it so the reviewer sees the recomputed route before confirming.
_SETTLING = {"confirmar", "descartar", "contactar", "urgente"}


def _get_document(doc_id: int) -> Document:
    doc = visible_document(get_session(), current_user, doc_id)
    if doc is None:
        abort(404)  # also for other units' documents: do not reveal that they exist
    return doc


def _version() -> int | None:
    try:
        return int(request.form.get("version_id", ""))
    except ValueError:
        return None


def _top_types(doc: Document) -> list[tuple[str, float]]:
    proposal = doc.proposal
    if proposal is None:
        return []
    scores = {k: float(v) for k, v in (proposal.scores or {}).items()}
    if not scores:
        scores = {proposal.type: float(proposal.confidence)}
    return sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:2]


def _route_reason(doc: Document) -> str:
    if doc.route_reason:
        return doc.route_reason
    proposal = doc.proposal
    if proposal is not None and not doc.decisions and proposal.route == doc.route:
        return proposal.route_reason
    if doc.status == "descartado":
        return f"Descartado por la persona revisora: {doc.discard_reason or ''}".strip()
    return route_for(doc.type, doc.fields or {}, current_profile())[1]


def _followup(doc: Document) -> dict[str, Any]:
    """What the follow-up card shows: every deadline started, the areas of the unit, the
    channels and outcomes to choose from."""
    from intake.business_days import calendar_for
    from intake.deadlines import evaluate, events_of
    from intake.mail import KINDS

    settings = current_app.config["BUZON_SETTINGS"]
    rules = settings.profile.deadlines
    sent = {f.area for f in doc.forwardings}
    return {
        "deadline_states": evaluate(rules, events_of(doc), calendar_for(settings)),
        "areas": [s.name for s in procedure.services_for(settings.servicios, doc.unit)
                  if s.name not in sent],
        "channels": procedure.CHANNELS,
        "contact_outcomes": procedure.CONTACT_OUTCOMES,
        "propose_closing": procedure.proposes_closing(doc, settings.intentos_contacto),
        "attempt_limit": settings.intentos_contacto,
        "answered": any(f.answered_on for f in doc.forwardings),
        "notices": list(get_session().scalars(select(OutboxMessage).where(
            OutboxMessage.document_id == doc.id).order_by(OutboxMessage.id))),
        "notice_kinds": KINDS,
    }


def _render(doc: Document, *, form_values: dict[str, Any] | None = None,
            field_errors: dict[str, str] | None = None, status: int = 200,
            link_views: list[links.LinkView] | None = None) -> ResponseReturnValue:
    from review_ui.registration import questions_for

    session = get_session()
    if link_views is None:
        link_views = links.links_of(session, current_user, doc)
    other = claims.holder(doc, current_user.id)
    located = evidence.where_read(doc.page_rows, doc.fields or {}, doc.proposal.provenance
                                  if doc.proposal is not None else None)
    values = form_values if form_values is not None else dict(doc.fields or {})
    candidates = evidence.candidate_crops(
        doc.page_rows, doc.proposal.candidates if doc.proposal is not None else (), values)
    return render_template(
        "documents/view.html",
        doc=doc,
        proposal=doc.proposal,
        top_types=_top_types(doc),
        route_reason=_route_reason(doc),
        values=values,
        candidates=candidates,
        field_errors=field_errors or {},
        fields=current_profile().fields,
        types=type_names(current_profile()),
        decisions=list(reversed(doc.decisions))[:30],
        claimed_by=claims.holder_name(session, other) if other is not None else None,
        next_in_file=(regroup.next_in_file(session, doc, current_user)
                      if doc.status == "pendiente" else None),
        merged_into=doc.merged_into_id,
        evidence=located,
        boxes_by_page={p.id: [e for e in located.values() if e.page_id == p.id]
                       for p in doc.page_rows},
        links=link_views,
        this_side=links.side_of(doc),
        pending_link=next((v for v in link_views if v.visible and v.status == "propuesto"),
                          None),
        questions=questions_for(doc.missing or []),
        today=today(),
        **_followup(doc),
    ), status


@bp.route("/<id:doc_id>")
@login_required
def view(doc_id: int) -> ResponseReturnValue:
    doc = _get_document(doc_id)
    session = get_session()
    decide.record_view(session, doc, current_user.id)
    views = links.links_of(session, current_user, doc)
    links.audit_views(session, current_user, doc, views)
    session.commit()
    claims.try_claim(session, doc, current_user.id)
    return _render(doc, link_views=views)


@bp.route("/<id:doc_id>/siguiente")
@login_required
def next_document(doc_id: int) -> ResponseReturnValue:
    doc = _get_document(doc_id)
    nxt = following_pending(get_session(), current_user, doc, today())
    if nxt is None:
        flash("No hay más documentos pendientes.", "info")
        return redirect(url_for("queue.index"))
    return redirect(url_for("documents.view", doc_id=nxt))


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1


def _apply(action: str, doc: Document) -> None:
    session, uid, version = get_session(), current_user.id, _version()
    form, profile = request.form, current_profile()
    handlers: dict[str, Callable[[], object]] = {
        "confirmar": lambda: decide.confirm(session, doc, uid, version),
        "cambiar_tipo": lambda: decide.change_type(session, doc, uid, version,
                                                   form.get("tipo", ""), profile),
        "editar_campos": lambda: decide.edit_fields(
            session, doc, uid, version, {f: form.get(f) for f in profile.fields}, profile),
        "descartar": lambda: decide.discard(session, doc, uid, version, form.get("motivo", ""),
                                            profile),
        "contactar": lambda: decide.mark_contact(session, doc, uid, version,
                                                 form.get("motivo")),
        "urgente": lambda: decide.escalate(session, doc, uid, version,
                                           form.get("motivo", ""),
                                           settings=current_app.config["BUZON_SETTINGS"]),
        "unir": lambda: regroup.merge_next(session, doc, current_user, version,
                                           get_proposer(current_app)),
        "separar": lambda: regroup.split_at(session, doc, uid, version,
                                            _int(form.get("pagina")),
                                            get_proposer(current_app)),
        "confirmar_vinculo": lambda: links.decide(session, current_user, doc,
                                                  _link_id(), links.CONFIRMED),
        "rechazar_vinculo": lambda: links.decide(session, current_user, doc,
                                                 _link_id(), links.REJECTED),
    }
    if action not in handlers:
        abort(404)
    result = handlers[action]()
    if action in links.RELINKING_ACTIONS:  # the new or merged document too
        links.refresh(session, current_app.extensions["buzon_links"],
                      [doc, result if isinstance(result, Document) else None])
    session.commit()


def _link_id() -> int | None:
    """The link chosen on the page; none: the first one still to review (the key)."""
    value = _int(request.form.get("vinculo"))
    return value if value > 0 else None


_DONE = {
    "confirmar": "Documento {id} confirmado.",
    "cambiar_tipo": "Tipo del documento {id} cambiado; revise la ruta y confirme.",
    "editar_campos": "Datos del documento {id} guardados; revise la ruta y confirme.",
    "descartar": "Documento {id} descartado.",
    "contactar": "Documento {id} marcado para contactar.",
    "urgente": "Documento {id} marcado como urgente; se avisó a la supervisión.",
    "unir": "Se unieron las páginas al documento {id}; revise la nueva propuesta.",
    "separar": "Documento {id} separado; revise las dos propuestas.",
    "confirmar_vinculo": "Vínculo del documento {id} confirmado.",
    "rechazar_vinculo": "Vínculo del documento {id} rechazado: no es un duplicado.",
}


@bp.route("/<id:doc_id>/<action>", methods=("POST",))
@login_required
def decision(doc_id: int, action: str) -> ResponseReturnValue:
    session = get_session()
    doc = _get_document(doc_id)
    try:
        _apply(action, doc)
    except (StaleDocumentError, StaleDataError) as e:
        session.rollback()
        log.info("stale decision %s refused on document %s", action, doc_id)
        flash(str(e) if isinstance(e, StaleDocumentError) else str(StaleDocumentError()),
              "error")
        return redirect(url_for("documents.view", doc_id=doc_id), 303)
    except InvalidFieldsError as e:
        session.rollback()
        flash("Corrija los datos marcados en rojo; no se guardó ningún cambio.", "error")
        values = {f: request.form.get(f, "") for f in decide.EDITABLE_FIELDS}
        return _render(session.get(Document, doc_id) or doc, form_values=values,
                       field_errors=e.errors, status=422)
    except InvalidDecisionError as e:
        session.rollback()
        flash(str(e), "error")
        return redirect(url_for("documents.view", doc_id=doc_id), 303)
    flash(_DONE[action].format(id=doc_id), "ok")
    if action not in _SETTLING:
        return redirect(url_for("documents.view", doc_id=doc_id), 303)
    return _go_next(doc)


def _go_next(doc: Document | None) -> ResponseReturnValue:
    nxt = next_pending(get_session(), current_user, today(), after=doc)
    if nxt is None:
        flash("No quedan documentos pendientes. ¡Buen trabajo!", "info")
        return redirect(url_for("queue.index"), 303)
    return redirect(url_for("documents.view", doc_id=nxt), 303)


@bp.route("/deshacer", methods=("POST",))
@login_required
def undo_last() -> ResponseReturnValue:
    """Undo the reviewer's own last decision (on a document or on one of its possible
    duplicates, whichever came last) and reopen that document."""
    session = get_session()
    try:
        event = links.last_link_event(session, current_user)
        last = session.scalar(select(Decision.created_at).where(
            Decision.user_id == current_user.id).order_by(Decision.id.desc()).limit(1))
        if event is not None and (last is None or event.created_at >= last):
            doc = links.undo_decision(session, current_user, event)
        else:
            doc = undo.undo_last(session, current_user)
            links.refresh(session, current_app.extensions["buzon_links"], [doc])
        session.commit()
    except (InvalidDecisionError, StaleDataError) as e:
        session.rollback()
        flash(str(e) if isinstance(e, InvalidDecisionError) else str(StaleDocumentError()),
              "error")
        return redirect(request.referrer if _local(request.referrer) else
                        url_for("queue.index"), 303)
    flash(f"Se deshizo su última decisión sobre el documento {doc.id}.", "ok")
    return redirect(url_for("documents.view", doc_id=doc.id), 303)


def _local(url: str | None) -> bool:
    from review_ui.auth import _safe_next

    host = request.host_url
    if not url:
        return False
    return url.startswith(host) or _safe_next(url) is not None
