"""The window driven by synthetic events (keys, mouse, panel widgets); asserts on the engine state."""

import math

import numpy as np
import pygame
import pygame_gui
import pytest
from PIL import Image

from patrolsim.gui import recorder
from patrolsim.gui.app import App
from patrolsim.gui.text import Text
from patrolsim.incidents import manager_of


@pytest.fixture
def app(square, tmp_path):
    a = App(square, size=(1000, 640), captures=tmp_path / "captures")
    a.frame(1 / 60, events=[])
    yield a
    a.close()


def key(k, mod=0):
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)


def click(pos, button=1):
    return [
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button),
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button),
    ]


def press(app, name):
    app.frame(1 / 60, events=[pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=app.panel.buttons[name])])


def test_space_pauses_and_resumes(app):
    s = app.sessions[0]
    assert not s.paused
    app.frame(0.1, events=[key(pygame.K_SPACE)])
    t = s.sim.now
    app.frame(0.5, events=[])
    assert s.paused and s.sim.now == t
    app.frame(0.1, events=[key(pygame.K_SPACE)])
    app.frame(0.1, events=[])
    assert not s.paused and s.sim.now > t


def test_speed_keys_and_dropdown(app):
    s = app.sessions[0]
    assert s.speed == 10.0
    app.frame(0.01, events=[key(pygame.K_EQUALS)])
    assert s.speed == 20.0
    app.frame(0.01, events=[key(pygame.K_MINUS), key(pygame.K_MINUS)])
    assert s.speed == 5.0
    app.frame(
        0.01, events=[pygame.event.Event(pygame_gui.UI_DROP_DOWN_MENU_CHANGED, ui_element=app.panel.speed, text="max")]
    )
    assert math.isinf(s.speed)


def test_step_button_advances_one_event(app):
    press(app, "play")  # pause
    s = app.sessions[0]
    t = s.sim.now
    nxt = float(s.sim.state.a_flt[:, 1].min())  # kernel.A_ARRIVE: the next arrival
    press(app, "step")
    assert s.paused and s.sim.now == nxt > t


def test_strategy_change_by_key_and_list_restarts(app):
    app.frame(1.0, events=[])
    app.frame(0.01, events=[key(pygame.K_TAB)])
    s = app.sessions[0]
    names = app.strategy_names
    assert s.scenario.strategy_name == names[(names.index("cr") + 1) % len(names)] and s.sim.now < 1.0
    app.frame(
        0.01,
        events=[pygame.event.Event(pygame_gui.UI_DROP_DOWN_MENU_CHANGED, ui_element=app.panel.strategy, text="hpcc")],
    )
    assert app.sessions[0].sim.strategy.name == "hpcc"


def test_agents_and_seed_buttons(app):
    press(app, "add")
    assert app.sessions[0].sim.state.n_agents == 5
    app.frame(0.01, events=[key(pygame.K_x), key(pygame.K_x)])
    assert app.sessions[0].sim.state.n_agents == 3
    seed = app.sessions[0].scenario.seed
    app.frame(0.01, events=[key(pygame.K_n)])
    assert app.sessions[0].scenario.seed != seed and app.sessions[0].sim.now <= 0.1


def test_layer_toggles(app):
    assert app.layers.heat
    app.frame(0.01, events=[key(pygame.K_h)])
    assert not app.layers.heat and not app.panel.buttons["heat"].is_selected
    press(app, "labels")
    assert app.layers.labels


def test_click_on_a_node_sends_the_nearest_robot(app):
    sim, view = app.sessions[0].sim, app.views[0]
    assert manager_of(sim) is None  # the open square has no incidents: the click attaches a calls-only engine
    xy = tuple(int(v) for v in view.cam.to_screen(sim.map.positions[321]))
    app.frame(0.01, events=click(xy))
    assert "call reported at node 321" in app.status
    assert [m.node for m in app.sessions[0].incidents.marks()] == [view.node_at(*xy)] == [321]
    mgr = manager_of(sim)
    assert mgr.spec.stream == "calls" and mgr.inc.priority.tolist() == [1]
    # seconds to finish the current edge, then the shortest path from its end (speed 1 m/s)
    st, now = sim.state, sim.now
    travel = np.maximum(st.a_flt[:, 1] - now, 0) + mgr.dispatcher.router.distances_to(321)[st.a_int[:, 1]]
    sim.advance_to(now + 0.01)
    assert mgr.log.agent[0] == int(np.argmin(travel)) and mgr.log.dispatched_at[0] == mgr.inc.t_s[0]
    sim.advance_to(sim.now + 200.0)
    assert np.isfinite(mgr.log.arrived_at[0])
    m = app.sessions[0].metrics()
    assert m["response_count"] == 1 and m["response_mean_s"] == pytest.approx(mgr.log.arrived_at[0] - mgr.inc.t_s[0])
    app.panel.sync()
    app.frame(0.01, events=[])  # draws the on-scene marker and the histogram
    assert sim.result().metrics["response_count"] == 1


