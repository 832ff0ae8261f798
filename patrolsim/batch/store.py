"""The results database (SQLite): one row per run, plus per-run tables keyed by run id.

Tables:

- ``sweeps``: sweep_id, source (file), text (the sweep file), root_seed, replications, axes (JSON:
  axis key -> values, file order), created (UTC ISO time).
- ``runs``: run_id (hash of the sweep name, the complete scenario and seed), sweep_id, config_id (hash of the
  complete scenario without the seed: one configuration), run_index, replication, seed, status
  ('ok' / 'failed'), error, duration_s (wall seconds of the task), cpu_s (its CPU seconds), version (patrolsim), worker, finished
  (UTC ISO time); then one column per sweep parameter (named by its axis key, e.g. ``agents.count``), the
  run facts of the result (``strategy``, ``agents``, ``map``, ...; lists and tables as JSON; a fact whose
  name is also an axis key is stored as ``result.<name>``) and every scalar metric (``time_avg_idleness``,
  ...). Columns are added as new names appear.
- ``timeseries``, ``nodes``, ``agents``, ``incidents``, ``areas``: ``run_id`` plus the columns of the
  result's table of that name (``series`` for ``timeseries``); incident runs bring the last two.

Each finished run is written in one transaction (its row and all its table rows), so an interrupted sweep
loses at most the runs in flight. A rerun replaces the failed runs' rows.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import math
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UserError

PER_RUN_TABLES = ("timeseries", "nodes", "agents", "incidents", "areas")
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS sweeps (sweep_id TEXT PRIMARY KEY, source TEXT, text TEXT, root_seed INTEGER,
    replications INTEGER, axes TEXT, created TEXT);
CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, sweep_id TEXT NOT NULL, run_index INTEGER,
    replication INTEGER, seed INTEGER, status TEXT NOT NULL, error TEXT, duration_s REAL, cpu_s REAL,
    version TEXT, worker TEXT, finished TEXT);
CREATE INDEX IF NOT EXISTS runs_sweep ON runs (sweep_id, status);
{
    "".join(
        f"CREATE TABLE IF NOT EXISTS {t} (run_id TEXT NOT NULL); CREATE INDEX IF NOT EXISTS {t}_run ON {t} (run_id);"
        for t in PER_RUN_TABLES
    )
}
"""


def quote(name: str) -> str:
    """A column name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _plain(value: Any) -> Any:
    """A value SQLite stores as is: numbers, text, None; lists and dicts as JSON; NaN/inf as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, default=lambda o: o.item() if isinstance(o, np.generic) else str(o))
    return value


def _sql_values(column) -> list:
    """A column as a list SQLite stores: numbers (NaN/inf as None), text; other objects via :func:`_plain`."""
    a = np.asarray(column)
    if a.dtype.kind == "f":
        values = a.tolist()
        if not np.isfinite(a).all():
            values = [x if math.isfinite(x) else None for x in values]
        return values
    if a.dtype.kind in "iubUS":
        return a.tolist()
    return [_plain(x) for x in a.tolist()]


