"""Page images and crops, served by page id only, to reviewers who may see the document;
every view is audited (a page shows personal data)."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from models.schema import AuditEvent, Page
from review_ui.db import get_session

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__, url_prefix="/paginas")


def _audit(page: Page, action: str, **detail: object) -> None:
    session = get_session()
    session.add(AuditEvent(user_id=current_user.id, action=action,
                           document_id=page.document_id,
                           detail={"pagina": page.page_no, **detail}))
    session.commit()


_MIMETYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".webp": "image/webp"}


def resolve_image(data_dir: Path, image_path: str | None) -> Path | None:
    """The image file inside `data_dir`, or None when absent or pointing outside it."""
    if not image_path:
        return None
    base = data_dir.resolve()
    candidate = Path(image_path)
    if candidate.is_absolute():
        return None
    full = (base / candidate).resolve()
    if not full.is_relative_to(base) or full.suffix.lower() not in _MIMETYPES:
        return None
    return full if full.is_file() else None


@bp.route("/<id:page_id>")
@login_required
def image(page_id: int) -> ResponseReturnValue:
    page = get_session().get(Page, page_id)
    if page is None or not current_user.may_see_unit(page.document.unit):
        abort(404)
    settings = current_app.config["BUZON_SETTINGS"]
    path = resolve_image(settings.data_dir, page.image_path)
    if path is None:
        log.warning("page %s: image missing or outside the data directory", page_id)
        abort(404)
    _audit(page, "ver_pagina")
    response = send_file(path, mimetype=_MIMETYPES[path.suffix.lower()], max_age=0,
                         conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response


MAX_CROP = 4000


@bp.route("/<id:page_id>/recorte")
@login_required
def crop(page_id: int) -> ResponseReturnValue:
    """A piece of the page (?caja=x0,y0,x1,y1), so handwriting is read by the person
    beside the field it fills."""
    import io

    from PIL import Image

    page = get_session().get(Page, page_id)
    if page is None or not current_user.may_see_unit(page.document.unit):
        abort(404)
    try:
        x0, y0, x1, y1 = (int(v) for v in request.args.get("caja", "").split(","))
    except ValueError:
        abort(404)
    path = resolve_image(current_app.config["BUZON_SETTINGS"].data_dir, page.image_path)
    if path is None or not (0 <= x0 < x1 and 0 <= y0 < y1) or x1 - x0 > MAX_CROP:
        abort(404)
    with Image.open(path) as img:
        pad = 6
        box = (max(0, x0 - pad), max(0, y0 - pad), min(img.width, x1 + pad),
               min(img.height, y1 + pad))
        if box[0] >= box[2] or box[1] >= box[3]:
            abort(404)
        buf = io.BytesIO()
        img.crop(box).save(buf, format="PNG")
    _audit(page, "ver_recorte", caja=[x0, y0, x1, y1])
    response = send_file(io.BytesIO(buf.getvalue()), mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
