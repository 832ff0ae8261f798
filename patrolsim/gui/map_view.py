"""MapView: draws one session's map to scale: cells or streets, the idleness heat map, regions, agents
with heading, planned paths and sensing discs, incidents with countdowns, docks, batteries and failed
robots (:mod:`.fleet_marks`), and the colour legend.

The static map is drawn once into a cached surface (grids: one pixel per cell, scaled to the view;
street maps: re-drawn only when the camera moves); the heat map is computed from arrays each frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pygame

from ..maps.model import PatrolMap
from . import palette as P
from .camera import Camera
from .fleet_marks import draw_agent_states, draw_docks
from .text import Text

HALO = (250, 250, 250)
LEDGER_PATROL = (90, 200, 250)
LEDGER_RISK = (255, 230, 120)
LEDGER_BAR_PX = 40  # height of the largest share's bar
INCIDENT_SIZE = 9  # half-diagonal of an incident's diamond, pixels
PLAN_AHEAD = 40  # nodes of an agent's plan drawn ahead of it (a tour of the whole map would hide the map)
ROUTE_AHEAD = 400  # the same for a route to an incident


@dataclass
class Layers:
    """What is drawn on top of the map (each toggled by a key and a panel button)."""

    heat: bool = True
    paths: bool = True
    discs: bool = True
    labels: bool = False
    regions: bool = True
    ledger: bool = False


class MapView:
    """Draws ``pmap`` into the pixel rectangle ``rect`` of a surface."""

    def __init__(self, pmap: PatrolMap, rect: tuple[int, int, int, int], text: Text) -> None:
        self.map = pmap
        self.text = text
        self.cam = Camera(pmap.bounds(), rect)
        self.heat_max = 60.0
        g = pmap.grid
        if g is not None:
            self.cells = g.node_cells()
            rows, cols = g.shape
            self._base = np.empty((cols, rows, 3), dtype=np.uint8)  # pygame's (x, y) order
            self._base[:] = P.WALL
            self._flat = self.cells[:, 1] * rows + self.cells[:, 0]
            self._cell_surface = pygame.Surface((cols, rows))
        else:
            u, v, _ = pmap.edge_list()
            self._edges = np.stack([u, v], axis=1)
        # one-way edges get an arrow head at their middle, pointing the way they are travelled
        self._one_way = np.zeros((0, 2), dtype=np.int64)
        if pmap.directed:
            a, b, _ = pmap.arcs()
            single = pmap.reverse_entries() == b.size
            self._one_way = np.stack([a[single], b[single]], axis=1)
        self._static: tuple[tuple, pygame.Surface] | None = None
        self._borders: tuple[int, np.ndarray] | None = None
        self.locked = False
        self.key_hints = True  # the legend names the window's keys (not where nobody can press them)
        self._discs: dict[tuple, pygame.Surface] = {}
        w = pmap.weights
        tint = np.clip((w - 1.0) / max(float(w.max()) - 1.0, 1.0), 0, 1)[:, None]
        self._plain = (np.array(P.FREE) * (1 - 0.35 * tint) + np.array((120, 150, 230)) * 0.35 * tint).astype(np.uint8)

    # ------------------------------------------------------------------ sizes in pixels
    @property
    def agent_radius(self) -> int:
        return int(np.clip(self.cam.scale * 0.7, 7, 11))

    @property
    def node_radius(self) -> int:
        return int(np.clip(self.cam.scale * 1.5, 4, 8))

    # ------------------------------------------------------------------ hit tests
    def node_at(self, px: float, py: float) -> int | None:
        """The node under pixel (px, py), or None (a wall, or too far from any node)."""
        if not self.cam.contains(px, py):
            return None
        world = self.cam.to_world(px, py)
        g = self.map.grid
        if g is not None:
            col = int(np.floor((world[0] - g.origin[0]) / g.cell_size))
            row = g.shape[0] - 1 - int(np.floor((world[1] - g.origin[1]) / g.cell_size))
            if 0 <= row < g.shape[0] and 0 <= col < g.shape[1] and g.cell_node[row, col] >= 0:
                return int(g.cell_node[row, col])
            return None
        node = self.map.nearest_node(world)
        d = np.hypot(*(self.cam.to_screen(self.map.positions[node]) - (px, py)))
        return node if d <= max(10, self.node_radius + 4) else None

    def agent_at(self, px: float, py: float, positions: np.ndarray) -> int | None:
        """The agent whose marker is under pixel (px, py), or None."""
        if len(positions) == 0:
            return None
        d = np.hypot(*(self.cam.to_screen(positions) - (px, py)).T)
        a = int(np.argmin(d))
        return a if d[a] <= self.agent_radius + 3 else None

    # ------------------------------------------------------------------ drawing
    def draw(
        self,
        surface: pygame.Surface,
        session,
        layers: Layers,
        colours: list,
        heat_max: float | None = None,
        locked: bool = False,
    ) -> None:
        """Draw the whole view of ``session`` (a :class:`patrolsim.gui.session.Session`); the heat scale
        runs from 0 to ``heat_max`` seconds (default: the session's fixed scale; ``locked``: the user's)."""
        rect = pygame.Rect(self.cam.rect)
        surface.set_clip(rect)
        surface.fill(P.MAP_BG, rect)
        sim = session.sim
        idle = sim.idleness()
        self.heat_max = session.heat_scale() if heat_max is None else heat_max
        self.locked = locked
        part = session.partition() if layers.regions else None
        node_rgb = self._node_colours(idle, session.seen, layers.heat)
        if self.map.grid is not None:
            self._draw_cells(surface, node_rgb, part)
        else:
            self._draw_streets(surface, node_rgb, layers.labels, part)
        pos = session.positions()
        screen = self.cam.to_screen(pos)
        radius_m = session.scenario.agents.sensing_radius
        if layers.discs and radius_m > 0:
            seeing = ~sim.state.failed  # a failed robot sees nothing
            self._draw_discs(
                surface, screen[seeing], radius_m * self.cam.scale, [c for c, s in zip(colours, seeing) if s]
            )
        marks = session.incidents.marks()
        responding = {m.agent for m in marks if m.agent >= 0 and not m.on_scene}
        if layers.paths or responding:
            self._draw_paths(surface, screen.tolist(), sim.agent_goals(), colours, responding, layers.paths)
        if layers.ledger:
            self._draw_ledger(surface, session)
        for m in marks:
            self._draw_incident(surface, m)
        draw_docks(surface, sim, self.cam, self.text, self.agent_radius)
        self._draw_agents(surface, screen, session.headings(), colours, layers.labels)
        draw_agent_states(surface, sim, screen, self.agent_radius)
        self._draw_incident_labels(surface, marks, screen)
        if layers.heat:
            self._draw_legend(surface)
        if self.map.attribution:  # the data's credit, as map services show it (ODbL for OpenStreetMap)
            rx, ry, rw, rh = self.cam.rect
            credit = self.text.fit(self.map.attribution, 13, rw // 2)
            self.text.draw(surface, credit, (rx + rw - 6, ry + rh - 4), 13, P.TEXT_DIM, "bottomright")
        surface.set_clip(None)

    def _node_colours(self, idle: np.ndarray, seen: np.ndarray, heat: bool) -> np.ndarray:
        if not heat:
            return self._plain
        rgb = P.HEAT_LUT[P.heat_index(idle, self.heat_max)]
        rgb[~seen] = P.NEVER_SEEN
        return rgb

    def _region_borders(self, part: np.ndarray) -> np.ndarray:
        """Grid nodes on the border of their region (a neighbouring free cell lies in another region);
        cached while the partition stays the same."""
        key = hash(part.tobytes())
        if self._borders is None or self._borders[0] != key:
            assert self.map.grid is not None  # regions are outlined cell by cell on grid maps only
            grid = np.full(self.map.grid.shape, -1)
            grid[self.cells[:, 0], self.cells[:, 1]] = part
            border = np.zeros(grid.shape, dtype=bool)
            dv = (grid[1:, :] != grid[:-1, :]) & (grid[1:, :] >= 0) & (grid[:-1, :] >= 0)
            border[1:, :] |= dv
            border[:-1, :] |= dv
            dh = (grid[:, 1:] != grid[:, :-1]) & (grid[:, 1:] >= 0) & (grid[:, :-1] >= 0)
            border[:, 1:] |= dh
            border[:, :-1] |= dh
            self._borders = (key, border[self.cells[:, 0], self.cells[:, 1]])
        return self._borders[1]

    def _draw_cells(self, surface: pygame.Surface, node_rgb: np.ndarray, part: np.ndarray | None) -> None:
        img = self._base
        if part is not None:  # regions as outlines: border cells in the region's colour, heat inside
            node_rgb = node_rgb.copy()
            border = self._region_borders(part)
            node_rgb[border] = P.distinct_colours(int(part.max()) + 1)[part[border]]
        img.reshape(-1, 3)[self._flat] = node_rgb
        pygame.surfarray.blit_array(self._cell_surface, img)
        g = self.map.grid
        assert g is not None  # cells are drawn for grid maps only
        rows, cols = g.shape
        x0, y0 = self.cam.to_screen(np.array([g.origin[0], g.origin[1] + rows * g.cell_size]))
        cpx = g.cell_size * self.cam.scale
        rx, ry, rw, rh = self.cam.rect
        c0, c1 = max(0, int((rx - x0) // cpx)), min(cols, int(np.ceil((rx + rw - x0) / cpx)))
        r0, r1 = max(0, int((ry - y0) // cpx)), min(rows, int(np.ceil((ry + rh - y0) / cpx)))
        if c1 <= c0 or r1 <= r0:
            return
        left, top = round(x0 + c0 * cpx), round(y0 + r0 * cpx)
        size = (round(x0 + c1 * cpx) - left, round(y0 + r1 * cpx) - top)
        tile = self._cell_surface.subsurface((c0, r0, c1 - c0, r1 - r0))
        surface.blit(pygame.transform.scale(tile, size), (left, top))

    def _draw_streets(
        self, surface: pygame.Surface, node_rgb: np.ndarray, labels: bool, part: np.ndarray | None
    ) -> None:
        key = self.cam.key
        if self._static is None or self._static[0] != key:
            static = pygame.Surface(self.cam.rect[2:])
            static.fill(P.MAP_BG)
            pts = self.cam.to_screen(self.map.positions) - self.cam.rect[:2]
            width = int(np.clip(self.cam.scale * 4, 2, 6))
            for u, v in self._edges:
                pygame.draw.line(static, P.EDGE, pts[u], pts[v], width)
            size = 2.0 * width
            for u, v in self._one_way:
                along = pts[v] - pts[u]
                span = float(np.hypot(*along))
                if span > 4 * size:  # too short an edge on screen: no room for an arrow
                    t = along / span
                    mid, side = (pts[u] + pts[v]) / 2, np.array([-t[1], t[0]]) * size
                    tip, back = mid + t * size, mid - t * size
                    pygame.draw.polygon(static, P.TEXT_DIM, [tip, back + side, back - side])
            self._static = (key, static)
        surface.blit(self._static[1], self.cam.rect[:2])
        pts = self.cam.to_screen(self.map.positions)
        rx, ry, rw, rh = self.cam.rect
        r = self.node_radius
        visible = np.nonzero(
            (pts[:, 0] > rx - r) & (pts[:, 0] < rx + rw + r) & (pts[:, 1] > ry - r) & (pts[:, 1] < ry + rh + r)
        )[0]
        rgb = node_rgb.tolist()
        for i in visible.tolist():
            pygame.draw.circle(surface, rgb[i], pts[i], r)
        if part is not None:  # regions as rings in the region's colour around the heat-coloured nodes
            ring = P.distinct_colours(int(part.max()) + 1)[part].tolist()
            for i in visible.tolist():
                pygame.draw.circle(surface, ring[i], pts[i], r + 3, 2)
        if labels and visible.size <= 300:
            for i in visible.tolist():
                self.text.draw(
                    surface, str(self.map.node_label(i)), pts[i] + (r + 2, -r - 2), 14, P.TEXT_DIM, "bottomleft"
                )

    def _draw_discs(self, surface: pygame.Surface, screen: np.ndarray, r_px: float, colours: list) -> None:
        r = max(int(round(r_px)), 1)
        for p, c in zip(screen.tolist(), colours):
            disc = self._discs.get((c, r))
            if disc is None:
                if len(self._discs) > 256:
                    self._discs.clear()
                disc = self._discs[(c, r)] = pygame.Surface((2 * r + 2, 2 * r + 2), pygame.SRCALPHA)
                pygame.draw.circle(disc, (*c, 45), (r + 1, r + 1), r)
                pygame.draw.circle(disc, (*c, 150), (r + 1, r + 1), r, 1)
            surface.blit(disc, (p[0] - r - 1, p[1] - r - 1))

    def _draw_paths(
        self, surface, screen: np.ndarray, goals: list[list[int]], colours: list, responding: set[int], all_agents: bool
    ) -> None:
        agents = [a for a in range(len(goals)) if all_agents or a in responding]
        if not agents:
            return
        whole = {a: len(goals[a]) <= (ROUTE_AHEAD if a in responding else PLAN_AHEAD) for a in agents}
        goals = [g[: ROUTE_AHEAD if a in responding else PLAN_AHEAD] for a, g in enumerate(goals)]
        flat = self.cam.to_screen(self.map.positions[np.concatenate([goals[a] for a in agents])]).tolist()
        k = 0
        for a in agents:
            n = len(goals[a])
            pts = [screen[a]] + flat[k : k + n]
            k += n
            hot = a in responding
            colour = P.INCIDENT if hot else colours[a]
            pygame.draw.lines(surface, colour, False, pts, 4 if hot else 2)
            if whole[a]:  # the goal (a long plan, e.g. a whole tour, is drawn only up to its next part)
                pygame.draw.circle(surface, colour, pts[-1], 4, 2)

    def _draw_ledger(self, surface, session) -> None:
        """Policing overlay. With incidents: per area (at its centre) two bars, the area's share of
        patrol time and its share of incidents, and a ring for the predictive layer's current risk
        estimate; without: rings sized by each node's risk weight."""
        areas = session.ledger()
        if areas is None:
            w = self.map.weights
            if float(w.max()) <= float(w.min()):
                return
            pts = self.cam.to_screen(self.map.positions).tolist()
            for p, x in zip(pts, ((w - w.min()) / (w.max() - w.min())).tolist()):
                if x > 0:
                    pygame.draw.circle(surface, LEDGER_RISK, p, 3 + 12 * x**0.5, 2)
            self._ledger_legend(surface, [("risk weight of the node (ring size)", LEDGER_RISK)])
            return
        pts = self.cam.to_screen(np.stack([areas["x_m"], areas["y_m"]], axis=1)).tolist()
        patrol, incident = areas["patrol_share"], areas["true_share"]
        top = max(float(patrol.max()), float(incident.max()), 1e-9)
        risk = areas.get("risk_share")
        for k, (x, y) in enumerate(pts):
            if risk is not None and risk[k] > 0:
                pygame.draw.circle(surface, LEDGER_RISK, (x, y), 4 + 22 * (risk[k] / max(risk.max(), 1e-9)) ** 0.5, 2)
            for dx, share, colour in ((-7, patrol[k], LEDGER_PATROL), (1, incident[k], P.INCIDENT)):
                h = max(int(LEDGER_BAR_PX * share / top), 1)
                pygame.draw.rect(surface, (20, 20, 24), (x + dx - 1, y - h - 1, 8, h + 2))
                pygame.draw.rect(surface, colour, (x + dx, y - h, 6, h))
        rows = [("patrol share of the area", LEDGER_PATROL), ("incident share of the area", P.INCIDENT)]
        if risk is not None:
            rows.append(("predicted risk share (ring)", LEDGER_RISK))
        self._ledger_legend(surface, rows)

    def _ledger_legend(self, surface, rows: list[tuple[str, tuple]]) -> None:
        rx, ry, _, _ = self.cam.rect
        k = self.text.scale
        box = pygame.Rect(rx + 4, ry + 4, round(230 * k), round((22 + 16 * len(rows)) * k))
        pygame.draw.rect(surface, (20, 22, 28), box, border_radius=4)
        self.text.draw(surface, "fairness ledger so far", (box.x + 8, box.y + 4), 15, P.TEXT)
        for i, (label, colour) in enumerate(rows):
            y = box.y + round((22 + 16 * i) * k)
            pygame.draw.rect(surface, colour, (box.x + 8, y + 2, round(10 * k), round(10 * k)))
            self.text.draw(surface, label, (box.x + round(24 * k), y), 14, P.TEXT_DIM)

    def _draw_incident(self, surface, mark) -> None:
        x, y = self.cam.to_screen(self.map.positions[mark.node])
        s = INCIDENT_SIZE
        pygame.draw.polygon(surface, P.INCIDENT, [(x, y - s), (x + s, y), (x, y + s), (x - s, y)])
        pygame.draw.polygon(surface, (255, 255, 255), [(x, y - s), (x + s, y), (x, y + s), (x - s, y)], 2)
        self.text.draw(surface, "!", (x, y + 1), 18, (255, 255, 255), "center")

    def _draw_incident_labels(self, surface, marks: list, agents: np.ndarray) -> None:
        """Each incident's label beside its marker, at the first of a few places that covers no robot,
        no marker and no label drawn before it (below the others when all are taken)."""
        r = self.agent_radius + 4
        taken = [pygame.Rect(int(x) - r, int(y) - r, 2 * r, 2 * r) for x, y in agents.tolist()]
        spots = [self.cam.to_screen(self.map.positions[m.node]) for m in marks]
        s = INCIDENT_SIZE
        taken += [pygame.Rect(int(x) - s, int(y) - s, 2 * s, 2 * s) for x, y in spots]
        font = self.text.font(16)
        for m, (x, y) in zip(marks, spots):
            label = incident_label(m)
            w, h = font.size(label)
            w, h = w + 6, h + 2
            places = [
                (x + s + 4, y - h / 2),
                (x - s - 4 - w, y - h / 2),
                (x - w / 2, y - s - 4 - h),
                (x - w / 2, y + s + 4),
            ]
            places += [(x + s + 4, y + s + 4 + k * (h + 2)) for k in range(8)]
            rect = next(
                (q for q in (pygame.Rect(int(px), int(py), w, h) for px, py in places) if q.collidelist(taken) < 0),
                pygame.Rect(int(places[-1][0]), int(places[-1][1]), w, h),
            )
            taken.append(rect)
            box = P.INCIDENT_WAITING if m.agent < 0 and not m.on_scene else P.INCIDENT
            self.text.draw(surface, label, rect.center, 16, (255, 255, 255), "center", box=box)

    def _draw_agents(self, surface, screen: np.ndarray, heading: np.ndarray, colours: list, labels: bool) -> None:
        r = self.agent_radius
        h = np.stack([heading[:, 0], -heading[:, 1]], axis=1)  # screen y grows downwards
        side = np.stack([-h[:, 1], h[:, 0]], axis=1) * (0.55 * r)
        base = screen + h * (r - 2)
        tips, left, right = (screen + h * (r + 0.9 * r)).tolist(), (base + side).tolist(), (base - side).tolist()
        dark = (20, 20, 24)
        points = screen.tolist()
        for p in points:  # contrasting halos first (visible on any background), under every marker
            pygame.draw.circle(surface, HALO, p, r + 3)
            pygame.draw.circle(surface, dark, p, r + 4, 1)
        for a, p in enumerate(points):
            nose = (tips[a], left[a], right[a])
            pygame.draw.polygon(surface, colours[a], nose)
            pygame.draw.polygon(surface, dark, nose, 1)
            pygame.draw.circle(surface, colours[a], p, r)
            pygame.draw.circle(surface, dark, p, r, 2)
            if labels:
                self.text.draw(surface, str(a), p, 14, (255, 255, 255), "center")

    def legend_box(self) -> pygame.Rect:
        """Where the colour legend is drawn (screen pixels)."""
        rx, ry, _, rh = self.cam.rect
        k = self.text.scale
        return pygame.Rect(rx + 4, ry + rh - round(74 * k), round(250 * k), round(68 * k))

    def _draw_legend(self, surface) -> None:
        box, k = self.legend_box(), self.text.scale
        w, h = round(180 * k), round(10 * k)
        x, y = box.x + 8, box.y + round(22 * k)
        pygame.draw.rect(surface, (20, 22, 28), box, border_radius=4)
        ramp = pygame.transform.scale(pygame.surfarray.make_surface(P.HEAT_LUT[:, None, :]), (w, h))
        surface.blit(ramp, (x, y))
        self.text.draw(surface, "idleness (time since last seen)", (x, y - 4), 15, P.TEXT, "bottomleft")
        self.text.draw(surface, "0 s", (x, y + h + 2), 15, P.TEXT_DIM)
        self.text.draw(surface, P.duration_label(self.heat_max / 2), (x + w / 2, y + h + 2), 15, P.TEXT_DIM, "midtop")
        self.text.draw(surface, "≥ " + P.duration_label(self.heat_max), (x + w, y + h + 2), 15, P.TEXT_DIM, "topright")
        pygame.draw.rect(surface, P.NEVER_SEEN, (x + w + round(12 * k), y, round(14 * k), h))
        self.text.draw(surface, "never", (x + w + round(8 * k), y + h + 2), 15, P.TEXT_DIM)
        how = "scale locked by you (K: back to fixed)" if self.locked else "scale fixed for the run (K: lock at now)"
        if not self.key_hints:
            how = how.partition(" (")[0]
        self.text.draw(surface, how, (x, y + h + round(17 * k)), 14, P.TEXT_DIM)


def incident_label(mark) -> str:
    """'P1 on scene', 'P2 waiting for a robot 3:05', 'P3 4:12', 'P3 late 1:54:06' (time left until, or
    past, the response target; hours shown when there are any)."""
    if mark.on_scene:
        return f"P{mark.priority} on scene"
    left = abs(mark.left_s)
    clock = P.clock_label(left) if left >= 3600 else f"{int(left) // 60}:{int(left) % 60:02d}"
    waiting = " waiting for a robot" if mark.agent < 0 else ""
    return f"P{mark.priority}{waiting} {'late ' if mark.left_s < 0 else ''}{clock}"
