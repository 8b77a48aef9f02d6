"""The station's mailer: while the station runs and e-mail is on, a thread sends the
outbox (intake.mail) and reminds areas whose answer is late (intake.notices), every
MAILER_INTERVAL_S seconds and right after a request that may have queued a notice."""

from __future__ import annotations

import logging
import threading
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask, Response

log = logging.getLogger(__name__)


class Mailer:
    def __init__(self, app: Flask, interval: float) -> None:
        self._app, self._interval = app, interval
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="buzon-correo", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def run_once(self) -> None:
        from intake import mail, notices

        app = self._app
        settings = app.config["BUZON_SETTINGS"]
        pinned = app.config.get("TODAY")
        today = pinned if isinstance(pinned, date) else date.today()
        session = app.extensions["buzon_sessionmaker"]()
        try:
            notices.remind_overdue(session, settings, settings.profile,
                                   today)
            session.commit()
            mail.deliver_due(session, settings)
        finally:
            session.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as e:  # the next round tries again; the outbox keeps all
                log.error("mailer round failed: %s", type(e).__name__)
            self._wake.wait(self._interval)
            self._wake.clear()


def init_app(app: Flask) -> None:
    """Start the mailer when e-mail is on (and MAILER is not switched off)."""
    settings = app.config["BUZON_SETTINGS"]
    if not settings.correo_activo or not app.config.get("MAILER", True):
        return
    mailer = Mailer(app, float(app.config.get("MAILER_INTERVAL_S", 60)))
    app.extensions["buzon_mailer"] = mailer

    def kick(response: Response) -> Response:
        from flask import request

        if request.method == "POST":  # a decision may have queued a notice
            mailer.wake()
        return response

    app.after_request(kick)
    mailer.start()
