"""Dynamic task assignment (Farinelli, Iocchi & Nardi 2017; the DTAG/DTAP strategies of
patrolling_sim): every node is a task; agents choose goals anywhere on the map and coordinate by
broadcast claims (DTAG) or by auctioning tasks between dynamic regions (DTAP).

Idleness is team-shared through the scenario's communication model (:mod:`patrolsim.strategies.comm`);
goals are found with compiled searches that stop as soon as no farther node can score better
(:meth:`patrolsim.algorithms.search.GraphSearch.best`), so decisions stay fast on 10,000-node maps.
"""

from __future__ import annotations

import numpy as np

from ..algorithms.search import GraphSearch, search_work
from .base import Param, Strategy
from .comm import TeamComms


class GreedyTaskAssignment(Strategy):
    """``dtag``: dynamic task assignment, greedy (Farinelli et al. 2017).

    Rule: agent a at node u picks the goal v != u, among nodes no team mate has claimed (as far as a
    knows), maximising ``w_idle * I(v) - (w_path * d(u, v) + w_home * d(v, s_a)) / speed_a``
    (seconds: I the team-shared idleness, d shortest-path metres, s_a the agent's start), ties at
    random; it broadcasts the claim and follows a shortest path to v. A goal claimed by a team mate
    is never picked: an agent whose preferred goal is taken picks again. Under a communication delay
    two agents may claim one goal before hearing each other: the one that hears an earlier claim
    (equal times: the lower agent id's) picks again at the next node it reaches.

    Team changes: an agent that leaves the team (fails, goes to charge) drops its claim at once, so
    its goal is free for the next agent that decides; one coming back claims anew at its next node.

    Parameters: ``w_idle`` (1), ``w_path`` (1: a metre of travel costs its travel time),
    ``w_home`` (0: no pull towards the start).
    """

    name = "dtag"
    summary = "dynamic task assignment (greedy): claim the best idleness-minus-travel node"
    params = {
        "w_idle": Param(1.0, "weight of the goal's idleness (s)", low=0.0),
        "w_path": Param(1.0, "weight of the travel time to the goal", low=0.0),
        "w_home": Param(0.0, "weight of the travel time from the goal back to the agent's start", low=0.0),
    }

    def work(self, view) -> float:
        rows = view.n_agents if self.values["w_home"] else 0
        return search_work(view.map.n_nodes, rows=rows, decisions=view.expected_arrivals)

    def setup(self, view) -> None:
        self.comms = TeamComms(view, self.communication)
        self.search = GraphSearch.of(view.map)
        w_home = self.values["w_home"]
        self.home_cost = [
            w_home * self.search.row(int(s)) / view.speed(a) if w_home else 0.0 for a, s in enumerate(view.starts)
        ]
        self.allowed = np.ones(view.map.n_nodes, dtype=bool)

    def decide(self, agent, node, t, view):
        targets = self.comms.intentions(agent, t)
        taken = np.append(targets[targets >= 0], node)
        allowed = self.allowed
        allowed[taken] = False  # set back below: the mask is reused, not rebuilt, on large maps
        if taken.size >= view.map.n_nodes and np.unique(taken).size >= view.map.n_nodes:
            allowed[:] = True
        w_idle, w = self.values["w_idle"], self.values["w_path"] / view.speed(agent)
        if self.values["w_home"]:
            gain = w_idle * self.comms.idleness(agent, t) - self.home_cost[agent]
            goal = self.search.best(node, gain, w, allowed, view.rng)
        else:  # w_idle * (t - last seen), without building the idleness array
            goal = self.search.best(
                node, self.comms.last_seen(agent, t), w, allowed, view.rng, offset=w_idle * t, slope=-w_idle
            )
        allowed[taken] = True
        if goal < 0:
            goal = int(view.map.neighbours(node)[0])
        self.comms.announce(t, agent, goal)
        if self.comms.spec.delay > 0.0:
            view.schedule(t + self.comms.spec.delay, lambda: self._claim_heard(view, agent, goal, t))
        return self.search.path_to(node, goal)

    def team_changed(self, t, view) -> None:
        self.comms.withdraw(t, ~view.in_service())  # their goals are free for the others to claim

    def _claim_heard(self, view, sender: int, goal: int, sent: float) -> None:
        """``sender``'s claim on ``goal`` has reached its team mates: those heading there on a later
        claim pick again at their next node."""
        for rival in self.comms.outclaimed(sender, goal, sent, view.now):
            view.replan(int(rival))


