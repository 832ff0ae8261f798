"""App: the window's main loop, its layout, and every user action (keys and panel widgets share them)."""
from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pygame
import pygame_gui

from .. import jit
from ..errors import UserError
from ..scenario import Scenario
from ..strategies import available
from . import palette as P
from .catalogue import catalogue, label_for, load_entry
from .help import draw_help
from .map_view import Layers, MapView
from .panel import PANEL_W, SIDE_COLOURS, Panel
from .recorder import Recorder, capture_name, save_screenshot
from .session import Session, speed_label, with_changes
from .text import Text

FPS = 60
SIM_BUDGET_S = 0.008      # wall seconds of simulation work per frame
CLICK_SLOP_PX = 4

KEYS: dict[int, str] = {
    pygame.K_SPACE: "toggle_pause", pygame.K_PERIOD: "step", pygame.K_RIGHT: "step",
    pygame.K_PLUS: "faster", pygame.K_EQUALS: "faster", pygame.K_KP_PLUS: "faster",
    pygame.K_MINUS: "slower", pygame.K_KP_MINUS: "slower", pygame.K_TAB: "next_strategy",
    pygame.K_r: "restart", pygame.K_n: "new_seed", pygame.K_a: "add_agent", pygame.K_x: "remove_agent",
    pygame.K_h: "toggle_heat", pygame.K_p: "toggle_paths", pygame.K_d: "toggle_discs",
    pygame.K_l: "toggle_labels", pygame.K_g: "toggle_regions", pygame.K_o: "open_next",
    pygame.K_c: "toggle_compare", pygame.K_s: "screenshot", pygame.K_v: "record_gif",
    pygame.K_m: "record_mp4", pygame.K_f: "fit", pygame.K_F1: "help", pygame.K_QUESTION: "help",
    pygame.K_SLASH: "help", pygame.K_q: "quit",
}


