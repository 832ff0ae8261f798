"""The batch, results and report commands end to end (in this process), with incident data added the way an
incident run would bring it, and their errors."""

import csv
from html.parser import HTMLParser

import numpy as np
import pytest
from PIL import Image

from patrolsim.batch.store import ResultStore
from patrolsim.batch.sweep import load_sweep
from patrolsim.cli import main
from sweep_helpers import TINY, write


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    sweep_file = write(tmp, TINY)
    path = tmp / "r.db"
    assert main(["batch", str(sweep_file), "--out", str(path), "--serial", "-q"]) == 0
    # add what incident runs record: per-incident rows and a fairness metric, through the same writer
    sweep = load_sweep(sweep_file)
    rng = np.random.default_rng(0)
    with ResultStore(path) as store:
        rows = {r["run_id"]: r for r in store.runs()}
        for run in sweep.runs:
            row = rows[run.key]
            metrics = {k: row[k] for k in ("time_avg_idleness", "worst_idleness", "coverage")}
            metrics["patrol_time_gini"] = float(rng.uniform(0.1, 0.5))
            tables = {name: store.table(name, [run.key])[run.key] for name in ("nodes", "timeseries")}
            tables["incidents"] = {
                "node": np.arange(6),
                "reported": np.arange(6) * 10.0,
                "response_time": np.array([5.0, 20.0, 35.0, 60.0, 90.0, np.nan]),
                "agent": np.array([0, 0, 1, 0, 1, -1]),
            }
            store.write_run(
                "tiny",
                run,
                {
                    "status": "ok",
                    "run": {"agents": row["agents"], "map_path": row["map_path"], "strategy": row["strategy"]},
                    "metrics": metrics,
                    "tables": tables,
                },
            )
    return path


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.links = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a["src"])
        if tag == "a":
            self.links.append(a["href"])


def test_report_writes_valid_png_svg_and_html(db, tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", str(db), "--out", str(out)]) == 0
    page = (out / "index.html").read_text()
    parser = _Links()
    parser.feed(page)
    stems = {"team_size", "worst_idleness", "coverage", "response_cdf", "heatmaps", "fairness"}
    assert {p.removesuffix(".png") for p in parser.images} == stems
    for stem in stems:
        with Image.open(out / f"{stem}.png") as im:
            im.verify()
            assert im.format == "PNG" and im.size[0] > 400
        assert (out / f"{stem}.svg").read_text().lstrip().startswith("<?xml")
    assert all((out / link).exists() for link in parser.links)
    assert "Not drawn" not in page and "tiny" in page


def test_report_degrades_without_incidents(tmp_path):
    path = tmp_path / "plain.db"
    assert (
        main(
            [
                "batch",
                str(write(tmp_path, TINY.replace("replications = 2", "replications = 1"))),
                "--out",
                str(path),
                "--serial",
                "-q",
            ]
        )
        == 0
    )
    assert main(["report", str(path), "--out", str(tmp_path / "rep")]) == 0
    page = (tmp_path / "rep" / "index.html").read_text()
    assert page.count("Not drawn") == 2 and not (tmp_path / "rep" / "response_cdf.png").exists()
    assert (tmp_path / "rep" / "heatmaps.png").exists()


def test_results_summary_and_exports(db, tmp_path, capsys):
    assert main(["results", str(db), "--csv", str(tmp_path / "s.csv"), "--parquet", str(tmp_path / "s.parquet")]) == 0
    text = capsys.readouterr().out
    assert "sweep tiny: 4 configurations, 8 runs" in text and "time_avg_idleness" in text and "±" in text
    rows = list(csv.DictReader(open(tmp_path / "s.csv")))
    assert len(rows) == 4 * 3  # configurations x headline metrics present
    r = next(
        r
        for r in rows
        if r["strategy.name"] == "cr" and r["agents.count"] == "1" and r["metric"] == "time_avg_idleness"
    )
    with ResultStore(db) as store:
        values = [x["time_avg_idleness"] for x in store.runs() if x["strategy.name"] == "cr" and x["agents.count"] == 1]
    from scipy.stats import t

    mean, half = np.mean(values), t.ppf(0.975, 1) * np.std(values, ddof=1) / np.sqrt(2)
    assert float(r["mean"]) == pytest.approx(mean) and float(r["ci95_high"]) == pytest.approx(mean + half)
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "s.parquet").num_rows == 12
    assert main(["results", str(db), "--per-run", "--csv", str(tmp_path / "runs.csv")]) == 0
    assert len(list(csv.DictReader(open(tmp_path / "runs.csv")))) == 8


