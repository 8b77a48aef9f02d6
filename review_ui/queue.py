"""The queue: today's documents, urgent first, filtered by the query string."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import func, select

from review_ui.db import get_session
from review_ui.labels import STATUS_NAMES, route_names, type_names
from review_ui.scope import STATUSES, QueueFilter, day_counts, queue_query

bp = Blueprint("queue", __name__, url_prefix="/cola")

PAGE_SIZE = 200


def _today() -> date:
    today = current_app.config.get("TODAY")  # tests pin the day
    return today if isinstance(today, date) else date.today()


def _filter_from_args() -> tuple[QueueFilter, str]:
    """The filter and the status value to show in the form ("todos" = any)."""
    args = request.args
    status = args.get("estado", "pendiente")
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
        type=type_ if type_ in type_names(current_app.config["INSTITUTION"]) else None,
        route=route if route in route_names(current_app.config["INSTITUTION"]) else None,
        day=day,
    ), status


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    session = get_session()
    flt, status_value = _filter_from_args()
    stmt = queue_query(current_user, flt)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    docs = list(session.scalars(stmt.limit(PAGE_SIZE)))
    today = _today()
    return render_template(
        "queue/index.html",
        docs=docs,
        total=total or 0,
        page_size=PAGE_SIZE,
        flt=flt,
        status_value=status_value,
        counts=day_counts(session, current_user, today),
        today=today,
        statuses=STATUS_NAMES,
        types=type_names(current_app.config["INSTITUTION"]),
        routes=route_names(current_app.config["INSTITUTION"]),
    )