def test_drag_an_agent_moves_its_start(app):
    press(app, "play")
    view, s = app.views[0], app.sessions[0]
    start = tuple(int(v) for v in view.cam.to_screen(s.positions()[1]))
    target = tuple(int(v) for v in view.cam.to_screen(s.sim.map.positions[200]))
    app.frame(
        0.01,
        events=[
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=start, button=1),
            pygame.event.Event(pygame.MOUSEMOTION, pos=target, rel=(1, 1), buttons=(1, 0, 0)),
            pygame.event.Event(pygame.MOUSEBUTTONUP, pos=target, button=1),
        ],
    )
    assert int(app.sessions[0].sim.starts[1]) == 200 and app.sessions[0].sim.now == 0.0


def test_drag_on_empty_map_pans_and_wheel_zooms(app):
    cam = app.views[0].cam
    centre = cam.centre.copy()
    app.frame(
        0.01,
        events=[
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(100, 100), button=3),
            pygame.event.Event(pygame.MOUSEMOTION, pos=(140, 100), rel=(40, 0), buttons=(0, 0, 1)),
            pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(140, 100), button=3),
        ],
    )
    assert cam.centre[0] < centre[0]
    scale = cam.scale
    app.frame(
        0.01, events=[pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=2, flipped=False, precise_x=0.0, precise_y=2.0)]
    )
    assert cam.scale > scale
    app.frame(0.01, events=[key(pygame.K_f)])
    assert cam.scale == cam.fit_scale


def test_compare_mode_runs_two_strategies_in_step(app):
    app.frame(0.01, events=[key(pygame.K_c)])
    a, b = app.sessions
    assert a.scenario.strategy_name == "cr" and b.scenario.strategy_name == app.compare_strategy
    assert a.scenario.seed == b.scenario.seed and a.sim.starts.tolist() == b.sim.starts.tolist()
    for _ in range(5):
        app.frame(0.2, events=[])
    assert a.sim.now == b.sim.now > 0
    assert len(app.views) == 2 and app.views[0].cam.rect != app.views[1].cam.rect
    app.frame(
        0.01,
        events=[pygame.event.Event(pygame_gui.UI_DROP_DOWN_MENU_CHANGED, ui_element=app.panel.versus, text="random")],
    )
    assert app.sessions[1].scenario.strategy_name == "random" and app.sessions[1].sim.now <= 0.2
    app.frame(0.01, events=[key(pygame.K_c)])
    assert len(app.sessions) == 1 and len(app.views) == 1


def test_compare_mode_reports_an_incident_to_both(app):
    app.frame(0.01, events=[key(pygame.K_c)])
    xy = tuple(int(v) for v in app.views[1].cam.to_screen(app.sessions[1].sim.map.positions[50]))
    app.frame(0.01, events=click(xy))
    assert [[m.node for m in s.incidents.marks()] for s in app.sessions] == [[50], [50]]


def test_help_overlay_opens_and_closes(app):
    app.frame(0.01, events=[key(pygame.K_F1)])
    assert app.show_help
    app.frame(0.01, events=[key(pygame.K_ESCAPE)])
    assert not app.show_help


def test_screenshot_is_a_png_of_the_window(app, tmp_path):
    app.frame(0.01, events=[key(pygame.K_s)])
    shots = list((tmp_path / "captures").glob("*.png"))
    assert len(shots) == 1 and str(shots[0]) in app.status
    with Image.open(shots[0]) as img:
        assert img.size == (1000, 640)
        assert len(img.convert("RGB").getcolors(maxcolors=1 << 20)) > 20  # a real picture, not a blank


@pytest.mark.parametrize("kind,keyname", [("gif", pygame.K_v), ("mp4", pygame.K_m)])
def test_recording(app, tmp_path, monkeypatch, kind, keyname):
    monkeypatch.setattr(recorder, "RECORD_FPS", 10_000)
    app.frame(0.01, events=[key(keyname)])
    assert app.recorder is not None and app.recorder.kind == kind
    for _ in range(4):
        app.frame(0.05, events=[])
    app.frame(0.01, events=[key(keyname)])
    assert app.recorder is None
    files = list((tmp_path / "captures").glob(f"*.{kind}"))
    assert len(files) == 1 and files[0].stat().st_size > 1000
    if kind == "gif":
        with Image.open(files[0]) as img:
            assert img.n_frames >= 4


