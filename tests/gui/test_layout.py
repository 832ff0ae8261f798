"""The window's layout at common screen sizes: the status line, the compare headers, the help overlay and
the panel grow with the window, and nothing overlaps or is cut (rectangles, not pixels)."""

import itertools

import pygame
import pytest

from patrolsim.gui.app import App
from patrolsim.gui.help import help_layout

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
    for small, large in zip(heights, heights[1:]):
        assert all(b > s for s, b in zip(small, large)), heights
