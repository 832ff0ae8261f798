"""The help overlay (? / F1): every control of the window, from the one table the README mirrors."""

from __future__ import annotations

import pygame

from . import palette as P
from .text import Text

#: (keys or mouse, what it does) -- the panel buttons do the same things
CONTROLS: list[tuple[str, str]] = [
    ("Space", "play / pause"),
    (". or Right", "single step: advance to the next arrival of any agent"),
    ("+ / -", "faster / slower: x0.25 ... x1000, then 'max' (as fast as possible)"),
    ("Tab / Shift+Tab", "next / previous strategy (restarts the run)"),
    ("R", "restart the run (same seed)"),
    ("N", "restart with a new seed"),
    ("A / X", "add / remove an agent (restarts)"),
    ("H", "idleness heat map on / off"),
    ("K", "lock the heat scale at the current worst idleness / back to the run's fixed scale"),
    ("P", "planned paths and goals on / off"),
    ("D", "sensing discs on / off"),
    ("L", "labels (agent numbers, node names) on / off"),
    ("G", "regions of region-based strategies on / off"),
    ("I", "fairness ledger: patrol vs incident share per area, predicted risk"),
    ("O", "open the next shipped scenario or map (or pick one in the panel list)"),
    ("C", "compare mode: two strategies side by side (pick the second in the panel)"),
    ("S", "save a screenshot (PNG)"),
    ("V / M", "start / stop recording an animated GIF / an MP4 video"),
    ("E", "export the run's JSON and CSV (as 'patrolsim run' does) and the scenario"),
    ("W", "route editor: click a robot, click nodes to add waypoints, drag to move, right-click to delete"),
    ("F", "fit the map to the window"),
    ("Wheel", "zoom about the cursor"),
    ("Drag map", "pan (any mouse button)"),
    ("Click a node", "report an urgent call there: the nearest robot responds"),
    ("Drag an agent", "move its start to another node (restarts)"),
    ("? or F1", "this help; Esc closes it"),
    ("Q", "quit"),
]

INTRO = (
    "Robots (coloured markers; the point shows their heading) patrol the map. Cells turn from pale "
    "yellow to dark red the longer nobody has seen them (blue: never seen). The panel shows the run's "
    "metrics, charts and the settings you can change (Figures, Charts, Settings). Real fleets: a bar under a "
    "robot is its battery (green, amber, red); docks are green squares (amber when every charger is busy); a "
    "yellow ring marks a robot charging (dashed: waiting for a charger); a grey robot with a cross has "
    "failed; two amber bars over a robot: it waits for another in its way."
)


#: the overlay's base sizes (pixels at scale 1, multiplied by the window's text scale)
BOX_W = 760
MARGIN = 20  # around the box, and inside it
TITLE_PX, INTRO_PX, ROW_PX = 26, 17, 18
KEY_COLOUR = (255, 214, 120)

#: one piece of text of the overlay: (string, top-left pixel, base size, colour)
Item = tuple[str, tuple[int, int], float, tuple[int, int, int]]


def help_layout(size: tuple[int, int], text: Text) -> tuple[pygame.Rect, list[Item]]:
    """The overlay's box and every piece of text in it for a window of ``size``, with sizes and spacing
    following the window's text scale (``text.scale``, as the panel and the map's labels), shrunk as
    much as needed for the box to fit the window; long descriptions wrap onto a second line."""
    w, h = size
    fit = 1.0
    for _ in range(4):  # shrinking changes the wrapping a little: a few rounds settle it
        box, items = _layout(w, text, fit)
        room = h - 2 * round(MARGIN * text.scale * fit)
        if box.h <= room or fit < 0.3:
            break
        fit *= room / box.h
    box.center = (w // 2, h // 2)
    dx, dy = box.x, box.y
    return box, [(s, (x + dx, y + dy), px, colour) for s, (x, y), px, colour in items]


def _layout(w: int, text: Text, fit: float) -> tuple[pygame.Rect, list[Item]]:
    """:func:`help_layout` at ``fit`` times the text scale, with the box at (0, 0)."""
    k = text.scale * fit
    pad = round(MARGIN * k)
    bw = min(round(BOX_W * k), w - 2 * pad)
    inner = bw - 2 * pad
    items: list[Item] = [("patrolsim: controls", (pad, round(14 * k)), TITLE_PX * fit, P.TEXT)]
    y = round(14 * k) + text.font(TITLE_PX * fit).get_linesize() + round(4 * k)
    line = text.font(INTRO_PX * fit).get_linesize()
    for part in text.wrap(INTRO, INTRO_PX * fit, inner):
        items.append((part, (pad, y), INTRO_PX * fit, P.TEXT_DIM))
        y += line
    y += round(10 * k)
    font = text.font(ROW_PX * fit)
    key_w = max(font.size(keys)[0] for keys, _ in CONTROLS) + round(16 * k)
    row = font.get_linesize()
    for keys, what in CONTROLS:
        items.append((keys, (pad, y), ROW_PX * fit, KEY_COLOUR))
        for part in text.wrap(what, ROW_PX * fit, inner - key_w):
            items.append((part, (pad + key_w, y), ROW_PX * fit, P.TEXT))
            y += row
    return pygame.Rect(0, 0, bw, y + pad), items


def draw_help(surface: pygame.Surface, text: Text) -> pygame.Rect:
    """A centred box over a shade listing :data:`CONTROLS` (:func:`help_layout`); returns the box."""
    w, h = surface.get_size()
    shade = pygame.Surface((w, h), pygame.SRCALPHA)
    shade.fill((0, 0, 0, 160))
    surface.blit(shade, (0, 0))
    box, items = help_layout((w, h), text)
    pygame.draw.rect(surface, P.PANEL_BG, box, border_radius=8)
    pygame.draw.rect(surface, P.TEXT_DIM, box, 1, border_radius=8)
    for s, pos, px, colour in items:
        text.draw(surface, s, pos, px, colour)
    return box
