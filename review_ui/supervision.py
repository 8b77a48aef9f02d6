"""Supervisor pages (CDAOD/JDAOD): escalated urgent cases and the audit trail."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import false, func, select
from sqlalchemy.orm import selectinload

from models.schema import AuditEvent, Document, OutboxMessage, User
from models.states import DocumentStatus, OutboxStatus
from review_ui.accounts import role_required
from review_ui.background import jobs_of
from review_ui.db import get_session
from review_ui.errors import InvalidDecisionError
from review_ui.ids import parse_id
from review_ui.proposer import reset as reset_proposer
from review_ui.scope import scoped

if TYPE_CHECKING:
    from review_ui.background import Job

log = logging.getLogger(__name__)

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

PAGE_SIZE = 100
SUPERVISORS = ("supervisor", "admin")


supervisor_required = role_required(*SUPERVISORS)


@bp.route("/auditoria")
@login_required
@supervisor_required
def audit() -> ResponseReturnValue:
    """Who saw or changed what; filter by user or document; newest first, paginated."""
    session = get_session()
    stmt = select(AuditEvent).options(selectinload(AuditEvent.user))
    user_name = (request.args.get("usuario") or "").strip()
    if user_name:
        stmt = stmt.join(User, AuditEvent.user_id == User.id).where(User.username == user_name)
    doc_id = request.args.get("documento", "")
    wanted = parse_id(doc_id)
    if wanted is not None:
        stmt = stmt.where(AuditEvent.document_id == wanted)
    elif doc_id.strip():
        stmt = stmt.where(false())  # not an id any document can have
    if not current_user.sees_all_units:  # a unit supervisor audits their units' documents
        stmt = stmt.where(AuditEvent.document_id.in_(
            scoped(current_user, select(Document.id))))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    try:
        page = min(max(1, int(request.args.get("pagina", "1"))), pages)
    except ValueError:
        page = 1
    events = list(session.scalars(stmt.order_by(AuditEvent.id.desc())
                                  .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    session.add(AuditEvent(user_id=current_user.id, action="ver_auditoria",
                           detail={"pagina": page}))
    session.commit()
    escalated = list(session.scalars(
        scoped(current_user, select(Document)).where(
            Document.escalated_at.is_not(None),
            Document.status.in_((DocumentStatus.PENDING, DocumentStatus.TO_CONTACT,
                                 DocumentStatus.CONFIRMED)))
        .order_by(Document.escalated_at.desc()).limit(50)))
    return render_template("supervision/audit.html", events=events, page=page, pages=pages,
                           total=total, user_name=user_name, doc_id=doc_id,
                           escalated=escalated)


@bp.route("/modelo")
@login_required
@supervisor_required
def model() -> ResponseReturnValue:
    """The classifier in use (version, metrics) and the retrain button."""
    from classifier.errors import ModelBundleError
    from classifier.model import bundle_path, load_bundle

    settings = current_app.config["BUZON_SETTINGS"]
    path = bundle_path(settings.models_dir, settings.profile.code)
    bundle = None
    if path.exists():
        try:
            bundle = load_bundle(path, settings.profile.code)
        except ModelBundleError:
            bundle = None
    jobs = jobs_of(current_app)
    return render_template("supervision/model.html", bundle=bundle,
                           running=jobs.running("reentrenar"),
                           jobs=jobs.recent("reentrenar")[:5],
                           figures=_figures(bundle.metrics) if bundle else [],
                           chart=_f1_chart(bundle.metrics) if bundle else None)


def _figures(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    """(Spanish name, shown value) of the model's figures, in a fixed order."""
    from review_ui.labels import METRIC_NAMES

    out = []
    for key, (name, kind) in METRIC_NAMES.items():
        value = metrics.get(key)
        if isinstance(value, int | float):
            out.append((name, f"{100 * value:.1f} %" if kind == "pct" else f"{value:g}"))
    return out


def _f1_chart(metrics: dict[str, Any]) -> str | None:
    """Bars of F1 by petition type, as a data: URI (drawn on the server)."""
    import base64

    from intake.report_charts import bars
    from review_ui.labels import current_profile, type_names

    f1 = metrics.get("f1_por_tipo")
    if not isinstance(f1, dict) or not f1:
        return None
    names = type_names(current_profile())
    png = bars({k: float(v) for k, v in f1.items()}, "F1 por tipo en el conjunto de prueba",
               names, xlabel="F1 (1 = perfecto)", fmt=lambda v: f"{v:.2f}", xmax=1.0)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _retrain(app: Any, job: Job) -> dict[str, Any]:
    """Corpus plus reviewers' decisions (intake.learning), then the new model is used."""
    from classifier.training import retrain
    from intake.learning import reviewed_samples

    settings = app.config["BUZON_SETTINGS"]
    with app.app_context():
        session = app.extensions["buzon_sessionmaker"]()
        try:
            reviewed = reviewed_samples(session, settings.profile.labels)
        finally:
            session.close()
        train_fn = app.extensions.get("buzon_train_fn")  # tests train a tiny model
        kwargs = {"train_fn": train_fn} if train_fn is not None else {}
        outcome = retrain(settings.models_dir, settings.profile, reviewed, force=True,
                          **kwargs)
    reset_proposer(app)
    job.done = 1
    return {"version": outcome.bundle.version, "revisados": outcome.reviewed,
            "metricas": {k: v for k, v in outcome.bundle.metrics.items()
                         if isinstance(v, int | float)}}


