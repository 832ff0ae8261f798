"""Reactive strategies (Machado et al. 2002; Almeida et al. 2004): each agent looks only at the
neighbours of the node it stands on. All three run inside the compiled event loop
(:func:`patrolsim.engine.kernel.choose_local`). They hold no team plan, so an agent that leaves the
team (fails, goes to charge) or comes back changes nothing for the others (``Strategy.team_changed``
does nothing)."""

from __future__ import annotations

from ..engine import rules as K
from .base import Param, Strategy


class RandomWalk(Strategy):
    """``random``: move to a neighbour chosen uniformly at random (Machado et al. 2002).

    The baseline every other strategy should beat. No parameters.
    """

    name = "random"
    summary = "uniform random neighbour (baseline)"
    kernel_rule = K.RULE_RANDOM


class ConscientiousReactive(Strategy):
    """``cr``: move to the neighbour with the highest idleness known to this agent; ties at random.

    Rule (Machado et al. 2002): each agent remembers when *it* last saw each node (its own visits and
    sensing only: no communication) and goes to argmax_{v in N(u)} (t - last_own(v)).
    No parameters.
    """

    name = "cr"
    summary = "conscientious reactive: most idle neighbour by own memory"
    kernel_rule = K.RULE_CR
    own_knowledge = True


class HeuristicConscientiousReactive(Strategy):
    """``hcr``: trade idleness against edge length among the neighbours (Almeida et al. 2004).

    Score of neighbour v of u: ``w_idle * I(v) / max_n I(n) + w_dist * min_n len(u, n) / len(u, v)``,
    with I the agent's own idleness knowledge and n over the neighbours of u; both terms lie in
    [0, 1] (an all-zero idleness counts as 1). The highest score wins, ties at random.
    """

    name = "hcr"
    summary = "heuristic CR: normalised idleness + normalised edge shortness"
    kernel_rule = K.RULE_HCR
    own_knowledge = True
    params = {
        "w_idle": Param(1.0, "weight of normalised idleness", low=0.0),
        "w_dist": Param(1.0, "weight of normalised edge shortness", low=0.0),
    }

    def kernel_params(self) -> dict[int, float]:
        return {K.P_W_IDLE: self.values["w_idle"], K.P_W_DIST: self.values["w_dist"]}
