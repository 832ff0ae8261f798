"""Per-node idleness heat maps drawn on the map: grid cells, or street edges and nodes, coloured by the
per-node time-averaged idleness (mean over a configuration's replications)."""

from __future__ import annotations

import numpy as np

from ..batch.store import ResultStore
from .data import Config, mean_column
from .figures import _figure, agents_text, metric_label


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


def _draw(ax, store: ResultStore, cfg: Config, values: np.ndarray, norm, cmap):
    ids = cfg.ok_ids
    first = next(r for r in cfg.group.runs if r["status"] == "ok")
    pmap = _load_map(first.get("map_path"), values.size)
    if pmap is not None and pmap.grid is not None:
        g = pmap.grid
        image = np.full(g.shape, np.nan)
        free = g.cell_node >= 0
        image[free] = values[g.cell_node[free]]
        x0, y0, x1, y1 = pmap.bounds()
        ax.imshow(
            np.ma.masked_invalid(image),
            cmap=cmap,
            norm=norm,
            extent=(x0, x1, y0, y1),
            interpolation="nearest",
            origin="upper",
        )
        ax.set_facecolor("#3a3a3a")  # walls
        return ax.images[-1]
    if pmap is not None:
        from matplotlib.collections import LineCollection

        u, v, _ = pmap.edge_list()
        pos = pmap.positions
        segs = np.stack([pos[u], pos[v]], axis=1)
        lc = LineCollection(segs, cmap=cmap, norm=norm, linewidths=2.5)
        lc.set_array(0.5 * (values[u] + values[v]))
        ax.add_collection(lc)
        ax.scatter(pos[:, 0], pos[:, 1], c=values, cmap=cmap, norm=norm, s=14, edgecolors="k", linewidths=0.3, zorder=3)
        ax.autoscale_view()
        return lc
    x = mean_column(store, "nodes", ids, "x_m")
    y = mean_column(store, "nodes", ids, "y_m")
    return ax.scatter(x, y, c=values, cmap=cmap, norm=norm, s=10, marker="s")


def best_worst_heatmaps(store: ResultStore, cfgs: list[Config], metric: str, lower_better: bool):
    """Side-by-side per-node idleness maps of the best and the worst configuration by ``metric`` (mean)."""
    ranked = [c for c in cfgs if c.group.stats.get(metric) and c.group.stats[metric].mean is not None]
    if not ranked:
        return None
    ranked.sort(key=lambda c: c.group.stats[metric].mean, reverse=not lower_better)
    picks = [("Best", ranked[0]), ("Worst", ranked[-1])] if len(ranked) > 1 else [("Only", ranked[0])]
    data = [(name, c, mean_column(store, "nodes", c.ok_ids, "time_avg_idleness")) for name, c in picks]
    data = [d for d in data if d[2] is not None]
    if not data:
        return None
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    vmax = max(float(np.nanmax(v)) for _, _, v in data)
    norm, cmap = Normalize(0.0, vmax or 1.0), colormaps["inferno"]
    fig, axes = _figure(1, len(data), width=6.2 * len(data), height=4.6, layout="constrained")
    mappable = None
    for ax, (name, c, values) in zip(axes.flat, data):
        mappable = _draw(ax, store, c, values, norm, cmap)
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