@bp.route("/reentrenar", methods=("POST",))
@login_required
@supervisor_required
def retrain_model() -> ResponseReturnValue:
    jobs = jobs_of(current_app)
    if jobs.running("reentrenar") is not None:
        flash("Ya hay un reentrenamiento en curso.", "info")
        return redirect(url_for("supervision.model"), 303)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    jobs.start("reentrenar", current_user.id, 1, lambda job: _retrain(app, job))
    session = get_session()
    session.add(AuditEvent(user_id=current_user.id, action="reentrenar"))
    session.commit()
    flash("Reentrenamiento iniciado; tarda unos minutos. Esta página muestra el resultado.",
          "ok")
    return redirect(url_for("supervision.model"), 303)


def _visible_notices() -> Any:
    stmt = select(OutboxMessage)
    if not current_user.sees_all_units:  # a unit supervisor: their units' documents
        stmt = stmt.where(OutboxMessage.document_id.in_(
            scoped(current_user, select(Document.id))))
    return stmt


def unsent_notices(session: Any) -> int:
    """Notices that failed at least once and are not sent yet (shown on the queue)."""
    return session.scalar(select(func.count()).select_from(_visible_notices().where(
        OutboxMessage.status != OutboxStatus.SENT, OutboxMessage.attempts > 0).subquery())) or 0


@bp.route("/avisos")
@login_required
@supervisor_required
def notices() -> ResponseReturnValue:
    """The e-mail notices: sent, waiting for another attempt (with the error), failed."""
    from intake.mail import KINDS, MAX_ATTEMPTS

    session = get_session()
    messages = list(session.scalars(_visible_notices().order_by(OutboxMessage.id.desc())
                                    .limit(PAGE_SIZE)))
    session.add(AuditEvent(user_id=current_user.id, action="ver_avisos",
                           detail={"avisos": len(messages)}))
    session.commit()
    return render_template("supervision/notices.html", messages=messages, kinds=KINDS,
                           max_attempts=MAX_ATTEMPTS,
                           active=current_app.config["BUZON_SETTINGS"].correo_activo)


@bp.route("/avisos/<id:message_id>/reintentar", methods=("POST",))
@login_required
@supervisor_required
def retry_notice(message_id: int) -> ResponseReturnValue:
    from intake.mail import retry

    session = get_session()
    message = session.scalar(_visible_notices().where(OutboxMessage.id == message_id))
    if message is None:
        flash(str(InvalidDecisionError("Ese aviso no existe o no está a su alcance.")),
              "error")
        return redirect(url_for("supervision.notices"), 303)
    retry(session, message, current_user.id)
    session.commit()
    mailer = current_app.extensions.get("buzon_mailer")
    if mailer is not None:
        mailer.wake()
    flash(f"El aviso {message_id} se enviará de nuevo en unos momentos.", "ok")
    return redirect(url_for("supervision.notices"), 303)


def _report_request() -> tuple[Any, list[str] | None, str | None]:
    """(first day of the month, units in scope, the unit asked for) from the query string;
    a unit supervisor's report covers only their units."""
    from intake.report import parse_month
    from review_ui.dates import today

    try:
        month = parse_month(request.args.get("mes", ""))
    except ValueError:
        month = today().replace(day=1)
    unit = (request.args.get("unidad") or "").strip() or None
    if current_user.sees_all_units:
        return month, [unit] if unit else None, unit
    mine = list(current_user.units)
    if unit is not None and unit in mine:
        return month, [unit], unit
    return month, mine, None


def _monthly(month: Any, units: list[str] | None) -> dict[str, Any]:
    from intake.business_days import calendar_for
    from intake.report import monthly_report
    from review_ui.dates import today

    settings = current_app.config["BUZON_SETTINGS"]
    return monthly_report(get_session(), settings.profile,
                          calendar_for(settings), month, units=units, today=today())


def _audit_report(report: dict[str, Any], fmt: str) -> None:
    session = get_session()
    session.add(AuditEvent(user_id=current_user.id, action="ver_informe",
                           detail={"mes": report["mes"], "unidades": report["unidades"],
                                   "formato": fmt}))
    session.commit()


@bp.route("/informe")
@login_required
@supervisor_required
def report() -> ResponseReturnValue:
    """The monthly report with its charts (the same content as `buzon informe`)."""
    import base64

    from intake.report import month_name, sections
    from intake.report_charts import report_charts

    month, units, unit = _report_request()
    data = _monthly(month, units)
    charts = {k: "data:image/png;base64," + base64.b64encode(v).decode("ascii")
              for k, v in report_charts(data).items()}
    _audit_report(data, "html")
    choices = list(current_user.units) or [u for u in get_session().scalars(
        select(Document.unit).where(Document.unit.is_not(None)).distinct()
        .order_by(Document.unit))]
    return render_template("supervision/report.html", report=data, charts=charts,
                           sections=sections(data), title=month_name(data), unit=unit,
                           units=choices)


@bp.route("/informe.<fmt>")
@login_required
@supervisor_required
def report_file(fmt: str) -> ResponseReturnValue:
    from flask import Response, abort

    from intake.report_files import FORMATS, MIMETYPES, render

    if fmt not in FORMATS:
        abort(404)
    month, units, _unit = _report_request()
    data = _monthly(month, units)
    body = render(data, fmt, current_app.config["BUZON_SETTINGS"].profile.name)
    _audit_report(data, fmt)
    return Response(body, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="informe-{data["mes"]}.{fmt}"'})
