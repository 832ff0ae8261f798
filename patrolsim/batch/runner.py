"""Driving a sweep: submit the runs not yet complete, write each result as it arrives, report failures."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field

from .. import __version__
from .executors import Pool
from .progress import Progress
from .store import ResultStore
from .sweep import Run, Sweep
from .task import run_task


@dataclass
class Outcome:
    """What a sweep invocation did: runs skipped (already complete), finished ok, and failed (run, error)."""

    skipped: int = 0
    ok: int = 0
    failed: list[tuple[Run, str]] = field(default_factory=list)


def run_sweep(
    sweep: Sweep,
    store: ResultStore,
    pool: Pool,
    *,
    progress: Progress | None = None,
    on_result: Callable[[Run, dict], None] | None = None,
    in_flight: int | None = None,
) -> Outcome:
    """Run every run of ``sweep`` not yet complete in ``store`` on ``pool``.

    At most ``in_flight`` runs (default: ``pool.in_flight``) are submitted at once, so results
    never pile up in memory; each is written to the store in its own transaction as it arrives. On an
    exception (Ctrl-C), pending runs are cancelled and everything written so far stays.
    """
    store.write_sweep(sweep.name, sweep.source, sweep.text, sweep.root_seed, sweep.replications, sweep.axes)
    done = store.completed(sweep.name)
    todo = [r for r in sweep.runs if r.key not in done]
    outcome = Outcome(skipped=len(sweep.runs) - len(todo))
    progress = progress or Progress(len(sweep.runs), outcome.skipped, enabled=False)
    limit = in_flight or pool.in_flight
    queue = iter(todo)
    pending: dict[Future, Run] = {}

    def submit_more() -> None:
        while len(pending) < limit:
            run = next(queue, None)
            if run is None:
                return
            pending[pool.executor.submit(run_task, run.scenario, run.key)] = run

    try:
        submit_more()
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in finished:
                run = pending.pop(future)
                record = _record(future, run)
                store.write_run(sweep.name, run, record)
                if record["status"] == "ok":
                    outcome.ok += 1
                else:
                    outcome.failed.append((run, record["error"]))
                progress.update(record["status"] == "ok")
                if on_result is not None:
                    on_result(run, record)
            submit_more()
    finally:
        for future in pending:
            future.cancel()
        progress.close()
    return outcome


def _record(future: Future, run: Run) -> dict:
    """The task's record, or a failed record when the executor lost the task (worker died too often)."""
    try:
        record = future.result()
    except Exception as exc:
        record = {
            "key": run.key,
            "status": "failed",
            "run": {},
            "metrics": {},
            "tables": {},
            "error": f"{type(exc).__name__}: {exc}".replace("\n", " "),
            "duration_s": None,
            "worker": None,
        }
    record.setdefault("version", __version__)
    return record


def describe_run(run: Run) -> str:
    """'run 12 (strategy.name=hpcc, agents.count=2, replication 0)' for messages."""
    params = ", ".join(f"{k}={v}" for k, v in run.params.items())
    return f"run {run.index} ({params + ', ' if params else ''}replication {run.replication}, seed {run.seed})"
