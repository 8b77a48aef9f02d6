"""Ingest in a child process with a memory and a time limit: the review station's uploads.

The web server must not read scans itself: one heavy file would starve it or exhaust its
memory. Each upload runs `ingest_paths` in a spawned child that first caps its own data
segment (RLIMIT_DATA, inherited by the Dask workers it may start) and makes itself the
leader of a process group; the job thread waits for its progress on a pipe and kills the
whole group past the time limit. A file that needs more memory than the cap fails with
MemoryError inside the reader and is quarantined as a cause that may pass, while the
other files go on. The child opens the database without migrating (the station migrated
it at start-up; two uploads migrating at once would race).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any

from intake.errors import IsolatedIngestError
from intake.pipeline import ingest_paths, open_database

if TYPE_CHECKING:
    from datetime import date
    from multiprocessing.connection import Connection

    from intake.config import Settings

log = logging.getLogger(__name__)

MIB = 1024 * 1024
ORPHAN_CHECK_S = 1.0  # how often a child checks that the station is still there
_NOT_READ = ("los archivos que no se alcanzaron a leer se conservan en la estación y se "
             "leerán si se cargan de nuevo")


@dataclass
class IsolatedOutcome:
    """What the child's ingest did: the counts an upload shows, and where it ran."""

    documents: int = 0
    failed: list[str] = field(default_factory=list)  # Spanish reasons of quarantined files
    files: int = 0  # files stored or quarantined by this run
    pid: int = 0  # the child process that read them


def run_isolated(paths: list[str], settings: Settings, *, unit: str | None,
                 received_on: date, on_file: Callable[[int, int], None] = lambda _d, _t: None,
                 ingest: Callable[..., Any] | None = None) -> IsolatedOutcome:
    """`ingest_paths(paths, ...)` in a child process, within settings.upload_memory_mb and
    settings.upload_timeout; `on_file` hears its progress here.

    Args:
        ingest: what the child runs in place of `ingest_paths` (tests: a module-level
            function the child can import).

    Raises:
        IsolatedIngestError: the time limit passed (the child and its workers are killed),
            the child died, or it refused the database; Spanish message. Files stored
            before that stay stored.
    """
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    memory = settings.upload_memory_mb * MIB
    proc = ctx.Process(target=_child, name="buzon-carga",
                       args=(send, paths, settings, unit, received_on, memory,
                             ingest or ingest_paths))
    proc.start()
    send.close()  # the child holds the only writer: EOF here once it is gone
    _running.add(proc)
    done = 0
    deadline = time.monotonic() + settings.upload_timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                log.warning("upload child %s killed: time limit", proc.pid)
                raise IsolatedIngestError(
                    f"La carga superó el tiempo límite de {_duration(settings.upload_timeout)}"
                    f" y se detuvo: {done} de {len(paths)} archivo(s) quedaron leídos; "
                    f"{_NOT_READ}.")
            ready = wait([receive, proc.sentinel], timeout=remaining)
            message = None
            if receive in ready or (ready and receive.poll()):
                try:
                    message = receive.recv()
                except EOFError:  # the child is gone without a word
                    message = None
            elif not ready:
                continue
            if message is None:  # not joined here: a child stuck on its way out is killed
                log.error("upload child %s ended without a result", proc.pid)
                raise IsolatedIngestError(
                    "El proceso que leía la carga terminó de forma inesperada (posiblemente "
                    f"por falta de memoria): {done} de {len(paths)} archivo(s) quedaron "
                    f"leídos; {_NOT_READ}.")
            if message[0] == "progreso":
                done = message[1] + len(paths) - message[2]
                on_file(message[1], message[2])
            elif message[0] == "hecho":
                return IsolatedOutcome(**message[1])
            else:
                raise IsolatedIngestError(message[1])
    finally:
        _stop(proc)
        receive.close()


# Children running now: a station that exits stops them (their files stay in cargas),
# rather than wait for each to finish (multiprocessing joins the children it left).
_running: set[multiprocessing.process.BaseProcess] = set()


@atexit.register
def _stop_running() -> None:
    for proc in list(_running):
        _stop(proc)


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def _stop(proc: multiprocessing.process.BaseProcess) -> None:
    """Kill the child's process group (it and any Dask worker it started), then reap it.

    The group is killed before the child is reaped, so its id cannot have been reused.
    """
    _running.discard(proc)
    if proc.pid is not None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # not yet its own group (no workers yet), or all gone
            proc.kill()
    proc.join()
    proc.close()


def _orphan_watch(parent: int) -> None:
    """End this child and its workers once the station that started it is gone (killed):
    nobody would hear the result, and the time limit would no longer be kept."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_S)
    os.killpg(0, signal.SIGKILL)


def _child(send: Connection, paths: list[str], settings: Settings, unit: str | None,
           received_on: date, memory: int, ingest: Callable[..., Any]) -> None:
    """The child's work: cap memory, open the database unmigrated, ingest, report."""
    os.setpgid(0, 0)  # its own group: the job thread stops it with its workers
    threading.Thread(target=_orphan_watch, args=(os.getppid(),), daemon=True,
                     name="buzon-carga-huerfana").start()
    if memory:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    try:
        factory = open_database(settings, migrate_schema=False)
        report = ingest(paths, settings, unit=unit, workers=1, received_on=received_on,
                        on_file=lambda d, t: send.send(("progreso", d, t)), factory=factory)
        send.send(("hecho", {"documents": report.documents,
                             "failed": [f.reason or "" for f in report.failed],
                             "files": report.count("nuevo") + len(report.failed),
                             "pid": os.getpid()}))
    except MemoryError:  # outside any one file (each file's own is quarantined)
        send.send(("error", f"No hubo memoria suficiente para la carga (límite de "
                            f"{memory // MIB} MiB); los archivos se conservan en la estación."))
    except Exception as e:  # noqa: BLE001 - reported to the station, in Spanish
        log.error("upload ingest failed: %s", type(e).__name__)
        spanish = getattr(e, "exit_code", None) is not None and str(e)
        send.send(("error", spanish or "La carga falló por un error inesperado; consulte "
                   "la bitácora. Los archivos se conservan en la estación."))
    finally:
        send.close()
