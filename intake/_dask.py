"""Dask distributed for batch runs: a local or remote cluster and a bounded task window."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import dask
from dask.typing import Key
from distributed import Client, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from intake.errors import ClusterError

log = logging.getLogger(__name__)

T = TypeVar("T")

# The worker's stack sampler (for the dashboard we do not run) costs 1-3% of its CPU.
_DASK_CONFIG = {"distributed.worker.profile.enabled": False}


class OneThreadPlugin(WorkerPlugin):
    """One compute thread per worker process, including `dask worker` started by hand.

    OpenCV's own pool would otherwise fight the other workers for the cores: a worker is
    one core, and the cluster scales by workers (2 workers ran the box 4% faster with
    OpenCV on one thread). Tesseract's OpenMP threads are the engine's to limit
    (`ocr.engine.TesseractEngine(threads=1)`), as it loads.
    """

    name = "buzon-one-thread"

    def setup(self, worker: Any) -> None:
        import cv2

        cv2.setNumThreads(1)


# What a worker logs, with an English traceback on the user's terminal, when a heartbeat
# was in flight as the cluster closed (seen on a loaded machine at the end of a run). A
# scheduler really lost mid-run is the client's to report (ClusterError, lost workers).
HEARTBEAT_AT_CLOSE = "Failed to communicate with scheduler during heartbeat"


class _DropHeartbeatAtClose(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(HEARTBEAT_AT_CLOSE)


class QuietHeartbeatPlugin(WorkerPlugin):
    """Keeps the heartbeat-at-close traceback out of the terminal (see HEARTBEAT_AT_CLOSE)."""

    name = "buzon-quiet-heartbeat"

    def setup(self, worker: Any) -> None:
        logging.getLogger("distributed.worker").addFilter(_DropHeartbeatAtClose())


def _spawn_env() -> dict[str, Any]:
    """Dask's worker environment without MALLOC_TRIM_THRESHOLD_.

    Setting it (Dask does, so workers give memory back) also turns off glibc's adaptive
    mmap threshold: every page-sized image array is then mapped and faulted in afresh,
    +0.12 s of system CPU a page (15% of a one-worker run). Our workers' memory stays
    flat without it (bench.batch: peak RSS for 200 and 2,000 pages).
    """
    key = "distributed.nanny.pre-spawn-environ"
    env = {k: v for k, v in (dask.config.get(key) or {}).items()
           if k != "MALLOC_TRIM_THRESHOLD_"}
    return {key: env}


@contextmanager
def _dask_logs_at_warning() -> Iterator[None]:
    """Dask logs every worker's start and stop at INFO on its own handler (it sets that
    level when imported, after the CLI set WARNING); a TAOD running a batch wants the
    progress bar and warnings (a lost worker), whatever the verbosity (intake.cli)."""
    dlog = logging.getLogger("distributed")
    old_level = dlog.level
    dlog.setLevel(logging.WARNING)
    try:
        yield
    finally:
        dlog.setLevel(old_level)


def _connect(workers: int, scheduler: str | None, timeout: float
             ) -> tuple[Client, LocalCluster | None]:
    if scheduler:
        return Client(scheduler, timeout=timeout), None
    # Port 0: the scheduler's HTTP endpoint must not clash with other clusters on the
    # machine (its 8787 default does); no dashboard (it needs bokeh).
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=":0",
                           scheduler_kwargs={"dashboard": False},
                           silence_logs=logging.WARNING)
    try:
        return Client(cluster, timeout=timeout), cluster
    except BaseException:
        cluster.close()
        raise


@contextmanager
def dask_client(workers: int, scheduler: str | None = None,
                connect_timeout: float = 30.0) -> Iterator[Client]:
    """A client on the scheduler at `scheduler`, or on a new LocalCluster of `workers`.

    The local cluster runs one single-threaded worker process per core asked for; both are
    closed on exit (also on Ctrl-C).
    """
    with _dask_logs_at_warning(), dask.config.set({**_DASK_CONFIG, **_spawn_env()}):
        try:
            client, cluster = _connect(workers, scheduler, connect_timeout)
        except (OSError, TimeoutError, RuntimeError) as e:
            where = scheduler or "local"
            raise ClusterError(f"No se pudo conectar con el clúster Dask ({where}): {e}") from e
        try:
            client.register_plugin(OneThreadPlugin())
            client.register_plugin(QuietHeartbeatPlugin())
            log.info("dask cluster ready: %d workers", len(client.scheduler_info()["workers"]))
            yield client
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


@dataclass
class Outcome:
    """A finished task: the item it was submitted for and its result or its error."""

    item: Any
    result: Any = None
    error: BaseException | None = None


@dataclass
class _Sent:
    """A task in flight: what it was for, its arguments as given and as sent."""

    item: Any
    args: tuple[Any, ...]
    payload: list[Any]  # holds the scattered keys until the task is done
    resubmits: int


# Times a file is sent again when its bytes were lost with a worker (a killed process).
RESUBMITS = 3
# Until the scheduler notices a killed worker (seconds on a loaded machine), bytes it sends
# there fail: the send is tried again, waiting a little longer each time.
SEND_TRIES = 6
SEND_WAIT_S = 0.25
_CLUSTER_LOST = ("Se perdió el clúster Dask a mitad del lote; vuelva a ejecutar la misma "
                 "orden para continuar.")


def run_bounded(client: Client | None, fn: Callable[..., T],
                items: Iterable[tuple[Any, tuple[Any, ...]]], *, window: int,
                shared: tuple[Any, ...] = ()) -> Iterator[Outcome]:
    """Run fn(*args, *shared) per (item, args), yielding outcomes as they complete.

    At most `window` tasks are in flight, and `items` is only advanced to refill the
    window, so a backlog of any size streams through in bounded memory. `shared` values
    (e.g. the classifier) are scattered to every worker once. With no client the tasks run
    here, one after another, in order.
    """
    it = iter(items)
    if client is None:
        for item, args in it:
            try:
                outcome = Outcome(item, fn(*args, *shared))
            except Exception as e:  # a bug on one file must not stop the batch
                outcome = Outcome(item, error=e)
            yield outcome
        return
    extra = tuple(client.scatter(list(shared), broadcast=True)) if shared else ()
    pending = as_completed(with_results=False)
    in_flight: dict[Key, _Sent] = {}

    def submit(item: Any, args: tuple[Any, ...], resubmits: int = 0) -> None:
        # Bytes travel as keys of their own, not inside the task: with the bytes inline,
        # specs of finished tasks that use a scattered value (the model) stayed alive in
        # this process (client and local scheduler), 500 MiB more for 2,000 files than
        # for 200. A key is released with its task.
        for attempt in range(SEND_TRIES):
            try:
                payload = [client.scatter(a, hash=False) if isinstance(a, bytes) else a
                           for a in args]
                fut = client.submit(fn, *payload, *extra, pure=False)
                break
            except (OSError, TimeoutError, CancelledError) as e:
                if client.status != "running" or attempt == SEND_TRIES - 1:
                    raise ClusterError(_CLUSTER_LOST) from e
                log.warning("a worker did not take a file (%s); sending it again",
                            type(e).__name__)
                time.sleep(SEND_WAIT_S * 2 ** attempt)
        in_flight[fut.key] = _Sent(item, args, payload, resubmits)
        pending.add(fut)

    def submit_next() -> None:
        nxt = next(it, None)
        if nxt is not None:
            submit(*nxt)

    for _ in range(max(1, window)):
        submit_next()
    for fut in pending:
        sent = in_flight.pop(fut.key)
        try:
            outcome = Outcome(sent.item, fut.result())
        except CancelledError:
            # Its bytes died with a worker ("lost dependencies"): send them again while
            # the cluster is up; a cluster that went away stops the run (a rerun resumes).
            fut.release()
            if client.status == "running" and sent.resubmits < RESUBMITS:
                log.warning("task lost with its worker; submitted again")
                submit(sent.item, sent.args, sent.resubmits + 1)
                continue
            log.warning("task lost with its worker, not sent again (cluster %s, %d times sent)",
                        client.status, sent.resubmits + 1)
            raise ClusterError(_CLUSTER_LOST) from None
        except Exception as e:  # KilledWorker (it killed 3 workers) or a bug on one file
            outcome = Outcome(sent.item, error=e)
        fut.release()
        submit_next()
        yield outcome
