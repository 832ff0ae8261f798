"""The vocabulary of validated keys shared by scenario files, the incident tables and sweeps.

A :class:`Key` states the types a key accepts, its default (:data:`REQUIRED` when it has none), a
one-line help text and a range check with the words the error message uses ("> 0", "in [0, 1)").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: the default of a key that has none: the user must give it
REQUIRED = object()


@dataclass(frozen=True)
class Key:
    """One key: accepted types, default (:data:`REQUIRED` = must be given) and a range check."""

    types: tuple
    default: Any
    help: str
    check: Callable[[Any], bool] | None = None
    expect: str = ""


def positive(x: Any) -> bool:
    """The check of keys that must be > 0."""
    return x > 0


def non_negative(x: Any) -> bool:
    """The check of keys that must be >= 0."""
    return x >= 0


def one_of(*choices: Any) -> Callable[[Any], bool]:
    """The check of keys that take one of ``choices``."""
    return lambda x: x in choices
