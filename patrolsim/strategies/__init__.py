"""Patrolling strategies: the interface (base), the registry, and one module per family."""

from .base import Hold, Param, Strategy
from .registry import available, strategy_class

__all__ = ["Hold", "Param", "Strategy", "available", "strategy_class"]