def test_open_another_scenario_from_the_list(app):
    label = next(k for k in app.catalogue if k.endswith("plaza"))
    app.frame(
        0.01,
        events=[pygame.event.Event(pygame_gui.UI_DROP_DOWN_MENU_CHANGED, ui_element=app.panel.scenario, text=label)],
    )
    assert app.sessions[0].sim.map.kind == "graph" and app.current_label == label
    assert app.views[0].map is app.sessions[0].sim.map
    app.frame(0.1, events=[])


def test_window_resize_relays_out(app):
    pygame.display.set_mode((1200, 760), pygame.RESIZABLE)
    app.frame(0.01, events=[pygame.event.Event(pygame.VIDEORESIZE, size=(1200, 760), w=1200, h=760)])
    assert app.views[0].cam.rect[2] == 1200 - 360
    assert np.isfinite(app.views[0].cam.scale)


def test_slow_set_up_shows_progress_and_can_be_cancelled(app, monkeypatch):
    import time

    from patrolsim.gui import set_up as set_up_module

    seen, make = [], set_up_module.make

    def slow(scenario, **options):
        seen.append(app.status)
        time.sleep(0.4)
        return make(scenario, **options)

    monkeypatch.setattr(set_up_module, "make", slow)
    app.set_strategy("msp")
    assert seen == ["setting up msp ..."] and app.status.startswith("strategy msp")
    assert app.sessions[0].sim.strategy.name == "msp"
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0))
    app.set_strategy("hcr")
    assert "cancelled" in app.status and app.sessions[0].scenario.strategy_name == "msp"  # the run shown goes on


def test_esc_stops_the_set_up_at_its_next_progress_report_and_the_next_one_works(app, monkeypatch):
    import threading
    import time

    from patrolsim.gui.set_up import SetUp

    report, jobs, shown = SetUp._report, [], []
    announce = app.announce

    def until(condition):
        for _ in range(100_000):  # a hang guard only: nothing is timed
            if condition():
                return
            time.sleep(0.001)

    def held(self, name, fraction, stage):  # the third report waits for the progress on the status line,
        report(self, name, fraction, stage)  # presses Esc, and waits for the window to cancel
        if self.ticks == 3:
            jobs.append(self)
            until(lambda: any(" % " in m for m in shown))
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0))
            until(lambda: self.cancelled)

    monkeypatch.setattr(SetUp, "_report", held)
    monkeypatch.setattr(app, "announce", lambda message: shown.append(message) or announce(message))
    app.set_strategy("msp")
    job = jobs[0]
    assert job.ticks == job.cancelled_at + 1 and not job.alive and job.sims is None
    assert "patrolsim-set-up" not in [t.name for t in threading.enumerate()]
    assert any(" % " in m and "(Esc cancels)" in m for m in shown)  # the progress was on the status line
    assert "cancelled" in app.status and app.sessions[0].scenario.strategy_name == "cr"
    monkeypatch.setattr(SetUp, "_report", report)
    app.set_strategy("msp")  # a new set-up right away
    assert app.sessions[0].sim.strategy.name == "msp" and app.status.startswith("strategy msp")


def test_a_failed_set_up_keeps_the_run_and_says_why(app, monkeypatch):
    from patrolsim.errors import UserError
    from patrolsim.gui import set_up as set_up_module

    def failing(scenario, **options):
        raise UserError("msp needs at most as many agents as nodes")

    monkeypatch.setattr(set_up_module, "make", failing)
    app.set_strategy("msp")
    assert app.status == "cannot use strategy 'msp': msp needs at most as many agents as nodes"
    assert app.sessions[0].scenario.strategy_name == "cr"


