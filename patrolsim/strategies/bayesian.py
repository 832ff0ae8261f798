"""Bayesian local strategies (Portugal & Rocha 2013-2016): each agent picks a neighbour of the node it
stands on by the posterior of "moving there is worthwhile", from team-shared idleness.

Idleness is team-shared: every visit is broadcast and reaches team mates through the scenario's
communication model (:mod:`patrolsim.strategies.comm`; perfect by default). Intentions (the neighbour
an agent is heading for) travel the same way; those of an agent that leaves the team (fails, goes to
charge) are forgotten at once. Each decision is taken from the node the agent stands at, so nothing
else changes with the team.
"""

from __future__ import annotations

import math

import numpy as np

from ..determinism import exp, log2
from ..engine.kernel import instant
from ..errors import StrategyError
from .base import Param, Strategy
from .comm import TeamComms


def pick_max(scores: np.ndarray, rng: np.random.Generator) -> int:
    """Index of the largest score, ties uniformly at random."""
    best = np.flatnonzero(scores == scores.max())
    return int(best[rng.integers(best.size)]) if best.size > 1 else int(best[0])


class GreedyBayesian(Strategy):
    """``gbs``: greedy Bayesian strategy (Portugal & Rocha 2013).

    Rule: at node u, for each neighbour v the gain is g(v) = I(v) / max(c(u, v), edge_min), with I the
    team-shared idleness and c the edge cost: its length in metres, or in pixels on a map read from a ROS
    map (a patrolling_sim ``.graph`` or map image, whose ``resolution`` is metres per pixel), as in
    patrolling_sim. The probability that moving to v is worthwhile is
    P(v) = G1 * exp(ln(1 / G1) * g(v) / G2) if g(v) < G2, else 1. The agent moves to argmax P
    (ties at random).

    Parameters, with patrolling_sim's defaults (GBS_Agent.cpp): ``G1`` (P of a zero-gain move, 0.1),
    ``G2`` (the gain at which a move is certainly worthwhile, 100 s per unit of edge cost; patrolling_sim
    tunes it for some of its maps and team sizes, e.g. grid with 4 robots 11.15) and ``edge_min`` (the
    smallest edge cost a gain divides by, 1).

    Agents standing on the same node at the same instant would see the same board and move as one for
    ever; so each one, in agent-id order, takes a neighbour its team mates took there at that instant
    only when every neighbour has been taken as often (the team spreads over the neighbours).
    """

    name = "gbs"
    summary = "greedy Bayesian: neighbour with the highest P(worthwhile | idleness / edge length)"
    params = {
        "G1": Param(0.1, "probability of a zero-gain move being worthwhile", low=1e-6, high=0.999),
        "G2": Param(100.0, "gain (s per unit of edge cost) at which a move is certainly worthwhile", low=1e-9),
        "edge_min": Param(1.0, "smallest edge cost (m, or pixels on a ROS map) a gain divides by", low=1e-9),
    }

    def setup(self, view) -> None:
        self.comms = TeamComms(view, self.communication)
        unit = float(view.map.meta.get("resolution", 1.0))  # metres per unit of edge cost
        self.g2 = self.values["G2"] / unit  # s/m
        self.edge_min = self.values["edge_min"] * unit  # m
        #: node -> (time, [(agent, neighbour taken)]) of the latest decisions there at one instant
        self.taken: dict[int, tuple[float, list[tuple[int, int]]]] = {}

    def team_changed(self, t, view) -> None:
        self.comms.withdraw(t, ~view.in_service())  # team mates no longer avoid their intentions

    def probability(self, gain: np.ndarray) -> np.ndarray:
        """P(v) of each gain (see the class docstring)."""
        g1 = self.values["G1"]
        return np.where(gain < self.g2, g1 * exp(math.log(1.0 / g1) * np.minimum(gain, self.g2) / self.g2), 1.0)

    def decide(self, agent, node, t, view):
        pmap = view.map
        lo, hi = pmap.indptr[node], pmap.indptr[node + 1]
        nbrs = pmap.indices[lo:hi]
        idle = self.comms.idleness(agent, t)
        gain = idle[nbrs] / np.maximum(pmap.lengths[lo:hi], self.edge_min)
        p = self.probability(gain) * self.intention_factor(agent, nbrs, t, view)
        picks = self.picks_at(node, t)
        mates = [v for a, v in picks if a != agent]
        counts = np.array([mates.count(int(v)) for v in nbrs])
        free = np.flatnonzero(counts == counts.min())  # neighbours team mates took least often here, now
        choice = int(nbrs[free[pick_max(p[free], view.rng)]])
        picks.append((agent, choice))
        self.comms.announce(t, agent, choice)
        return choice

    def picks_at(self, node: int, t: float) -> list[tuple[int, int]]:
        """(agent, neighbour) of the decisions taken at ``node`` at the instant t (see the class docstring)."""
        when, picks = self.taken.get(node, (-math.inf, []))
        if abs(t - when) > instant(t):
            picks = []
            self.taken[node] = (t, picks)
        return picks

    def intention_factor(self, agent, nbrs, t, view) -> np.ndarray | float:
        """Multiplier of P for neighbours team mates intend to visit (none for GBS)."""
        return 1.0


