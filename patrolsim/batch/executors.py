"""Where tasks run, behind the ``concurrent.futures.Executor`` interface.

- ``dask`` (default): an embedded Dask ``LocalCluster`` with one single-threaded worker process per core,
  or an existing cluster at ``scheduler`` (``tcp://host:8786``; also ``DASK_SCHEDULER_ADDRESS``). Dask
  re-runs the tasks of a worker that dies instead of losing them.
- ``process``: a ``ProcessPoolExecutor`` (spawned processes); a dying worker breaks the pool, and the runs
  in flight are recorded as failed.
- ``serial``: in this process, one after the other (debugging, profiling, ``pdb``).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass

from ..errors import UserError, require

KINDS = ("dask", "process", "serial")


class SerialExecutor(Executor):
    """Runs each task at submit time in this process; returns a finished future."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            future.set_exception(exc)
        return future


@dataclass
class Pool:
    """An executor, how many tasks it runs at once (``slots``), and a description for messages."""

    executor: Executor
    slots: int
    description: str
    address: str | None = None  # the Dask scheduler's address, for other clients

    @property
    def in_flight(self) -> int:
        """How many tasks to keep submitted: enough to keep every slot busy (1 when serial)."""
        return 1 if isinstance(self.executor, SerialExecutor) else 2 * self.slots + 2


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def open_pool(kind: str = "dask", workers: int | None = None, scheduler: str | None = None) -> Iterator[Pool]:
    """Start (and on exit stop) an executor of ``kind`` with ``workers`` processes (default: one per core);
    ``scheduler`` connects to an existing Dask cluster instead of starting one."""
    if kind not in KINDS:
        raise UserError(f"unknown executor '{kind}'; expected one of {', '.join(KINDS)}")
    workers = workers or default_workers()
    if kind == "serial":
        yield Pool(SerialExecutor(), 1, "serial (in this process)")
    elif kind == "process":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as ex:
            yield Pool(ex, workers, f"process pool, {workers} workers")
    else:
        with _dask(workers, scheduler) as pool:
            yield pool


@contextlib.contextmanager
def _dask(workers: int, scheduler: str | None) -> Iterator[Pool]:
    require("distributed", "batch")
    from distributed import Client, LocalCluster

    scheduler = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise UserError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        with client:
            slots = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
            yield Pool(
                client.get_executor(pure=False), slots, f"Dask cluster at {scheduler}, {slots} threads", scheduler
            )
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield Pool(
            client.get_executor(pure=False),
            workers,
            f"Dask LocalCluster, {workers} worker processes",
            cluster.scheduler_address,
        )
