"""The report's figures (matplotlib, Agg backend). Each function draws one figure and returns it, or None
when the database lacks what it needs (the page then says why)."""

from __future__ import annotations

import numpy as np

from ..batch.store import ResultStore
from .data import Config, lines, mean_column

#: metric -> (axis label with unit, whether lower is better)
METRICS = {
    "time_avg_idleness": ("time-averaged idleness (s)", True),
    "weighted_time_avg_idleness": ("priority-weighted time-averaged idleness (s)", True),
    "worst_idleness": ("worst idleness (s)", True),
    "mean_interval": ("mean revisit interval (s)", True),
    "coverage": ("coverage (share of nodes seen)", False),
    "response_mean_s": ("mean response time (s)", True),
    "response_p90_s": ("90th-percentile response time (s)", True),
    "availability": ("availability (share of agent-time in service)", False),
    "agent_downtime_s": ("downtime of failed agents (s)", True),
    "worst_idleness_degraded_s": ("worst idleness while the team was short (s)", True),
    "dock_queue_wait_mean_s": ("mean wait for a charger (s)", True),
}
#: the fleet figures drawn against team size when the runs carry them
FLEET_METRICS = ("availability", "agent_downtime_s", "worst_idleness_degraded_s", "dock_queue_wait_mean_s")
FAIRNESS_WORDS = ("gini", "exposure", "disparity", "fair")


def metric_label(metric: str) -> str:
    """Axis label of a metric with its unit (seconds unless it is a share or a count)."""
    if metric in METRICS:
        return METRICS[metric][0]
    text = metric.replace("_", " ")
    return text + (" (s)" if metric.endswith(("_s", "time", "idleness", "interval")) else "")


def lower_is_better(metric: str) -> bool:
    return METRICS.get(metric, ("", not metric.startswith(("coverage", "availability"))))[1]


def _figure(nrows: int = 1, ncols: int = 1, width: float = 7.5, height: float = 4.8, layout: str | None = None):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False, layout=layout)
    return fig, axes


def legend_title(labels) -> str:
    """'strategy' when lines differ by strategy only, else 'configuration'."""
    return "configuration" if any("=" in label for label in labels) else "strategy"


def agents_text(team: int | None) -> str:
    """'1 agent', '4 agents'."""
    return f"{team} agent{'' if team == 1 else 's'}"


def _colours(labels) -> dict[str, tuple]:
    from matplotlib import colormaps

    cmap = colormaps["tab10"] if len(labels) <= 10 else colormaps["tab20"]
    return {lab: cmap(i % cmap.N) for i, lab in enumerate(labels)}


def versus_team_size(cfgs: list[Config], metric: str, title: str):
    """Metric (mean and 95% CI band over replications) against team size, one line per strategy/setting."""
    groups = lines(cfgs)
    if not any(c.group.stats.get(metric) and c.group.stats[metric].mean is not None for c in cfgs):
        return None
    fig, axes = _figure()
    ax = axes[0, 0]
    reps = max(c.group.stats[metric].n for c in cfgs)
    _mean_lines(ax, groups, _colours(list(groups)), metric)
    ax.set_ylabel(metric_label(metric))
    ax.set_title(f"{title}\nmean over {reps} replications; band: 95% confidence interval", fontsize=11)
    ax.grid(alpha=0.3)
    ax.set_ylim(bottom=0)
    ax.legend(title=legend_title(groups), fontsize=9)
    fig.tight_layout()
    return fig


def _mean_lines(ax, groups: dict[str, list[Config]], colours: dict, metric: str) -> None:
    """One line per group: mean of ``metric`` against team size, with its 95% CI as a band."""
    for label, cs in groups.items():
        pts = [
            (c.team, c.group.stats[metric]) for c in cs if c.team is not None and c.group.stats[metric].mean is not None
        ]
        if not pts:
            continue
        x = np.array([p[0] for p in pts], dtype=float)
        y = np.array([p[1].mean for p in pts])
        hw = np.array([p[1].half_width if p[1].half_width is not None else 0.0 for p in pts])
        ax.plot(x, y, "o-", color=colours[label], label=label, lw=1.8, ms=4)
        ax.fill_between(x, y - hw, y + hw, color=colours[label], alpha=0.2, lw=0)
    ax.set_xticks(sorted({c.team for cs in groups.values() for c in cs if c.team is not None}))
    ax.set_xlabel("team size (agents)")


def _panels(cfgs: list[Config], limit: int = 6) -> list[int]:
    teams = sorted({c.team for c in cfgs if c.team is not None})
    if len(teams) <= limit:
        return teams
    pick = np.unique(np.linspace(0, len(teams) - 1, limit).round().astype(int))
    return [teams[i] for i in pick]


def _panel_grid(n: int):
    ncols = min(3, n)
    nrows = (n + ncols - 1) // ncols
    return _figure(nrows, ncols, width=4.2 * ncols, height=3.4 * nrows + 0.6)


def _small_multiples(items: list, cfgs: list[Config]):
    """A grid of panels, one per item (extra cells hidden): (fig, axes, colour per line, [(ax, item)])."""
    fig, axes = _panel_grid(len(items))
    for ax in list(axes.flat)[len(items) :]:
        ax.set_visible(False)
    return fig, axes, _colours(list(lines(cfgs))), list(zip(axes.flat, items))


