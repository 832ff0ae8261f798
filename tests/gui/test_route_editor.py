"""The route editor (W) driven by synthetic events off-screen: robots selected by a click, waypoints
added, dragged, deleted and given a dwell, the lap and expected worst idleness in the panel, and Save
writing a scenario that `patrolsim run` reproduces exactly."""

import json

import pygame
import pygame_gui
import pytest

from patrolsim.build import make
from patrolsim.gui.app import App
from patrolsim.gui.export import run_result
from patrolsim.gui.routes import RouteDraft
from patrolsim.scenario import load_run_scenario, load_scenario

# an 8-node ring of 10 m cells (ids row by row: 0 1 2 / 3 # 4 / 5 6 7), two cr robots at 1 m/s from 0 and 3
RING = "cell_size: 10\n...\n.#.\n...\n"


@pytest.fixture
def ring(tmp_path):
    (tmp_path / "ring.txt").write_text(RING)
    (tmp_path / "s.toml").write_text(
        'map = "ring.txt"\nduration = 900\nseed = 2\n[agents]\ncount = 2\nstarts = [0, 3]\n[strategy]\nname = "cr"\n'
    )
    return load_run_scenario(str(tmp_path / "s.toml"))


@pytest.fixture
def app(ring, tmp_path):
    a = App(ring, size=(1000, 640), captures=tmp_path / "captures")
    a.frame(1 / 60, events=[])
    yield a
    a.close()


def key(k):
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


def at(app, node):
    x, y = app.views[0].cam.to_screen(app.sessions[0].sim.map.positions[node])
    return int(x), int(y)


def click(app, node, button=1):
    pos = at(app, node)
    return [
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button),
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button),
    ]


def drag(app, a, b):
    pa, pb = at(app, a), at(app, b)
    return [
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pa, button=1),
        pygame.event.Event(pygame.MOUSEMOTION, pos=pb, rel=(pb[0] - pa[0], pb[1] - pa[1]), buttons=(1, 0, 0)),
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pb, button=1),
    ]


def button(app, name):
    return [pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=app.editor.buttons[name])]


def test_draw_routes_then_save_a_scenario_that_reruns_exactly(app, tmp_path):
    app.frame(0.01, events=[key(pygame.K_w)])
    draft = app.editor.draft
    assert draft is not None and draft.routes == [] and app.sessions[0].paused
    for node in (1, 2, 7, 6):  # robot 0 is selected: clicks on nodes add waypoints to its route
        app.frame(0.01, events=click(app, node))
    assert draft.routes == [[1, 2, 7, 6]]
    app.frame(0.01, events=drag(app, 6, 5))  # waypoint 3 moves from node 6 to node 5
    app.frame(0.01, events=click(app, 2, button=3))  # right-click deletes waypoint 1
    assert draft.routes == [[1, 7, 5]] and draft.dwell == [[0.0, 0.0, 0.0]]
    app.frame(0.01, events=click(app, 7))  # a click on a waypoint selects it ...
    assert draft.waypoint == 1
    app.editor.dwell_entry.set_text("15")  # ... and the panel sets its dwell
    app.frame(0.01, events=button(app, "dwell"))
    assert draft.dwell == [[0.0, 15.0, 0.0]]
    # the loop 1 2 4 7 | 6 5 | 3 0 is 80 m, 95 s with the dwell; both robots share it: 47.5 s apart
    assert draft.lap(0) == (80.0, 95.0) and draft.expected_worst(0) == 47.5
    assert "expected worst idleness 47.5 s" in app.editor._route_lines(draft)
    app.frame(0.01, events=button(app, "save"))
    assert "saved" in app.status
    (saved,) = (tmp_path / "captures").glob("*.toml")
    s = app.sessions[0]
    assert s.scenario.strategy_name == "route" and s.sim.now == 0.0
    while not s.reached_end:  # the window runs what it saved ...
        s.paused = False
        s.tick(1.0, 1.0)
    window = run_result(s.sim).to_dict()
    headless = make(load_scenario(saved)).run().to_dict()  # ... and `patrolsim run` reruns it exactly
    for d in (window, headless):
        d["run"].pop("wall_s")
    window, headless = json.loads(json.dumps(window)), json.loads(json.dumps(headless))
    assert {k: v for k, v in window["run"].items() if v != headless["run"][k]} == {}
    assert window == headless
    assert headless["agents"]["lap_s"] == [95.0, 95.0]


def test_a_robot_gets_a_route_of_its_own(app):
    app.frame(0.01, events=[key(pygame.K_w)])
    draft = app.editor.draft
    for node in (0, 2):  # (a click on the selected robot's own marker adds a waypoint there)
        app.frame(0.01, events=click(app, node))
    app.frame(0.01, events=click(app, 3))  # robot 1's marker (it starts at node 3): selects it
    assert draft.robot == 1 and draft.routes == [[0, 2]]
    app.frame(0.01, events=button(app, "own"))
    app.frame(0.01, events=click(app, 4))
    assert draft.routes == [[0, 2], [0, 2, 4]]
    app.frame(0.01, events=button(app, "done"))
    assert not app.editor.active and app.sessions[0].scenario.strategy_params["routes"] == [[0, 2], [0, 2, 4]]


def test_a_route_that_cannot_run_is_named_and_the_editor_stays(app):
    app.frame(0.01, events=[key(pygame.K_w)])
    app.frame(0.01, events=click(app, 1))  # one waypoint, no dwell
    app.frame(0.01, events=button(app, "done"))
    assert app.editor.active and "routes not applied" in app.status and "agent 0" in app.status
    assert app.sessions[0].scenario.strategy_name == "cr"


def test_choosing_route_in_the_list_opens_the_editor(app):
    app.set_strategy("route")
    assert app.editor.active and app.sessions[0].scenario.strategy_name == "cr"


def test_the_draft_of_a_route_scenario_holds_its_routes(ring):
    from patrolsim.gui.settings import apply_settings

    sc = apply_settings(ring, {"strategy.name": "route", "strategy.routes": [[0, 2, 7]], "strategy.dwell_s": 5.0})
    draft = RouteDraft(sc)
    assert draft.routes == [[0, 2, 7]] and draft.dwell == [[5.0, 5.0, 5.0]]
    assert draft.route_of(1) == 0 and draft.sharing(0) == [0, 1]
    assert draft.scenario().strategy_params["dwell_s"] == 5.0
