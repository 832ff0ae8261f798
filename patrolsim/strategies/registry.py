"""The strategy registry: built-in names, plugins from the ``patrolsim.strategies`` entry-point
group, and ``package.module:ClassName`` references (imported only when named)."""

from __future__ import annotations

import importlib

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
    "risk": "patrolsim.strategies.policing:RiskWeighted",
    "proportional": "patrolsim.strategies.policing:ProportionalWalk",
    "hotspot-dwell": "patrolsim.strategies.policing:HotspotDwell",
    "posts": "patrolsim.strategies.policing:Posts",
    "route": "patrolsim.strategies.route:RouteStrategy",
}
#: name -> "module:Class" of the built-in strategies that run only with a file a parameter names (a learned
#: policy); kept apart from BUILTIN, every one of which runs with its defaults on any map
WITH_FILES: dict[str, str] = {"rl": "patrolsim.strategies.learned:LearnedPolicy"}


def _plugins() -> dict[str, str]:
    from importlib.metadata import entry_points  # ~20 ms: only when a name is not built in

    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _import(ref: str, name: str) -> type[Strategy]:
    """Import the class a 'package.module:ClassName' reference names; one-line StrategyError if not."""
    module, _, attr = ref.partition(":")
    if not module or not attr or not all(part.isidentifier() for part in module.split(".") + [attr]):
        raise StrategyError(f"strategy reference '{ref}' is malformed; expected 'package.module:ClassName'")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise StrategyError(
            f"cannot import strategy '{name}': no module named '{exc.name}' "
            "(is its folder on PYTHONPATH, or its package installed?)"
        ) from None
    except Exception as exc:  # the plugin's own code failed while importing
        raise StrategyError(
            f"cannot import strategy '{name}': importing module '{module}' raised {type(exc).__name__}: {exc}"
        ) from None
    cls = getattr(mod, attr, None)
    if cls is None:
        classes = [k for k, v in vars(mod).items() if isinstance(v, type) and issubclass(v, Strategy)]
        raise StrategyError(
            f"cannot import strategy '{name}': module '{module}' has no class '{attr}'{did_you_mean(attr, classes)}"
        )
    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        raise StrategyError(f"'{ref}' is not a patrolsim Strategy subclass (subclass patrolsim.strategies.Strategy)")
    return cls


def strategy_class(name: str) -> type[Strategy]:
    """The Strategy class for a built-in or plugin name, or a 'package.module:ClassName' reference."""
    if name in BUILTIN or name in WITH_FILES:
        return _import({**BUILTIN, **WITH_FILES}[name], name)
    plugins = _plugins()
    if name in plugins:
        return _import(plugins[name], name)
    if ":" in name:
        return _import(name, name)
    known = sorted(BUILTIN) + sorted(WITH_FILES) + sorted(plugins)
    raise StrategyError(
        f"unknown strategy '{name}'{did_you_mean(name, known)}; run 'patrolsim strategies' to list them"
    )


def available() -> list[tuple[str, str, str]]:
    """(name, one-line summary, source) of every registered strategy, built-ins first."""
    rows = [(n, strategy_class(n).summary, "built-in") for n in [*BUILTIN, *WITH_FILES]]
    for name, ref in sorted(_plugins().items()):
        if name not in BUILTIN and name not in WITH_FILES:
            try:
                rows.append((name, _import(ref, name).summary, f"plugin {ref}"))
            except StrategyError as exc:
                rows.append((name, f"(broken plugin: {exc})", f"plugin {ref}"))
    return rows
