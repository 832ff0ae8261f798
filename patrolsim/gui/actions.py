"""Actions: what every key and panel widget of the window does (mixed into :class:`App`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pygame

from ..errors import UserError
from ..scenario import Scenario
from . import palette as P
from .catalogue import load_entry
from .export import export_all
from .recorder import Recorder, capture_name, save_screenshot
from .session import Session, speed_label, with_changes
from .settings import apply_settings

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.simulation import Simulation
    from .map_view import Layers, MapView
    from .panel import Panel
    from .route_editor import RouteEditor


class Actions:
    """``do_<name>`` methods run by :meth:`act` (names in help.CONTROLS / panel.BUTTONS); they use the
    App's sessions, views, layers, panel and status line."""

    # what the App provides (declared here for the type checker)
    sessions: list[Session]
    views: list[MapView]
    layers: Layers
    panel: Panel
    screen: pygame.Surface
    catalogue: dict[str, Path]
    captures: Path
    strategy_names: list[str]
    file_params: dict[str, dict]
    heat_lock: float | None
    recorder: Recorder | None
    show_help: bool
    editor: RouteEditor

    if TYPE_CHECKING:  # pragma: no cover

        @property
        def comparing(self) -> bool: ...

        def say(self, message: str) -> None: ...

        def set_up(self, scenarios: list[Scenario], what: str) -> list[Simulation] | None: ...

        def layer_can_show(self, layer: str) -> bool: ...

        def _layout_views(self) -> None: ...

        def _view_at(self, px: int, py: int) -> int | None: ...

    # ------------------------------------------------------------------ actions
    def act(self, name: str) -> None:
        """Run the action ``name`` (see help.CONTROLS / panel.BUTTONS)."""
        getattr(self, "do_" + name)()
        self.panel.sync()

    def do_toggle_pause(self) -> None:
        paused = not self.sessions[0].paused
        for s in self.sessions:
            s.paused = paused
        self.say("paused" if self.sessions[0].paused else f"playing at {speed_label(self.sessions[0].speed)}")

    def do_step(self) -> None:
        first = self.sessions[0]
        first.step()
        for s in self.sessions[1:]:
            s.paused = True
            s.catch_up(first.sim.now, math.inf)
        self.say(f"stepped to {P.clock_label(first.sim.now)} ({first.sim.now:.2f} s)")

    def set_speed(self, speed: float) -> None:
        for s in self.sessions:
            s.speed = speed
        self.say(
            f"speed {speed_label(speed)}"
            + (" (as fast as possible)" if math.isinf(speed) else " (simulated seconds per second)")
        )
        self.panel.build()

    def do_faster(self) -> None:
        self.sessions[0].faster(+1)
        self.set_speed(self.sessions[0].speed)

    def do_slower(self) -> None:
        self.sessions[0].faster(-1)
        self.set_speed(self.sessions[0].speed)

    def set_strategy(self, name: str) -> None:
        if name == "route" and self.sessions[0].scenario.strategy_name != "route":
            self.editor.toggle()  # the route strategy runs the planner's routes: draw them first
            return
        try:
            scenario = with_changes(self.sessions[0].scenario, strategy=name, params=self.file_params.get(name))
        except UserError as exc:
            self.say(f"cannot use strategy '{name}': {exc}")
            return
        if self._rebuild([scenario], f"setting up {name}", f"cannot use strategy '{name}'"):
            self.say(f"strategy {self.sessions[0].strategy_names}; run restarted")
            self._after_restart()

    def _rebuild(self, scenarios: list[Scenario], what: str, failed: str | None = None) -> bool:
        """Start fresh runs of ``scenarios`` in the first sessions (adding sessions when there are more
        scenarios), set up while the window shows progress (:meth:`App.set_up`); the runs shown so far
        stay when the set-up fails (a message ``failed: why``) or the user cancels it."""
        try:
            sims = self.set_up(scenarios, what)
        except UserError as exc:
            self.say(f"{failed or what}: {exc}")
            return False
        if sims is None:
            return False
        first = self.sessions[0]
        for k, (sc, sim) in enumerate(zip(scenarios, sims)):
            if k < len(self.sessions):
                self.sessions[k].load(sc, sim)
            else:
                self.sessions.append(Session(sc, speed=first.speed, paused=first.paused, sim=sim))
        return True

    def do_next_strategy(self, step: int = 1) -> None:
        names = self.strategy_names
        cur = self.sessions[0].scenario.strategy_name
        i = names.index(cur) if cur in names else -1
        self.set_strategy(names[(i + step) % len(names)])

    def do_previous_strategy(self) -> None:
        self.do_next_strategy(-1)

    def _restart_all(self, message: str, **changes) -> None:
        try:
            scenarios = [with_changes(s.scenario, **changes) for s in self.sessions]
        except UserError as exc:
            self.say(str(exc))
            return
        if self._rebuild(scenarios, "restarting", "cannot restart"):
            self.say(message)
            self._after_restart()

    def _after_restart(self) -> None:
        self._layout_views()
        self.panel.build()

    def do_restart(self) -> None:
        self._restart_all("run restarted (same seed)")

    def do_new_seed(self) -> None:
        seed = int(np.random.default_rng(self.sessions[0].scenario.seed).integers(1, 1_000_000))
        self._restart_all(f"restarted with seed {seed}", seed=seed)

    def do_add_agent(self) -> None:
        n = self.sessions[0].sim.state.n_agents + 1
        self._restart_all(f"{n} agents; run restarted", count=n)

    def do_remove_agent(self) -> None:
        n = self.sessions[0].sim.state.n_agents - 1
        if n < 1:
            self.say("at least one agent is needed")
            return
        self._restart_all(f"{n} agents; run restarted", count=n)

    def _toggle(self, attr: str, what: str) -> None:
        setattr(self.layers, attr, not getattr(self.layers, attr))
        self.say(f"{what} {'on' if getattr(self.layers, attr) else 'off'}")

    def do_toggle_heat(self) -> None:
        self._toggle("heat", "heat map")

    def do_toggle_ledger(self) -> None:
        self._toggle("ledger", "fairness ledger")
        if self.layers.ledger and not self.layer_can_show("ledger"):
            self.say("fairness ledger on, but this run has no incidents and no risk weights to show")

    def do_toggle_heat_lock(self) -> None:
        """Lock the heat scale at the current worst idleness (rounded up), or go back to the fixed scale."""
        if self.heat_lock is None:
            worst = max(float(s.sim.idleness().max()) for s in self.sessions)
            self.heat_lock = P.nice_ceiling(worst)
            self.say(
                f"heat scale locked at 0 ... {P.duration_label(self.heat_lock)} (K: back to the run's fixed scale)"
            )
        else:
            self.heat_lock = None
            scale = P.duration_label(self.sessions[0].heat_scale())
            self.say(f"heat scale fixed for the run: 0 ... {scale} (twice the team's sweep time)")

    def do_toggle_paths(self) -> None:
        self._toggle("paths", "planned paths")

    def do_toggle_discs(self) -> None:
        self._toggle("discs", "sensing discs")
        if self.layers.discs and not self.layer_can_show("discs"):
            self.say("sensing discs on, but this scenario's sensing radius is 0 m: agents see only their node")

    def do_toggle_labels(self) -> None:
        self._toggle("labels", "labels")

    def do_toggle_regions(self) -> None:
        self._toggle("regions", "regions")
        if self.layers.regions and not self.layer_can_show("regions"):
            self.say(f"regions on, but '{self.sessions[0].scenario.strategy_name}' does not partition the map")

    def do_apply_settings(self) -> None:
        """Restart with the Settings tab's edits (in compare mode the strategy's parameters apply to the
        first run, the blue one, and the team and incident settings to both)."""
        try:
            edits = self.panel.edits()
            if not edits:
                self.say("nothing changed in Settings")
                return
            shared = {k: v for k, v in edits.items() if not k.startswith("strategy.")}
            scenarios = [apply_settings(self.sessions[0].scenario, edits)]
            scenarios += [apply_settings(s.scenario, shared) for s in self.sessions[1:]]
        except UserError as exc:
            self.say(f"not applied: {exc}")
            return
        if not self._rebuild(scenarios, "applying the settings", "not applied"):
            return
        self.say("applied " + ", ".join(f"{k} = {v}" for k, v in edits.items()) + "; run restarted")
        self._after_restart()

    def do_route_editor(self) -> None:
        self.editor.toggle()

    def do_reset_settings(self) -> None:
        self.panel.build()
        self.say("settings show the current run's values")

    def do_fit(self) -> None:
        for v in self.views:
            v.cam.fit()

    def do_help(self) -> None:
        self.show_help = not self.show_help

    def do_quit(self) -> None:
        self.running = False

    # -------------------------------------------------------------- maps, scenarios, compare
    def open_entry(self, label: str) -> None:
        """Open a shipped scenario or map by its catalogue label."""
        try:
            scenario = load_entry(self.catalogue[label])
        except UserError as exc:
            self.say(str(exc))
            return
        scenarios = [scenario] + [self._twin(scenario) for _ in self.sessions[1:]]
        if self._rebuild(scenarios, f"opening {label}", f"cannot open {label}"):
            self.current_label = label
            self.say(f"opened {label}")
            self._after_restart()

    def do_open_next(self) -> None:
        labels = list(self.catalogue)
        i = labels.index(self.current_label) if self.current_label in labels else -1
        self.open_entry(labels[(i + 1) % len(labels)])

    def set_compare_strategy(self, name: str) -> None:
        self.compare_strategy = name
        if not self.comparing:
            self.say(f"compare mode will use '{name}' (press C)")
            return
        self.sessions = self.sessions[:1]
        self.do_toggle_compare()

    def do_toggle_compare(self) -> None:
        if self.comparing:
            self.sessions = self.sessions[:1]
            self.say("compare mode off")
        else:
            first = self.sessions[0]
            scenarios = [first.scenario, self._twin(first.scenario)]
            what = f"setting up {self.compare_strategy} beside {first.scenario.strategy_name}"
            if not self._rebuild(scenarios, what, "no compare mode"):
                return
            self.say(
                f"compare mode: {first.scenario.strategy_name} (blue) vs {self.compare_strategy} (orange), "
                "same map, seed and incidents; both restarted"
            )
        self.views = []
        self._after_restart()

    def _twin(self, scenario: Scenario) -> Scenario:
        """``scenario`` run by the compare mode's strategy (with the parameters it was started with when it
        is a strategy that needs a file, such as a learned policy)."""
        return twin(scenario, self.compare_strategy, self.file_params.get(self.compare_strategy))

    def _other_strategy(self, name: str) -> str:
        """The compare mode's default second strategy: one that behaves visibly differently from
        ``name`` (on a uniform grid hcr moves exactly as cr does)."""
        others = [n for n in self.strategy_names if n != name]
        return next((n for n in COMPARE_DEFAULTS if n in others), others[0])

    # -------------------------------------------------------------- mouse actions
    def click_incident(self, pos: tuple[int, int]) -> None:
        """Report a priority-1 call at the node under ``pos`` in every session (both in compare mode)."""
        k = self._view_at(*pos)
        node = None if k is None else self.views[k].node_at(*pos)
        if node is None:
            self.say("no node here (a wall or empty space): click a free cell or a street node to report a call")
            return
        for s in self.sessions:
            s.incidents.add(node)
        self.say(
            f"call reported at node {self.sessions[0].sim.map.node_label(node)} "
            f"at {P.clock_label(self.sessions[0].sim.now)}: the nearest robot responds"
        )

    def move_start(self, agent: int, pos: tuple[int, int]) -> None:
        """Drop ``agent``'s start on the node under ``pos`` and restart."""
        k = self._view_at(*pos)
        node = None if k is None else self.views[k].node_at(*pos)
        if node is None:
            self.say("drop an agent on a free cell or a node to move its start")
            return
        starts = [int(x) for x in self.sessions[0].sim.starts]
        starts[agent] = node
        self._restart_all(
            f"agent {agent} now starts at node {self.sessions[0].sim.map.node_label(node)}; run restarted",
            starts=tuple(starts),
        )

    # -------------------------------------------------------------- captures
    def do_screenshot(self) -> None:
        path = save_screenshot(self.screen, capture_name(self.captures, ".png"))
        self.say(f"screenshot saved to {path}")

    def do_export(self) -> None:
        """Write the run's JSON and CSV (as `patrolsim run` would) and the scenario TOML to captures/."""
        stem = capture_name(self.captures, ".json").with_suffix("")
        try:
            export_all(self.sessions[0], stem)
        except (UserError, OSError) as exc:
            self.say(f"export failed: {exc}")
            return
        self.say(f"exported {stem}.json, {stem.name}_*.csv, {stem.name}.toml ('patrolsim run' reruns the .toml)")

    def _record(self, kind: str) -> None:
        if self.recorder is not None:
            was = self.recorder.kind
            self._stop_recording()
            if was == kind:
                return
        try:
            self.recorder = Recorder(capture_name(self.captures, "." + kind))
        except RuntimeError as exc:
            self.say(str(exc))
            return
        self.say(f"recording {kind.upper()} to {self.recorder.path}; press {'V' if kind == 'gif' else 'M'} to stop")

    def _stop_recording(self) -> None:
        rec, self.recorder = self.recorder, None
        if rec is None:
            return
        path = rec.finish()
        self.say(f"{rec.kind.upper()} of {rec.frames} frames saved to {path}")
        self.panel.sync()

    def do_record_gif(self) -> None:
        self._record("gif")

    def do_record_mp4(self) -> None:
        self._record("mp4")


#: compare defaults in order of preference: a partition strategy next to a reactive one, and back
COMPARE_DEFAULTS = ("msp", "cr")


def twin(scenario: Scenario, strategy: str, params: dict | None = None) -> Scenario:
    """The same scenario (map, seed, team, incidents) run by another strategy (with ``params``)."""
    return with_changes(scenario, strategy=strategy, params=params)
