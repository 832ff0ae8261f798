"""The window's route editor (W): planners draw the robots' routes on the map and see what a lap takes.

While it is open the run is paused and the map shows every route in its robot's colour, along its
shortest paths, with arrows for the direction and numbered waypoints. A click on a robot selects it (its
route is the one edited: its own, or route 0, which every robot without one shares); a click on a node
adds a waypoint to that route, dragging a waypoint moves it, a right-click deletes it. The panel shows the
route's lap (length and time) and the expected worst idleness on it (lap / robots sharing it), sets the
selected waypoint's dwell and the routes' mode, and has Save (the scenario TOML with the routes, which
`patrolsim run` reproduces exactly, to captures/) and Done (W: run the routes). The working copy is a
:class:`patrolsim.gui.routes.RouteDraft`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu, UITextEntryLine

from ..errors import UserError
from ..strategies.route_plan import MODES
from . import palette as P
from .export import scenario_toml
from .recorder import capture_name
from .routes import RouteDraft

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario
    from .panel import Panel

WAYPOINT_PX = 8  # radius of a waypoint marker
HIT_PX = 12  # how near a click must be to a waypoint marker to take it
ARROW_PX = 9  # length of a direction arrow
ARROW_AT = 0.4  # where along each leg its arrow sits (out and back legs get theirs apart)
DRAG_PX = 4
HELP = (
    "click a robot: edit its route; click a node: add a waypoint; drag a waypoint: move it; "
    "right-click a waypoint: delete it. Robots without a route of their own share route 0."
)


class RouteEditor:
    """Edits the routes of the window's (left) run; see the module docstring. ``app`` is the App."""

    def __init__(self, app) -> None:
        self.app = app
        self.draft: RouteDraft | None = None
        self._press: dict | None = None
        self.buttons: dict[str, UIButton] = {}
        self.robot_list: UIDropDownMenu | None = None
        self.mode_list: UIDropDownMenu | None = None
        self.dwell_entry: UITextEntryLine | None = None
        self._layers = (True, True)  # the heat and paths layers as they were before the editor opened

    @property
    def active(self) -> bool:
        return self.draft is not None

    # ------------------------------------------------------------------ opening, applying, saving
    def toggle(self) -> None:
        """Open the editor on the run's routes (pausing it), or close it running the edited routes."""
        app = self.app
        if self.draft is not None:
            self.done()
            return
        try:
            self.draft = RouteDraft(app.sessions[0].scenario)
        except UserError as exc:
            app.say(f"cannot edit these routes: {exc}")
            return
        for s in app.sessions:
            s.paused = True
        # the routes on the plain map: the heat map and the robots' own plans would hide them
        self._layers = (app.layers.heat, app.layers.paths)
        app.layers.heat = app.layers.paths = False
        app.say("route editor: " + HELP.split(".")[0] + "; Done (W) runs the routes")
        app.panel.build()

    def _close(self) -> None:
        self.draft = None
        self.app.layers.heat, self.app.layers.paths = self._layers
        self.app.panel.build()

    def done(self) -> None:
        """Run the edited routes (restarting the run) and close; with nothing changed just close."""
        app, draft = self.app, self.draft
        assert draft is not None
        if not draft.changed:
            self._close()
            app.say("route editor closed; the routes are as they were")
            return
        if self._run(draft, "routes applied; run restarted (Space plays)"):
            self._close()

    def save(self) -> None:
        """Write the scenario with the edited routes to captures/ and run it; the editor stays open."""
        app, draft = self.app, self.draft
        assert draft is not None
        try:
            scenario = draft.scenario()
        except UserError as exc:
            app.say(f"not saved: {exc}")
            return
        path = capture_name(app.captures, ".toml")
        try:
            path.write_text(scenario_toml(scenario), encoding="utf-8")
        except OSError as exc:
            app.say(f"not saved: cannot write {path} ({exc.strerror})")
            return
        if self._run(draft, f"saved {path} ('patrolsim run {path}' reruns it); the routes run in the window"):
            self.draft = RouteDraft(app.sessions[0].scenario)
            app.panel.build()

    def _run(self, draft: RouteDraft, message: str) -> bool:
        """Restart the window's runs on the draft's routes (the other run of compare mode keeps its strategy)."""
        from .actions import twin

        app = self.app
        try:
            scenario: Scenario = draft.scenario()
        except UserError as exc:
            app.say(f"routes not applied: {exc}")
            return False
        scenarios = [scenario] + [twin(scenario, s.scenario.strategy_name) for s in app.sessions[1:]]
        if not app._rebuild(scenarios, "setting up the routes", "routes not applied"):
            return False
        for s in app.sessions:
            s.paused = True
        app._after_restart()
        app.say(message)
        return True

    def _current(self) -> RouteDraft | None:
        """The draft, or None (and the editor closed) when the run it was made from is gone."""
        draft = self.draft
        if draft is not None and draft.base is not self.app.sessions[0].scenario:
            self._close()
            self.app.say("route editor closed: the run changed (W opens it on this run)")
            return None
        return draft

    # ------------------------------------------------------------------ the map
    def handle(self, event: pygame.event.Event) -> bool:
        """Mouse events on the (left) map while the editor is open; True when it used the event."""
        draft = self._current()
        if draft is None:
            return False
        app = self.app
        if event.type == pygame.MOUSEBUTTONDOWN and app._view_at(*event.pos) == 0 and event.button in (1, 3):
            hit = self._waypoint_at(event.pos)
            if event.button == 3:
                if hit is not None:
                    self._tell(draft.delete(hit))
                return True
            view = app.views[0]
            robot = view.agent_at(*event.pos, app.sessions[0].positions())
            if robot == draft.robot:  # the selected robot's own marker: a waypoint there, or a new one
                robot = None
            self._press = {"start": event.pos, "moved": False, "robot": robot, "waypoint": hit}
            return True
        if event.type == pygame.MOUSEMOTION and self._press is not None:
            press = self._press
            press["moved"] = press["moved"] or math.dist(event.pos, press["start"]) > DRAG_PX
            if press["moved"] and press["waypoint"] is None:
                for v in app.views:
                    v.cam.pan(*event.rel)
            return True
        if event.type == pygame.MOUSEBUTTONUP and self._press is not None:
            press, self._press = self._press, None
            node = app.views[0].node_at(*event.pos)
            if press["waypoint"] is not None and press["moved"]:
                self._tell(draft.move(press["waypoint"], node) if node is not None else "drop a waypoint on a node")
            elif not press["moved"] and press["robot"] is not None:
                draft.select(press["robot"])
                self._tell(self._robot_line(draft))
            elif not press["moved"] and press["waypoint"] is not None:
                draft.waypoint = press["waypoint"]
                self._tell(f"waypoint {draft.waypoint} selected: set its dwell in the panel")
            elif not press["moved"]:
                self._tell(draft.append(node) if node is not None else "no node here: click a free cell or a node")
            return True
        return False

    def _tell(self, message: str) -> None:
        self.app.say(message)
        self.app.panel.build()  # the panel shows the new lap, the selected waypoint's dwell

    def _waypoint_at(self, pos: tuple[int, int]) -> int | None:
        """The selected robot's route's waypoint under ``pos`` (the topmost when they overlap), or None."""
        draft = self.draft
        assert draft is not None
        route = draft.route_of(draft.robot)
        if route is None or not draft.routes[route]:
            return None
        pts = self.app.views[0].cam.to_screen(self.app.sessions[0].sim.map.positions[draft.routes[route]])
        d = np.hypot(*(pts - pos).T)
        near = np.flatnonzero(d <= HIT_PX)
        return int(near[-1]) if near.size else None

    def draw(self, surface: pygame.Surface) -> None:
        """Every route on the (left) map: its walk, direction arrows and numbered waypoints with their dwell."""
        draft = self._current()
        if draft is None:
            return
        view, pmap = self.app.views[0], self.app.sessions[0].sim.map
        colours = P.agent_colours(draft.robots)
        selected = draft.route_of(draft.robot)
        surface.set_clip(pygame.Rect(view.cam.rect))
        order = [r for r in range(len(draft.routes)) if r != selected] + ([selected] if selected is not None else [])
        for r in order:
            if not draft.routes[r]:
                continue
            colour = colours[draft.sharing(r)[0]]
            walk = draft.walks[r]
            pts = view.cam.to_screen(pmap.positions[walk.nodes])
            wide = 4 if r == selected else 2
            if len(pts) > 1:
                pygame.draw.lines(surface, (20, 20, 24), True, pts.tolist(), wide + 3)  # an outline on any map
                pygame.draw.lines(surface, colour, True, pts.tolist(), wide)
                for tip, back in _arrows(pts, walk.stop):
                    _arrow(surface, colour, tip, back)
            for i, node in enumerate(draft.routes[r]):
                x, y = view.cam.to_screen(pmap.positions[node])
                picked = r == selected and i == draft.waypoint
                pygame.draw.circle(surface, (255, 255, 255) if picked else (20, 20, 24), (x, y), WAYPOINT_PX + 2)
                pygame.draw.circle(surface, colour, (x, y), WAYPOINT_PX)
                view.text.draw(surface, str(i), (x, y), 14, (20, 20, 24), "center")
                if draft.dwell[r][i] > 0:
                    label = P.duration_label(draft.dwell[r][i])
                    view.text.draw(surface, label, (x + WAYPOINT_PX + 3, y), 14, (255, 255, 255), "midleft", box=colour)
        surface.set_clip(None)

    # ------------------------------------------------------------------ the panel
    def build_widgets(self, panel: Panel, x0: int, width: int) -> None:
        """The editor's widgets in the panel's read-out area (laid out as :meth:`draw_panel` expects)."""
        draft = self.draft
        assert draft is not None
        m, y = self.app.manager, panel.top_of_readouts + 38 + 24
        robots = [f"robot {a}" for a in range(draft.robots)]
        self.robot_list = panel._dropdown(robots, robots[draft.robot], x0, y, 110)
        self.buttons = {"own": UIButton(panel.rect(x0 + 114, y, 100, 28), "Own route", m, tool_tip_text=OWN_TIP)}
        self.mode_list = panel._dropdown(list(MODES), draft.mode, x0 + 218, y, width - 218)
        y += 32 + 5 * 17 + 4
        route = draft.route_of(draft.robot)
        dwell = "" if draft.waypoint is None or route is None else f"{draft.dwell[route][draft.waypoint]:g}"
        self.dwell_entry = UITextEntryLine(panel.rect(x0 + 150, y, 80, 28), m, initial_text=dwell)
        self.buttons["dwell"] = UIButton(panel.rect(x0 + 234, y, width - 234, 28), "Set dwell", m)
        y += 34
        half = (width - 4) // 2
        self.buttons["save"] = UIButton(panel.rect(x0, y, half, 28), "Save", m, tool_tip_text=SAVE_TIP)
        self.buttons["done"] = UIButton(panel.rect(x0 + half + 4, y, half, 28), "Done (W)", m, tool_tip_text=DONE_TIP)
        panel.widgets += [*self.buttons.values(), self.dwell_entry]

    def draw_panel(self, surface: pygame.Surface, x: int, y: int) -> None:
        """The editor's read-outs: the selected robot's route, its lap and expected worst idleness."""
        draft = self.draft
        assert draft is not None
        text, width = self.app.text, surface.get_width() - 2 * x
        text.draw(surface, "Route editor", (x, y), 19)
        y += 24 + 32
        for line in self._route_lines(draft):
            text.draw(surface, text.fit(line, 16, width), (x, y), 16, P.TEXT)
            y += 17
        y = y + (5 - len(self._route_lines(draft))) * 17 + 4
        waypoint = "no waypoint selected" if draft.waypoint is None else f"waypoint {draft.waypoint} dwell (s)"
        text.draw(surface, text.fit(waypoint, 15, 140), (x, y + 6), 15, P.TEXT_DIM)
        y += 34 + 34
        for line in text.wrap(HELP, 14, width):
            text.draw(surface, line, (x, y), 14, P.TEXT_DIM)
            y += 15

    def _route_lines(self, draft: RouteDraft) -> list[str]:
        route = draft.route_of(draft.robot)
        if route is None:
            return ["no routes yet: click nodes to add robot 0's waypoints"]
        metres, seconds = draft.lap(draft.robot)
        share = draft.sharing(route)
        count = len(draft.routes[route])
        lines = [
            self._robot_line(draft),
            f"{count} waypoint{'s' * (count != 1)}, mode {draft.mode}",
            f"lap {metres:,.0f} m in {P.seconds_label(seconds)}" if count > 1 or seconds > 0 else "lap: add waypoints",
        ]
        if seconds > 0:
            lines.append(f"expected worst idleness {P.seconds_label(draft.expected_worst(draft.robot))}")
            lines.append(f"(lap / {len(share)} robot{'s' * (len(share) != 1)} on it, evenly spaced)")
        return lines

    @staticmethod
    def _robot_line(draft: RouteDraft) -> str:
        route = draft.route_of(draft.robot)
        if route is None:
            return f"robot {draft.robot}: no route yet"
        others = [a for a in draft.sharing(route) if a != draft.robot]
        shared = f", shared with robot{'s' * (len(others) != 1)} {', '.join(map(str, others))}" if others else ""
        return f"robot {draft.robot}: route {route}{shared}"

    def handle_widget(self, event: pygame.event.Event) -> bool:
        """The editor's panel widgets; True when the event was one of theirs."""
        draft = self.draft
        if draft is None:
            return False
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED and event.ui_element is self.robot_list:
            draft.select(int(event.text.split()[-1]))
            self._tell(self._robot_line(draft))
            return True
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED and event.ui_element is self.mode_list:
            draft.set_mode(event.text)
            self._tell(f"routes go {event.text}")
            return True
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return False
        key = next((k for k, b in self.buttons.items() if event.ui_element is b), None)
        if key == "own":
            self._tell(draft.own_route())
        elif key == "dwell":
            assert self.dwell_entry is not None
            try:
                raw = self.dwell_entry.get_text().strip()
                try:
                    seconds = float(raw)
                except ValueError:
                    raise UserError(f"dwell: expected seconds, got {raw!r}") from None
                self._tell(draft.set_dwell(seconds))
            except UserError as exc:
                self.app.say(str(exc))
        elif key == "save":
            self.save()
        elif key == "done":
            self.done()
        return key is not None


