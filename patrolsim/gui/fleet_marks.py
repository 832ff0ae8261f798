"""The fleet on the map: docks with their chargers in use, each robot's battery level, and which robots
are charging, queueing or failed (drawn by :class:`patrolsim.gui.map_view.MapView`, no pygame state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pygame

from ..fleet import fleet_of
from ..fleet.charging import CHARGING, QUEUED

if TYPE_CHECKING:  # pragma: no cover
    from .camera import Camera
    from .text import Text

DOCK = (70, 200, 120)
DOCK_BUSY = (240, 190, 60)
BATTERY_OK = (80, 210, 110)
BATTERY_LOW = (240, 170, 40)
BATTERY_EMPTY = (230, 60, 50)
FAILED = (120, 120, 128)
CHARGE_RING = (255, 220, 80)
DARK = (20, 20, 24)


def battery_colour(level: float) -> tuple[int, int, int]:
    """Green above half a charge, amber above a fifth, red below."""
    return BATTERY_OK if level > 0.5 else BATTERY_LOW if level > 0.2 else BATTERY_EMPTY


def draw_docks(surface: pygame.Surface, sim, cam: Camera, text: Text, size: int) -> None:
    """Each dock as a square with 'chargers in use / chargers' beside it (amber when all are in use)."""
    fleet = fleet_of(sim)
    if fleet is None or fleet.charging is None:
        return
    c = fleet.charging
    screen = cam.to_screen(sim.map.positions[list(c.docks.nodes)]).tolist()
    for dock, (x, y) in enumerate(screen):
        full = c.in_use[dock] >= c.docks.chargers[dock]
        box = pygame.Rect(0, 0, 2 * size + 4, 2 * size + 4)
        box.center = (int(x), int(y))
        pygame.draw.rect(surface, DOCK_BUSY if full else DOCK, box, border_radius=3)
        pygame.draw.rect(surface, DARK, box, 2, border_radius=3)
        # a plug: two prongs
        for dx in (-size // 3, size // 3):
            pygame.draw.line(surface, DARK, (box.centerx + dx, box.top + 3), (box.centerx + dx, box.centery), 2)
        label = f"dock {c.in_use[dock]} of {c.docks.chargers[dock]} in use"
        queued = len(c.queues[dock])
        if queued:
            label += f" +{queued} waiting"
        # below the dock, towards the middle of the view (a dock at the edge of the map keeps its label)
        right = x > cam.rect[0] + cam.rect[2] / 2
        at, anchor = ((box.right, box.bottom + 14), "topright") if right else ((box.left, box.bottom + 14), "topleft")
        text.draw(surface, label, at, 13, (240, 240, 240), anchor, box=DARK)


def draw_agent_states(surface: pygame.Surface, sim, screen: np.ndarray, radius: int) -> None:
    """Two amber bars over a robot waiting for another in its way; under each robot with a battery a bar
    of its charge; a ring round a charging robot (dashed while it queues); a grey cross over a failed
    robot."""
    points = screen.tolist()
    for a in np.flatnonzero(sim.state.blocked_by >= 0).tolist():  # waiting for a robot in its way: "pause"
        x, y = points[a]
        for dx in (-radius // 3, radius // 3):
            pygame.draw.line(surface, BATTERY_LOW, (x + dx, y - radius - 9), (x + dx, y - radius - 3), 3)
    fleet = fleet_of(sim)
    if fleet is None:
        return
    if fleet.charging is not None:
        c = fleet.charging
        levels = c.level(sim.now)
        w, h = 2 * radius + 4, max(3, radius // 3)
        for a, (x, y) in enumerate(points):
            if not np.isfinite(levels[a]):
                continue
            frame = pygame.Rect(int(x) - w // 2, int(y) + radius + 5, w, h + 2)
            pygame.draw.rect(surface, DARK, frame)
            fill = frame.inflate(-2, -2)
            fill.width = max(1, round(fill.width * float(np.clip(levels[a], 0.0, 1.0))))
            pygame.draw.rect(surface, battery_colour(float(levels[a])), fill)
            if c.phase[a] == CHARGING:
                pygame.draw.circle(surface, CHARGE_RING, (x, y), radius + 6, 3)
            elif c.phase[a] == QUEUED:
                for k in range(0, 360, 45):  # a dashed ring
                    t = np.radians(k)
                    p0 = (x + (radius + 6) * np.cos(t), y + (radius + 6) * np.sin(t))
                    p1 = (x + (radius + 6) * np.cos(t + 0.35), y + (radius + 6) * np.sin(t + 0.35))
                    pygame.draw.line(surface, CHARGE_RING, p0, p1, 2)
    for a in np.flatnonzero(sim.state.failed).tolist():
        x, y = points[a]
        pygame.draw.circle(surface, FAILED, (x, y), radius)
        d = radius * 0.8
        for sx in (-1, 1):
            pygame.draw.line(surface, DARK, (x - d, y - sx * d), (x + d, y + sx * d), 3)
