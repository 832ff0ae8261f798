"""Shared helpers of the batch tests: tiny sweep files and table comparison."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VOLATILE = {"duration_s", "cpu_s", "worker", "finished", "wall_s"}

TINY = f"""
[sweep]
name = "tiny"
replications = 2
root_seed = 11
[base]
map = "{ROOT / "maps" / "open_square.txt"}"
duration = 120
seed = 0
agents.count = 1
strategy.name = "cr"
[axes]
"strategy.name" = ["cr", "hcr"]
"agents.count" = [1, 3]
"""


def write(tmp_path: Path, text: str, name: str = "sweep.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def stable_runs(store) -> list[dict]:
    """The runs table without wall-clock columns, ordered by run id."""
    rows = [{k: v for k, v in r.items() if k not in VOLATILE} for r in store.runs()]
    return sorted(rows, key=lambda r: r["run_id"])


def stable_tables(store) -> dict:
    """Every per-run table's rows, ordered, for equality checks."""
    out = {}
    for t in ("timeseries", "nodes", "agents"):
        cols = [c for c in store.columns(t)]
        rows = store.db.execute(
            f"SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} FROM {t} ORDER BY run_id, rowid"
        ).fetchall()
        out[t] = (cols, rows)
    return out
