"""Incident streams: when and where incidents happen, with their marks (priority, service, mode).

Every generator returns an :class:`Incidents` batch sorted by time, drawn from the generator it is
given, so a seed fixes the stream. Times are seconds from the start of the run, positions metres.

* ``poisson``: homogeneous rate; location uniform over nodes, or over street length on graph maps.
* ``hotspot``: homogeneous rate; location in proportion to node weights (map priorities or a risk file).
* ``profile``: rate ``rate * profile[hour of day]`` (24 multipliers), sampled by thinning.
* ``calls``: none of its own; only calls added while the run goes on (``IncidentManager.add``,
  e.g. by clicking the map in the window).
* ``hawkes``: self-exciting process (Mohler et al. 2011): background rate mu plus, for every event,
  Poisson(theta) children after Exp(omega) delays, displaced by a Gaussian offset of sigma metres
  and snapped to the nearest node. Long-run rate mu / (1 - theta); theta must be below 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..determinism import exp
from ..maps.model import PatrolMap

MODES = ("reported", "discoverable")


@dataclass
class Incidents:
    """A batch of incidents (arrays of equal length, sorted by ``t_s``).

    ``node``: node the incident is served at; ``x_m``, ``y_m``: where it happened; ``priority``: 1
    (most urgent) to 3; ``service_s``: on-scene time; ``reported``: True for calls, False for
    discoverable incidents (found only by a passing agent).
    """

    t_s: np.ndarray
    node: np.ndarray
    x_m: np.ndarray
    y_m: np.ndarray
    priority: np.ndarray
    service_s: np.ndarray
    reported: np.ndarray

    @classmethod
    def empty(cls) -> Incidents:
        """A batch with no incidents."""
        return cls(
            t_s=np.zeros(0),
            node=np.zeros(0, dtype=np.int64),
            x_m=np.zeros(0),
            y_m=np.zeros(0),
            priority=np.zeros(0, dtype=np.int64),
            service_s=np.zeros(0),
            reported=np.zeros(0, dtype=bool),
        )

    def __len__(self) -> int:
        return int(self.t_s.size)

    def take(self, index: np.ndarray) -> Incidents:
        """The incidents selected by ``index`` (a boolean mask or positions)."""
        return Incidents(*(getattr(self, f)[index] for f in FIELDS))

    def sorted(self) -> Incidents:
        return self.take(np.argsort(self.t_s, kind="stable"))

    def insert(self, pos: int, **values) -> None:
        """Insert one incident (a value for every field) before position ``pos``, in place."""
        for name in FIELDS:
            setattr(self, name, np.insert(getattr(self, name), pos, values[name]))


FIELDS = ("t_s", "node", "x_m", "y_m", "priority", "service_s", "reported")


@dataclass(frozen=True)
class Marks:
    """How priorities, on-scene times and modes are drawn for generated incidents.

    ``priority_shares``: probabilities of priority 1, 2, 3; ``service_mean_s``: mean on-scene
    seconds per priority; ``service_dist``: 'exponential', 'fixed' or 'lognormal' (with ``service_cv``);
    ``reported_share``: probability that an incident is a call rather than discoverable.
    """

    priority_shares: tuple[float, ...] = (0.2, 0.3, 0.5)
    service_mean_s: tuple[float, float, float] = (600.0, 600.0, 600.0)
    service_dist: str = "exponential"
    service_cv: float = 0.5
    reported_share: float = 1.0

    def priorities(self, rng: np.random.Generator, n: int) -> np.ndarray:
        p = np.asarray(self.priority_shares, dtype=float)
        return rng.choice(3, size=n, p=p / p.sum()).astype(np.int64) + 1

    def service(self, rng: np.random.Generator, priority: np.ndarray) -> np.ndarray:
        mean = np.asarray(self.service_mean_s, dtype=float)[priority - 1]
        if self.service_dist == "fixed":
            return mean.copy()
        if self.service_dist == "lognormal":
            s2 = math.log1p(self.service_cv**2)
            return mean * exp(rng.normal(-0.5 * s2, math.sqrt(s2), size=mean.size))
        return rng.exponential(1.0, size=mean.size) * mean

    def modes(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.random(n) < self.reported_share


# ---------------------------------------------------------------------------- locations
def sample_locations(
    pmap: PatrolMap, rng: np.random.Generator, n: int, rule: str, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(node, xy) of n incident locations.

    ``rule``: 'nodes' (uniform over nodes), 'length' (uniform over street length: a point on an
    edge drawn in proportion to its length, served at the nearer end node) or 'weights' (nodes in
    proportion to ``weights``, default the map's weights).
    """
    if rule == "length" and pmap.n_edges:
        u, v, lens = pmap.edge_list()
        e = rng.choice(u.size, size=n, p=lens / lens.sum())
        f = rng.random(n)
        xy = pmap.positions[u[e]] + (pmap.positions[v[e]] - pmap.positions[u[e]]) * f[:, None]
        return np.where(f < 0.5, u[e], v[e]).astype(np.int64), xy
    if rule == "weights":
        w = pmap.weights if weights is None else weights
        node = rng.choice(pmap.n_nodes, size=n, p=w / w.sum()).astype(np.int64)
    else:
        node = rng.integers(pmap.n_nodes, size=n).astype(np.int64)
    return node, pmap.positions[node].copy()


