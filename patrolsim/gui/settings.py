"""What the window's Settings tab lets a user change: every parameter of the current strategy (from its
own :class:`~patrolsim.strategies.base.Param` specs) and a few scenario keys (team size, speed, sensing
radius, incident rate, dispatch policy), each with its one-line description and range; and applying
the edits to a scenario. No pygame here.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from typing import Any

from ..errors import UserError
from ..incidents.spec import POLICIES
from ..scenario import SCHEMA, Scenario, scenario_from_dict
from ..strategies import strategy_class
from .session import with_changes


@dataclass(frozen=True)
class Setting:
    """One editable value: its dotted scenario key, label, description, range text, current value and
    (for a list of options) its choices."""

    key: str
    label: str
    help: str
    range: str
    value: Any
    choices: tuple = ()

    def parse(self, text: str) -> Any:
        """The typed value of ``text`` (the type of the current value); a UserError naming the key."""
        text = text.strip()
        kind = type(self.value)
        try:
            if kind is bool:
                if text.lower() not in ("true", "false"):
                    raise ValueError
                return text.lower() == "true"
            if kind is int:
                return int(text)
            if kind is float:
                return float(text)
            if kind is list:
                value = tomllib.loads(f"v = {text}")["v"]
                if not isinstance(value, list):
                    raise ValueError
                return value
        except (ValueError, tomllib.TOMLDecodeError):
            raise UserError(f"{self.key}: expected {_type_word(kind)}, got {text!r}", key=self.key) from None
        return text


def _type_word(kind: type) -> str:
    words = {bool: "true or false", int: "a whole number", float: "a number", list: "a list such as [1, 2]"}
    return words.get(kind, "a word")


def strategy_description(name: str) -> tuple[str, str]:
    """(what the strategy does, where it comes from): its one-line summary and the first paragraph of
    its class docstring."""
    cls = strategy_class(name)
    doc = " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())
    return cls.summary, doc.replace("``", "")


def settings_of(sc: Scenario) -> list[Setting]:
    """The Settings tab's rows for scenario ``sc``: the strategy's parameters, then the team's and
    (when the scenario has incidents) the incident rate and the dispatch policy."""
    cls = strategy_class(sc.strategy_name)
    values = cls.validate_params(dict(sc.strategy_params))
    rows = [
        Setting(f"strategy.{k}", k, p.help, _param_range(p), values[k], tuple(p.choices or ()))
        for k, p in cls.params.items()
    ]
    agents = SCHEMA["agents"]
    rows += [
        Setting("agents.count", "team size", agents["count"].help, agents["count"].expect, sc.agents.count),
        Setting(
            "agents.speed",
            "speed (m/s)",
            "metres per second, the same for every agent"
            + ("" if len(set(sc.agents.speeds)) == 1 else " (now one per agent; this sets all)"),
            "> 0",
            float(sc.agents.speeds[0]),
        ),
        Setting(
            "agents.sensing_radius",
            "sensing radius (m)",
            agents["sensing_radius"].help,
            agents["sensing_radius"].expect,
            float(sc.agents.sensing_radius),
        ),
    ]
    if sc.incidents is not None and sc.incidents.stream != "none":
        inc, dis = SCHEMA["incidents"], SCHEMA["dispatch"]
        rows.append(
            Setting(
                "incidents.rate_per_hour",
                "incidents per hour",
                inc["rate_per_hour"].help,
                inc["rate_per_hour"].expect,
                float(sc.incidents.rate_per_hour),
            )
        )
        if sc.dispatch is not None:
            rows.append(
                Setting("dispatch.policy", "dispatch policy", dis["policy"].help, "", sc.dispatch.policy, POLICIES)
            )
    return rows


def _param_range(p) -> str:
    if p.choices:
        return "one of " + ", ".join(str(c) for c in p.choices)
    low = "" if p.low is None else f"{p.low:g}"
    high = "" if p.high is None else f"{p.high:g}"
    if low and high:
        return f"{low} ... {high}"
    return f">= {low}" if low else (f"<= {high}" if high else "")


def apply_settings(sc: Scenario, edits: dict[str, Any]) -> Scenario:
    """``sc`` with the typed ``edits`` (dotted key -> value), validated as a scenario file would be (a
    UserError naming the key otherwise); the map is shared and the start nodes are kept."""
    edits = dict(edits)
    count = edits.pop("agents.count", sc.agents.count)
    new = sc
    if edits:
        new = scenario_from_dict(sc.data, source=sc.source, overrides=edits, pmap=sc.map)
        new = dataclasses.replace(new, map_path=sc.map_path, source=sc.source)
    if not isinstance(sc.agents.starts, str):
        new = with_changes(new, starts=sc.agents.starts)
    return with_changes(new, count=count)
