"""Review errors and the one place where errors become Spanish HTTP error pages."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from common.errors import BuzonError, ExitCode

if TYPE_CHECKING:
    from flask import Flask
    from flask.typing import ResponseReturnValue

log = logging.getLogger(__name__)


class ReviewError(BuzonError):
    """Root of review failures (`buzon user` exits with its code)."""

    exit_code = ExitCode.REVIEW


class StaleDocumentError(ReviewError):
    """Someone else changed the document after this reviewer opened it."""

    exit_code = ExitCode.STALE_DOCUMENT

    def __init__(self) -> None:
        super().__init__(
            "Otra persona modificó este documento mientras usted lo revisaba. No se guardó "
            "ningún cambio: revise la versión actual y vuelva a decidir.")


class ClaimedError(StaleDocumentError):
    """Another reviewer holds the document (opened it less than the claim timeout ago)."""

    exit_code = ExitCode.CLAIMED

    def __init__(self, holder: str = "otra persona") -> None:
        ReviewError.__init__(
            self, f"{holder} está revisando este documento. No se guardó ningún cambio: "
                  "continúe con el siguiente pendiente.")
        self.holder = holder


class InvalidFieldsError(ReviewError):
    """Edited fields failed validation; `errors` maps field name -> Spanish message."""

    exit_code = ExitCode.INVALID_FIELDS

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Hay datos no válidos: " + "; ".join(errors.values()))
        self.errors = errors


class InvalidDecisionError(ReviewError):
    """A decision that cannot be applied (unknown type, empty reason, ...)."""

    exit_code = ExitCode.INVALID_DECISION


class UserExistsError(ReviewError):
    """The username is taken."""

    exit_code = ExitCode.USER_EXISTS


_TITLES: dict[int, tuple[str, str]] = {
    400: ("Solicitud no válida", "La solicitud no se pudo procesar."),
    403: ("Acceso denegado", "Su cuenta no tiene permiso para ver esta página."),
    404: ("No encontrado", "La página o el documento que busca no existe o no está a su "
                           "alcance."),
    405: ("Método no permitido", "Esta acción no está disponible de esa forma."),
    409: ("Conflicto", "El documento cambió mientras lo revisaba."),
    413: ("Demasiado grande", "Los datos enviados son demasiado grandes."),
    429: ("Demasiadas solicitudes", "Espere un momento e intente de nuevo."),
    500: ("Error interno", "Ocurrió un error inesperado. El equipo técnico puede consultar "
                           "la bitácora del servidor."),
}


def _page(code: int, message: str | None = None) -> ResponseReturnValue:
    title, default = _TITLES.get(code, (f"Error {code}", "No se pudo completar la solicitud."))
    return render_template("errors/error.html", code=code, title=title,
                           message=message or default), code


def _http_error(e: HTTPException) -> ResponseReturnValue:
    if e.code is None or e.code < 400:  # redirects raised as exceptions pass through
        return e
    return _page(e.code)


def _csrf_error(_e: CSRFError) -> ResponseReturnValue:
    return _page(400, "El formulario expiró o no es válido. Recargue la página e intente de "
                      "nuevo.")


def _internal_error(_e: InternalServerError) -> ResponseReturnValue:
    # Already logged (type and frames only) by ReviewFlask.log_exception.
    return _page(500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(InternalServerError, _internal_error)
    app.register_error_handler(HTTPException, _http_error)
