"""``rl``: a policy learned in the RL environment (:mod:`patrolsim.rl`), saved as data and run as a strategy.

The policy is a table of action values ``q[node, j, c, a]`` that tabular Q-learning fills in
(``patrolsim rl-train``). A robot standing at node u with neighbours n_0 .. n_{d-1} (in the map's order)
is in state (u, j, c): j = its most idle neighbour as the environment observes it (team board idleness
in units of the policy's idleness scale, as float32; ties: the first), c = 1 when another robot
stands at or heads to n_j. It moves to n_a, the a < d with the largest q (ties: the first). The
environment computes its observations with the functions here, so a policy decides the same in an
episode of the environment and in a run of patrolsim with the same seed.

The file is an ``.npz`` of plain arrays (read with ``allow_pickle=False``: never code):

========================  ==============================================================
``kind``                  ``"patrolsim-tabular-q"``
``version``               1
``q``                     float64 (nodes, D, 2, D), D the map's largest degree; finite
``idleness_scale_s``      the unit of the observed idleness (s, > 0)
``map_name``              the map it was trained on (for messages)
``map_digest``            :attr:`PatrolMap.digest` of that map: it runs on that graph only
========================  ==============================================================
"""

from __future__ import annotations

import math
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import StrategyError, snippet
from .base import Param, Strategy

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.view import TeamView
    from ..maps.model import PatrolMap

POLICY_KIND = "patrolsim-tabular-q"
POLICY_VERSION = 1
KEY = "strategy.policy"
FIELDS = ("kind", "version", "q", "idleness_scale_s", "map_name", "map_digest")


def observed_idleness(t: float, last_seen: np.ndarray, scale_s: float, out: np.ndarray | None = None) -> np.ndarray:
    """Idleness ``t - last_seen`` in units of ``scale_s`` as float32: what the environment observes
    (elementwise, so any subset of nodes gets the same values as the whole vector); written into the
    float32 array ``out`` when given."""
    idle = np.subtract(t, last_seen)
    idle *= 1.0 / scale_s
    if out is None:
        return idle.astype(np.float32)
    out[...] = idle
    return out


def q_state(
    neighbour_idleness: np.ndarray, degree: int, neighbours: np.ndarray, robot_nodes: np.ndarray
) -> tuple[int, int]:
    """(j, c) of a robot at a node with ``degree`` neighbours ``neighbours`` (observed idleness
    ``neighbour_idleness``): the most idle neighbour (first of equals) and whether a robot stands at or
    heads to it (``robot_nodes``: where every robot stands or heads; the deciding robot's own entry is
    the node it stands at, never a neighbour)."""
    j = int(np.argmax(neighbour_idleness[:degree]))
    return j, int(bool((robot_nodes == neighbours[j]).any()))


def best_action(q_row: np.ndarray, degree: int) -> int:
    """The action with the largest value among the first ``degree`` (the first of equals)."""
    return int(np.argmax(q_row[:degree]))


@dataclass(frozen=True)
class QPolicy:
    """A tabular policy as stored in its file (see the module docstring)."""

    q: np.ndarray
    idleness_scale_s: float
    map_name: str
    map_digest: str

    @classmethod
    def empty(cls, pmap: PatrolMap, idleness_scale_s: float) -> QPolicy:
        """All-zero values for ``pmap`` (a start for learning)."""
        d = pmap.neighbour_table.shape[1]
        return cls(np.zeros((pmap.n_nodes, d, 2, d)), float(idleness_scale_s), pmap.name, pmap.digest)

    def save(self, path: str | Path) -> Path:
        """Write the policy as an ``.npz`` of plain arrays (``.npz`` is added to a path without it)."""
        p = Path(path)
        if p.suffix != ".npz":
            p = p.with_name(p.name + ".npz")
        np.savez(
            p,
            kind=np.array(POLICY_KIND),
            version=np.array(POLICY_VERSION),
            q=self.q,
            idleness_scale_s=np.array(self.idleness_scale_s),
            map_name=np.array(self.map_name),
            map_digest=np.array(self.map_digest),
        )
        return p

    def check_map(self, pmap: PatrolMap, source: str) -> None:
        """StrategyError (one line naming the file) unless the policy was learned on ``pmap``'s graph."""
        n, d = pmap.n_nodes, pmap.neighbour_table.shape[1]
        if self.q.shape[0] != n or self.q.shape[1] != d:
            raise StrategyError(
                f"the policy was trained on map '{self.map_name}' ({self.q.shape[0]:,} nodes, largest degree "
                f"{self.q.shape[1]}); this map '{pmap.name}' has {n:,} nodes, largest degree {d}",
                source=source,
                key=KEY,
            )
        if self.map_digest != pmap.digest:
            raise StrategyError(
                f"the policy was trained on map '{self.map_name}', whose edges differ from those of this map "
                f"'{pmap.name}' (same size); a tabular policy runs on the graph it learned on only",
                source=source,
                key=KEY,
            )