class AuctionPartition(Strategy):
    """``dtap``: dynamic task assignment with sequential single-item auctions and dynamic partition
    (Farinelli et al. 2017).

    Every node is a task owned by one agent; each agent has a region centre (a node, first its start).
    Initially the tasks are auctioned one by one, those nearest a centre first. At each decision agent a takes as
    candidate the owned task maximising ``I(v) - d(u, v) / speed_a`` (seconds) and auctions it: every
    team mate that hears the auction (communication loss and range apply; bids are immediate) and a
    itself bid ``d(centre_b, v) * (tasks owned by b, v excluded, + 1)``; the lowest bid wins (a keeps
    ties). If a team mate wins, the task changes hands and a auctions its next candidate, up to
    ``rounds`` auctions; a then heads for the best task it still owns. A task changes hands at most
    once between two visits: one won in an auction since it was last seen (as far as its owner
    knows) is not auctioned again, its owner heads for it. (Without this rule a task can flip
    between two owners for ever: each trade changes the counts and centres the next bids depend on,
    so whichever agent sets out for the task loses it, and nobody goes.) Once a region has gained or
    lost ``recentre`` (a fraction) of its tasks since its centre last moved, the centre moves to the
    owned node nearest the centroid of its owned tasks (a cheap stand-in for the node minimising the
    distance to them; each move costs one search over the map).

    Team changes: when an agent leaves the team (fails, goes to charge) or comes back, every task is
    auctioned again, as at set-up, among the agents in service from their centres (a returning agent's
    centre is the node it stands at); an agent out of service owns nothing and bids in no auction.

    Parameters: ``rounds`` (3), ``recentre`` (0.05).
    """

    name = "dtap"
    summary = "dynamic task assignment by auctions between moving regions"
    params = {
        "rounds": Param(3, "auctions an agent may hold per decision", low=1, high=100),
        "recentre": Param(
            0.05, "fraction of its tasks a region must gain or lose before its centre moves", low=0.0, high=1.0
        ),
    }

    def work(self, view) -> float:
        # a row per centre, about as many for moves
        return search_work(view.map.n_nodes, rows=2 * view.n_agents, decisions=view.expected_arrivals)

    def setup(self, view) -> None:
        self.comms = TeamComms(view, self.communication)
        self.search = GraphSearch.of(view.map)
        r, n = view.n_agents, view.map.n_nodes
        self.centre = np.asarray(view.starts, dtype=np.int64).copy()
        self.centre_dist = np.array([self.search.row(int(c)) for c in self.centre])
        self.owner = np.full(n, -1, dtype=np.int64)
        self.count = np.zeros(r, dtype=np.int64)
        self.changes = np.zeros(r, dtype=np.int64)
        self.serving = np.ones(r, dtype=bool)  # the agents in service the tasks were last shared among
        self._share_out(view, np.arange(r))

    def _share_out(self, view, agents: np.ndarray) -> None:
        """Auction every task among ``agents`` from their centres, those nearest a centre first (the
        set-up's auction; see the class docstring), then move their centres."""
        self.owner[:] = -1
        self.count[:] = 0
        centre_dist = self.centre_dist[agents]
        for v in np.argsort(centre_dist.min(axis=0), kind="stable"):
            bids = centre_dist[:, v] * (self.count[agents] + 1)
            winner = int(agents[np.argmin(bids)])
            self.owner[v] = winner
            self.count[winner] += 1
        self.owns = self.owner[None, :] == np.arange(view.n_agents)[:, None]  # owns[a, v]: a owns task v
        self.traded_at = np.full(self.owner.size, -np.inf)  # when each task last changed hands in an auction
        for a in agents.tolist():
            self._move_centre(view, a)

    def team_changed(self, t, view) -> None:
        serving = view.in_service().copy()
        for a in np.flatnonzero(serving & ~self.serving).tolist():  # back: its centre is where it stands
            self.centre[a] = view.agent_node(a)
            self.centre_dist[a] = self.search.row(int(self.centre[a]))
        self.serving = serving
        self.comms.withdraw(t, ~serving)
        if serving.any():
            self._share_out(view, np.flatnonzero(serving))

    @property
    def partition(self) -> np.ndarray:
        """The agent owning each node (region id per node), for drawing."""
        return self.owner

    def _task_changed(self, view, a: int) -> None:
        self.changes[a] += 1
        if self.changes[a] > self.values["recentre"] * self.count[a]:
            self._move_centre(view, a)

    def _move_centre(self, view, a: int) -> None:
        self.changes[a] = 0
        owned = np.flatnonzero(self.owner == a)
        if owned.size == 0:
            return
        pos = view.map.positions[owned]
        centre = int(owned[np.argmin(np.linalg.norm(pos - pos.mean(axis=0), axis=1))])
        if centre != self.centre[a]:
            self.centre[a] = centre
            self.centre_dist[a] = self.search.row(centre)

    def decide(self, agent, node, t, view):
        last = self.comms.last_seen(agent, t)  # idleness t - last, passed to the searches as an affine gain
        w = 1.0 / view.speed(agent)
        goal = -1
        mine = self.owns[agent]
        here = bool(mine[node])
        mine[node] = False
        for _ in range(self.values["rounds"]):
            if self.count[agent] - here <= 0:
                break
            # the idlest owned task bounds how far the search must look
            goal = self.search.best(
                node, last, w, mine, view.rng, offset=t, slope=-1.0, top=t - float(last[mine].min())
            )
            if self.traded_at[goal] > last[goal]:
                break  # won since its last visit: not auctioned again before its owner gets there
            bidders = np.flatnonzero(self.comms.receivers(t, agent) & self.serving)
            if bidders.size == 0:
                break
            bids = self.centre_dist[bidders, goal] * (self.count[bidders] + 1)
            own_bid = self.centre_dist[agent, goal] * self.count[agent]
            if bids.min() >= own_bid:
                break
            winner = int(bidders[np.argmin(bids)])
            self.owner[goal] = winner
            self.traded_at[goal] = t
            self.owns[agent, goal] = False
            self.owns[winner, goal] = True
            self.count[winner] += 1
            self.count[agent] -= 1
            self._task_changed(view, winner)
            self._task_changed(view, agent)
            goal = -1
        if goal < 0 and self.count[agent] - here > 0:
            # every auction lost: the best task still owned
            goal = self.search.best(node, last, w, mine, view.rng, offset=t, slope=-1.0)
        mine[node] = here
        if goal < 0:  # owning nothing: the best node anywhere
            allowed = np.ones(view.map.n_nodes, dtype=bool)
            allowed[node] = False
            goal = self.search.best(node, last, w, allowed, view.rng, offset=t, slope=-1.0)
        self.comms.announce(t, agent, goal)
        return self.search.path_to(node, goal)