def test_batch_dry_run_resume_and_failures(tmp_path, capsys):
    sweep = write(tmp_path, TINY.replace("agents.count = 1", "agents.count = 1\nagents.starts = [5]"))
    path = tmp_path / "f.db"
    assert main(["batch", str(sweep), "--out", str(path), "--dry-run"]) == 0
    assert capsys.readouterr().out.strip().endswith("8 runs (4 configurations x 2 replications), 0 already done")
    assert main(["batch", str(sweep), "--out", str(path), "--serial", "-q"]) == 1
    err = capsys.readouterr().err
    assert "4 runs finished, 0 already complete, 4 failed" in err
    assert err.count("FAILED run") == 4 and "agents.count=3" in err and "expected 3 starts" in err
    assert main(["batch", str(sweep), "--out", str(path), "--dry-run"]) == 0
    assert capsys.readouterr().out.count("done  ") == 4


@pytest.mark.parametrize(
    "args, message",
    [
        (["batch", "missing.toml", "--out", "x.db"], "missing.toml: no such sweep file"),
        (["batch", "{sweep}"], "key '--out': --out DB is required"),
        (["batch", "{sweep}", "--out", "{db}", "--executor", "process", "--serial"], "--serial contradicts"),
        (["results", "nothing.db"], "nothing.db: no such results database"),
        (["results", "{db}", "--metric", "speed_of_light"], "no metric 'speed_of_light'"),
        (["report", "{db}", "--sweep", "other"], "no sweep 'other'"),
    ],
)
def test_cli_errors_are_one_line(db, tmp_path, capsys, args, message):
    sweep = write(tmp_path, TINY)
    args = [a.format(sweep=sweep, db=db) for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("patrolsim: error: ") and message in err and "\n" not in err


def test_a_fleet_sweep_reports_availability_downtime_and_charger_waits(tmp_path, capsys):
    """Batteries and failures on an axis: the runs carry the fleet figures, `results` summarises them and
    the report draws them against team size, one line per battery capacity."""
    text = TINY.replace('"strategy.name" = ["cr", "hcr"]', '"energy.capacity_h" = [0.01, 0.05]').replace(
        "[axes]",
        "energy.docks = [[0.5, 0.5]]\nfailures.at = [[0, 30, 60]]\n[axes]",
    )
    path = tmp_path / "fleet.db"
    assert main(["batch", str(write(tmp_path, text)), "--out", str(path), "--serial", "-q"]) == 0
    with ResultStore(path) as store:
        runs = store.runs()
        assert {r["energy.capacity_h"] for r in runs} == {0.01, 0.05}
        assert all(r["agent_downtime_s"] == pytest.approx(30.0) for r in runs)
        assert all(0.0 < r["availability"] < 1.0 for r in runs)
    assert main(["results", str(path)]) == 0
    assert "availability" in capsys.readouterr().out
    out = tmp_path / "rep"
    assert main(["report", str(path), "--out", str(out)]) == 0
    page = (out / "index.html").read_text()
    for stem in ("availability", "agent_downtime_s", "worst_idleness_degraded_s", "dock_queue_wait_mean_s"):
        with Image.open(out / f"{stem}.png") as im:
            im.verify()
        assert f"{stem}.png" in page
