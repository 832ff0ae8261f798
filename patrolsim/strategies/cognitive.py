"""Cognitive strategies: agents choose a goal anywhere on the map and travel there."""

from __future__ import annotations

import numpy as np

from ..algorithms.search import GraphSearch, search_work
from .base import Param, Strategy


class HeuristicPathfinderCC(Strategy):
    """``hpcc``: heuristic pathfinder conscientious cognitive agent (Almeida et al. 2004).

    Goal: the node v != u maximising ``w_idle * I(v) / max I + w_dist * (1 - d(u, v) / D)``, with
    I the agent's own idleness knowledge, d the shortest-path distance in metres and D the map's
    diameter (estimated once by a double sweep: the eccentricity of the node farthest from node 0, a
    lower bound that is exact on trees and grids); ties at random. A fixed D (instead of the
    eccentricity of u) lets the search stop as soon as no farther node can score better, so one
    decision on a 10,000-node map costs a partial search.
    Path: a shortest path to the goal where entering node x costs ``length * (1 - path_bias * I(x) / max I)``,
    so among near-equal routes the one through idler nodes wins (path_bias = 0: plain shortest path).
    Each agent decides alone from what it knows, so a team change (an agent failing, charging or
    coming back) needs no re-plan.
    """

    name = "hpcc"
    summary = "goal anywhere: idleness + nearness, path through idle nodes"
    own_knowledge = True
    params = {
        "w_idle": Param(1.0, "weight of normalised idleness of the goal", low=0.0),
        "w_dist": Param(1.0, "weight of normalised nearness of the goal", low=0.0),
        "path_bias": Param(0.5, "how much idle nodes shorten a route (0 = shortest path)", low=0.0, high=0.95),
    }

    def work(self, view) -> float:
        return search_work(view.map.n_nodes, rows=2, decisions=view.expected_arrivals)  # a decision per arrival

    def setup(self, view) -> None:
        self.search = GraphSearch.of(view.map)
        far = int(np.argmax(self.search.row(0)))
        self.diameter = max(float(self.search.row(far).max()), 1e-9)
        self.allowed = np.ones(view.map.n_nodes, dtype=bool)

    def decide(self, agent, node, t, view):
        # normalised idleness (t - last[v]) / (t - min last) as an affine function of the last-visit times
        last = view.last_seen(agent)
        top = t - float(last.min())
        slope = -1.0 / top if top > 0 else 0.0
        offset = t / top if top > 0 else 1.0
        w_idle, bias = self.values["w_idle"], self.values["path_bias"]
        self.allowed[node] = False
        goal = self.search.best(
            node,
            last,
            self.values["w_dist"] / self.diameter,
            self.allowed,
            view.rng,
            offset=w_idle * offset,
            slope=w_idle * slope,
        )
        self.allowed[node] = True
        if bias == 0:
            return self.search.path_to(node, goal)
        # entering x costs length * (1 - bias * normalised idleness of x)
        return self.search.path(
            node, goal, node_scale=last, scale_offset=1.0 - bias * offset, scale_slope=-bias * slope
        )
