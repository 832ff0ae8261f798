"""The strategy registry: built-in names, plugins from the ``patrolsim.strategies`` entry-point
group, and ``package.module:ClassName`` references (imported only when named)."""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from ..errors import StrategyError, did_you_mean
from .base import Strategy

ENTRY_POINT_GROUP = "patrolsim.strategies"

#: name -> "module:Class" of the built-in strategies
BUILTIN: dict[str, str] = {
    "random": "patrolsim.strategies.reactive:RandomWalk",
    "cr": "patrolsim.strategies.reactive:ConscientiousReactive",
    "hcr": "patrolsim.strategies.reactive:HeuristicConscientiousReactive",
    "hpcc": "patrolsim.strategies.cognitive:HeuristicPathfinderCC",
    "cgg": "patrolsim.strategies.cyclic:CyclicStrategy",
    "msp": "patrolsim.strategies.partition:PartitionStrategy",
    "gbs": "patrolsim.strategies.bayesian:GreedyBayesian",
    "sebs": "patrolsim.strategies.bayesian:StateExchangeBayesian",
    "cbls": "patrolsim.strategies.bayesian:ConcurrentBayesianLearning",
    "dtag": "patrolsim.strategies.auction:GreedyTaskAssignment",
    "dtap": "patrolsim.strategies.auction:AuctionPartition",
}


def _plugins() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _import(ref: str, name: str) -> type[Strategy]:
    module, _, attr = ref.partition(":")
    try:
        cls = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise StrategyError(f"cannot import strategy '{name}' from '{ref}' ({exc})") from None
    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        raise StrategyError(f"'{ref}' is not a patrolsim Strategy subclass")
    return cls


def strategy_class(name: str) -> type[Strategy]:
    """The Strategy class for a built-in or plugin name, or a 'package.module:ClassName' reference."""
    if name in BUILTIN:
        return _import(BUILTIN[name], name)
    plugins = _plugins()
    if name in plugins:
        return _import(plugins[name], name)
    if ":" in name:
        return _import(name, name)
    known = sorted(BUILTIN) + sorted(plugins)
    raise StrategyError(f"unknown strategy '{name}'{did_you_mean(name, known)}; "
                        f"run 'patrolsim strategies' to list them")


def available() -> list[tuple[str, str, str]]:
    """(name, one-line summary, source) of every registered strategy, built-ins first."""
    rows = [(n, strategy_class(n).summary, "built-in") for n in BUILTIN]
    for name, ref in sorted(_plugins().items()):
        if name not in BUILTIN:
            try:
                rows.append((name, _import(ref, name).summary, f"plugin {ref}"))
            except StrategyError as exc:
                rows.append((name, f"(broken plugin: {exc})", f"plugin {ref}"))
    return rows