def _batch(t, node, xy, marks: Marks, rng: np.random.Generator) -> Incidents:
    pri = marks.priorities(rng, t.size)
    return Incidents(
        t_s=np.asarray(t, dtype=float),
        node=np.asarray(node, dtype=np.int64),
        x_m=xy[:, 0].astype(float),
        y_m=xy[:, 1].astype(float),
        priority=pri,
        service_s=marks.service(rng, pri),
        reported=marks.modes(rng, t.size),
    ).sorted()


def poisson_times(rng: np.random.Generator, rate_per_s: float, duration_s: float) -> np.ndarray:
    """Event times of a homogeneous Poisson process on [0, duration_s)."""
    n = rng.poisson(rate_per_s * duration_s)
    return np.sort(rng.random(n) * duration_s)


# ---------------------------------------------------------------------------- streams
def poisson_stream(
    pmap: PatrolMap,
    rng: np.random.Generator,
    duration_s: float,
    rate_per_hour: float,
    location: str,
    marks: Marks,
    weights: np.ndarray | None = None,
) -> Incidents:
    """Homogeneous Poisson incidents (``poisson`` and, with location 'weights', ``hotspot``)."""
    t = poisson_times(rng, rate_per_hour / 3600.0, duration_s)
    node, xy = sample_locations(pmap, rng, t.size, location, weights)
    return _batch(t, node, xy, marks, rng)


def profile_stream(
    pmap: PatrolMap,
    rng: np.random.Generator,
    duration_s: float,
    rate_per_hour: float,
    profile: tuple[float, ...],
    location: str,
    marks: Marks,
    weights: np.ndarray | None = None,
) -> Incidents:
    """Incidents at rate ``rate_per_hour * profile[hour of day]`` (24 values), by thinning."""
    prof = np.asarray(profile, dtype=float)
    top = prof.max()
    t = poisson_times(rng, rate_per_hour * top / 3600.0, duration_s)
    keep = rng.random(t.size) * top < prof[(t // 3600).astype(np.int64) % 24]
    t = t[keep]
    node, xy = sample_locations(pmap, rng, t.size, location, weights)
    return _batch(t, node, xy, marks, rng)


def hawkes_stream(
    pmap: PatrolMap,
    rng: np.random.Generator,
    duration_s: float,
    mu_per_hour: float,
    theta: float,
    omega_per_hour: float,
    sigma_m: float,
    location: str,
    marks: Marks,
    weights: np.ndarray | None = None,
) -> Incidents:
    """Self-exciting (Hawkes/ETAS) incidents by branching: each generation's children start after
    Exp(omega) delays from their parent, displaced N(0, sigma^2) metres and snapped to the nearest node."""
    if not 0.0 <= theta < 1.0:
        raise ValueError(f"branching ratio theta must lie in [0, 1), got {theta}")
    from scipy.spatial import cKDTree

    tree = cKDTree(pmap.positions)
    t = poisson_times(rng, mu_per_hour / 3600.0, duration_s)
    node, xy = sample_locations(pmap, rng, t.size, location, weights)
    times, nodes, points = [t], [node], [xy]
    while t.size:
        kids = rng.poisson(theta, size=t.size)
        parent = np.repeat(np.arange(t.size), kids)
        t = t[parent] + rng.exponential(3600.0 / omega_per_hour, size=parent.size)
        xy = xy[parent] + rng.normal(0.0, sigma_m, size=(parent.size, 2))
        inside = t < duration_s
        t, xy = t[inside], xy[inside]
        node = tree.query(xy)[1].astype(np.int64) if t.size else np.zeros(0, dtype=np.int64)
        times.append(t)
        nodes.append(node)
        points.append(xy)
    return _batch(np.concatenate(times), np.concatenate(nodes), np.concatenate(points), marks, rng)
