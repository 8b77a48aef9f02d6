"""Uploads: scans dropped in the browser go through the intake pipeline in the background."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from intake.errors import IsolatedIngestError
from models.schema import AuditEvent
from review_ui.background import JobFailed, jobs_of
from review_ui.dates import today
from review_ui.db import get_session

if TYPE_CHECKING:
    from review_ui.background import Job

log = logging.getLogger(__name__)

bp = Blueprint("uploads", __name__, url_prefix="/cargas")

ALLOWED = (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff")
MAX_UPLOAD = 200 * 1024 * 1024


def _ingest(paths: list[str], unit: str | None, on_file: Callable[[int, int], None],
            received_on: date) -> Any:
    """The pipeline call (a seam for tests: they replace it with a fake).

    The files are read in a child process, never in the server's (intake.isolated): within
    the settings' memory and time limits, so one heavy scan can neither starve the server
    nor exhaust its memory. The child writes through its own sessions on the database the
    app migrated at start-up, checked and never migrated again: two jobs migrating at once
    would race (Alembic's context is process-wide) and fail with MigrationError.
    """
    from intake.isolated import run_isolated

    return run_isolated(paths, current_app.config["BUZON_SETTINGS"], unit=unit,
                        received_on=received_on, on_file=on_file)


def _received_on() -> date | None:
    """The form's reception day (a backlog's); today when left empty; None if not valid."""
    raw = (request.form.get("recibido") or "").strip()
    if not raw:
        return today()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if day <= today() else None


def _visible_jobs() -> list[Job]:
    """The uploads into the reviewer's units, newest first (as scoped as the documents)."""
    return [j for j in jobs_of(current_app).recent("carga")
            if current_user.may_see_unit(j.unit)]


@bp.route("/", methods=("GET", "POST"))
@login_required
def index() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("uploads/index.html", jobs=_visible_jobs(),
                               units=current_user.units, today=today())
    files = [f for f in request.files.getlist("archivos") if f and f.filename]
    unit = (request.form.get("unidad") or "").strip() or None
    if not current_user.may_see_unit(unit):
        if not current_user.units:
            flash("Su cuenta no tiene unidad asignada; pida a la administración que le asigne "
                  "una.", "error")
            return redirect(url_for("uploads.index"), 303)
        unit = current_user.units[0]  # a TAOD uploads only into their own units
    if not files:
        flash("Elija uno o más archivos escaneados (PDF, JPG, PNG o TIFF).", "error")
        return redirect(url_for("uploads.index"), 303)
    received_on = _received_on()
    if received_on is None:
        flash("La fecha de recepción no es válida: use el día en que se vació el buzón "
              "(hoy o un día anterior).", "error")
        return redirect(url_for("uploads.index"), 303)
    settings = current_app.config["BUZON_SETTINGS"]
    folder = settings.data_dir / "cargas" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    paths = []
    for i, f in enumerate(files):
        name = secure_filename(f.filename or "") or f"archivo{i}"
        if Path(name).suffix.lower() not in ALLOWED:
            flash(f"Se omitió {name}: solo PDF, JPG, PNG o TIFF.", "error")
            continue
        target = folder / f"{i:03d}-{name}"
        f.save(target)
        paths.append(str(target))
    if not paths:
        return redirect(url_for("uploads.index"), 303)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    ingest = _ingest

    def work(job: Job) -> dict[str, Any]:
        def progress(done: int, to_read: int) -> None:
            job.done = len(paths) - to_read + done  # files already stored count as done

        with app.app_context():
            try:
                report = ingest(paths, unit, progress, received_on)
            except IsolatedIngestError as e:  # time limit, a lost reader: said as it is
                raise JobFailed(str(e)) from e
        job.done = job.total
        failed = len(getattr(report, "failed", []) or [])
        return {"documentos": getattr(report, "documents", 0), "cuarentena": failed}

    job = jobs_of(app).start("carga", current_user.id, len(paths), work, unit=unit)
    session = get_session()
    session.add(AuditEvent(user_id=current_user.id, action="cargar_escaneos",
                           detail={"archivos": len(paths), "trabajo": job.id,
                                   "recibido": received_on.isoformat()}))
    session.commit()
    log.info("upload job %s started: %s files", job.id, len(paths))
    if request.accept_mimetypes.best == "application/json":
        return jsonify(job.as_dict()), 202
    flash(f"Se recibieron {len(paths)} archivo(s); se procesan en segundo plano.", "ok")
    return redirect(url_for("queue.index"), 303)


@bp.route("/estado")
@login_required
def status() -> ResponseReturnValue:
    jobs = [j.as_dict() for j in _visible_jobs()[:10]]
    return jsonify({"trabajos": jobs})


def _body_limit() -> None:
    """Scans are big: lift the 1 MB body limit for signed-in uploads (and an area's scanned
    answer) only, before CSRF reads the form. Without a session a body over the limit is
    refused before a byte is read."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not current_user.is_authenticated:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        if limit is not None and (request.content_length or 0) > limit:
            abort(413)
        return
    if request.path.rstrip("/") == "/cargas" and request.method == "POST":
        request.max_content_length = MAX_UPLOAD
    elif request.endpoint == "followup.answer" and request.method == "POST":
        from review_ui.followup import MAX_ANSWER

        request.max_content_length = MAX_ANSWER  # the area's scanned answer


def init_app(app: Any) -> None:
    """Call before CSRFProtect.init_app: the limit must be set before the form is parsed."""
    app.before_request(_body_limit)
