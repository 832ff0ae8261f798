"""The communication model of shared-state strategies: what each agent knows of the team's visits
and intentions when messages are delayed, lost or limited in range.

Every visit is broadcast by the visiting agent as a message; so is every announced intention (a target
node). A message sent at time t reaches agent b (b != sender) at t + ``delay`` if b was within
``range`` metres (straight line) of the sender at time t and the message survives an independent loss
draw with probability ``loss``. Senders know their own visits and intentions at once. With the
default (delay 0, loss 0, infinite range) every agent reads the engine's team board directly.

Agent positions at send time are those on each agent's current leg (an agent that has since started a
new leg counts as standing at that leg's start), which is exact for the sender and for every agent
that has not decided since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..engine.state import NEVER_SEEN

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.view import TeamView


@dataclass(frozen=True)
class CommSpec:
    """Message delay (s), loss probability in [0, 1) and range (m, inf = unlimited)."""

    delay: float = 0.0
    loss: float = 0.0
    range: float = float("inf")

    @property
    def perfect(self) -> bool:
        return self.delay == 0.0 and self.loss == 0.0 and self.range == float("inf")

    def as_dict(self) -> dict:
        return {"delay": self.delay, "loss": self.loss, "range": None if self.range == float("inf") else self.range}


class TeamComms:
    """Each agent's knowledge of last-visit times and of its team mates' intentions under a CommSpec.

    Read through :meth:`last_seen`/:meth:`idleness` and :meth:`intentions`; publish intentions with
    :meth:`announce`. Randomness (losses) comes from the run's generator in event order.
    """

    def __init__(self, view: TeamView, spec: CommSpec) -> None:
        self.view = view
        self.spec = spec
        a, n = view.n_agents, view.map.n_nodes
        # intent[b, c]: the target agent b believes agent c is heading for (-1 none), sent at sent[b, c]
        self.intent = np.full((a, a), -1, dtype=np.int64)
        self.sent = np.full((a, a), -np.inf)
        self._pending_intent: list[tuple[float, int, int, int, float]] = []
        self._everyone = ~np.eye(a, dtype=bool)  # row s: every agent but s
        if self.spec.perfect:
            self.known = None
        else:
            self.known = np.full((a, n), NEVER_SEEN)
            self._pending: list[np.ndarray] = []  # rows: arrive time, receiver, node, visit time
            view.on_visits(self._on_visits)

    # ---------------------------------------------------------------- delivery
    def receivers(self, t: float, sender: int) -> np.ndarray:
        """Boolean mask of the agents (sender excluded) a message sent by ``sender`` at t reaches."""
        return self._receivers(np.array([t]), np.array([sender]))[0]

    def _receivers(self, times: np.ndarray, senders: np.ndarray) -> np.ndarray:
        a = self.view.n_agents
        if self.spec.perfect and times.size == 1:
            return self._everyone[senders]
        ok = np.ones((times.size, a), dtype=bool)
        ok[np.arange(times.size), senders] = False
        if self.spec.range != float("inf"):
            for t in np.unique(times):
                rows = np.flatnonzero(times == t)
                pos = self.view.agent_positions(float(t))
                gap = np.linalg.norm(pos[None, :, :] - pos[senders[rows]][:, None, :], axis=2)
                ok[rows] &= gap <= self.spec.range
        if self.spec.loss > 0.0:
            ok &= self.view.rng.random((times.size, a)) >= self.spec.loss
        return ok

    def _on_visits(self, times: np.ndarray, nodes: np.ndarray, agents: np.ndarray) -> None:
        known = self.known
        assert known is not None  # listening only under an imperfect communication model
        np.maximum.at(known, (agents, nodes), times)
        ok = self._receivers(times, agents)
        msg, recv = np.nonzero(ok)
        if not msg.size:
            return
        if self.spec.delay == 0.0:
            np.maximum.at(known, (recv, nodes[msg]), times[msg])
        else:
            self._pending.append(np.column_stack([times[msg] + self.spec.delay, recv, nodes[msg], times[msg]]))

    def _deliver(self, t: float) -> None:
        """Apply every message that has arrived by time t."""
        if self.known is not None and self._pending:
            pend = np.concatenate(self._pending)
            due = pend[:, 0] <= t
            if due.any():
                got = pend[due]
                np.maximum.at(self.known, (got[:, 1].astype(np.int64), got[:, 2].astype(np.int64)), got[:, 3])
                self._pending = [pend[~due]] if (~due).any() else []
        if self._pending_intent:
            keep = []
            for msg in self._pending_intent:
                arrive, recv, sender, target, sent = msg
                if arrive > t:
                    keep.append(msg)
                elif sent >= self.sent[recv, sender]:
                    self.intent[recv, sender] = target
                    self.sent[recv, sender] = sent
            self._pending_intent = keep

    # ---------------------------------------------------------------- reading
    def last_seen(self, agent: int, t: float) -> np.ndarray:
        """Last-visit time of every node as known to ``agent`` at time t (seconds; read-only)."""
        if self.known is None:
            return self.view.last_seen()
        self._deliver(t)
        return self.known[agent]

    def idleness(self, agent: int, t: float) -> np.ndarray:
        """Idleness (s) of every node at time t as known to ``agent``."""
        return t - self.last_seen(agent, t)

    def announce(self, t: float, sender: int, target: int) -> None:
        """``sender`` broadcasts that it is heading for ``target`` (-1: no target)."""
        self.intent[sender, sender] = target
        self.sent[sender, sender] = t
        if self.spec.perfect:
            self.intent[:, sender] = target
            self.sent[:, sender] = t
            return
        for recv in np.flatnonzero(self.receivers(t, sender)):
            if self.spec.delay == 0.0:
                self.intent[recv, sender] = target
                self.sent[recv, sender] = t
            else:
                self._pending_intent.append((t + self.spec.delay, int(recv), sender, target, t))

    def withdraw(self, t: float, agents: np.ndarray) -> None:
        """``agents`` (ids, or a mask per agent) are out of the team at time t (failed, gone to charge):
        every team mate forgets their
        intentions at once (the team hears of it as the strategy does, never by a lost message), and
        messages of theirs sent before t that are still on the way are dropped when they arrive."""
        self.intent[:, agents] = -1
        self.sent[:, agents] = t

    def outclaimed(self, sender: int, target: int, sent: float, t: float) -> np.ndarray:
        """Agents that by time t have heard ``sender``'s claim on ``target`` (made at time ``sent``) and
        head for ``target`` on a later claim of their own (equal times: the higher agent id is later)."""
        self._deliver(t)
        own, since = np.diagonal(self.intent), np.diagonal(self.sent)
        later = (since > sent) | ((since == sent) & (np.arange(own.size) > sender))
        heard = (self.intent[:, sender] == target) & (self.sent[:, sender] == sent)
        return np.flatnonzero((own == target) & later & heard)

    def intentions(self, agent: int, t: float) -> np.ndarray:
        """The targets ``agent`` believes its team mates are heading for at time t (-1: none known);
        its own entry is -1."""
        self._deliver(t)
        out = self.intent[agent].copy()
        out[agent] = -1
        return out

    def claimed(self, agent: int, t: float, n_nodes: int) -> np.ndarray:
        """How many team mates ``agent`` believes are heading for each node, an (N,) int array."""
        targets = self.intentions(agent, t)
        return np.bincount(targets[targets >= 0], minlength=n_nodes)
