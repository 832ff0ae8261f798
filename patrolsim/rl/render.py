"""Rendering of the environments with the window's own drawing code (:class:`patrolsim.gui.map_view.MapView`).

``rgb_array`` draws into an off-screen surface (no display needed); ``human`` opens a window (with
``SDL_VIDEODRIVER=dummy`` it draws off-screen too, as the tests do). pygame is imported only here,
when rendering is asked for.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ..errors import require
from .core import RLOptionError

if TYPE_CHECKING:  # pragma: no cover
    from ..gui.map_view import MapView
    from ..gui.session import Session
    from ..scenario import Scenario
    from .core import Episode

DEFAULT_SIZE = (800, 600)
STATUS_H = 24


def check_render_mode(mode: str | None, modes: list[str]) -> str | None:
    """``mode`` if it is None or one of ``modes`` (then pygame must be installed); a one-line error otherwise."""
    if mode is None:
        return None
    if mode not in modes:
        raise RLOptionError(f"render_mode: expected one of {', '.join(modes)} or None, got {mode!r}")
    require("pygame", "gui")
    return mode


class Rendered:
    """What both environments add for rendering (they set ``render_mode``, ``_render_size``, ``core``)."""

    render_mode: str | None
    _render_size: tuple[int, int] | None
    _renderer: Renderer | None = None
    core: Episode

    def _attach_renderer(self, sim=None) -> None:
        """Follow the episode just built (``Episode.reset``'s ``on_build``)."""
        if self._renderer is None:
            assert self.render_mode is not None
            self._renderer = Renderer(self.core.scenario, self.render_mode, self._render_size)
        self._renderer.attach(self.core)

    def render(self):
        """``rgb_array``: the map as the window draws it, (H, W, 3) uint8; ``human``: draw it in a window
        (returns None); no render mode: None."""
        if self.render_mode is None:
            return None
        if self._renderer is None:
            raise RuntimeError("reset() the environment before rendering it")
        return self._renderer.draw()

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None


class Renderer:
    """Draws the map, idleness heat, robots, their paths and incidents of an episode's run, with a status
    line (time, the robot deciding)."""

    def __init__(self, scenario: Scenario, mode: str, size: tuple[int, int] | None = None) -> None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame

        from ..gui import NoDisplay, init_display
        from ..gui import palette as P
        from ..gui.map_view import Layers
        from ..gui.text import Text

        w, h = size or DEFAULT_SIZE
        if not (isinstance(w, int) and isinstance(h, int) and w >= 160 and h >= 120):
            raise RLOptionError(f"render_size: expected (width, height) of at least 160 x 120 pixels, got {size!r}")
        self.scenario, self.mode, self.size = scenario, mode, (w, h)
        pygame.font.init()
        if mode == "human":
            try:
                init_display()
            except NoDisplay as exc:
                raise RLOptionError(f"render_mode 'human': {exc}; render_mode 'rgb_array' needs no display") from None
            self.surface = pygame.display.set_mode((w, h))
            pygame.display.set_caption(f"patrolsim RL: {scenario.name}")
        else:
            self.surface = pygame.Surface((w, h))
        self.text = Text()
        self.layers = Layers()
        self.colours = P.agent_colours(scenario.agents.count)
        self.view: MapView | None = None
        self.session: Session | None = None
        self.core: Episode | None = None

    def attach(self, core: Episode) -> None:
        """Follow the run of ``core``'s current episode (call after each reset, before it advances further)."""
        from ..gui.map_view import MapView
        from ..gui.session import Session

        self.core = core
        self.session = Session(self.scenario, paused=True, sim=core.sim)
        if self.view is None:
            w, h = self.size
            self.view = MapView(self.scenario.map, (0, 0, w, h - STATUS_H), self.text)
            self.view.key_hints = False

    def draw(self) -> np.ndarray | None:
        """Draw the current moment; ``rgb_array``: return it as (H, W, 3) uint8, ``human``: show it."""
        import pygame

        from ..gui import palette as P

        assert self.core is not None and self.view is not None and self.session is not None
        self.surface.fill(P.BACKGROUND)
        self.view.draw(self.surface, self.session, self.layers, self.colours)
        core = self.core
        who = f"robot_{core.deciding} decides" if core.deciding >= 0 else "end of the episode"
        line = f"{self.scenario.name}   t {P.clock_label(core.sim.now)}   {who}"
        self.text.draw(self.surface, line, (8, self.size[1] - STATUS_H // 2), 16, P.TEXT, "midleft")
        if self.mode == "human":
            pygame.event.pump()
            pygame.display.flip()
            return None
        return pygame.surfarray.array3d(self.surface).transpose(1, 0, 2).copy()

    def close(self) -> None:
        if self.mode == "human":
            import pygame

            pygame.display.quit()
