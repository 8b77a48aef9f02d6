"""Background jobs (uploads, retraining) run in worker threads; their state is kept in
memory for the progress display (a restart forgets finished jobs, never the data)."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

MAX_KEPT = 50


class JobFailed(Exception):
    """A job that ended early for a reason its user must read: the message is Spanish."""


@dataclass
class Job:
    id: str
    kind: str  # carga | reentrenar
    user_id: int
    total: int = 0
    unit: str | None = None  # where an upload's documents go: who may follow it
    done: int = 0
    state: str = "en_cola"  # en_cola | trabajando | terminado | error
    message: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    started: datetime = field(default_factory=datetime.now)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "tipo": self.kind, "total": self.total, "hechos": self.done,
                "estado": self.state, "mensaje": self.message, "resultado": self.result,
                "inicio": self.started.strftime("%H:%M:%S")}


class Jobs:
    """The app's jobs; one lock guards the dict, each job is written by its own thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._threads: list[threading.Thread] = []

    def start(self, kind: str, user_id: int, total: int,
              work: Callable[[Job], dict[str, Any]], unit: str | None = None) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], kind=kind, user_id=user_id, total=total,
                  unit=unit)
        with self._lock:
            self._jobs[job.id] = job
            for old in sorted(self._jobs.values(), key=lambda j: j.started)[:-MAX_KEPT]:
                if old.state in ("terminado", "error"):
                    del self._jobs[old.id]

        def run() -> None:
            job.state = "trabajando"
            try:
                job.result = work(job)
                job.state = "terminado"
            except JobFailed as e:
                log.warning("background %s job %s stopped", kind, job.id)
                job.state, job.message = "error", str(e)
            except Exception as e:  # a job failure is shown, never kills the server
                log.error("background %s job %s failed: %s", kind, job.id, type(e).__name__)
                job.state, job.message = "error", "El trabajo falló; consulte la bitácora."

        thread = threading.Thread(target=run, name=f"buzon-{kind}-{job.id}", daemon=True)
        self._threads.append(thread)
        thread.start()
        return job

    def running(self, kind: str) -> Job | None:
        with self._lock:
            return next((j for j in self._jobs.values()
                         if j.kind == kind and j.state in ("en_cola", "trabajando")), None)

    def recent(self, kind: str | None = None) -> list[Job]:
        with self._lock:
            jobs = [j for j in self._jobs.values() if kind is None or j.kind == kind]
        return sorted(jobs, key=lambda j: j.started, reverse=True)

    def join(self, timeout: float | None = None) -> None:
        """Wait for every started job (tests, shutdown)."""
        for thread in list(self._threads):
            thread.join(timeout)


def jobs_of(app: Flask) -> Jobs:
    return app.extensions.setdefault("buzon_jobs", Jobs())
