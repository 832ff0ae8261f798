"""The window's layout at common screen sizes: the status line, the compare headers, the help overlay and
the panel grow with the window, and nothing overlaps or is cut (rectangles, not pixels)."""

import itertools
from pathlib import Path

import pygame
import pytest

from patrolsim.gui.app import App
from patrolsim.gui.help import help_layout
from patrolsim.gui.panel import CHART_MIN_H, readout_rows

ROOT = Path(__file__).resolve().parents[2]

SIZES = [(1280, 800), (1366, 768), (1920, 1080), (2560, 1440)]


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def compared(request, square):
    a = App(square, size=request.param, compare="msp")
    a.frame(0.01, events=[])
    yield a
    a.close()


def inside(outer: pygame.Rect, inner: pygame.Rect) -> bool:
    return outer.contains(inner)


def test_status_line_grows_with_the_window_and_a_long_message_is_shortened_before_the_speed(compared):
    a = compared
    w, h = a.screen.get_size()
    a.say("a long message " * 40)
    bar, message, right = a._draw_status()
    assert a.status_h == round(App.STATUS_H * a.ui_scale) and bar == pygame.Rect(0, h - a.status_h, w, a.status_h)
    assert inside(bar, message) and inside(bar, right) and not message.colliderect(right)
    assert message.h == a.map_text.font(18).get_linesize() and message.right < right.left
    assert a.map_rect().bottom == h - a.status_h  # the maps end where the status line begins


def test_compare_headers_sit_above_their_maps_and_the_identical_banner_below_them(compared, monkeypatch):
    a = compared
    monkeypatch.setattr(App, "runs_identical", lambda self: True)
    *names, banner = a._draw_headers()
    assert a.header_h == round(App.HEADER_H * a.ui_scale)
    for name, view in zip(names, a.views):
        x, y, w, _ = view.cam.rect
        assert inside(pygame.Rect(x, y - a.header_h, w, a.header_h), name)
    assert not names[0].colliderect(names[1])
    assert inside(a.map_rect(), banner) and banner.top >= a.views[0].cam.rect[1]


def test_the_help_overlay_fits_the_window_and_its_lines_do_not_overlap(compared):
    a = compared
    size = a.screen.get_size()
    box, items = help_layout(size, a.map_text)
    assert inside(pygame.Rect((0, 0), size), box)
    rects = [pygame.Rect(pos, a.map_text.font(px).size(s)) for s, pos, px, _ in items]
    assert all(inside(box, r) for r in rects)
    assert not any(r.colliderect(q) for r, q in itertools.combinations(rects, 2))
    assert {s for s, *_ in items} >= {"Space", "play / pause", "Q", "quit"}  # every control is there


def test_text_outside_the_panel_grows_with_the_window(square):
    heights = []
    for size in ((1280, 800), (1920, 1080), (2560, 1440)):
        a = App(square, size=size)
        try:
            a.frame(0.01, events=[])
            _, message, _ = a._draw_status()
            box, items = help_layout(size, a.map_text)
            title = a.map_text.font(items[0][2]).get_height()
            heights.append((a.status_h, message.h, box.w, title))
        finally:
            a.close()
    for small, large in itertools.pairwise(heights):
        assert all(b > s for s, b in zip(small, large)), heights


@pytest.fixture(scope="module")
def mall():
    from patrolsim.cli import load_run_scenario

    return load_run_scenario(str(ROOT / "scenarios" / "mall_security.toml"), {})


def panel_after(app, t: float):
    """The panel's read-outs drawn once the runs reached ``t`` simulated seconds."""
    for s in app.sessions:
        s.sim.advance_to(t)
    app.panel._draw_readouts(pygame.Surface(app.panel.base_size()))
    return app.panel


def check_no_overlap_and_inside(rects, bounds):
    assert all(bounds.contains(r) for r in rects)
    assert not any(r.colliderect(q) for r, q in itertools.combinations(rects, 2))


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (2560, 1440)], ids=["1366x768", "1920x1080", "2560x1440"])
def test_a_single_runs_figures_and_its_three_charts_fit_together_in_the_panel(mall, size):
    a = App(mall, size=size)
    try:
        panel = panel_after(a, 1800.0)
        surface = pygame.Rect((0, 0), a.panel.base_size())
        figures, charts = panel.layout["figures"], panel.layout["charts"]
        assert panel.charts_below == 3 and len(charts) == 3  # coverage, idleness, response times
        shown = [s for s, _ in figures]
        for label, values in readout_rows(a.sessions):  # every figure, its label whole (not shortened)
            assert label in shown and all(v in shown for v in values)
        check_no_overlap_and_inside([r for _, r in figures] + charts, surface)
        assert max(r.bottom for _, r in figures) <= charts[0].top  # the charts below the figures
        assert all(c.h >= CHART_MIN_H for c in charts)
    finally:
        a.close()


@pytest.mark.parametrize(("size", "count"), [((1366, 768), 2), ((2560, 1440), 3)], ids=["1366x768", "2560x1440"])
def test_compare_mode_keeps_the_line_charts_under_the_figures(mall, size, count):
    a = App(mall, size=size, compare="msp")
    try:
        panel = panel_after(a, 1800.0)
        figures, charts = panel.layout["figures"], panel.layout["charts"]
        assert panel.charts_below == count == len(charts)  # 768 px: the histogram stays on the Charts tab
        check_no_overlap_and_inside([r for _, r in figures] + charts, pygame.Rect((0, 0), a.panel.base_size()))
        assert max(r.bottom for _, r in figures) <= charts[0].top
    finally:
        a.close()


def test_without_calls_the_figures_tab_shows_two_charts_and_a_call_brings_the_third(square):
    a = App(square, size=(1366, 768))
    try:
        assert panel_after(a, 600.0).charts_below == 2
        a.sessions[0].incidents.add(5)
        a.sessions[0].sim.advance_to(900.0)
        assert panel_after(a, 900.0).charts_below == 3
    finally:
        a.close()


def test_compare_mode_stacks_the_maps_of_a_wide_map_and_keeps_a_square_one_side_by_side(mall, square):
    for scenario, stacked in ((mall, True), (square, False)):
        a = App(scenario, size=(1366, 768), compare="msp")
        try:
            top, bottom = (pygame.Rect(v.cam.rect) for v in a.views)
            names = a._draw_headers()
            assert not top.colliderect(bottom) and all(a.map_rect().contains(r) for r in (top, bottom))
            if stacked:  # the mall (96 m x 40 m): each map the whole width, one above the other
                assert top.w == bottom.w == a.map_rect().w and top.bottom < bottom.top - a.header_h
            else:
                assert top.h == bottom.h and top.right < bottom.left
            for name, view in zip(names, (top, bottom)):
                assert pygame.Rect(view.x, view.y - a.header_h, view.w, a.header_h).contains(name)
        finally:
            a.close()
