"""Reports of batch results: matplotlib figures (PNG and SVG) and an HTML page that links them.

``write_report(store, out_dir)`` draws, per sweep: the headline metric and worst idleness against team size
per strategy (95% CI bands), coverage over time, response-time CDFs (when incidents were recorded),
best/worst per-node idleness heat maps, and the fairness ledger (when fairness metrics exist). matplotlib
is imported only here.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..batch.store import ResultStore
from ..batch.summary import headline_metrics, summary_text, sweep_ids
from ..errors import UserError, require

__all__ = ["write_report"]

#: what the fleet figures tell a planner (batteries, failures: scenarios with [energy] / [failures])
FLEET_NOTES = {
    "availability": "The share of agent-time in service (not failed, not away charging): what a robot on "
    "the books is worth on the floor.",
    "agent_downtime_s": "Seconds robots stood failed, all robots together.",
    "worst_idleness_degraded_s": "The longest any node went unseen while some robot was out of service: the "
    "guarantee that holds on a bad day.",
    "dock_queue_wait_mean_s": "Mean wait for a free charger per dock visit: where it grows, more robots need "
    "more chargers, not just more robots.",
}


def write_report(store: ResultStore, out: str | Path, *, sweep: str | None = None, metric: str | None = None) -> Path:
    """Write the figures and ``index.html`` into ``out``; returns the page's path."""
    require("matplotlib", "report")
    from . import figures as F
    from .data import configs
    from .heatmap import best_worst_heatmaps

    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the report folder ({exc.strerror})", source=out) from None
    metric = metric or "time_avg_idleness"
    if metric not in store.columns("runs"):
        raise UserError(f"no metric '{metric}' in the runs table", key="--metric")
    ids = sweep_ids(store, sweep)
    headline = headline_metrics(store)
    fleet = [m for m in F.FLEET_METRICS if m in store.columns("runs")]
    sections = []
    for sid in ids:
        cfgs = configs(
            store,
            sid,
            list(
                dict.fromkeys([metric, "worst_idleness", *headline, *fleet, *F.fairness_metrics(store.columns("runs"))])
            ),
        )
        prefix = _slug(sid) + "_" if len(ids) > 1 else ""
        label = F.metric_label(metric)
        plots = [
            (
                "team_size",
                f"{label[0].upper()}{label[1:]} against team size",
                lambda: F.versus_team_size(cfgs, metric, f"{label[0].upper()}{label[1:]} against team size"),
                "The standard figure of the patrolling literature: lower is better for idleness.",
            ),
            (
                "worst_idleness",
                "Worst idleness against team size",
                lambda: F.versus_team_size(cfgs, "worst_idleness", "Worst idleness against team size"),
                "The longest any node went unseen: the guarantee a site manager can quote. A node never seen "
                "counts the whole measured time, so the curve is capped there.",
            ),
            *[
                (
                    m,
                    F.metric_label(m),
                    (lambda m=m: F.versus_team_size(cfgs, m, F.metric_label(m).capitalize() + " against team size")),
                    "",
                )
                for m in ("response_mean_s", "response_p90_s")
                if m in headline
            ],
            *[
                (
                    m,
                    F.metric_label(m),
                    (lambda m=m: F.versus_team_size(cfgs, m, F.metric_label(m).capitalize() + " against team size")),
                    FLEET_NOTES[m],
                )
                for m in fleet
            ],
            (
                "coverage",
                "Coverage over time",
                lambda: F.coverage_over_time(store, cfgs),
                "Share of the map seen at least once since the start of measurement.",
            ),
            (
                "response_cdf",
                "Response-time distribution",
                lambda: F.response_cdf(store, cfgs),
                "Needs incident records (scenarios with [incidents]); none in this sweep.",
            ),
            (
                "heatmaps",
                "Per-node idleness: best and worst configuration",
                lambda: best_worst_heatmaps(store, cfgs, metric, F.lower_is_better(metric)),
                "Bright cells/streets are left alone longest; compare where the best and worst setups fail.",
            ),
            (
                "fairness",
                "Fairness ledger",
                lambda: F.fairness_ledger(cfgs, F.fairness_metrics(store.columns("runs"))),
                "Needs fairness metrics (incident runs with ledgers); none in this sweep.",
            ),
        ]
        items = []
        for stem, title, draw, note in plots:
            fig = draw()
            if fig is None:
                items.append(f"<h3>{html.escape(title)}</h3><p class=note>Not drawn: {html.escape(note)}</p>")
                continue
            name = f"{prefix}{stem}"
            fig.savefig(out / f"{name}.png", dpi=130, bbox_inches="tight")
            fig.savefig(out / f"{name}.svg", bbox_inches="tight")
            from matplotlib import pyplot as plt

            plt.close(fig)
            caption = note if not note.startswith("Needs") else ""
            items.append(
                f"<h3>{html.escape(title)}</h3><a href='{name}.svg'><img src='{name}.png' "
                f"alt='{html.escape(title)}'></a><p>{html.escape(caption)} "
                f"<a href='{name}.png'>PNG</a> · <a href='{name}.svg'>SVG</a></p>"
            )
        runs = store.runs(sid)
        failed = [r for r in runs if r["status"] != "ok"]
        table = html.escape(summary_text(store, [sid], headline))
        fail_list = "".join(
            f"<li>run {r['run_index']} (replication {r['replication']}): {html.escape(str(r['error']))}</li>"
            for r in failed[:50]
        )
        sections.append(
            f"<h2>Sweep {html.escape(sid)}</h2><p>{len(runs)} runs, {len(runs) - len(failed)} "
            f"ok, {len(failed)} failed.</p>"
            + (f"<ul>{fail_list}</ul>" if failed else "")
            + "".join(items)
            + f"<h3>Summary table</h3><pre>{table}</pre>"
        )
    page = out / "index.html"
    page.write_text(
        _PAGE.format(
            title=html.escape(f"patrolsim report: {', '.join(ids)}"),
            source=html.escape(str(store.path)),
            body="\n".join(sections),
        ),
        encoding="utf-8",
    )
    return page


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}
img{{max-width:100%;border:1px solid #ddd}} .note{{color:#777;font-style:italic}}
pre{{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}}</style></head>
<body><h1>{title}</h1><p>Results database: <code>{source}</code>. Means are over replications (seeds);
bands and ± are 95% confidence intervals (Student t). Times are seconds of simulated time.</p>
{body}
</body></html>
"""
