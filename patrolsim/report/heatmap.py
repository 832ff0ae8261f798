"""Per-node idleness heat maps drawn on the map: grid cells, or street edges and nodes, coloured by the
per-node time-averaged idleness (mean over a configuration's replications).

The colours mean what they mean in the window (patrolsim/gui/palette.py): ColorBrewer YlOrRd, pale
yellow = seen often, dark red = left unwatched longest, and :data:`NEVER_SEEN` for nodes no run visited.
"""

from __future__ import annotations

import numpy as np

from ..batch.store import ResultStore
from .data import Config, mean_column
from .figures import _figure, agents_text, metric_label

#: the heat scale of the window and the report (fresh pale yellow ... stale dark red)
CMAP = "YlOrRd"
#: nodes never visited in any replication: the window's never-seen colour (palette.NEVER_SEEN)
NEVER_SEEN = "#608cc8"


def _load_map(path: str | None, n_nodes: int):
    """The run's map when it can be reloaded with the same nodes, else None (then nodes are drawn as dots)."""
    if not path:
        return None
    from ..errors import UserError
    from ..maps import load_map

    for largest in (False, True):
        try:
            pmap = load_map(path, largest_component=largest)
        except (UserError, OSError):
            continue
        if pmap.n_nodes == n_nodes:
            return pmap
    return None


def _draw(ax, store: ResultStore, cfg: Config, values: np.ndarray, never: np.ndarray, norm, cmap):
    ids = cfg.ok_ids
    first = next(r for r in cfg.group.runs if r["status"] == "ok")
    pmap = _load_map(first.get("map_path"), values.size)
    if pmap is not None and pmap.grid is not None:
        from matplotlib.colors import ListedColormap

        g = pmap.grid
        image = np.full(g.shape, np.nan)
        unseen = np.zeros(g.shape, dtype=bool)
        free = g.cell_node >= 0
        image[free] = values[g.cell_node[free]]
        unseen[free] = never[g.cell_node[free]]
        image[unseen] = np.nan
        x0, y0, x1, y1 = pmap.bounds()
        common = {"extent": (x0, x1, y0, y1), "interpolation": "nearest", "origin": "upper"}
        ax.imshow(np.ma.masked_invalid(image), cmap=cmap, norm=norm, **common)
        mappable = ax.images[-1]
        if unseen.any():
            ax.imshow(np.ma.masked_array(np.ones(g.shape), ~unseen), cmap=ListedColormap([NEVER_SEEN]), **common)
        ax.set_facecolor("#3a3a3a")  # walls
        return mappable
    if pmap is not None:
        from matplotlib.collections import LineCollection

        u, v, _ = pmap.edge_list()
        pos = pmap.positions
        segs = list(np.stack([pos[u], pos[v]], axis=1))
        lc = LineCollection(segs, cmap=cmap, norm=norm, linewidths=2.5)
        lc.set_array(0.5 * (values[u] + values[v]))
        ax.add_collection(lc)
        seen = ~never
        ax.scatter(*pos[seen].T, c=values[seen], cmap=cmap, norm=norm, s=14, edgecolors="k", linewidths=0.3, zorder=3)
        ax.scatter(*pos[never].T, c=NEVER_SEEN, s=14, edgecolors="k", linewidths=0.3, zorder=3)
        ax.autoscale_view()
        return lc
    x = mean_column(store, "nodes", ids, "x_m")
    y = mean_column(store, "nodes", ids, "y_m")
    assert x is not None and y is not None  # every run has its nodes table
    ax.scatter(x[never], y[never], c=NEVER_SEEN, s=10, marker="s")
    return ax.scatter(x[~never], y[~never], c=values[~never], cmap=cmap, norm=norm, s=10, marker="s")


def best_worst_heatmaps(store: ResultStore, cfgs: list[Config], metric: str, lower_better: bool):
    """Side-by-side per-node idleness maps of the best and the worst configuration by ``metric`` (mean)."""
    ranked = [c for c in cfgs if c.group.stats.get(metric) and c.group.stats[metric].mean is not None]
    if not ranked:
        return None
    ranked.sort(key=lambda c: float(c.group.stats[metric].mean or 0.0), reverse=not lower_better)
    picks = [("Best", ranked[0]), ("Worst", ranked[-1])] if len(ranked) > 1 else [("Only", ranked[0])]
    data = []
    for name, c in picks:
        values = mean_column(store, "nodes", c.ok_ids, "time_avg_idleness")
        if values is not None:
            data.append((name, c, values))
    if not data:
        return None
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch

    vmax = max(float(np.nanmax(v)) for _, _, v in data)
    norm, cmap = Normalize(0.0, vmax or 1.0), colormaps[CMAP]
    fig, axes = _figure(1, len(data), width=6.2 * len(data), height=4.6, layout="constrained")
    mappable = None
    for ax, (name, c, values) in zip(axes.flat, data):
        visits = mean_column(store, "nodes", c.ok_ids, "visits")
        never = np.zeros(values.size, dtype=bool) if visits is None else visits[: values.size] == 0
        mappable = _draw(ax, store, c, values, never, norm, cmap)
        if never.any():
            ax.legend(handles=[Patch(color=NEVER_SEEN, label="never visited")], loc="lower right", fontsize=8)
        s = c.group.stats[metric]
        label = metric_label(metric)
        value = (
            f"{s.mean:.1%}" if label.startswith("coverage") else f"{s.mean:.4g}{' s' if label.endswith('(s)') else ''}"
        )
        ax.set_title(f"{name}: {c.label}, {agents_text(c.team)}\n{label.removesuffix(' (s)')}: {value}", fontsize=10)
        ax.set_aspect("equal")
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
    cbar = fig.colorbar(mappable, ax=list(axes.flat), shrink=0.85)
    cbar.set_label("per-node time-averaged idleness (s)")
    fig.suptitle(
        f"Where idleness builds up: best and worst configuration by {metric_label(metric).removesuffix(' (s)')}"
        " (mean over replications)",
        fontsize=11,
    )
    return fig