class ResultStore:
    """An open results database; use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        """Open (``readonly``: never change the file; else create when absent) and check the database."""
        self.path = Path(path)
        self.readonly = readonly
        try:
            if readonly:
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
            else:
                if self.path.parent != Path(""):
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._check()
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable when the process dies
                self.db.executescript(_SCHEMA)
            self._columns = {t: self._table_columns(t) for t in ("runs", *PER_RUN_TABLES)}
        except (FileExistsError, NotADirectoryError):
            raise UserError(
                "cannot create the results database: a part of its folder path is a file", source=self.path
            ) from None
        except OSError as exc:
            raise UserError(f"cannot create the results database ({exc.strerror})", source=self.path) from None
        except sqlite3.Error as exc:
            raise UserError(f"not a usable results database ({exc})", source=self.path) from None

    def _check(self) -> None:
        """Refuse a damaged file, and a database holding tables of something else."""
        verdict = self.db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise UserError(f"the database is damaged (quick_check: {verdict[:60]})", source=self.path)
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if (tables or self.readonly) and not {"sweeps", "runs"} <= tables:
            shown = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
            raise UserError(
                f"not a patrolsim results database (its tables: {shown[:60]}); expected one written by "
                "'patrolsim batch', or a new file",
                source=self.path,
            )

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ writing
    def write_sweep(self, name: str, source: str, text: str, root_seed: int, replications: int, axes: dict) -> None:
        """Record (or update) the sweep's definition."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO sweeps VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sweep_id) DO UPDATE SET "
                "source=excluded.source, text=excluded.text, root_seed=excluded.root_seed, "
                "replications=excluded.replications, axes=excluded.axes",
                (name, source, text, root_seed, replications, json.dumps(axes), _now()),
            )

    def write_run(self, sweep_id: str, run, record: dict) -> None:
        """Write one finished run (a :class:`~patrolsim.batch.sweep.Run` and its task record) atomically."""
        row = {
            "run_id": run.key,
            "sweep_id": sweep_id,
            "config_id": run.config,
            "run_index": run.index,
            "replication": run.replication,
            "seed": run.seed,
            "status": record["status"],
            "error": record.get("error"),
            "duration_s": record.get("duration_s"),
            "cpu_s": record.get("cpu_s"),
            "version": record.get("version") or record.get("run", {}).get("version"),
            "worker": record.get("worker"),
            "finished": _now(),
        }
        row.update(run.params)
        facts = {k: v for k, v in record.get("run", {}).items() if k not in ("seed", "version")}
        for key, value in {**facts, **record.get("metrics", {})}.items():
            row.setdefault(f"result.{key}" if key in run.params else key, value)
        with self._transaction():
            for table in ("runs", *PER_RUN_TABLES):
                self.db.execute(f"DELETE FROM {table} WHERE run_id = ?", (run.key,))
            self._insert("runs", [row])
            for table, columns in record.get("tables", {}).items():
                if table in PER_RUN_TABLES and columns:
                    self._insert_columns(table, run.key, columns)

    def _insert(self, table: str, rows: list[dict]) -> None:
        names = list(dict.fromkeys(k for r in rows for k in r))
        self._ensure_columns(table, names)
        sql = f"INSERT INTO {table} ({', '.join(map(quote, names))}) VALUES ({', '.join('?' * len(names))})"
        self.db.executemany(sql, ([_plain(r.get(n)) for n in names] for r in rows))

    def _insert_columns(self, table: str, run_id: str, columns: dict[str, np.ndarray]) -> None:
        names = [n for n in columns if n != "run_id"]
        self._ensure_columns(table, names)
        lists = [_sql_values(columns[n]) for n in names]
        length = max((len(c) for c in lists), default=0)
        lists = [c + [None] * (length - len(c)) for c in lists]
        sql = f"INSERT INTO {table} (run_id, {', '.join(map(quote, names))}) VALUES (?{', ?' * len(names)})"
        self.db.executemany(sql, zip(itertools.repeat(run_id, length), *lists))

    def _ensure_columns(self, table: str, names: Iterable[str]) -> None:
        known = self._columns[table]
        if any(name not in known for name in names):
            known[:] = self._table_columns(table)  # another writer may have added them (we hold the lock)
        for name in names:
            if name not in known:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {quote(name)}")
                known.append(name)

    def _transaction(self):
        store = self

        class _Tx:
            def __enter__(self):
                store._write("BEGIN IMMEDIATE")

            def __exit__(self, kind, exc, tb):
                if kind is None:
                    store._write("COMMIT")
                    return None
                if store.db.in_transaction:
                    store.db.execute("ROLLBACK")
                store._columns = {t: store._table_columns(t) for t in store._columns}
                if type(exc) in (sqlite3.OperationalError, sqlite3.DatabaseError):  # disk full, I/O, damage
                    raise UserError(
                        f"cannot write the results database ({exc}); the runs written before are kept",
                        source=store.path,
                    ) from None
                return None

        return _Tx()

    def _write(self, sql: str) -> None:
        try:
            self.db.execute(sql)
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            raise UserError(
                f"cannot write the results database ({exc}); the runs written before are kept", source=self.path
            ) from None

    # ------------------------------------------------------------------ reading
    def _table_columns(self, table: str) -> list[str]:
        return [r[1] for r in self.db.execute(f"PRAGMA table_info({table})")]

    def columns(self, table: str) -> list[str]:
        """Column names of ``table``."""
        return list(self._table_columns(table))

    def completed(self, sweep_id: str | None = None) -> set[str]:
        """Run ids finished with status 'ok' (of one sweep, or of any)."""
        sql, args = "SELECT run_id FROM runs WHERE status = 'ok'", tuple[str, ...]()
        if sweep_id is not None:
            sql, args = sql + " AND sweep_id = ?", (sweep_id,)
        return {r[0] for r in self.db.execute(sql, args)}

    def configs(self, sweep_id: str) -> set[str]:
        """Configuration ids of a sweep's recorded runs (empty for databases written before they were)."""
        if "config_id" not in self._table_columns("runs"):
            return set()
        rows = self.db.execute("SELECT DISTINCT config_id FROM runs WHERE sweep_id = ?", (sweep_id,))
        return {r[0] for r in rows if r[0] is not None}

    def sweeps(self) -> list[dict]:
        """Every recorded sweep: sweep_id, source, root_seed, replications, axes (dict)."""
        rows = self.db.execute("SELECT sweep_id, source, root_seed, replications, axes FROM sweeps ORDER BY created")
        return [
            {"sweep_id": s, "source": src, "root_seed": seed, "replications": n, "axes": json.loads(a)}
            for s, src, seed, n, a in rows
        ]

    def runs(self, sweep_id: str | None = None, status: str | None = None) -> list[dict]:
        """Rows of the runs table as dicts (ordered by sweep and run index)."""
        where, args = [], []
        if sweep_id is not None:
            where.append("sweep_id = ?")
            args.append(sweep_id)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        sql = (
            "SELECT * FROM runs" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY sweep_id, run_index"
        )
        cur = self.db.execute(sql, args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur]

    def table(self, table: str, run_ids: list[str], columns: list[str] | None = None) -> dict[str, dict]:
        """Per-run table rows of the given runs: run id -> column -> numpy array (in stored order)."""
        if table not in PER_RUN_TABLES:
            raise ValueError(table)
        have = self._table_columns(table)
        cols = [c for c in (columns or have) if c in have and c != "run_id"]
        out: dict[str, dict] = {}
        if not cols:
            return out
        for run_id in run_ids:
            rows = self.db.execute(
                f"SELECT {', '.join(map(quote, cols))} FROM {table} WHERE run_id = ? ORDER BY rowid", (run_id,)
            ).fetchall()
            if rows:
                out[run_id] = {c: _column([r[i] for r in rows]) for i, c in enumerate(cols)}
        return out


def _column(values: list) -> np.ndarray:
    if all(v is None or isinstance(v, (int, float)) for v in values):
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return np.array(values, dtype=object)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def open_existing(path: str | Path) -> ResultStore:
    """Open a results database that must exist (for ``results`` and ``report``)."""
    p = Path(path)
    if not p.is_file():
        raise UserError("no such results database", source=p)
    store = ResultStore(p, readonly=True)
    if not store.sweeps():
        store.close()
        raise UserError("the database holds no sweep (is it a patrolsim results database?)", source=p)
    return store
