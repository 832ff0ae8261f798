"""MapView draws what the engine says: pixels of visited cells, agent markers, incidents, legend."""

from pathlib import Path

import numpy as np
import pygame
import pytest

from patrolsim.gui import palette as P
from patrolsim.gui.map_view import Layers, MapView
from patrolsim.gui.session import Session
from patrolsim.gui.text import Text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def pygame_on():
    pygame.display.init()
    pygame.font.init()
    yield
    pygame.display.quit()


def _pixel(surface, xy):
    return tuple(surface.get_at((int(round(xy[0])), int(round(xy[1]))))[:3])


def _draw(session, layers, size=(600, 600)):
    surface = pygame.Surface(size)
    view = MapView(session.sim.map, (0, 0, *size), Text())
    view.draw(surface, session, layers, P.agent_colours(session.sim.state.n_agents))
    return surface, view


def _clear_of_markers(view, session, positions):
    """Nodes whose pixel no agent marker and not the legend covers."""
    agents = view.cam.to_screen(session.positions())
    pos = view.cam.to_screen(positions)
    far = np.min(np.hypot(*(pos[:, None, :] - agents[None, :, :]).transpose(2, 0, 1)), axis=1) > 25
    box = view.legend_box()
    outside = ~(
        (pos[:, 0] >= box.left - 2)
        & (pos[:, 0] <= box.right + 2)
        & (pos[:, 1] >= box.top - 2)
        & (pos[:, 1] <= box.bottom + 2)
    )
    return far & outside


def _heat(view, idle, node, seen):
    if not seen[node]:
        return P.NEVER_SEEN
    return tuple(P.HEAT_LUT[P.heat_index(idle[node : node + 1], view.heat_max)][0])


def test_a_visited_cell_turns_from_stale_to_fresh(square):
    s = Session(square, speed=1.0)
    s.sim.advance_to(120.0)
    before, seen_before = s.sim.idleness().copy(), s.seen.copy()
    surface1, view1 = _draw(s, Layers(paths=False, discs=False))
    clear1 = _clear_of_markers(view1, s, square.map.positions)
    s.sim.advance_to(180.0)
    after = s.sim.idleness()
    surface2, view2 = _draw(s, Layers(paths=False, discs=False))
    clear2 = _clear_of_markers(view2, s, square.map.positions)
    # the node whose idleness dropped most between the two frames (ties: lowest id), visible in both
    drop = np.where(clear1 & clear2, before - after, -np.inf)
    node = int(np.argmax(drop))  # argmax: first (lowest) index of the maximum
    assert drop[node] > 60.0  # it was stale at 120 s and was seen again since
    pos = view1.cam.to_screen(square.map.positions[node])
    stale, fresh = _pixel(surface1, pos), _pixel(surface2, pos)
    assert stale == _heat(view1, before, node, seen_before)
    assert fresh == _heat(view2, after, node, s.seen)
    assert stale != fresh


def test_heat_off_shows_plain_floor(square):
    s = Session(square)
    s.sim.advance_to(60.0)
    surface, view = _draw(s, Layers(heat=False, paths=False, discs=False))
    idle = s.sim.idleness()
    node = int(np.argmax(idle))
    assert _pixel(surface, view.cam.to_screen(square.map.positions[node])) == P.FREE


def test_agent_markers_are_where_the_engine_says(square):
    s = Session(square)
    s.sim.advance_to(33.3)  # mid-edge for most agents
    surface, view = _draw(s, Layers(paths=False, discs=False))
    colours = P.agent_colours(4)
    drawn = 0
    for a, xy in enumerate(view.cam.to_screen(s.sim.agent_positions())):
        if not view.legend_box().inflate(24, 24).collidepoint(*xy):  # (the legend is drawn over the map)
            assert _pixel(surface, xy) == colours[a]
            drawn += 1
    assert drawn >= 3


