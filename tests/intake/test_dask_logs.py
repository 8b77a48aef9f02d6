"""What a Dask worker may print on the user's terminal."""

from __future__ import annotations

import logging

from intake._dask import HEARTBEAT_AT_CLOSE, dask_client


def _passes(message: str) -> bool:
    """Whether the worker's 'distributed.worker' logger lets `message` through (run there)."""
    logger = logging.getLogger("distributed.worker")
    record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, message, (), None)
    return all(f.filter(record) for f in logger.filters)


def test_a_worker_drops_the_heartbeat_traceback_of_a_closing_cluster_and_nothing_else() -> None:
    """GIVEN a local cluster WHEN its worker logs the heartbeat failure a closing cluster
    gives THEN it is dropped, and any other error still goes through."""
    with dask_client(1) as client:
        dropped = client.run(_passes, f"{HEARTBEAT_AT_CLOSE}.")
        kept = client.run(_passes, "Compute Failed")
    assert list(dropped.values()) == [False]
    assert list(kept.values()) == [True]
