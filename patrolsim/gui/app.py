"""App: the window's main loop, its layout, and every user action (keys and panel widgets share them)."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pygame
import pygame_gui

from ..engine.simulation import Simulation
from ..scenario import Scenario
from ..strategies import available
from ..strategies.registry import WITH_FILES
from . import palette as P
from .actions import Actions
from .catalogue import catalogue, label_for
from .export import export_run
from .help import draw_help
from .map_view import Layers, MapView
from .panel import PANEL_W, SIDE_COLOURS, Panel
from .recorder import Recorder, save_screenshot
from .route_editor import RouteEditor
from .session import Session, speed_label
from .set_up import SetUp
from .text import Text

FPS = 60
SIM_BUDGET_S = 0.008  # wall seconds of simulation work per frame
WIDGET_FONT_PX = 14  # pygame_gui's default font size, scaled with the panel
THEMED = ("button", "drop_down_menu", "text_entry_line", "tool_tip", "selection_list")
SET_UP_POLL_S = 0.1  # while a strategy sets up: how often the window looks for Esc and updates the clock
RUN_TO_END_BUDGET_S = 0.25  # the same for a scripted run to the end (--run-to-end): speed over smoothness
CLICK_SLOP_PX = 4
STACK_GAIN = 1.25  # compare mode stacks the two maps when that shows them this much larger

KEYS: dict[int, str] = {
    pygame.K_SPACE: "toggle_pause",
    pygame.K_PERIOD: "step",
    pygame.K_RIGHT: "step",
    pygame.K_PLUS: "faster",
    pygame.K_EQUALS: "faster",
    pygame.K_KP_PLUS: "faster",
    pygame.K_MINUS: "slower",
    pygame.K_KP_MINUS: "slower",
    pygame.K_TAB: "next_strategy",
    pygame.K_r: "restart",
    pygame.K_n: "new_seed",
    pygame.K_a: "add_agent",
    pygame.K_x: "remove_agent",
    pygame.K_h: "toggle_heat",
    pygame.K_p: "toggle_paths",
    pygame.K_d: "toggle_discs",
    pygame.K_l: "toggle_labels",
    pygame.K_g: "toggle_regions",
    pygame.K_o: "open_next",
    pygame.K_c: "toggle_compare",
    pygame.K_s: "screenshot",
    pygame.K_v: "record_gif",
    pygame.K_m: "record_mp4",
    pygame.K_f: "fit",
    pygame.K_e: "export",
    pygame.K_k: "toggle_heat_lock",
    pygame.K_i: "toggle_ledger",
    pygame.K_w: "route_editor",
    pygame.K_F1: "help",
    pygame.K_QUESTION: "help",
    pygame.K_SLASH: "help",
    pygame.K_q: "quit",
}


class App(Actions):
    """The desktop window on one scenario (two sessions side by side in compare mode)."""

    STATUS_H = 26  # the status line's height at scale 1 (see status_h)
    HEADER_H = 22  # compare mode: the strategy names above the two maps, at scale 1 (see header_h)

    def __init__(
        self,
        scenario: Scenario,
        *,
        size: tuple[int, int] = (1280, 800),
        compare: str | None = None,
        captures: Path = Path("captures"),
        speed: float = 10.0,
    ) -> None:
        pygame.display.init()
        pygame.font.init()
        self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        pygame.display.set_caption("patrolsim")
        self.text = Text()  # the panel's (drawn unscaled, then scaled with the panel)
        # the map's labels and legend, the status line, compare headers and help, scaled with the window
        self.map_text = Text(self.ui_scale)
        self.layers = Layers()
        self.captures = captures
        # a strategy that needs a file (a learned policy) is offered with the parameters it was started with
        self.file_params = (
            {scenario.strategy_name: dict(scenario.strategy_params)} if scenario.strategy_name in WITH_FILES else {}
        )
        self.strategy_names = [name for name, _, _ in available() if name not in WITH_FILES or name in self.file_params]
        self.catalogue = catalogue()
        self.current_label = label_for(scenario, self.catalogue)
        self.compare_strategy = compare or self._other_strategy(scenario.strategy_name)
        self.sessions: list[Session] = []
        self.views: list[MapView] = []
        self.recorder: Recorder | None = None
        self.show_help = False
        self.running = True
        self.fps = 0.0
        self.sim_budget = SIM_BUDGET_S
        self.dirty = True  # something changed since the last frame drawn
        self.heat_lock: float | None = None  # the heat scale's top (s) when the user locked it (K)
        self._press: dict | None = None
        scenarios = [scenario] + ([self._twin(scenario)] if compare else [])
        what = f"setting up {scenario.strategy_name} on {scenario.map.n_nodes:,} nodes"
        sims = self.set_up(scenarios, what)  # in the open window: the user sees it, Esc quits
        self.status, self.status_t = "Press ? or F1 for help. Space plays / pauses.", time.perf_counter()
        if sims is None:
            self.running = False
            return
        self.sessions = [Session(sc, speed=speed, sim=sim) for sc, sim in zip(scenarios, sims)]
        self.manager = self._manager()
        self._layout_views()
        self.editor = RouteEditor(self)
        self.panel = Panel(self)

    # ------------------------------------------------------------------ layout
    @property
    def comparing(self) -> bool:
        return len(self.sessions) > 1

    def map_rect(self) -> pygame.Rect:
        w, h = self.screen.get_size()
        return pygame.Rect(0, 0, max(w - self.panel_w, 100), max(h - self.status_h, 100))

    @property
    def ui_scale(self) -> float:
        """How much the panel and its fonts are enlarged: 1 up to 1.2 x 1280 x 768 (1366 x 768 included:
        no blurred text), then with the window in steps of 0.1 (rounded down, so that the panel always
        has the height of 768 pixels to lay out its figures and charts in), at most 1.6."""
        w, h = self.screen.get_size()
        k = min(w / 1280, h / 768)
        return 1.0 if k < 1.2 else min(math.floor(k * 10 + 1e-9) / 10, 1.6)

    @property
    def panel_w(self) -> int:
        """The panel's width in pixels."""
        return round(PANEL_W * self.ui_scale)

    @property
    def status_h(self) -> int:
        """The status line's height in pixels (it grows with the window as the panel does)."""
        return round(self.STATUS_H * self.ui_scale)

    @property
    def header_h(self) -> int:
        """Compare mode: the height in pixels of the strategy names above the two maps."""
        return round(self.HEADER_H * self.ui_scale)

    def _view_rects(self) -> list[tuple[int, int, int, int]]:
        """The maps' viewports: the whole map area, or in compare mode two halves, each below its
        header: side by side, or one above the other when that shows the map ``STACK_GAIN`` times larger
        (wide maps)."""
        r = self.map_rect()
        if not self.comparing:
            return [(r.x, r.y, r.w, r.h)]
        half, top = r.w // 2, self.header_h
        beside = [(r.x, r.y + top, half - 2, r.h - top), (r.x + half + 2, r.y + top, r.w - half - 2, r.h - top)]
        hh = r.h // 2
        stacked = [(r.x, r.y + top, r.w, hh - top - 2), (r.x, r.y + hh + 2 + top, r.w, r.h - hh - 2 - top)]
        xmin, ymin, xmax, ymax = self.sessions[0].sim.map.bounds()

        def fitted(rect: tuple[int, int, int, int]) -> float:
            return min(rect[2] / max(xmax - xmin, 1e-6), rect[3] / max(ymax - ymin, 1e-6))

        return stacked if fitted(stacked[0]) > STACK_GAIN * fitted(beside[0]) else beside

    def _layout_views(self) -> None:
        rects = self._view_rects()
        if len(self.views) == len(rects) and all(v.map is s.sim.map for v, s in zip(self.views, self.sessions)):
            for v, r in zip(self.views, rects):
                v.cam.resize(r)
        else:
            self.views = [MapView(s.sim.map, r, self.map_text) for s, r in zip(self.sessions, rects)]

    def resized(self) -> None:
        self.screen = pygame.display.get_surface() or self.screen
        self.map_text.scale = self.ui_scale
        if self.ui_scale != self.manager_scale:  # the widgets' fonts change: a manager with that theme
            for widget in self.panel.widgets:
                widget.kill()
            self.panel.widgets = []
            self.manager = self._manager()
        else:
            self.manager.set_window_resolution(self.screen.get_size())
        self._layout_views()
        self.panel.build()

    def _manager(self) -> pygame_gui.UIManager:
        """The widgets' manager, its fonts scaled with the panel (:attr:`ui_scale`)."""
        self.manager_scale = self.ui_scale
        font = {"name": "noto_sans", "size": str(round(WIDGET_FONT_PX * self.manager_scale))}
        theme = {element: {"font": font} for element in THEMED}
        return pygame_gui.UIManager(self.screen.get_size(), theme_path=theme)

    # ------------------------------------------------------------------ the loop
    def run(
        self,
        *,
        screenshot_after: tuple[float, Path] | None = None,
        max_frames: int | None = None,
        run_to_end: bool = False,
        export: tuple[str | None, str | None] = (None, None),
    ) -> int:
        """Run until the window is closed (or a scripted screenshot is taken / ``max_frames`` drawn).
        ``run_to_end``: as fast as possible to the scenario's duration, then write ``export`` (a JSON
        path and a CSV prefix, either None) as `patrolsim run --json / --csv` would, and close."""
        clock = pygame.time.Clock()
        started, frames = time.perf_counter(), 0
        if not self.running:  # the first set-up was cancelled
            self.close()
            return 0
        if run_to_end:
            self.set_speed(math.inf)
            self.sim_budget = RUN_TO_END_BUDGET_S
        while self.running:
            dt = min(clock.tick(FPS) / 1000.0, 0.1)
            self.frame(dt)
            frames += 1
            if run_to_end and self.sessions[0].reached_end:
                for path in export_run(self.sessions[0], *export):
                    print(f"wrote {path}")
                break
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
        """One frame: handle events, advance the simulation by ``dt`` wall seconds, draw, record. A
        paused window with nothing new (no event, no message, no recording) is not redrawn."""
        events = pygame.event.get() if events is None else events
        for event in events:
            self.handle(event)
        self.manager.update(dt)
        self.tick(dt)
        idle = not events and self.recorder is None and all(s.paused for s in self.sessions)
        if idle and not self.dirty:
            return
        self.dirty = not idle  # one more frame after the last change, so that it is drawn
        self.draw()
        if self.recorder is not None and not self.recorder.capture(self.captured_area()):
            self._stop_recording()
        pygame.display.flip()

    def tick(self, dt: float) -> None:
        first = self.sessions[0]
        ended = first.reached_end
        first.tick(dt, self.sim_budget / len(self.sessions))
        for other in self.sessions[1:]:
            other.paused = first.paused
            other.catch_up(first.sim.now, self.sim_budget / 2)
        if first.reached_end and not ended:
            self.say(
                f"reached the scenario's duration ({P.clock_label(first.scenario.duration)}); press Space to keep going"
            )
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
        heat_max = self.heat_lock or self.sessions[0].heat_scale()  # one scale for both runs in compare mode
        for view, s in zip(self.views, self.sessions):
            view.draw(self.screen, s, self.layers, colours, heat_max, locked=self.heat_lock is not None)
        if self.comparing:
            self._draw_headers()
        self.editor.draw(self.screen)
        if self._press and self._press.get("agent") is not None and self._press["moved"]:
            k = self.ui_scale
            pygame.draw.circle(
                self.screen, colours[self._press["agent"]], self._press["pos"], round(9 * k), round(3 * k)
            )
        self.panel.draw(self.screen)
        self.manager.draw_ui(self.screen)
        self._draw_status()
        if self.show_help:
            draw_help(self.screen, self.map_text)

    def _draw_headers(self) -> list[pygame.Rect]:
        """Compare mode: each run's strategy above its map, and a banner when both runs are identical;
        returns the rectangles drawn."""
        text, k, drawn = self.map_text, self.ui_scale, []
        for view, s, colour in zip(self.views, self.sessions, SIDE_COLOURS):
            x, y, w, _ = view.cam.rect
            name = text.fit(s.strategy_names, 19, w - round(16 * k))
            drawn.append(
                text.draw(self.screen, name, (x + round(8 * k), y - self.header_h // 2), 19, colour, "midleft")
            )
        if self.runs_identical():
            r = self.map_rect()
            note = "both runs are identical so far: on this map the two strategies make the same moves"
            at = (r.centerx, r.y + self.header_h + round(12 * k))
            drawn.append(
                text.draw(
                    self.screen,
                    text.fit(note, 17, r.w - round(20 * k)),
                    at,
                    17,
                    (20, 20, 24),
                    "midtop",
                    (250, 220, 120),
                )
            )
        return drawn

    def captured_area(self) -> pygame.Surface:
        """What a recording keeps of the window: everything but the status line (whose "recording"
        message and REC badge are for the user, not for the video)."""
        w, h = self.screen.get_size()
        return self.screen.subsurface((0, 0, w, h - self.status_h))

    def layer_can_show(self, layer: str) -> bool:
        """Whether the layer has anything to draw in this run (sensing discs need a sensing radius,
        regions a strategy that partitions the map)."""
        if layer == "discs":
            return any(s.scenario.agents.sensing_radius > 0 for s in self.sessions)
        if layer == "regions":
            return any(s.partition() is not None for s in self.sessions)
        if layer == "ledger":
            w = self.sessions[0].sim.map.weights
            return self.sessions[0].incidents.available or float(w.max()) > float(w.min())
        return True

    def runs_identical(self) -> bool:
        """In compare mode: whether both runs have made exactly the same moves up to now (same agent
        positions and the same visits at every node), once there was time to differ."""
        a, b = self.sessions[0], self.sessions[-1]
        return (
            a.sim.now == b.sim.now
            and a.sim.state.arrivals > a.sim.state.n_agents
            and np.array_equal(a.positions(), b.positions())
            and np.array_equal(a.sim.state.visits, b.sim.state.visits)
        )

    def _draw_status(self) -> list[pygame.Rect]:
        """The status line: the last message on the left (shortened to the room left), frames per
        second, speed and recording on the right; returns the bar and the rectangles drawn."""
        w, h = self.screen.get_size()
        text, pad = self.map_text, round(10 * self.ui_scale)
        bar = pygame.Rect(0, h - self.status_h, w, self.status_h)
        self.screen.fill((16, 18, 22), bar)
        drawn = [bar]
        right_x = w - pad
        if self.sessions:  # (not while setting up the first run)
            s = self.sessions[0]
            right = f"{self.fps:.0f} fps   {speed_label(s.speed)}{'  paused' if s.paused else ''}"
            if self.recorder is not None:
                right = f"REC {self.recorder.kind.upper()} {self.recorder.frames} frames   " + right
            colour = P.INCIDENT if self.recorder else P.TEXT_DIM
            drawn.append(text.draw(self.screen, right, (right_x, bar.centery), 18, colour, "midright"))
            right_x = drawn[-1].x - 2 * pad
        message = text.fit(self.status, 18, right_x - pad)
        drawn.insert(1, text.draw(self.screen, message, (pad, bar.centery), 18, P.TEXT, "midleft"))
        return drawn

    def say(self, message: str) -> None:
        """Show ``message`` on the status line."""
        self.status, self.status_t = message, time.perf_counter()
        self.dirty = True

    def set_up(self, scenarios: list[Scenario], what: str) -> list[Simulation] | None:
        """Build a run of each scenario (``make``: the strategies' set-up, which can take seconds on
        large maps) in a worker thread (:class:`SetUp`) while the window says ``what`` with the
        set-up's progress and the seconds elapsed; Esc (or closing the window) cancels: the set-up stops
        at its next progress report and this returns None once the thread has ended. A UserError of the
        set-up is raised."""
        job = SetUp(scenarios)
        if not self.sessions:  # the first run: nothing to show behind the message yet
            self.screen.fill(P.BACKGROUND)
        self.announce(f"{what} ...")
        started = time.perf_counter()
        job.start()
        while not job.wait(SET_UP_POLL_S):
            for event in pygame.event.get((pygame.KEYDOWN, pygame.QUIT)):
                if event.type == pygame.QUIT or event.key == pygame.K_ESCAPE:
                    self.running = self.running and event.type != pygame.QUIT
                    job.cancel()
            state = "cancelling ..." if job.cancelled else "(Esc cancels)"
            done = ", ".join(filter(None, (job.progress_label(), f"{time.perf_counter() - started:.1f} s")))
            self.announce(f"{what} ... {done} {state}")
        if job.cancelled:
            self.say(f"{what}: cancelled; the run shown goes on")
            return None
        if job.error is not None:
            raise job.error
        return job.sims

    def announce(self, message: str) -> None:
        """Show ``message`` on the status line at once, before work that holds the window up (a
        strategy's set-up: tours, partitions, posts can take seconds on large maps)."""
        self.say(message)
        self._draw_status()
        pygame.display.flip()

    # ------------------------------------------------------------------ events
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            self.resized()
            return
        if self.manager.process_events(event) or self.editor.handle(event):
            return
        if event.type in (pygame_gui.UI_BUTTON_PRESSED, pygame_gui.UI_DROP_DOWN_MENU_CHANGED):
            self.panel.handle(event)
        elif event.type == pygame.KEYDOWN:
            self._key(event)
        elif event.type == pygame.MOUSEWHEEL:
            self._zoom(event.y)
        elif event.type == pygame.MOUSEBUTTONDOWN and self._view_at(*event.pos) is not None:
            px, py = event.pos
            view = self.views[self._view_at(px, py) or 0]
            agent = view.agent_at(px, py, self.sessions[0].positions()) if event.button == 1 else None
            self._press = {"start": event.pos, "pos": event.pos, "moved": False, "agent": agent, "button": event.button}
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
            if pos[0] >= self.screen.get_width() - self.panel_w:
                self.panel.scroll_settings(-int(clicks))
            return
        self.views[k].cam.zoom_at(1.2**clicks, *pos)
        for v in self.views:
            v.cam.scale, v.cam.centre = self.views[k].cam.scale, self.views[k].cam.centre.copy()