def test_export_key_writes_the_runs_json_csv_and_a_scenario_that_reruns_it(app, tmp_path):
    import json

    from patrolsim.build import make
    from patrolsim.scenario import load_scenario

    app.frame(0.01, events=[key(pygame.K_a)])  # an edit made in the window: 5 agents
    s = app.sessions[0]
    s.sim.advance_to(600.0)
    app.frame(0.01, events=[key(pygame.K_e)])
    assert "exported" in app.status
    folder = tmp_path / "captures"
    (toml,) = folder.glob("*.toml")
    (exported,) = folder.glob("*.json")
    assert sorted(p.name.rsplit("_", 1)[1] for p in folder.glob("*.csv")) == ["agents.csv", "nodes.csv", "series.csv"]
    rerun = make(load_scenario(toml, duration=600)).run().to_dict()
    got = json.loads(exported.read_text())
    assert got["run"]["agents"] == 5 and got["metrics"] == json.loads(json.dumps(rerun["metrics"]))


def test_export_button_is_in_the_panel(app):
    press(app, "export")
    assert "exported" in app.status


def test_panel_shows_the_runs_own_metrics_and_labels_instant_values_now(app):
    from patrolsim.gui import palette as P
    from patrolsim.gui.panel import readout_rows

    s = app.sessions[0]
    s.sim.advance_to(900.0)
    rows = dict(readout_rows(app.sessions))
    m = s.sim.result().metrics
    assert rows["time-avg idleness"] == [P.seconds_label(m["time_avg_idleness"])]
    assert rows["worst idleness"] == [P.seconds_label(m["worst_idleness"])]
    assert rows["coverage (nodes seen)"] == [P.share_label(m["coverage"])]
    assert rows["now"] == [] and rows["worst idleness now"] == [P.seconds_label(float(s.sim.idleness().max()))]
    assert P.seconds_label(325.7) == "5.43 min" and P.seconds_label(87.21) == "87.2 s"


def test_warm_up_is_named_in_the_panel(square):
    import dataclasses

    from patrolsim.gui.panel import readout_rows
    from patrolsim.gui.session import Session

    s = Session(dataclasses.replace(square, warmup=600.0))
    assert any(
        label.startswith("warm-up so far (the run's metrics restart at 0:10:00)") for label, _ in readout_rows([s])
    )
    s.sim.advance_to(700.0)
    assert any(label.startswith("run metrics since 0:10:00") for label, _ in readout_rows([s]))


def test_settings_tab_lists_the_strategys_parameters_and_applies_edits(app):
    from patrolsim.strategies import strategy_class

    app.set_strategy("hcr")
    app.panel.show_tab("settings")
    entries = app.panel.entries
    assert [k for k in entries if k.startswith("strategy.")] == [f"strategy.{k}" for k in strategy_class("hcr").params]
    drawn = " ".join(line for line, *_ in app.panel.settings_text)
    assert strategy_class("hcr").params["w_idle"].help in drawn and "Almeida" in drawn
    entries["strategy.w_idle"][1].set_text("2.5")
    entries["agents.count"][1].set_text("6")
    press(app, "apply")
    s = app.sessions[0]
    assert s.sim.strategy.values["w_idle"] == 2.5 and s.sim.state.n_agents == 6 and s.sim.now < 1.0
    assert "run restarted" in app.status and app.panel.tab == "settings"
    app.panel.entries["strategy.w_dist"][1].set_text("-1")
    press(app, "apply")
    assert app.status.startswith("not applied") and "strategy.w_dist" in app.status
    assert s.sim.strategy.values["w_dist"] == 1.0  # unchanged
    seen = set(app.panel.entries)
    for _ in range(5):  # the wheel over the panel scrolls to the rows that do not fit the window
        app.panel.scroll_settings(1)
        seen |= set(app.panel.entries)
    assert {"agents.count", "agents.speed", "agents.sensing_radius"} <= seen


def test_settings_of_a_scenario_with_incidents_include_rate_and_dispatch_policy():
    from patrolsim.gui.settings import apply_settings, settings_of
    from patrolsim.scenario import load_run_scenario

    sc = load_run_scenario("mall_security")
    rows = {r.key: r for r in settings_of(sc)}
    assert rows["dispatch.policy"].choices == ("nearest", "nearest-preempt", "none")
    assert rows["incidents.rate_per_hour"].value == sc.incidents.rate_per_hour
    new = apply_settings(sc, {"incidents.rate_per_hour": 12.0, "dispatch.policy": "none"})
    assert new.incidents.rate_per_hour == 12.0 and new.dispatch.policy == "none" and new.map is sc.map


def test_compare_says_when_both_runs_are_identical(app):
    assert app.compare_strategy == "msp"  # the default differs visibly from cr
    app.set_compare_strategy("hcr")
    app.frame(0.01, events=[key(pygame.K_c)])
    for s in app.sessions:
        s.sim.advance_to(120.0)
    assert app.runs_identical()  # on a uniform grid hcr moves exactly as cr
    app.set_compare_strategy("random")
    for s in app.sessions:
        s.sim.advance_to(120.0)
    assert not app.runs_identical()