def load_policy(path: str | Path) -> QPolicy:
    """Read a policy file; a one-line StrategyError naming the file and what is wrong otherwise."""
    p = Path(path)

    def bad(message: str) -> StrategyError:
        return StrategyError(message, source=p, key=KEY)

    if not p.is_file():
        raise bad("no such policy file")
    try:
        with p.open("rb") as f:
            zipped = f.read(4) == b"PK\x03\x04"
        if not zipped:
            raise bad("not an .npz file (a zip archive of .npy arrays, as numpy.savez writes)")
        with np.load(p, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except OSError as exc:
        raise bad(f"cannot read the policy file ({exc.strerror or type(exc).__name__})") from None
    except (ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        why = "an array holds Python objects, which are never loaded" if "pickle" in str(exc) else str(exc)
        raise bad(f"not a readable .npz policy file ({why})") from None
    expected = f"expected a patrolsim policy (.npz with {', '.join(FIELDS)}, as 'patrolsim rl-train' writes)"
    missing = [k for k in FIELDS if k not in arrays]
    if missing:
        raise bad(f"no array {', '.join(missing)}; {expected}")
    kind, version = arrays["kind"], arrays["version"]
    if kind.shape != () or str(kind) != POLICY_KIND:
        raise bad(f"kind is {_shown(kind)}, not '{POLICY_KIND}'; {expected}")
    if version.shape != () or version.dtype.kind not in "iu" or int(version) != POLICY_VERSION:
        raise bad(f"version {_shown(version)} is not {POLICY_VERSION}; {expected}")
    q = arrays["q"]
    if q.ndim != 4 or q.shape[2] != 2 or q.shape[1] != q.shape[3] or q.shape[0] < 1 or q.shape[1] < 1:
        raise bad(f"q has shape {q.shape}, expected (nodes, D, 2, D)")
    if q.dtype.kind not in "fiu" or not np.isfinite(q).all():
        raise bad("q must hold finite numbers")
    scale = arrays["idleness_scale_s"]
    if scale.shape != () or scale.dtype.kind not in "fiu" or not (math.isfinite(float(scale)) and float(scale) > 0):
        raise bad(f"idleness_scale_s is {_shown(scale)}, expected one number > 0")
    for key in ("map_name", "map_digest"):
        if arrays[key].shape != () or arrays[key].dtype.kind != "U":
            raise bad(f"{key} must be one string")
    return QPolicy(q.astype(np.float64), float(scale), str(arrays["map_name"]), str(arrays["map_digest"]))


def _shown(arr: np.ndarray) -> str:
    return snippet(arr.tolist() if arr.dtype.kind != "U" else str(arr))


class LearnedPolicy(Strategy):
    """``rl``: run a policy learned in the RL environment (``patrolsim rl-train`` writes one).

    Rule: at node u, state (u, j, c) with j the most idle neighbour by the team board (ties: the first
    in the map's order) and c whether another robot stands at or heads to it; move to the neighbour
    with the largest learned value q[u, j, c, .] (ties: the first). The policy file
    (``strategy.policy``, an ``.npz`` of arrays, never a pickle) runs only on the map it learned on.
    Each decision is taken from the node the agent stands at, so a team change needs no re-plan (a
    failed robot standing at a neighbour still counts as another robot there).
    """

    name = "rl"
    summary = "a learned policy (.npz of Q-values from 'patrolsim rl-train'), strategy.policy = PATH"
    params = {"policy": Param("", "the policy file (.npz) 'patrolsim rl-train' writes", file=True)}

    def setup(self, view: TeamView) -> None:
        path = self.values["policy"]
        if not path:
            raise StrategyError(
                "strategy 'rl' needs a policy file: --set strategy.policy=PATH (an .npz 'patrolsim rl-train' writes)",
                key=KEY,
            )
        self.policy = load_policy(path)
        self.policy.check_map(view.map, path)
        self._indptr, self._indices = view.map.indptr, view.map.indices

    def decide(self, agent: int, node: int, t: float, view: TeamView) -> int:
        lo, hi = int(self._indptr[node]), int(self._indptr[node + 1])
        neighbours = self._indices[lo:hi]
        idle = observed_idleness(t, view.last_seen()[neighbours], self.policy.idleness_scale_s)
        j, c = q_state(idle, hi - lo, neighbours, view.agent_nodes())
        return int(neighbours[best_action(self.policy.q[node, j, c], hi - lo)])