OWN_TIP = "Give the selected robot a route of its own (robots without one share route 0)"
SAVE_TIP = "Write the scenario with these routes to captures/ ('patrolsim run' reproduces it) and run it"
DONE_TIP = "Run these routes (restarts the run) and close the editor (W)"


def _arrows(pts: np.ndarray, stop: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(tip, tail direction) of one arrow per leg of a closed walk (screen points; legs run stop to stop),
    :data:`ARROW_AT` of the way along it."""
    n = len(pts)
    stops = np.flatnonzero(stop).tolist()
    out = []
    for k, first in enumerate(stops):
        last = stops[(k + 1) % len(stops)] + (n if k + 1 == len(stops) else 0)
        leg = pts[np.arange(first, last + 1) % n]
        steps = np.hypot(*np.diff(leg, axis=0).T)
        total = float(steps.sum())
        if total < 3 * ARROW_PX:
            continue
        at = ARROW_AT * total
        i = int(np.searchsorted(np.cumsum(steps), at))
        i = min(i, len(steps) - 1)
        before = float(np.cumsum(steps)[i] - steps[i])
        unit = (leg[i + 1] - leg[i]) / max(steps[i], 1e-9)
        out.append((leg[i] + unit * (at - before), unit))
    return out


def _arrow(surface: pygame.Surface, colour, tip: np.ndarray, unit: np.ndarray) -> None:
    side = np.array([-unit[1], unit[0]]) * ARROW_PX * 0.55
    base = tip - unit * ARROW_PX
    points = [tip.tolist(), (base + side).tolist(), (base - side).tolist()]
    pygame.draw.polygon(surface, colour, points)
    pygame.draw.polygon(surface, (20, 20, 24), points, 1)
