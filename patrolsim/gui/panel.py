"""The side panel's controls (pygame_gui widgets) and its read-outs (figures and live charts)."""

from __future__ import annotations

import time

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu, UITextEntryLine

from . import charts
from . import palette as P
from .export import toml_value
from .session import SPEEDS, speed_label
from .settings import Setting, settings_of, strategy_description

PANEL_W = 360
REFRESH_S = 0.2
ROW_H = 16
WIDGET_H = 25  # the controls' height and the step from one row of controls to the next (unscaled pixels)
WIDGET_STEP = 29
CELL_GAP = 12  # a single run's figures: two side by side, this far apart
DIVIDER = (60, 65, 78)
CHART_MIN_H = 72  # the Figures tab adds the charts below the figures when each gets this many pixels
CHART_GAP = 6
SIDE_COLOURS = [(90, 170, 255), (255, 160, 60)]

#: button id -> (label, action name, tooltip); the same actions as the keys in help.CONTROLS
BUTTONS: dict[str, tuple[str, str, str]] = {
    "play": ("Play", "toggle_pause", "Play / pause (Space)"),
    "step": ("Step", "step", "Advance to the next arrival (. or Right)"),
    "restart": ("Restart", "restart", "Restart with the same seed (R)"),
    "seed": ("New seed", "new_seed", "Restart with a new random seed (N)"),
    "slower": ("-", "slower", "Slower (-)"),
    "faster": ("+", "faster", "Faster (+)"),
    "remove": ("- agent", "remove_agent", "Remove an agent (X)"),
    "add": ("+ agent", "add_agent", "Add an agent (A)"),
    "heat": ("Heat", "toggle_heat", "Idleness heat map (H)"),
    "paths": ("Paths", "toggle_paths", "Planned paths and goals (P)"),
    "discs": ("Discs", "toggle_discs", "Sensing discs (D)"),
    "labels": ("Labels", "toggle_labels", "Agent numbers and node names (L)"),
    "regions": ("Regions", "toggle_regions", "Regions of region-based strategies (G)"),
    "ledger": ("Ledger", "toggle_ledger", "Fairness ledger: patrol vs incident share per area, predicted risk (I)"),
    "shot": ("PNG", "screenshot", "Save a PNG screenshot (S)"),
    "gif": ("Rec GIF", "record_gif", "Start / stop recording a GIF (V)"),
    "mp4": ("Rec MP4", "record_mp4", "Start / stop recording an MP4 (M)"),
    "export": ("Export", "export", "Write the run's JSON, CSV and scenario TOML to captures/ (E)"),
    "help": ("Help", "help", "All controls (? or F1)"),
    "apply": ("Apply (restart)", "apply_settings", "Restart the run with the values typed above"),
    "reset": ("Undo edits", "reset_settings", "Show the current run's values again"),
    "compare": ("Compare", "toggle_compare", "Two strategies side by side (C)"),
    "fit": ("Fit", "fit", "Fit the map to the window (F)"),
}
ROWS = [
    ["play", "step", "restart", "seed"],
    ["slower", "faster", "remove", "add", "ledger"],
    ["heat", "paths", "discs", "labels", "regions"],
    ["shot", "gif", "mp4", "export", "help"],
]
#: tab id -> (label, tooltip): what the panel shows below its controls
TABS: dict[str, tuple[str, str]] = {
    "figures": ("Figures", "The run's metrics so far and the values now"),
    "charts": ("Charts", "Coverage, idleness and response times over the run"),
    "settings": ("Settings", "The strategy's parameters, team, speed, sensing, incidents: edit and apply"),
}
SETTINGS_BUTTONS = ["apply", "reset"]
LAYER_BUTTONS = {
    "heat": "heat",
    "paths": "paths",
    "discs": "discs",
    "labels": "labels",
    "regions": "regions",
    "ledger": "ledger",
}