def test_charts_have_axes_and_the_target_is_drawn_over_the_bars():
    from patrolsim.gui import charts
    from patrolsim.gui import palette as P
    from patrolsim.gui.text import Text

    pygame.font.init()
    surface = pygame.Surface((340, 140))
    rect = pygame.Rect(0, 0, 340, 140)
    rt = np.full(50, 60.0)  # every bar sits on the target
    charts.histogram(surface, rect, Text(), "response times", [(rt, (255, 0, 0), "")], target_s=60.0)
    plot = pygame.Rect(rect.x + charts.LEFT, rect.y + 22, rect.w - charts.LEFT - 8, rect.h - 22 - charts.BOTTOM - 4)
    hi = 60.0 * 1.05
    tx = plot.x + 60.0 / hi * plot.w
    assert tuple(surface.get_at((int(tx), plot.bottom - 5)))[:3] == P.TEXT  # the target line, over the bar
    assert tuple(surface.get_at((plot.x, plot.centery)))[:3] == charts.AXIS  # the y axis


def test_recorded_frames_leave_out_the_status_line(app, tmp_path, monkeypatch):
    monkeypatch.setattr(recorder, "RECORD_FPS", 10_000)
    app.frame(0.01, events=[key(pygame.K_v)])
    for _ in range(3):
        app.frame(0.05, events=[])
    app.frame(0.01, events=[key(pygame.K_v)])
    (gif,) = (tmp_path / "captures").glob("*.gif")
    with Image.open(gif) as img:
        w, h = img.size  # (scaled down) the window without its status line: no "recording ...", no REC badge
        assert abs(h / w - (640 - app.STATUS_H) / 1000) < 0.01


def test_layer_buttons_are_lit_only_when_they_can_show_something(app):
    assert app.sessions[0].scenario.agents.sensing_radius > 0 and app.panel.buttons["discs"].is_selected
    assert app.layers.regions and not app.panel.buttons["regions"].is_selected  # cr draws no regions
    app.set_strategy("msp")
    assert app.panel.buttons["regions"].is_selected


def test_clicking_a_wall_says_so():
    from patrolsim.scenario import load_run_scenario

    a = App(load_run_scenario("office"), size=(1000, 640))
    try:
        view, g = a.views[0], a.sessions[0].sim.map.grid
        r, c = np.argwhere(g.cell_node < 0)[0]
        centre = (g.origin[0] + (c + 0.5) * g.cell_size, g.origin[1] + (g.shape[0] - r - 0.5) * g.cell_size)
        a.frame(0.01, events=click(tuple(int(v) for v in view.cam.to_screen(np.array(centre)))))
        assert "no node here" in a.status and a.sessions[0].incidents.marks() == []
    finally:
        a.close()


def test_a_paused_window_with_nothing_new_is_not_redrawn(app, monkeypatch):
    app.frame(0.01, events=[key(pygame.K_SPACE)])  # pause
    drawn = []
    monkeypatch.setattr(app, "draw", lambda: drawn.append(1))
    for _ in range(5):
        app.frame(0.01, events=[])
    assert len(drawn) <= 1  # (the frame after the last change)
    before = len(drawn)
    app.frame(0.01, events=[pygame.event.Event(pygame.MOUSEMOTION, pos=(5, 5), rel=(1, 1), buttons=(0, 0, 0))])
    assert len(drawn) == before + 1  # an event: drawn
    drawn.clear()
    app.frame(0.01, events=[key(pygame.K_SPACE)])  # playing again: every frame is drawn
    app.frame(0.01, events=[])
    app.frame(0.01, events=[])
    assert len(drawn) == 3


def test_charts_shade_the_warm_up():
    from patrolsim.gui import charts
    from patrolsim.gui.text import Text

    pygame.font.init()
    surface = pygame.Surface((340, 140))
    rect = pygame.Rect(0, 0, 340, 140)
    charts.line_chart(surface, rect, Text(), "coverage", [], str, warmup=(3600.0, 1800.0))
    plot = pygame.Rect(rect.x + charts.LEFT, rect.y + 22, rect.w - charts.LEFT - 8, rect.h - 22 - charts.BOTTOM - 4)
    assert tuple(surface.get_at((plot.x + 5, plot.y + 5)))[:3] == charts.WARMUP  # half the warm-up so far
    assert tuple(surface.get_at((plot.right - 5, plot.y + 5)))[:3] != charts.WARMUP
    t = np.linspace(3600.0, 7200.0, 20)
    charts.line_chart(surface, rect, Text(), "coverage", [(t, t / 100, (0, 255, 0), "")], str, warmup=(3600.0, 7200.0))
    assert tuple(surface.get_at((plot.x + 5, plot.y + 5)))[:3] == charts.WARMUP  # the first half of the axis