def coverage_over_time(store: ResultStore, cfgs: list[Config], column: str = "coverage"):
    """Coverage against simulated time, one panel per team size, one line per strategy (mean of runs)."""
    teams = _panels(cfgs)
    curves = []
    for c in cfgs:
        if c.team in teams:
            t = mean_column(store, "timeseries", c.ok_ids, "t")
            y = mean_column(store, "timeseries", c.ok_ids, column)
            if t is not None and y is not None and len(t):
                curves.append((c, t, y))
    if not curves:
        return None
    fig, axes, colours, panels = _small_multiples(teams, cfgs)
    for ax, team in panels:
        for c, t, y in curves:
            if c.team == team:
                n = min(len(t), len(y))
                ax.plot(t[:n] / 60.0, 100.0 * y[:n], color=colours[c.label], label=c.label, lw=1.6)
        ax.set_title(agents_text(team), fontsize=10)
        ax.set_xlabel("simulated time (min)")
        ax.set_ylabel("nodes seen at least once (%)")
        ax.set_ylim(0, 102)
        ax.grid(alpha=0.3)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, title=legend_title(labels), loc="lower center", ncol=min(6, len(labels)), fontsize=9)
    fig.suptitle("Coverage over time (mean over replications; measured after warm-up)", fontsize=11)
    fig.tight_layout(rect=(0, 0.1 if len(teams) <= 3 else 0.06, 1, 1))
    return fig


def response_column(columns: list[str]) -> tuple[str, ...] | None:
    """How to get response times from the incidents table: ('col',) for a response column, or
    ('arrival', 'report') to subtract; None when neither exists."""
    for name in ("response_time", "response_s", "response_time_s", "response"):
        if name in columns:
            return (name,)
    named = [c for c in columns if "response" in c.lower()]
    if named:
        return (named[0],)
    arrive = next((c for c in columns if c.lower().startswith("arriv")), None)
    start = next((c for c in columns if c.lower().startswith(("report", "occur", "created", "time"))), None)
    return (arrive, start) if arrive and start else None


def _calls(table: dict) -> np.ndarray:
    """Rows that are calls (``mode`` 'reported') when the table says; otherwise every row."""
    mode = table.get("mode")
    if mode is None:
        return np.ones(len(next(iter(table.values()))), dtype=bool)
    return np.asarray(mode) == "reported"


def response_cdf(store: ResultStore, cfgs: list[Config]):
    """Empirical CDF of response times to calls per strategy, one panel per team size. Calls never reached
    count in the denominator, so a curve that stays below 100% shows them."""
    how = response_column(store.columns("incidents"))
    if how is None:
        return None
    teams = _panels(cfgs)
    samples = []
    for c in cfgs:
        if c.team not in teams:
            continue
        tables = store.table("incidents", c.ok_ids, [*how, "mode"])
        parts = [(t[how[0]] - t[how[1]] if len(how) == 2 else t[how[0]])[_calls(t)] for t in tables.values()]
        if parts:
            samples.append((c, np.concatenate([np.asarray(p, dtype=np.float64) for p in parts])))
    if not samples or not any(np.isfinite(s).any() for _, s in samples):
        return None
    fig, _, colours, panels = _small_multiples(teams, cfgs)
    scale, unit = (60.0, "min") if max(np.nanmax(s) for _, s in samples if np.isfinite(s).any()) > 600 else (1.0, "s")
    for ax, team in panels:
        for c, s in samples:
            if c.team != team or not np.isfinite(s).any():
                continue
            x = np.sort(s[np.isfinite(s)]) / scale
            y = np.arange(1, x.size + 1) / s.size
            ax.step(
                np.concatenate([[0.0], x]),
                100.0 * np.concatenate([[0.0], y]),
                where="post",
                color=colours[c.label],
                label=f"{c.label} (n={s.size})",
                lw=1.6,
            )
        ax.set_title(agents_text(team), fontsize=10)
        ax.set_xlabel(f"response time ({unit})")
        ax.set_ylabel("calls reached within (%)")
        ax.set_ylim(0, 102)
        ax.set_xlim(left=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Response-time distribution (empirical CDF over all calls of all replications)", fontsize=11)
    fig.tight_layout()
    return fig


def fairness_metrics(columns: list[str]) -> list[str]:
    """Run-level fairness/exposure metrics present in the runs table (by name)."""
    return [c for c in columns if any(w in c.lower() for w in FAIRNESS_WORDS)]


def fairness_ledger(cfgs: list[Config], metrics: list[str]):
    """Each fairness metric (Gini of patrol time, exposure ratios, detection disparity, ...) against team
    size, one line per strategy, with 95% CI bands."""
    present = [m for m in metrics if any(c.group.stats.get(m) and c.group.stats[m].mean is not None for c in cfgs)]
    if not present:
        return None
    fig, axes, colours, panels = _small_multiples(present, cfgs)
    for ax, m in panels:
        _mean_lines(ax, lines(cfgs), colours, m)
        ax.set_ylabel(m.replace("_", " "))
        ax.set_title(m.replace("_", " "), fontsize=10)
        ax.grid(alpha=0.3)
    axes.flat[0].legend(title=legend_title(lines(cfgs)), fontsize=8)
    fig.suptitle("Fairness ledger: per-run fairness metrics (mean, 95% CI band)", fontsize=11)
    fig.tight_layout()
    return fig
