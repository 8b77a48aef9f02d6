"""The queue: today's documents, urgent first, filtered by the query string."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models.schema import Document, utcnow
from models.states import DocumentStatus
from review_ui import claims, links
from review_ui.background import jobs_of
from review_ui.dates import today as today_
from review_ui.db import get_session
from review_ui.labels import STATUS_NAMES, current_profile, route_names, type_names
from review_ui.scope import STATUSES, QueueFilter, day_counts, queue_query, scoped
from review_ui.supervision import unsent_notices

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

bp = Blueprint("queue", __name__, url_prefix="/cola")

PAGE_SIZE = 50


def _filter_from_args() -> tuple[QueueFilter, str]:
    """The filter and the status value to show in the form ("todos" = any)."""
    args = request.args
    status = args.get("estado", DocumentStatus.PENDING)
    if status not in STATUSES:
        status = "todos"
    type_ = args.get("tipo") or None
    route = args.get("ruta") or None
    try:
        day = date.fromisoformat(args["dia"]) if args.get("dia") else None
    except ValueError:
        day = None
    return QueueFilter(
        status=None if status == "todos" else status,
        type=type_ if type_ in type_names(current_profile()) else None,
        route=route if route in route_names(current_profile()) else None,
        day=day,
        unit=args.get("unidad") or None,
    ), status


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    session = get_session()
    flt, status_value = _filter_from_args()
    today = today_()
    stmt = queue_query(current_user, flt, today)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    try:
        page = min(max(1, int(request.args.get("pagina", "1"))), pages)
    except ValueError:
        page = 1
    docs = list(session.scalars(stmt.options(selectinload(Document.proposals))
                                .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    units = list(current_user.units) or [u for u in session.scalars(
        select(Document.unit).where(Document.unit.is_not(None)).distinct().order_by(
            Document.unit))]
    return render_template(
        "queue/index.html",
        docs=docs,
        marks=links.marks(session, current_user, [d.id for d in docs]),
        total=total,
        page=page,
        pages=pages,
        args={k: v for k, v in request.args.items() if k != "pagina"},
        page_size=PAGE_SIZE,
        flt=flt,
        status_value=status_value,
        counts=day_counts(session, current_user, today),
        today=today,
        statuses=STATUS_NAMES,
        types=type_names(current_profile()),
        routes=route_names(current_profile()),
        units=units,
        uploads=bool(jobs_of(current_app).recent("carga")),
        claim_cutoff=utcnow() - claims.timeout(),
        escalated=_escalated(session) if current_user.role in ("supervisor", "admin") else 0,
        unsent=unsent_notices(session) if current_user.role in ("supervisor", "admin") else 0,
    )


def _escalated(session: Session) -> int:
    """Urgent cases TAOD staff reported to supervision that are still open."""
    return session.scalar(scoped(current_user, select(func.count(Document.id))).where(
        Document.escalated_at.is_not(None), Document.status == DocumentStatus.PENDING)) or 0
