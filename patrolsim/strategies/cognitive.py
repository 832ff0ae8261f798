"""Cognitive strategies: agents choose a goal anywhere on the map and travel there."""
from __future__ import annotations

import numpy as np

from .base import Param, Strategy


class HeuristicPathfinderCC(Strategy):
    """``hpcc``: heuristic pathfinder conscientious cognitive agent (Almeida et al. 2004).

    Goal: the node v != u maximising ``w_idle * I(v) / max I + w_dist * (1 - d(u, v) / max d)``, with
    I the agent's own idleness knowledge and d the shortest-path distance in metres; ties at random.
    Path: a shortest path to the goal where entering node x costs ``length * (1 - path_bias * I(x) / max I)``,
    so among near-equal routes the one through idler nodes wins (path_bias = 0: plain shortest path).
    """

    name = "hpcc"
    summary = "goal anywhere: idleness + nearness, path through idle nodes"
    own_knowledge = True
    params = {
        "w_idle": Param(1.0, "weight of normalised idleness of the goal", low=0.0),
        "w_dist": Param(1.0, "weight of normalised nearness of the goal", low=0.0),
        "path_bias": Param(0.5, "how much idle nodes shorten a route (0 = shortest path)", low=0.0, high=0.95),
    }

    def decide(self, agent, node, t, view):
        idle = view.own_idleness(agent, t)
        dist = view.map.distances.row(node)
        top_idle = idle.max()
        norm_idle = idle / top_idle if top_idle > 0 else np.ones_like(idle)
        score = self.values["w_idle"] * norm_idle + self.values["w_dist"] * (1.0 - dist / dist.max())
        score[node] = -np.inf
        best = np.flatnonzero(score == score.max())
        goal = int(best[view.rng.integers(best.size)]) if best.size > 1 else int(best[0])
        if self.values["path_bias"] == 0:
            return view.map.distances.path(node, goal)
        pmap = view.map
        cost = pmap.lengths * (1.0 - self.values["path_bias"] * norm_idle[pmap.indices])
        return pmap.distances.path(node, goal, edge_cost=cost)
