"""The engine side of the RL environments: one episode = one run of a scenario, stopped at every decision.

:class:`Episode` drives a :class:`~patrolsim.engine.simulation.Simulation` whose decider defers the
decisions of the learning robots (``engine.decision.DEFER``): an advance stops when one of them stands
at a node with nothing left to do, the environment hands its observation to the caller, and the
caller's action is the robot's decision (``Simulation.answer``). Robots that reach nodes at the same
instant decide one after another in id order, each seeing the choices made before it, exactly as every
patrolsim strategy decides; so a policy behaves the same in an episode and as a strategy in a run
(``patrolsim.strategies.learned``). The other robots (the Gymnasium wrapper's team mates) follow a named
strategy inside the same run. No PettingZoo or Gymnasium here: :mod:`.parallel` and :mod:`.single`
wrap this for them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import jit
from ..algorithms.search import GraphSearch
from ..build import make, make_strategy
from ..engine.decision import DEFER, Hold
from ..engine.rules import RULE_PYTHON
from ..errors import UserError
from ..incidents import manager_of
from ..metrics.idleness import sweep_time_s
from ..scenario import Scenario, load_run_scenario
from ..strategies import Strategy
from ..strategies.learned import observed_idleness

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.result import Result
    from ..engine.simulation import Simulation
    from ..engine.view import TeamView

ACTIONS = ("neighbour", "goal")
#: reward terms and what each measures (all in units of the idleness scale, see :class:`Options`)
REWARD_TERMS = {
    "reached": "idleness the robot's own visits cleared since the previous step (the node it reached)",
    "mean": "minus the increase of the mean idleness over all nodes since the previous step (team)",
    "worst": "minus the increase of the worst idleness of any node since the previous step (team)",
    "incidents": "minus the seconds known incidents waited for a robot since the previous step (team)",
}


class RLOptionError(UserError):
    """A bad option of the RL environment (one line naming the option and what is expected)."""


@dataclass(frozen=True)
class Options:
    """The environment's options (see docs/rl.md).

    ``action``: "neighbour" (Discrete over the node's neighbours, in increasing node id) or "goal" (Discrete
    over all nodes; the engine drives the shortest path). ``reward``: a term of :data:`REWARD_TERMS` or a
    mapping term -> weight (summed). ``idleness_scale_s``: the unit of every observed idleness and of
    the rewards (default: the team's sweep time, nodes x mean edge / (robots x mean speed)).
    """

    action: str = "neighbour"
    reward: Mapping[str, float] | str = "reached"
    idleness_scale_s: float | None = None

    def weights(self) -> dict[str, float]:
        """The reward as term -> weight, checked."""
        if isinstance(self.reward, str):
            reward: Mapping[str, float] = {self.reward: 1.0}
        elif isinstance(self.reward, Mapping):
            reward = self.reward
        else:
            raise RLOptionError(f"reward: expected a term name or a mapping of terms to weights, got {self.reward!r}")
        out = {}
        for term, w in reward.items():
            if term not in REWARD_TERMS:
                raise RLOptionError(f"reward: unknown term {term!r}; expected one of {', '.join(REWARD_TERMS)}")
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w):
                raise RLOptionError(f"reward: the weight of {term!r} must be a finite number, got {w!r}")
            out[term] = float(w)
        return out

    def checked(self) -> Options:
        if self.action not in ACTIONS:
            raise RLOptionError(f"action: expected one of {', '.join(ACTIONS)}, got {self.action!r}")
        self.weights()
        s = self.idleness_scale_s
        if s is not None and (isinstance(s, bool) or not isinstance(s, (int, float)) or not (0 < s < math.inf)):
            raise RLOptionError(f"idleness_scale_s: expected a number of seconds > 0, got {s!r}")
        return self


def options_from(keywords: dict) -> Options:
    """The environment options given as keywords (``action``, ``reward``, ``idleness_scale_s``); a one-line
    error for any other keyword."""
    from ..errors import did_you_mean

    known = [f.name for f in fields(Options)]
    for key in keywords:
        if key not in known:
            raise RLOptionError(f"unknown option {key!r}{did_you_mean(key, known)}; the options: {', '.join(known)}")
    return Options(**keywords).checked()


def load_episode_scenario(
    scenario_or_map: Scenario | str | Path, agents: int | None, overrides: dict | None
) -> Scenario:
    """The scenario of the episodes: a Scenario, or a scenario file, map file or shipped name (as
    ``patrolsim run`` takes), with ``agents`` robots and ``overrides`` (scenario keys, as ``--set``)."""
    extra = dict(overrides or {})
    if agents is not None:
        if isinstance(agents, bool) or not isinstance(agents, int) or agents < 1:
            raise RLOptionError(f"agents: expected a whole number >= 1, got {agents!r}")
        extra["agents"] = agents
    if isinstance(scenario_or_map, Scenario):
        if not extra:
            return scenario_or_map
        from ..scenario import scenario_from_dict

        return scenario_from_dict(
            scenario_or_map.data,
            source=scenario_or_map.source,
            overrides=extra,
            pmap=scenario_or_map.map,
        )
    return load_run_scenario(scenario_or_map, extra)


class Controller(Strategy):
    """The team's decider in an episode: learning robots defer to the environment; the others follow
    ``others`` (a strategy object; a built-in local rule is run for them from Python)."""

    name = "rl-env"

    def __init__(self, learning: np.ndarray, others: Strategy | None) -> None:
        super().__init__()
        self.learning = learning.tolist()
        self.others = others
        self.own_knowledge = bool(others is not None and others.own_knowledge)  # type: ignore[misc]
        if others is not None:
            self.values = dict(others.values)
            self.name = f"rl-env+{others.name}"  # type: ignore[misc]
        self.sim: Simulation | None = None  # set once the run is built (a local rule needs its state)

    def kernel_params(self) -> dict[int, float]:
        return self.others.kernel_params() if self.others is not None else {}

    def setup(self, view: TeamView) -> None:
        if self.others is not None:
            self.others.communication = self.communication
            self.others.setup(view)

    def decide(self, agent: int, node: int, t: float, view: TeamView):
        if self.learning[agent]:
            return DEFER
        assert self.others is not None and self.sim is not None  # only learning robots without team mates
        if self.others.kernel_rule != RULE_PYTHON:
            return self.sim.state.local_choice(self.others.kernel_rule, agent, node, t)
        return self.others.decide(agent, node, t, view)

    def released(self, agent: int, t: float, view: TeamView) -> None:
        if self.others is not None:
            self.others.released(agent, t, view)


class Episode:
    """Runs of ``scenario`` stopped at every decision of the ``learning`` robots (bool per robot).

    Attributes after :meth:`reset`: ``sim`` (the run), ``deciding`` (the robot to act now, or -1 once
    the run has reached its duration), and the arrays :meth:`observe` reads.
    """

    def __init__(self, scenario: Scenario, options: Options, learning: np.ndarray, others: str | None = None) -> None:
        self.scenario = scenario
        self.options = options.checked()
        self.weights = w = options.weights()
        self.learning = np.asarray(learning, dtype=bool)
        self.others_name = others
        pmap = scenario.map
        self.n_nodes, self.n_agents = pmap.n_nodes, scenario.agents.count
        self.goal_mode = options.action == "goal"
        self.scale_s = float(options.idleness_scale_s or sweep_time_s(pmap, scenario.agents.speeds))
        self._inv_scale = 1.0 / self.scale_s
        self._reached = w.get("reached", 0.0) * self._inv_scale
        self._team_terms = any(term != "reached" for term in w)
        self.degree = np.diff(pmap.indptr)
        table = pmap.neighbour_table
        self.max_degree = table.shape[1]
        self.table = table
        self._padded = np.where(table >= 0, table, self.n_nodes)  # -1 -> the pad slot N (idleness 0)
        self._neighbour_mask = (table >= 0).astype(np.int8)
        self.n_actions = self.n_nodes if self.goal_mode else self.max_degree
        #: the largest value any observed idleness (or time until arrival) can take
        self.idle_high = float(np.float32((scenario.duration + 1.0) * self._inv_scale))
        self._search: GraphSearch | None = None
        self.sim: Simulation
        self.deciding = -1
        self._seeds: np.random.Generator | None = None

    # ------------------------------------------------------------------ episodes
    def next_seed(self, seed: int | None) -> int:
        """The scenario seed of the next episode: ``seed`` (which also restarts the stream of later
        episodes' seeds), else the next of that stream (the first episode without a seed: the scenario's)."""
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
                raise RLOptionError(f"seed: expected a whole number in [0, 2^63), got {seed!r}")
            self._seeds = np.random.default_rng(int(seed))
            return int(seed)
        if self._seeds is None:
            self._seeds = np.random.default_rng(self.scenario.seed)
            return self.scenario.seed
        return int(self._seeds.integers(2**63))

    def reset(self, seed: int | None = None, on_build: Callable[[Simulation], None] | None = None) -> None:
        """Start the run of the next episode and advance it to the first decision of a learning robot;
        ``on_build(sim)`` is called before it advances (a renderer hooks in there)."""
        sc = dataclasses.replace(self.scenario, seed=self.next_seed(seed))
        others = None
        if self.others_name:  # the scenario's parameters go to its own strategy only
            params = sc.strategy_params if self.others_name == sc.strategy_name else {}
            others = make_strategy(dataclasses.replace(sc, strategy_name=self.others_name, strategy_params=params))
        controller = Controller(self.learning, others)
        # an environment runs episode after episode: compiling the event loop always pays
        self.sim = make(sc, strategy=controller, backend=jit.COMPILED)
        controller.sim = self.sim
        self.incidents = manager_of(self.sim)
        st = self.sim.state
        self._cleared_prev = st.cleared_s.copy()
        self._mean_prev = self._worst_prev = 0.0
        self._wait_prev = 0.0
        self._decided_at = np.zeros(self.n_agents)
        if on_build is not None:
            on_build(self.sim)
        self._advance()

    def _advance(self) -> None:
        sim = self.sim
        sim.advance_to(self.scenario.duration)
        self.deciding = -1 if sim.awaiting is None else sim.awaiting

    @property
    def done(self) -> bool:
        """Whether the run has reached the scenario's duration (no robot decides any more)."""
        return self.deciding < 0

    def act(self, action: Any) -> None:
        """Carry out the deciding robot's ``action`` and advance to the next decision (or the end).

        Neighbour actions: index into the node's neighbours (in increasing node id), taken modulo the
        node's degree (so any index of the Discrete space is a move). Goal actions: a node; the robot
        walks a shortest path there (its visits on the way count as the scenario says); the node it
        stands at means: stay and watch for as long as its shortest edge takes to walk, then decide again.
        """
        agent = self.deciding
        if agent < 0:
            raise RuntimeError("the episode is over: reset() it")
        k = _index(action, self.n_actions)
        st = self.sim.state
        node = int(st.heading[agent])
        if self.goal_mode:
            if k == node:
                lo, hi = self.scenario.map.indptr[node], self.scenario.map.indptr[node + 1]
                choice: Any = Hold(float(self.scenario.map.lengths[lo:hi].min()) / float(st.speed_mps[agent]))
            else:
                if self._search is None:
                    self._search = GraphSearch.of(self.scenario.map)
                with self.sim.backend.active():
                    choice = self._search.path(node, k)
        else:
            choice = int(self.table[node, k % int(self.degree[node])])
        self._decided_at[agent] = self.sim.now
        self.sim.answer(choice)
        self._advance()

    def result(self) -> Result:
        """The run's result (``result.metrics``: the figures ``patrolsim run`` reports) at the end."""
        return self.sim.run()

    # ------------------------------------------------------------------ what the robots observe
    def observe(self) -> dict[str, np.ndarray]:
        """The arrays of this moment (fresh every call; per-robot rows are views of them):

        ``idleness`` (N,), ``neighbour_idleness`` (A, D), ``action_mask`` (A, K: the deciding robot's
        row only), ``robots`` (A,), ``robot_eta`` (A,), ``incidents`` (N,), ``time`` (1,); see docs/rl.md.
        """
        sim = self.sim
        st, t, n = sim.state, sim.now, self.n_nodes
        ext = np.empty(n + 1, dtype=np.float32)
        observed_idleness(t, st.board, self.scale_s, ext[:n])
        ext[n] = 0.0  # the pad slot of the neighbour table
        heading = st.heading.copy()
        nb = ext[self._padded[heading]]
        mask = np.zeros((self.n_agents, self.n_actions), dtype=np.int8)
        a = self.deciding
        if a >= 0:
            node = int(heading[a])
            if self.goal_mode:
                mask[a] = 1
                mask[a, node] = 0
            else:
                mask[a] = self._neighbour_mask[node]
        eta = np.subtract(st.arrive_s, t)
        eta *= self._inv_scale
        np.minimum(eta, self.idle_high, out=eta)
        incidents = np.zeros(n, dtype=np.float32)
        if self.incidents is not None:
            nodes, priority = self.incidents.open_tasks()
            np.maximum.at(incidents, nodes, (1.0 / priority).astype(np.float32))
        return {
            "idleness": ext[:n],
            "neighbour_idleness": nb,
            "action_mask": mask,
            "robots": heading,
            "robot_eta": eta.astype(np.float32),
            "incidents": incidents,
            "time": np.array([t / self.scenario.duration], dtype=np.float32),
        }

    def state(self) -> np.ndarray:
        """The global state for centralised training: idleness (N), robots at or heading to each node
        (N), known incidents (N) and the share of the episode elapsed (1), float32."""
        obs = self.observe()
        robots = np.bincount(obs["robots"], minlength=self.n_nodes).astype(np.float32)
        return np.concatenate([obs["idleness"], robots, obs["incidents"], obs["time"]])

    def rewards(self) -> np.ndarray:
        """Each robot's reward for the stretch since the previous call (float64, (A,))."""
        st, t, w = self.sim.state, self.sim.now, self.weights
        cleared = st.cleared_s
        out = cleared - self._cleared_prev
        self._cleared_prev = cleared.copy()
        out *= self._reached
        if self._team_terms:
            team = 0.0
            if "mean" in w or "worst" in w:
                last = st.seen_at(t)  # not the metrics' last_seen: a warm-up's end would look like a sweep
                mean, worst = t - float(last.mean()), t - float(last.min())
                team -= w.get("mean", 0.0) * (mean - self._mean_prev) + w.get("worst", 0.0) * (worst - self._worst_prev)
                self._mean_prev, self._worst_prev = mean, worst
            if "incidents" in w and self.incidents is not None:
                waited = self.incidents.waiting_s(t)
                team -= w["incidents"] * (waited - self._wait_prev)
                self._wait_prev = waited
            out += team * self._inv_scale
        return out

    def decided_at(self) -> np.ndarray:
        """When each robot last decided (s; 0 before its first decision)."""
        return self._decided_at


def _index(action: Any, n: int) -> int:
    """``action`` as an int in [0, n); a ValueError naming what was given otherwise."""
    try:
        k = int(action)
    except (TypeError, ValueError):
        raise ValueError(f"an action is an integer in [0, {n}), got {action!r}") from None
    if k != action or not 0 <= k < n:
        raise ValueError(f"an action is an integer in [0, {n}), got {action!r}")
    return k
