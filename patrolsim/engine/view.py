"""TeamView: the read-only window through which a strategy sees the simulation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import kernel as K

if TYPE_CHECKING:  # pragma: no cover
    from ..maps.model import PatrolMap
    from .simulation import Simulation


class TeamView:
    """What a team's strategy may read: the map, its agents, its own and shared idleness knowledge.

    Arrays returned are read-only views; times are seconds, distances metres.
    """

    def __init__(self, sim: Simulation) -> None:
        self._sim = sim
        self._state = sim.state

    @property
    def map(self) -> PatrolMap:
        return self._sim.map

    @property
    def rng(self) -> np.random.Generator:
        """The run's random generator (draws happen in a fixed order, so runs are reproducible)."""
        return self._sim.rng

    @property
    def now(self) -> float:
        return self._sim.now

    @property
    def n_agents(self) -> int:
        return self._state.n_agents

    def progress(self, fraction: float, stage: str) -> None:
        """Report set-up progress (``fraction`` done, now at ``stage``); a set-up that may take over a
        second or two calls this at least every second (see :mod:`patrolsim.engine.progress`)."""
        self._sim.setup_progress.report(fraction, stage)

    @property
    def expected_arrivals(self) -> float:
        """Rough number of arrivals in the whole run (for strategies sizing their own work)."""
        return self._sim.expected_arrivals()

    @property
    def starts(self) -> np.ndarray:
        """Start node of every agent."""
        return self._sim.starts

    def in_service(self) -> np.ndarray:
        """Per agent, whether it is in service (read-only): not failed, not on its way to a dock,
        queueing or charging. An agent dispatched to an incident stays in service."""
        out = self._state.in_service.view()
        out.setflags(write=False)
        return out

    def speed(self, agent: int) -> float:
        """Speed of ``agent`` in m/s."""
        return float(self._state.a_flt[agent, K.A_SPEED])

    def last_seen(self, agent: int | None = None) -> np.ndarray:
        """Last time each node was seen: by ``agent`` itself (own-knowledge strategies), else by the team;
        ``patrolsim.engine.state.NEVER_SEEN`` (just before the start) for a node not seen yet."""
        st = self._state
        arr = st.know[agent] if (agent is not None and st.own) else st.board
        out = arr.view()
        out.setflags(write=False)
        return out

    def own_idleness(self, agent: int, t: float) -> np.ndarray:
        """Idleness of every node at time t as known to ``agent`` (seconds)."""
        return t - self.last_seen(agent)

    def shared_idleness(self, t: float) -> np.ndarray:
        """Idleness of every node at time t on the team board (every arrival is broadcast)."""
        return t - self._state.board

    def agent_node(self, agent: int) -> int:
        """The node ``agent`` stands at or is heading to."""
        return int(self._state.a_int[agent, K.A_TO])

    def agent_nodes(self) -> np.ndarray:
        """The node each agent stands at or is heading to (read-only)."""
        out = self._state.heading.view()
        out.setflags(write=False)
        return out

    def plan_left(self, agent: int) -> int:
        """How many nodes of ``agent``'s current plan follow the node it is heading to."""
        st = self._state
        return int(st.a_int[agent, K.A_PLAN_LEN] - st.a_int[agent, K.A_PLAN_POS])

    def seen_from(self, nodes: np.ndarray) -> np.ndarray:
        """Per node: whether an agent at one of ``nodes`` sees it (the node itself, or within the sensing
        radius and, on grids, in line of sight)."""
        st = self._state
        nodes = np.asarray(nodes, dtype=np.int64)
        out = np.zeros(self._sim.map.n_nodes, dtype=bool)
        starts, ends = st.sense_ptr[nodes], st.sense_ptr[nodes + 1]
        counts = ends - starts
        if counts.sum():
            first = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
            out[st.sense_idx[first + np.arange(counts.sum())]] = True
        return out

    def agent_positions(self, t: float) -> np.ndarray:
        """(A, 2) positions in metres at time t."""
        return self._state.positions(t)

    @property
    def wait(self) -> float:
        """Seconds every agent waits at each node it arrives at before leaving."""
        return float(self._state.params[K.P_WAIT])

    @property
    def pass_through_visits(self) -> bool:
        """Whether nodes crossed on the way to a goal count as visits (else only path ends do)."""
        return bool(self._state.params[K.P_PASS_VISITS] > 0.0)

    def on_visits(self, listener) -> None:
        """Call ``listener(times, nodes, agents)`` with every visit (see Simulation.on_visits)."""
        self._sim.on_visits(listener)

    def schedule(self, t: float, callback) -> None:
        """Call ``callback()`` at simulated time t (seconds, not before now), after the arrivals at t."""
        self._sim.schedule(t, lambda sim: callback())

    def open_tasks(self) -> tuple[np.ndarray, np.ndarray]:
        """(nodes, priorities) of the places attachments say need an agent and no agent has reached yet
        (e.g. known incidents: calls, or incidents an agent discovered); both empty when there are none.
        Priority 1 is the most urgent."""
        found = [a.open_tasks() for a in self._sim.attachments if hasattr(a, "open_tasks")]
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return (
            np.concatenate([f[0] for f in found]).astype(np.int64),
            np.concatenate([f[1] for f in found]).astype(np.int64),
        )

    def replan(self, agent: int) -> None:
        """Make ``agent`` decide again at the next node it reaches, dropping the rest of its path
        (e.g. when it learns that its goal is taken); no effect while it is dispatched."""
        self._sim.replan(agent)