def test_ledger_overlay_shows_the_runs_fairness_ledger():
    from patrolsim.scenario import load_run_scenario

    a = App(load_run_scenario("feedback_loop"), size=(1000, 640))
    try:
        s = a.sessions[0]
        s.sim.advance_to(3 * 3600.0)
        a.frame(0.01, events=[key(pygame.K_i)])
        assert a.layers.ledger and a.panel.buttons["ledger"].is_selected
        areas, engine = s.ledger(), s.sim.result().areas
        for col in ("patrol_share", "true_share", "risk_share"):  # the predictive layer's estimate too
            assert np.array_equal(areas[col], engine[col])
    finally:
        a.close()


def test_ledger_button_is_dark_without_incidents_or_risk(app):
    app.frame(0.01, events=[key(pygame.K_i)])
    assert app.layers.ledger and not app.panel.buttons["ledger"].is_selected
    assert "no incidents" in app.status and app.sessions[0].ledger() is None


@pytest.mark.parametrize(
    ("size", "scale"),
    [((1280, 720), 1.0), ((1366, 768), 1.0), ((1920, 1080), 1.4), ((1920, 1200), 1.5), ((2560, 1440), 1.6)],
)
def test_the_window_fits_and_fonts_scale_with_it(square, size, scale):
    a = App(square, size=size)
    try:
        a.frame(0.01, events=[])
        assert a.ui_scale == scale and a.map_text.scale == scale and a.panel_w == round(360 * scale)
        w, h = size
        for widget in a.panel.widgets:  # every control inside the panel, above the status line
            r = widget.rect
            assert r.left >= w - a.panel_w and r.right <= w and r.bottom <= h - a.status_h
        assert a.map_text.font(16).get_height() > Text().font(16).get_height() or scale == 1.0
    finally:
        a.close()


def test_settings_with_choices_are_option_lists(app):
    from pygame_gui.elements import UIDropDownMenu

    app.set_strategy("cgg")
    app.panel.show_tab("settings")
    setting, widget = app.panel.entries["strategy.walk"]
    assert isinstance(widget, UIDropDownMenu) and setting.choices == ("tour", "edges")
    assert app.panel.edits() == {}


def test_the_first_set_up_runs_in_the_open_window_and_esc_closes_it(square, monkeypatch):
    import time

    from patrolsim.gui import set_up as set_up_module

    make = set_up_module.make

    def slow(scenario, **options):
        time.sleep(0.4)
        return make(scenario, **options)

    monkeypatch.setattr(set_up_module, "make", slow)
    pygame.display.init()
    pygame.event.clear()
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0))
    a = App(square, size=(1000, 640))
    assert not a.running and a.sessions == [] and a.run() == 0


def test_resizing_the_window_rescales_the_panel_and_its_widget_fonts(square):
    a = App(square, size=(1000, 640))
    try:
        small = a.panel.buttons["play"].font.size("Play")
        pygame.display.set_mode((1920, 1080), pygame.RESIZABLE)
        a.frame(0.01, events=[pygame.event.Event(pygame.VIDEORESIZE, size=(1920, 1080), w=1920, h=1080)])
        assert a.ui_scale == 1.4 and a.panel_w == 504 and a.map_text.scale == 1.4
        assert a.panel.buttons["play"].font.size("Play")[1] > small[1]
        press(a, "heat")  # the rebuilt widgets work
        assert not a.layers.heat
    finally:
        a.close()


def test_exporting_mid_run_changes_nothing_later(square):
    from patrolsim.build import make
    from patrolsim.gui.export import run_result
    from patrolsim.gui.session import Session

    s = Session(square, speed=float("inf"))
    s.sim.advance_to(1234.5)  # between two samples
    early = run_result(s.sim)
    assert early.series["t"][-1] == 1234.5 and s.sim.series.rows[-1][0] < 1234.5
    while not s.reached_end:
        s.tick(1.0, 1.0)
    end, headless = run_result(s.sim).to_dict(), make(square).run().to_dict()
    end["run"].pop("wall_s"), headless["run"].pop("wall_s")
    assert end == headless