class StateExchangeBayesian(GreedyBayesian):
    """``sebs``: state exchange Bayesian strategy (Portugal & Rocha 2016).

    GBS plus announced intentions: each agent broadcasts the neighbour it moves to; if n(v) > 0 team
    mates intend v, P(v) is multiplied by 2^(R - n(v)) / (2^R - 1) (R = team size), so an announced
    node is about half as attractive and a node two mates intend a quarter. Parameters as GBS.
    """

    name = "sebs"
    summary = "state exchange Bayesian: GBS that avoids neighbours team mates announced"

    def intention_factor(self, agent, nbrs, t, view):
        r = view.n_agents
        n = self.comms.claimed(agent, t, view.map.n_nodes)[nbrs]
        return np.where(n > 0, 2.0 ** (r - n) / (2.0**r - 1.0), 1.0)


class ConcurrentBayesianLearning(Strategy):
    """``cbls``: concurrent Bayesian learning strategy (Portugal & Rocha 2016).

    Each agent keeps a weight h(u -> v) per arc (initially 1, clamped to [h_min, h_max]).
    Candidates at u: the neighbours no team mate has announced (all neighbours if every one is).
    Prior of candidate v: look_ahead * I(v) + (1 - look_ahead) * max I(w) over the unclaimed
    neighbours w != u of v, normalised over the candidates (I: team-shared idleness).
    Likelihood: h(u -> v) normalised over the candidates. The agent moves to the maximum posterior
    (prior x likelihood; ties at random) and announces it. Learning after the move: with H the
    entropy of the posterior divided by log(k) (k candidates), the arc to the most idle candidate gains
    1 - H and the arc to the least idle one loses 1 - H (a confident decision teaches more).

    Parameters: ``look_ahead`` (0.75), ``h_min`` (0.5), ``h_max`` (2.0).
    """

    name = "cbls"
    summary = "concurrent Bayesian learning: idleness prior x learned arc weights"
    params = {
        "look_ahead": Param(
            0.75, "weight of the neighbour's own idleness against its best onward neighbour", low=0.0, high=1.0
        ),
        "h_min": Param(0.5, "lowest arc weight", low=1e-3),
        "h_max": Param(2.0, "highest arc weight", low=1.0),
    }

    def setup(self, view) -> None:
        if self.values["h_min"] > self.values["h_max"]:
            raise StrategyError(
                f"h_min ({self.values['h_min']}) must not exceed h_max ({self.values['h_max']})", key="strategy.h_min"
            )
        self.comms = TeamComms(view, self.communication)
        self.h = np.ones((view.n_agents, view.map.indices.size))

    def team_changed(self, t, view) -> None:
        self.comms.withdraw(t, ~view.in_service())  # their neighbours are candidates again

    def decide(self, agent, node, t, view):
        pmap = view.map
        lo, hi = pmap.indptr[node], pmap.indptr[node + 1]
        nbrs = pmap.indices[lo:hi]
        idle = self.comms.idleness(agent, t)
        claimed = self.comms.claimed(agent, t, pmap.n_nodes) > 0
        cand = np.flatnonzero(~claimed[nbrs])
        if cand.size == 0:
            cand = np.arange(nbrs.size)
        ahead = np.zeros(cand.size)
        for i, c in enumerate(nbrs[cand]):
            onward = pmap.indices[pmap.indptr[c] : pmap.indptr[c + 1]]
            onward = onward[(onward != node) & ~claimed[onward]]
            ahead[i] = idle[onward].max() if onward.size else 0.0
        w = self.values["look_ahead"]
        prior = w * idle[nbrs[cand]] + (1.0 - w) * ahead
        prior = prior / prior.sum() if prior.sum() > 0 else np.full(cand.size, 1.0 / cand.size)
        h = self.h[agent, lo + cand]
        post = prior * h / h.sum()
        post = post / post.sum() if post.sum() > 0 else np.full(cand.size, 1.0 / cand.size)
        pick = pick_max(post, view.rng)
        if cand.size > 1:
            nz = post[post > 0]
            entropy = float(-(nz * log2(nz)).sum() / math.log2(cand.size))
            step = 1.0 - entropy
            arcs = self.h[agent]
            cand_idle = idle[nbrs[cand]]
            arcs[lo + cand[int(np.argmax(cand_idle))]] += step
            arcs[lo + cand[int(np.argmin(cand_idle))]] -= step
            np.clip(arcs[lo:hi], self.values["h_min"], self.values["h_max"], out=arcs[lo:hi])
        choice = int(nbrs[cand[pick]])
        self.comms.announce(t, agent, choice)
        return choice
