"""Text rendering with a cache of rendered strings (labels repeat from frame to frame)."""

from __future__ import annotations

import pygame


class Text:
    """Renders strings at a few sizes; identical (string, size, colour) renders are reused."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale  # sizes are multiplied by this (fonts grow with the window)
        self._fonts: dict[int, pygame.font.Font] = {}
        self._cache: dict[tuple, pygame.Surface] = {}

    def font(self, size: float) -> pygame.font.Font:
        px = round(size * self.scale)
        if px not in self._fonts:
            self._fonts[px] = pygame.font.Font(None, px)
        return self._fonts[px]

    def render(self, s: str, size: float = 18, colour=(232, 235, 240)) -> pygame.Surface:
        key = (s, round(size * self.scale), tuple(colour))
        surf = self._cache.get(key)
        if surf is None:
            if len(self._cache) > 4000:
                self._cache.clear()
            surf = self._cache[key] = self.font(size).render(s, True, colour)
        return surf

    def fit(self, s: str, size: float, width: int) -> str:
        """``s`` shortened with '...' so that it renders at most ``width`` pixels wide."""
        font = self.font(size)
        if font.size(s)[0] <= width:
            return s
        while s and font.size(s + "...")[0] > width:
            s = s[:-1]
        return s.rstrip() + "..."

    def wrap(self, s: str, size: float, width: int) -> list[str]:
        """``s`` broken at spaces into lines that render at most ``width`` pixels wide."""
        font, lines, line = self.font(size), [], ""
        for word in s.split():
            trial = f"{line} {word}".strip()
            if line and font.size(trial)[0] > width:
                lines.append(line)
                line = word
            else:
                line = trial
        return lines + ([line] if line else [])

    def draw(
        self,
        target: pygame.Surface,
        s: str,
        pos: tuple[float, float],
        size: float = 18,
        colour=(232, 235, 240),
        anchor: str = "topleft",
        box=None,
    ) -> pygame.Rect:
        """Blit ``s`` with its ``anchor`` point ('topleft', 'center', 'midleft', ...) at ``pos``; ``box``:
        a colour to fill behind it (a little wider than the text), for labels over busy map pixels."""
        surf = self.render(s, size, colour)
        rect = surf.get_rect(**{anchor: (int(pos[0]), int(pos[1]))})
        if box is not None:
            pygame.draw.rect(target, box, rect.inflate(6, 2), border_radius=3)
        target.blit(surf, rect)
        return rect