class Panel:
    """Builds the widgets into the right-hand strip of the window and draws the read-outs below them."""

    def __init__(self, app) -> None:
        self.app = app
        self.widgets: list = []
        self._cache: pygame.Surface | None = None
        self._drawn = 0.0
        self.buttons: dict[str, UIButton] = {}
        self.tab = "figures"
        self.scroll = 0
        self.charts_below = 0  # how many charts the Figures tab showed below the figures
        #: what the last drawing of the read-outs laid out (unscaled panel pixels): "figures", the
        #: (string, rectangle) of every heading, label and value of the table; "charts", their rectangles
        self.layout: dict[str, list] = {"figures": [], "charts": []}
        self.build()

    # ------------------------------------------------------------------ widgets
    def build(self) -> None:
        """(Re)create the widgets for the current window size."""
        for w in self.widgets:
            w.kill()
        self.widgets, self.buttons = [], {}
        app, m = self.app, self.app.manager
        x0 = 10  # panel-local, in unscaled pixels (see rect)
        width = PANEL_W - 20
        y = 44
        for row in ROWS:
            bw = (width - 4 * (len(row) - 1)) // len(row)
            for i, key in enumerate(row):
                label, _, tip = BUTTONS[key]
                b = UIButton(self.rect(x0 + i * (bw + 4), y, bw, WIDGET_H), label, m, tool_tip_text=tip)
                self.buttons[key] = b
            y += WIDGET_STEP
        s = app.sessions[0]
        self.speed = self._dropdown([speed_label(v) for v in SPEEDS], speed_label(s.speed), x0, y, 90)
        self.strategy = self._dropdown(app.strategy_names, s.scenario.strategy_name, x0 + 94, y, width - 94)
        y += WIDGET_STEP
        self.scenario = self._dropdown(list(app.catalogue), app.current_label, x0, y, width)
        y += WIDGET_STEP
        compare_tip, fit_tip = BUTTONS["compare"][2], BUTTONS["fit"][2]
        self.buttons["compare"] = UIButton(self.rect(x0, y, 84, WIDGET_H), "Compare", m, tool_tip_text=compare_tip)
        self.versus = self._dropdown(app.strategy_names, app.compare_strategy, x0 + 88, y, width - 88 - 52)
        self.buttons["fit"] = UIButton(self.rect(x0 + width - 48, y, 48, WIDGET_H), "Fit", m, tool_tip_text=fit_tip)
        y += WIDGET_STEP
        tw = (width - 8) // len(TABS)
        self.tabs = {
            key: UIButton(self.rect(x0 + i * (tw + 4), y, tw, WIDGET_H), label, m, tool_tip_text=tip)
            for i, (key, (label, tip)) in enumerate(TABS.items())
        }
        self.widgets += list(self.buttons.values()) + list(self.tabs.values())
        self.top_of_readouts = y + WIDGET_STEP + 3
        self.entries: dict[str, tuple[Setting, UIDropDownMenu | UITextEntryLine]] = {}
        self.settings_text: list[tuple[str, tuple[int, int], int, tuple]] = []
        if app.editor.active:
            app.editor.build_widgets(self, x0, width)
        elif self.tab == "settings":
            self._build_settings(x0, width)
        self.sync()

    def _build_settings(self, x0: int, width: int) -> None:
        """The Settings tab: the strategy's description, then one row per setting from ``self.scroll``
        (label and entry or option list, then its description and range), then Apply and Reset."""
        app, m, text = self.app, self.app.manager, self.app.text
        sc = app.sessions[0].scenario
        left = x0
        y = self.top_of_readouts + 38  # below the time and seed lines
        summary, origin = strategy_description(sc.strategy_name)
        for line in text.wrap(f"{sc.strategy_name}: {summary}", 16, width)[:2]:
            self.settings_text.append((line, (left, y), 16, P.TEXT))
            y += 17
        for line in text.wrap(origin, 14, width)[:2]:
            self.settings_text.append((line, (left, y), 14, P.TEXT_DIM))
            y += 15
        y += 4
        rows = settings_of(sc)
        self.scroll = max(0, min(self.scroll, len(rows) - 1))
        bottom = int((app.screen.get_height() - app.status_h) / app.ui_scale) - 40
        shown = 0
        for setting in rows[self.scroll :]:
            helps = text.wrap(f"{setting.help}" + (f" ({setting.range})" if setting.range else ""), 14, width)[:2]
            if y + 26 + 15 * len(helps) > bottom:
                break
            self.settings_text.append((text.fit(setting.label, 16, width - 130), (left, y + 5), 16, P.TEXT))
            widget: UIDropDownMenu | UITextEntryLine
            if setting.choices:
                widget = self._dropdown([str(c) for c in setting.choices], str(setting.value), x0 + width - 124, y, 124)
            else:
                widget = UITextEntryLine(
                    self.rect(x0 + width - 124, y, 124, 26), m, initial_text=_shown_value(setting.value)
                )
                self.widgets.append(widget)
            self.entries[setting.key] = (setting, widget)
            y += 27
            for line in helps:
                self.settings_text.append((line, (left, y), 14, P.TEXT_DIM))
                y += 15
            y += 4
            shown += 1
        hidden = len(rows) - self.scroll - shown
        if hidden > 0 or self.scroll:
            more = f"rows {self.scroll + 1}-{self.scroll + shown} of {len(rows)}: scroll the wheel here for more"
            self.settings_text.append((text.fit(more, 14, width), (left, y), 14, P.TEXT_DIM))
        y = bottom + 6
        for i, key in enumerate(SETTINGS_BUTTONS):
            label, _, tip = BUTTONS[key]
            self.buttons[key] = UIButton(
                self.rect(x0 + i * (width // 2 + 2), y, width // 2 - 2, 28), label, m, tool_tip_text=tip
            )
            self.widgets.append(self.buttons[key])

    def edits(self) -> dict:
        """The typed values of the Settings tab's rows that differ from the scenario (a UserError
        naming the key when one cannot be read)."""
        out = {}
        for key, (setting, widget) in self.entries.items():
            if isinstance(widget, UIDropDownMenu):
                chosen = widget.selected_option
                raw = chosen[0] if isinstance(chosen, tuple) else chosen
            else:
                raw = widget.get_text()
            value = setting.parse(raw) if not setting.choices else raw
            if value != setting.value:
                out[key] = value
        return out

    def scroll_settings(self, rows: int) -> None:
        """Scroll the Settings tab by ``rows`` (the mouse wheel over the panel)."""
        if self.tab == "settings":
            self.scroll = max(0, self.scroll + rows)
            self.build()

    def rect(self, x: float, y: float, w: float, h: float) -> pygame.Rect:
        """The screen rectangle of a widget at panel-local (x, y, w, h) in unscaled pixels: the panel is
        laid out for 360 pixels of width and scaled with the window (:attr:`App.ui_scale`)."""
        k, left = self.app.ui_scale, self.app.screen.get_width() - self.app.panel_w
        return pygame.Rect(round(left + x * k), round(y * k), round(w * k), round(h * k))

    def _dropdown(self, options: list[str], current: str, x: int, y: int, w: int) -> UIDropDownMenu:
        if current not in options:
            options = options + [current]
        choices: list[str | tuple[str, str]] = list(options)
        d = UIDropDownMenu(choices, current, self.rect(x, y, w, WIDGET_H), self.app.manager, expansion_height_limit=360)
        self.widgets.append(d)
        return d

    def sync(self) -> None:
        """Show the current state on the widgets (pressed toggles, play/pause label)."""
        app = self.app
        self._drawn = 0.0
        self.buttons["play"].set_text("Pause" if not app.sessions[0].paused else "Play")
        for key, attr in LAYER_BUTTONS.items():  # lit only when on and there is something to show
            lit = getattr(app.layers, attr) and app.layer_can_show(attr)
            (self.buttons[key].select if lit else self.buttons[key].unselect)()
        (self.buttons["compare"].select if app.comparing else self.buttons["compare"].unselect)()
        for key, button in self.tabs.items():
            (button.select if key == self.tab else button.unselect)()
        for key, kind in (("gif", "gif"), ("mp4", "mp4")):
            rec = app.recorder is not None and app.recorder.kind == kind
            self.buttons[key].set_text("Stop" if rec else BUTTONS[key][0])

    def handle(self, event: pygame.event.Event) -> None:
        """Turn a pygame_gui event into an app action."""
        app = self.app
        if app.editor.handle_widget(event):
            return
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            for key, button in self.tabs.items():
                if event.ui_element is button:
                    self.show_tab(key)
                    return
            for key, button in self.buttons.items():
                if event.ui_element is button:
                    app.act(BUTTONS[key][1])
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is self.speed:
                app.set_speed(SPEEDS[[speed_label(v) for v in SPEEDS].index(event.text)])
            elif event.ui_element is self.strategy:
                app.set_strategy(event.text)
            elif event.ui_element is self.scenario:
                app.open_entry(event.text)
            elif event.ui_element is self.versus:
                app.set_compare_strategy(event.text)

    def show_tab(self, key: str) -> None:
        """Show the Figures, Charts or Settings tab below the controls."""
        self.tab, self.scroll = key, 0
        self.build()

    # ------------------------------------------------------------------ read-outs
    def draw(self, surface: pygame.Surface) -> None:
        """Blit the read-outs, redrawn at most every REFRESH_S wall seconds (figures need no more); they
        are drawn for a 360-pixel-wide panel and scaled with the window."""
        app = self.app
        area = pygame.Rect(surface.get_width() - app.panel_w, 0, app.panel_w, surface.get_height() - app.status_h)
        base = self.base_size()
        now = time.perf_counter()
        if self._cache is None or self._cache.get_size() != base or now - self._drawn >= REFRESH_S:
            if self._cache is None or self._cache.get_size() != base:
                self._cache = pygame.Surface(base)
            self._draw_readouts(self._cache)
            self._scaled = self._cache if app.ui_scale == 1.0 else pygame.transform.smoothscale(self._cache, area.size)
            self._drawn = now
        surface.blit(self._scaled, area)

    def base_size(self) -> tuple[int, int]:
        """The read-outs' size in unscaled pixels (360 wide; the panel's height over the scale)."""
        app = self.app
        return PANEL_W, round((app.screen.get_height() - app.status_h) / app.ui_scale)

    def _draw_readouts(self, surface: pygame.Surface) -> None:
        app, text = self.app, self.app.text
        self.layout = {"figures": [], "charts": []}
        x0 = 0
        area = surface.get_rect()
        surface.fill(P.PANEL_BG)
        s0 = app.sessions[0]
        sc = s0.scenario
        text.draw(surface, text.fit(sc.name, 22, PANEL_W - 20), (x0 + 10, 8), 22)
        text.draw(
            surface,
            text.fit(
                f"{sc.map.name}: {sc.map.n_nodes} nodes, {sc.map.kind}"
                + (", one-way streets" if sc.map.directed else ""),
                15,
                PANEL_W - 20,
            ),
            (x0 + 10, 27),
            15,
            P.TEXT_DIM,
        )
        y = self.top_of_readouts
        state = (
            "paused"
            if s0.paused
            else speed_label(s0.speed) + (" (behind)" if any(s.behind for s in app.sessions) else "")
        )
        text.draw(surface, f"time {P.clock_label(s0.sim.now)}   speed {state}", (x0 + 10, y), 19)
        agents = s0.sim.state.n_agents  # the same in both runs of compare mode
        team = f"{agents} agent{'s' if agents != 1 else ''}"
        text.draw(
            surface,
            f"seed {sc.seed}   duration {P.clock_label(sc.duration)}   {team}",
            (x0 + 10, y + 20),
            15,
            P.TEXT_DIM,
        )
        y += 38
        if app.editor.active:
            app.editor.draw_panel(surface, x0 + 10, y)
            return
        if self.tab == "settings":
            for line, pos, size, colour in self.settings_text:
                text.draw(surface, line, pos, size, colour)
            return
        if self.tab == "charts":
            self._draw_charts(surface, pygame.Rect(x0 + 10, y, PANEL_W - 20, area.bottom - y - 8), 3)
            return
        if not app.comparing:
            text.draw(surface, text.fit(f"strategy {s0.strategy_names}", 16, PANEL_W - 20), (x0 + 10, y), 16)
            y += ROW_H
        y = self._draw_table(surface, readout_rows(app.sessions), x0 + 10, y, PANEL_W - 20)
        self.charts_below = self._charts_below(area.bottom - y - 8)
        if self.charts_below:
            self._draw_charts(surface, pygame.Rect(x0 + 10, y, PANEL_W - 20, area.bottom - y - 8), self.charts_below)
        else:
            text.draw(surface, "charts: the Charts tab (or a taller window)", (x0 + 10, y + 4), 14, P.TEXT_DIM)

    def _charts_below(self, room: int) -> int:
        """How many charts the Figures tab shows below the figures in ``room`` pixels: coverage and
        idleness, and response times once there are calls (left to the Charts tab when only two fit);
        0 when two would be smaller than :data:`CHART_MIN_H`."""
        wanted = 3 if any("calls" in s.metrics() for s in self.app.sessions) else 2
        return next((n for n in range(wanted, 1, -1) if room >= n * (CHART_MIN_H + CHART_GAP)), 0)

    def _draw_table(self, surface: pygame.Surface, rows: list, x: int, y: int, width: int) -> int:
        """Draw ``rows`` (see :func:`readout_rows`): headings across the panel; in compare mode one
        figure a row, its label on the left and one right-aligned value column per session; for a
        single run two figures side by side (label, value), so that the charts fit below them. Returns
        the y below the table."""
        text, n, shown = self.app.text, len(self.app.sessions), self.layout["figures"]

        def draw(s: str, pos: tuple[int, int], size: int, colour: tuple, anchor: str = "topleft") -> pygame.Rect:
            shown.append((s, text.draw(surface, s, pos, size, colour, anchor)))
            return shown[-1][1]

        col_w = 92
        value_x = [x + width - (n - 1 - k) * col_w for k in range(n)]
        if n > 1:
            for k, s in enumerate(self.app.sessions):
                draw(
                    text.fit(s.scenario.strategy_name, 16, col_w - 6), (value_x[k], y), 16, SIDE_COLOURS[k], "topright"
                )
            y += ROW_H
        cells = 2 if n == 1 else 1
        cell_w = (width - CELL_GAP * (cells - 1)) // cells
        col = 0
        for label, values in rows:
            if not values:
                y += ROW_H if col else 0
                col = 0
                y += 3
                draw(text.fit(label, 15, width), (x, y), 15, P.TEXT_DIM)
                y += ROW_H
                continue
            if n == 1:
                cx = x + col * (cell_w + CELL_GAP)
                if col:  # a faint line between the two figures
                    pygame.draw.line(surface, DIVIDER, (cx - CELL_GAP // 2, y), (cx - CELL_GAP // 2, y + ROW_H - 4))
                value = draw(text.fit(values[0], 15, cell_w // 2), (cx + cell_w, y), 15, P.TEXT, "topright")
                draw(text.fit(label, 15, value.x - cx - 4), (cx, y), 15, P.TEXT)
            else:
                draw(text.fit(label, 16, width - n * col_w), (x, y), 16, P.TEXT)
                for vx, v in zip(value_x, values):
                    draw(text.fit(v, 16, col_w - 6), (vx, y), 16, P.TEXT, "topright")
            col = (col + 1) % cells
            y += 0 if col else ROW_H
        return y + (ROW_H if col else 0) + 4

    def _draw_charts(self, surface: pygame.Surface, area: pygame.Rect, count: int) -> None:
        """Coverage and idleness over time, and (``count`` 3) the response-time histogram, stacked in
        ``area``."""
        app = self.app
        h = (area.h - CHART_GAP * (count - 1)) // count
        if h < CHART_MIN_H:
            return
        rects = [pygame.Rect(area.x, area.y + k * (h + CHART_GAP), area.w, h) for k in range(count)]
        self.layout["charts"] = rects
        hist = [s.history() for s in app.sessions]
        colours = SIDE_COLOURS if len(hist) > 1 else [(120, 200, 140)]
        names = [s.scenario.strategy_name if len(hist) > 1 else "" for s in app.sessions]
        s0 = app.sessions[0]
        warmup = (s0.scenario.warmup, s0.sim.now)
        cov = [(d["t"], d["coverage"] * 100, colours[k], names[k]) for k, d in enumerate(hist)]
        charts.line_chart(
            surface,
            rects[0],
            app.text,
            "coverage: % of nodes seen",
            cov,
            lambda v: f"{v:.0f} %",
            warmup,
        )
        compare = len(hist) > 1
        idle = [(d["t"], d["avg_idleness"], colours[k], names[k] or "average") for k, d in enumerate(hist)]
        idle += [
            (d["t"], d["max_idleness"], P.darker(colours[k]), "" if compare else "worst") for k, d in enumerate(hist)
        ]
        charts.line_chart(
            surface,
            rects[1],
            app.text,
            "idleness now: average, worst (dim)" if compare else "idleness now",
            idle,
            P.seconds_label,
            warmup,
        )
        if count < 3:
            return
        rts = [(s.incidents.response_times(), colours[k], names[k]) for k, s in enumerate(app.sessions)]
        charts.histogram(
            surface,
            rects[2],
            app.text,
            "response times",
            rts,
            s0.incidents.target_s,
        )


def readout_rows(sessions: list) -> list[tuple[str, list[str]]]:
    """The figures of the panel as (label, one value per session) rows; a row with no values is a
    heading. The run's figures are its own metrics (``result.metrics``, as `patrolsim run` reports
    them); values at this instant are under the heading "now". (The team size is on the line above.)"""
    ms = [s.metrics() for s in sessions]
    now = [s.now() for s in sessions]
    s0 = sessions[0]
    sim, warmup = s0.sim, s0.scenario.warmup
    if warmup > 0 and sim.now < warmup:
        head = f"warm-up so far (the run's metrics restart at {P.clock_label(warmup)})"
    else:
        head = f"run metrics since {P.clock_label(sim.t0)}" + (" (after warm-up)" if warmup > 0 else "")
    rows: list[tuple[str, list[str]]] = [  # (a single run's figures go two a line: pairs stand together)
        (head, []),
        ("coverage (nodes seen)", [P.share_label(m["coverage"]) for m in ms]),
        ("mean revisit interval", [P.seconds_label(m["mean_interval"]) for m in ms]),
        ("time-avg idleness", [P.seconds_label(m["time_avg_idleness"]) for m in ms]),
        ("worst idleness", [P.seconds_label(m["worst_idleness"]) for m in ms]),
        ("now", []),
        ("avg idleness now", [P.seconds_label(n["avg_idleness"]) for n in now]),
        ("worst idleness now", [P.seconds_label(n["worst_idleness"]) for n in now]),
    ]
    if any("availability" in m for m in ms):
        rows.append(("fleet (run metrics)", []))
        rows.append(("availability", [P.share_label(m.get("availability")) for m in ms]))
        rows.append(("downtime (failed)", [P.seconds_label(m.get("agent_downtime_s")) for m in ms]))
        if any("charging_s" in m for m in ms):
            rows.append(("charging trips", [str(m.get("energy_trips", "-")) for m in ms]))
            rows.append(("wait for a charger", [P.seconds_label(m.get("dock_queue_wait_mean_s")) for m in ms]))
        rows.append(("worst idleness, short", [P.seconds_label(m.get("worst_idleness_degraded_s")) for m in ms]))
    if any("interference_waits" in m for m in ms):
        rows.append(("waits for robots in the way", [str(m.get("interference_waits", "-")) for m in ms]))
    if not any("calls" in m for m in ms):
        return [*rows, ("incidents: none in this run (click a node to report one)", [])]
    rows.append(("incidents (run metrics)", []))
    rows.append(("calls reached", [f"{m.get('response_count', 0)} of {m.get('calls', 0)}" for m in ms]))
    rows.append(("response mean", [P.seconds_label(m.get("response_mean_s")) for m in ms]))
    rows.append(("response 90th pct", [P.seconds_label(m.get("response_p90_s")) for m in ms]))
    targets = sorted({k for m in ms for k in m if k.startswith("response_within_")}, key=lambda k: float(k[16:-1]))
    for k in targets:
        rows.append((f"within {P.seconds_label(float(k[16:-1]))}", [P.share_label(m.get(k)) for m in ms]))
    return rows


def _shown_value(v) -> str:
    """A setting's value as typed in its entry ('true', '2.5', '60', '[[1, 2]]')."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return toml_value(v)
    return f"{v:g}" if isinstance(v, float) else str(v)
