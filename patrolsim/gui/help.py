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
    "metrics, charts and the settings you can change (Figures, Charts, Settings)."
)


def draw_help(surface: pygame.Surface, text: Text) -> None:
    """A centred, semi-transparent box listing :data:`CONTROLS`."""
    w, h = surface.get_size()
    shade = pygame.Surface((w, h), pygame.SRCALPHA)
    shade.fill((0, 0, 0, 160))
    surface.blit(shade, (0, 0))
    box = pygame.Rect(0, 0, min(760, w - 40), min(36 + 22 * len(CONTROLS) + 90, h - 40))
    box.center = (w // 2, h // 2)
    pygame.draw.rect(surface, P.PANEL_BG, box, border_radius=8)
    pygame.draw.rect(surface, P.TEXT_DIM, box, 1, border_radius=8)
    text.draw(surface, "patrolsim: controls", (box.x + 20, box.y + 14), 26)
    y = box.y + 44
    words, line = INTRO.split(), ""
    for word in words:
        if text.font(17).size(line + " " + word)[0] > box.w - 40:
            text.draw(surface, line, (box.x + 20, y), 17, P.TEXT_DIM)
            y, line = y + 18, word
        else:
            line = f"{line} {word}".strip()
    text.draw(surface, line, (box.x + 20, y), 17, P.TEXT_DIM)
    y += 28
    for keys, what in CONTROLS:
        text.draw(surface, keys, (box.x + 20, y), 18, (255, 214, 120))
        text.draw(surface, what, (box.x + 190, y), 18)
        y += 22