class App:
    """The desktop window on one scenario (two sessions side by side in compare mode)."""

    STATUS_H = 26

    def __init__(self, scenario: Scenario, *, size: tuple[int, int] = (1280, 800), compare: str | None = None,
                 captures: Path = Path("captures"), speed: float = 10.0) -> None:
        jit.use_compiled()  # the window runs open-ended and up to x1000: always worth compiling
        pygame.display.init()
        pygame.font.init()
        self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        pygame.display.set_caption("patrolsim")
        self.text = Text()
        self.layers = Layers()
        self.captures = captures
        self.strategy_names = [name for name, _, _ in available()]
        self.catalogue = catalogue()
        self.current_label = label_for(scenario, self.catalogue)
        self.compare_strategy = compare or self._other_strategy(scenario.strategy_name)
        self.sessions = [Session(scenario, speed=speed)]
        if compare:
            self.sessions.append(Session(_twin(scenario, compare), speed=speed))
        self.views: list[MapView] = []
        self.recorder: Recorder | None = None
        self.show_help = False
        self.running = True
        self.status, self.status_t = "Press ? or F1 for help. Space plays / pauses.", time.perf_counter()
        self.fps = 0.0
        self._press: dict | None = None
        self.manager = pygame_gui.UIManager(size)
        self._layout_views()
        self.panel = Panel(self)

    # ------------------------------------------------------------------ layout
    @property
    def comparing(self) -> bool:
        return len(self.sessions) > 1

    def map_rect(self) -> pygame.Rect:
        w, h = self.screen.get_size()
        return pygame.Rect(0, 0, max(w - PANEL_W, 100), max(h - self.STATUS_H, 100))

    def _view_rects(self) -> list[tuple[int, int, int, int]]:
        r = self.map_rect()
        if not self.comparing:
            return [tuple(r)]
        half = r.w // 2
        return [(r.x, r.y + 22, half - 2, r.h - 22), (r.x + half + 2, r.y + 22, r.w - half - 2, r.h - 22)]

    def _layout_views(self) -> None:
        rects = self._view_rects()
        if len(self.views) == len(rects) and all(v.map is s.sim.map for v, s in zip(self.views, self.sessions)):
            for v, r in zip(self.views, rects):
                v.cam.resize(r)
        else:
            self.views = [MapView(s.sim.map, r, self.text) for s, r in zip(self.sessions, rects)]

    def resized(self) -> None:
        self.screen = pygame.display.get_surface()
        self.manager.set_window_resolution(self.screen.get_size())
        self._layout_views()
        self.panel.build()

    # ------------------------------------------------------------------ the loop
    def run(self, *, screenshot_after: tuple[float, Path] | None = None, max_frames: int | None = None) -> int:
        """Run until the window is closed (or a scripted screenshot is taken / ``max_frames`` drawn)."""
        clock = pygame.time.Clock()
        started, frames = time.perf_counter(), 0
        while self.running:
            dt = min(clock.tick(FPS) / 1000.0, 0.1)
            self.frame(dt)
            frames += 1
            self.fps = clock.get_fps()
            if screenshot_after and time.perf_counter() - started >= screenshot_after[0]:
                save_screenshot(self.screen, screenshot_after[1])
                print(f"screenshot saved to {screenshot_after[1]}")
                break
            if max_frames is not None and frames >= max_frames:
                break
        self.close()
        return 0

    def frame(self, dt: float, events: list | None = None) -> None:
        """One frame: handle events, advance the simulation by ``dt`` wall seconds, draw, record."""
        for event in pygame.event.get() if events is None else events:
            self.handle(event)
        self.manager.update(dt)
        self.tick(dt)
        self.draw()
        if self.recorder is not None and not self.recorder.capture(self.screen):
            self._stop_recording()
        pygame.display.flip()

    def tick(self, dt: float) -> None:
        first = self.sessions[0]
        ended = first.reached_end
        first.tick(dt, SIM_BUDGET_S / len(self.sessions))
        for other in self.sessions[1:]:
            other.paused = first.paused
            other.catch_up(first.sim.now, SIM_BUDGET_S / 2)
        if first.reached_end and not ended:
            self.say(f"reached the scenario's duration ({P.clock_label(first.scenario.duration)}); "
                     "press Space to keep going")
            self.panel.sync()

    def close(self) -> None:
        if self.recorder is not None:
            self._stop_recording()
        pygame.display.quit()

    # ------------------------------------------------------------------ drawing
    def draw(self) -> None:
        if self.comparing:
            self.screen.fill(P.BACKGROUND, self.map_rect())
        colours = P.agent_colours(self.sessions[0].sim.state.n_agents)
        for k, (view, s) in enumerate(zip(self.views, self.sessions)):
            view.draw(self.screen, s, self.layers, colours)
            if self.comparing:
                x, y, w, _ = view.cam.rect
                self.text.draw(self.screen, self.text.fit(s.strategy_names, 19, w - 16), (x + 8, y - 20), 19,
                               SIDE_COLOURS[k])
        if self._press and self._press.get("agent") is not None and self._press["moved"]:
            pygame.draw.circle(self.screen, colours[self._press["agent"]], self._press["pos"], 9, 3)
        self.panel.draw(self.screen)
        self.manager.draw_ui(self.screen)
        self._draw_status()
        if self.show_help:
            draw_help(self.screen, self.text)

    def _draw_status(self) -> None:
        w, h = self.screen.get_size()
        bar = pygame.Rect(0, h - self.STATUS_H, w, self.STATUS_H)
        self.screen.fill((16, 18, 22), bar)
        self.text.draw(self.screen, self.status, (10, bar.centery), 18, P.TEXT, "midleft")
        s = self.sessions[0]
        right = f"{self.fps:.0f} fps   {speed_label(s.speed)}{'  paused' if s.paused else ''}"
        if self.recorder is not None:
            right = f"REC {self.recorder.kind.upper()} {self.recorder.frames} frames   " + right
        self.text.draw(self.screen, right, (w - 10, bar.centery), 18,
                       P.INCIDENT if self.recorder else P.TEXT_DIM, "midright")

    def say(self, message: str) -> None:
        """Show ``message`` on the status line."""
        self.status, self.status_t = message, time.perf_counter()

    # ------------------------------------------------------------------ events
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            self.resized()
            return
        if self.manager.process_events(event):
            return
        if event.type in (pygame_gui.UI_BUTTON_PRESSED, pygame_gui.UI_DROP_DOWN_MENU_CHANGED):
            self.panel.handle(event)
        elif event.type == pygame.KEYDOWN:
            self._key(event)
        elif event.type == pygame.MOUSEWHEEL:
            self._zoom(event.y)
        elif event.type == pygame.MOUSEBUTTONDOWN and self._view_at(*event.pos) is not None:
            view = self.views[self._view_at(*event.pos)]
            agent = view.agent_at(*event.pos, self.sessions[0].positions()) if event.button == 1 else None
            self._press = {"start": event.pos, "pos": event.pos, "moved": False, "agent": agent,
                           "button": event.button}
        elif event.type == pygame.MOUSEMOTION and self._press is not None:
            self._press["pos"] = event.pos
            if math.dist(event.pos, self._press["start"]) > CLICK_SLOP_PX:
                self._press["moved"] = True
            if self._press["moved"] and self._press["agent"] is None:
                for v in self.views:
                    v.cam.pan(*event.rel)
        elif event.type == pygame.MOUSEBUTTONUP and self._press is not None:
            press, self._press = self._press, None
            if press["agent"] is not None and press["moved"]:
                self.move_start(press["agent"], event.pos)
            elif not press["moved"] and press["button"] == 1:
                self.click_incident(event.pos)

    def _key(self, event: pygame.event.Event) -> None:
        if self.show_help and event.key in (pygame.K_ESCAPE, pygame.K_F1, pygame.K_QUESTION, pygame.K_SLASH):
            self.show_help = False
            return
        if event.key == pygame.K_TAB and event.mod & pygame.KMOD_SHIFT:
            self.act("previous_strategy")
        elif event.key in KEYS:
            self.act(KEYS[event.key])

    def _view_at(self, px: int, py: int) -> int | None:
        for k, v in enumerate(self.views):
            if v.cam.contains(px, py):
                return k
        return None

    def _zoom(self, clicks: float) -> None:
        pos = pygame.mouse.get_pos()
        k = self._view_at(*pos)
        if k is None:
            return
        self.views[k].cam.zoom_at(1.2 ** clicks, *pos)
        for v in self.views:
            v.cam.scale, v.cam.centre = self.views[k].cam.scale, self.views[k].cam.centre.copy()

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
        self.say(f"speed {speed_label(speed)}" + (" (as fast as possible)" if math.isinf(speed) else
                                                   " (simulated seconds per second)"))
        self.panel.build()

    def do_faster(self) -> None:
        self.sessions[0].faster(+1)
        self.set_speed(self.sessions[0].speed)

    def do_slower(self) -> None:
        self.sessions[0].faster(-1)
        self.set_speed(self.sessions[0].speed)

    def set_strategy(self, name: str) -> None:
        try:
            self.sessions[0].restart(strategy=name)
        except UserError as exc:
            self.say(f"cannot use strategy '{name}': {exc}")
            return
        self.say(f"strategy {self.sessions[0].strategy_names}; run restarted")
        self._after_restart()

    def do_next_strategy(self, step: int = 1) -> None:
        names = self.strategy_names
        cur = self.sessions[0].scenario.strategy_name
        i = names.index(cur) if cur in names else -1
        self.set_strategy(names[(i + step) % len(names)])

    def do_previous_strategy(self) -> None:
        self.do_next_strategy(-1)

    def _restart_all(self, message: str, **changes) -> None:
        try:
            for s in self.sessions:
                s.restart(**changes)
        except UserError as exc:
            self.say(str(exc))
            return
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

    def do_toggle_paths(self) -> None:
        self._toggle("paths", "planned paths")

    def do_toggle_discs(self) -> None:
        self._toggle("discs", "sensing discs")
        if self.layers.discs and self.sessions[0].scenario.agents.sensing_radius == 0:
            self.say("sensing discs on (this scenario's sensing radius is 0 m: agents see only their node)")

    def do_toggle_labels(self) -> None:
        self._toggle("labels", "labels")

    def do_toggle_regions(self) -> None:
        self._toggle("regions", "regions")
        if self.layers.regions and self.sessions[0].partition() is None:
            self.say(f"regions on ('{self.sessions[0].scenario.strategy_name}' does not partition the map)")

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
        self.current_label = label
        speed = self.sessions[0].speed
        self.sessions = [Session(scenario, speed=speed)] + \
            [Session(_twin(scenario, self.compare_strategy), speed=speed) for _ in self.sessions[1:]]
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
            first.restart()
            self.sessions.append(Session(_twin(first.scenario, self.compare_strategy), speed=first.speed,
                                         paused=first.paused))
            self.say(f"compare mode: {first.scenario.strategy_name} (left) vs {self.compare_strategy} (right), "
                     "same map, seed and incidents; both restarted")
        self.views = []
        self._after_restart()

    def _other_strategy(self, name: str) -> str:
        others = [n for n in self.strategy_names if n != name]
        return "hcr" if "hcr" in others else others[0]

    # -------------------------------------------------------------- mouse actions
    def click_incident(self, pos: tuple[int, int]) -> None:
        """Report an incident at the node under ``pos`` in every session (same stream in compare mode)."""
        k = self._view_at(*pos)
        node = None if k is None else self.views[k].node_at(*pos)
        if node is None:
            return
        feed = self.sessions[0].incidents
        if not feed.can_add:
            why = "its incidents engine takes no new incidents" if feed.available else "it has no incidents"
            self.say(f"node {self.sessions[0].sim.map.node_label(node)}: clicks cannot report incidents in this "
                     f"run ({why}; open a scenario with an [incidents] table)")
            return
        for s in self.sessions:
            s.incidents.add(node)
        self.say(f"incident reported at node {self.sessions[0].sim.map.node_label(node)} "
                 f"at {P.clock_label(self.sessions[0].sim.now)}")

    def move_start(self, agent: int, pos: tuple[int, int]) -> None:
        """Drop ``agent``'s start on the node under ``pos`` and restart."""
        k = self._view_at(*pos)
        node = None if k is None else self.views[k].node_at(*pos)
        if node is None:
            self.say("drop an agent on a free cell or a node to move its start")
            return
        starts = [int(x) for x in self.sessions[0].sim.starts]
        starts[agent] = node
        self._restart_all(f"agent {agent} now starts at node {self.sessions[0].sim.map.node_label(node)}; "
                          "run restarted", starts=tuple(starts))

    # -------------------------------------------------------------- captures
    def do_screenshot(self) -> None:
        path = save_screenshot(self.screen, capture_name(self.captures, ".png"))
        self.say(f"screenshot saved to {path}")

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
        path = rec.finish()
        self.say(f"{rec.kind.upper()} of {rec.frames} frames saved to {path}")
        self.panel.sync()

    def do_record_gif(self) -> None:
        self._record("gif")

    def do_record_mp4(self) -> None:
        self._record("mp4")


def _twin(scenario: Scenario, strategy: str) -> Scenario:
    """The same scenario (map, seed, team, incidents) run by another strategy."""
    return with_changes(scenario, strategy=strategy)