def test_walls_are_drawn_as_walls():
    from patrolsim.cli import load_run_scenario

    s = Session(load_run_scenario(str(ROOT / "maps" / "office.txt"), {}))
    surface, view = _draw(s, Layers(paths=False, discs=False))
    g = s.sim.map.grid
    r, c = np.argwhere(~g.free)[len(np.argwhere(~g.free)) // 2]
    centre = (g.origin[0] + (c + 0.5) * g.cell_size, g.origin[1] + (g.shape[0] - r - 0.5) * g.cell_size)
    assert _pixel(surface, view.cam.to_screen(np.array(centre))) == P.WALL


def test_sensing_discs_tint_the_cells_around_an_agent(square):
    s = Session(square)
    s.sim.advance_to(10.0)
    with_discs, view = _draw(s, Layers(paths=False, discs=True, heat=False))
    without, _ = _draw(s, Layers(paths=False, discs=False, heat=False))
    xy = view.cam.to_screen(s.sim.agent_positions()[0]) + (0, view.cam.scale * 1.6)
    assert _pixel(with_discs, xy) != _pixel(without, xy)


def test_incident_marker_and_legend(square, fake_incidents):
    s = Session(square)
    s.incidents.source = fake_incidents(s.sim)
    s.incidents.add(100)
    assert s.incidents.marks()[0].agent == 0 and s.incidents.marks()[0].left_s == 60.0
    surface, view = _draw(s, Layers(paths=False, discs=False))
    assert _pixel(surface, view.cam.to_screen(square.map.positions[100]) + (0, -6)) == P.INCIDENT
    box = view.legend_box()
    # the legend's colour ramp starts at the fresh end of the scale; the never-seen swatch follows it
    assert _pixel(surface, (box.x + 8, box.y + 27)) == tuple(P.HEAT_LUT[0])
    assert _pixel(surface, (box.x + 8 + 180 + 18, box.y + 27)) == P.NEVER_SEEN


def test_street_map_nodes_are_coloured_by_idleness():
    from patrolsim.cli import load_run_scenario

    s = Session(load_run_scenario(str(ROOT / "maps" / "mesa_az"), {}))
    s.sim.advance_to(300.0)
    surface, view = _draw(s, Layers(paths=False, discs=False))
    idle = s.sim.idleness()
    pos = view.cam.to_screen(s.sim.map.positions)
    agents = view.cam.to_screen(s.positions())
    box = view.legend_box()
    clear = [
        n
        for n in range(s.sim.map.n_nodes)
        if np.min(np.hypot(*(agents - pos[n]).T)) > 25 and not box.inflate(20, 20).collidepoint(*pos[n])
    ]
    never = [n for n in clear if not s.seen[n]]
    seen = [n for n in clear if s.seen[n]]
    assert never and seen
    assert _pixel(surface, pos[never[0]]) == P.NEVER_SEEN
    assert _pixel(surface, pos[seen[0]]) == _heat(view, idle, seen[0], s.seen)


def test_regions_are_outlined_and_the_heat_shows_inside(square):
    s = Session(square)
    s.sim.strategy.partition = (square.map.positions[:, 0] > 15).astype(int)
    s.sim.advance_to(60.0)
    layers = {"paths": False, "discs": False}
    heat, view = _draw(s, Layers(regions=False, **layers))
    regions, _ = _draw(s, Layers(regions=True, **layers))
    inside, west_edge, east_edge = view.cam.to_screen(np.array([[3.5, 27.5], [14.5, 27.5], [15.5, 27.5]]))
    assert _pixel(regions, inside) == _pixel(heat, inside)  # the heat map is not tinted
    assert _pixel(regions, west_edge) == tuple(P.distinct_colours(2)[0])
    assert _pixel(regions, east_edge) == tuple(P.distinct_colours(2)[1])


def test_the_heat_scale_is_fixed_for_the_run(square):
    s = Session(square)
    scale = s.heat_scale()
    s.sim.advance_to(30.0)
    _, early = _draw(s, Layers())
    s.sim.advance_to(2000.0)
    _, late = _draw(s, Layers())
    assert early.heat_max == late.heat_max == scale
    sweep = square.map.n_nodes * square.map.lengths.mean() / (4 * 1.0)
    assert 2 * sweep <= scale <= square.duration


def test_node_and_agent_hit_tests(square):
    s = Session(square)
    s.sim.advance_to(5.0)
    _, view = _draw(s, Layers())
    xy = view.cam.to_screen(square.map.positions[123])
    assert view.node_at(*xy) == 123
    a_xy = view.cam.to_screen(s.positions()[2])
    assert view.agent_at(*a_xy, s.positions()) == 2
    assert view.node_at(-5, -5) is None


def test_zoom_keeps_the_point_under_the_cursor(square):
    s = Session(square)
    _, view = _draw(s, Layers())
    before = view.cam.to_world(200, 300)
    view.cam.zoom_at(2.0, 200, 300)
    assert np.allclose(view.cam.to_world(200, 300), before)
    view.cam.pan(50, 0)
    assert np.allclose(view.cam.to_world(250, 300), before)


def test_the_report_heat_maps_use_the_windows_colours():
    from matplotlib import colormaps
    from matplotlib.colors import to_rgb

    from patrolsim.report import heatmap

    cmap = colormaps[heatmap.CMAP]
    fresh, stale = (tuple(round(255 * c) for c in cmap(x)[:3]) for x in (0.0, 1.0))
    assert fresh == tuple(P.HEAT_LUT[0]) and stale == tuple(P.HEAT_LUT[-1])  # pale yellow ... dark red
    assert tuple(round(255 * c) for c in to_rgb(heatmap.NEVER_SEEN)) == P.NEVER_SEEN


def test_k_locks_the_heat_scale_in_both_compare_views(square):
    from patrolsim.gui.app import App

    app = App(square, size=(1000, 640), compare="random")
    try:
        app.sessions[0].sim.advance_to(200.0)
        app.frame(0.01, events=[])
        fixed = app.sessions[0].heat_scale()
        assert [v.heat_max for v in app.views] == [fixed, fixed]
        app.frame(0.01, events=[pygame.event.Event(pygame.KEYDOWN, key=pygame.K_k, mod=0, unicode="", scancode=0)])
        locked = P.nice_ceiling(max(float(s.sim.idleness().max()) for s in app.sessions))
        assert [v.heat_max for v in app.views] == [locked, locked] and "locked" in app.status
        app.frame(0.01, events=[pygame.event.Event(pygame.KEYDOWN, key=pygame.K_k, mod=0, unicode="", scancode=0)])
        assert [v.heat_max for v in app.views] == [fixed, fixed]
    finally:
        app.close()


def test_incident_labels_show_hours_and_the_waiting_state():
    from patrolsim.gui.incidents import IncidentMark
    from patrolsim.gui.map_view import incident_label

    assert incident_label(IncidentMark(0, 2, -(3600 + 54 * 60 + 6), 3, False)) == "P3 late 1:54:06"
    assert incident_label(IncidentMark(0, 2, 185.0, 1, False)) == "P1 3:05"
    assert incident_label(IncidentMark(0, -1, 185.0, 2, False)) == "P2 waiting for a robot 3:05"
    assert incident_label(IncidentMark(0, 2, 185.0, 2, True)) == "P2 on scene"


def test_incident_red_is_no_agents_colour():
    import colorsys

    colours = P.agent_colours(60)
    hues = [colorsys.rgb_to_hsv(*(c / 255 for c in rgb)) for rgb in colours]
    assert all(not (s > 0.5 and v > 0.6 and (h < P.RED_HUES[0] or h > P.RED_HUES[1])) for h, s, v in hues)
    assert min(np.linalg.norm(np.subtract(c, P.INCIDENT)) for c in colours) > 90
    assert colorsys.rgb_to_hsv(*(c / 255 for c in P.INCIDENT))[0] > P.RED_HUES[1]


def test_incident_labels_do_not_cover_each_other(square, fake_incidents):
    s = Session(square)
    s.incidents.source = fake_incidents(s.sim)
    for node in (100, 101, 131, 130):  # four calls on neighbouring cells
        s.incidents.add(node)
    surface = pygame.Surface((600, 600))
    view = MapView(s.sim.map, (0, 0, 600, 600), Text())
    drawn = []
    original = view.text.draw

    def record(target, label, pos, size=18, colour=(0, 0, 0), anchor="topleft", box=None):
        rect = original(target, label, pos, size, colour, anchor, box)
        if label.startswith("P2"):
            drawn.append(rect)
        return rect

    view.text.draw = record
    view.draw(surface, s, Layers(paths=False, discs=False), P.agent_colours(4))
    assert len(drawn) == 4
    assert all(a.collidelist([b for b in drawn if b is not a]) < 0 for a in drawn)


def test_docks_battery_bars_and_failed_robots_are_drawn(square):
    """A dock square at its node, a bar under each robot with a battery (its length the charge left), and a
    failed robot greyed out with its sensing disc gone."""
    from patrolsim.gui import fleet_marks as FM
    from patrolsim.scenario import load_run_scenario

    sc = load_run_scenario(
        str(ROOT / "maps" / "open_square.txt"),
        {
            "agents": 2,
            "sensing_radius": 2.0,
            "energy.capacity_h": 1.0,
            "energy.docks": [[29.5, 29.5]],
            "failures.at": [[1, 10, 100000]],
        },
    )
    s = Session(sc)
    s.sim.advance_to(20.0)
    surface, view = _draw(s, Layers(paths=False, labels=False))
    dock = view.cam.to_screen(s.sim.map.positions[[s.sim.map.nearest_node([29.5, 29.5])]])[0]
    assert _pixel(surface, dock + (0.75 * view.agent_radius, 0.5 * view.agent_radius)) in (FM.DOCK, FM.DOCK_BUSY)
    agents = view.cam.to_screen(s.sim.agent_positions())
    r = view.agent_radius
    bar = agents[0] + (-r, r + 6.5)  # the left end of robot 0's bar: charged nearly full
    assert _pixel(surface, bar) == FM.BATTERY_OK
    assert _pixel(surface, agents[1] + (0.5 * r, 0.2 * r)) == FM.FAILED
    assert s.sim.state.failed.tolist() == [False, True]


def test_the_figures_show_availability_and_downtime_for_a_fleet():
    from patrolsim.gui.panel import readout_rows
    from patrolsim.scenario import load_run_scenario

    sc = load_run_scenario(str(ROOT / "maps" / "open_square.txt"), {"agents": 2, "failures.at": [[1, 10, 40]]})
    s = Session(sc)
    s.sim.advance_to(100.0)
    rows = dict(readout_rows([s]))
    assert rows["availability"] == [f"{(1 - 30 / 200) * 100:.1f} %"]  # 30 s down of 2 x 100 agent-seconds
    assert rows["downtime (failed)"] == ["30 s"]
