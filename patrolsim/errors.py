"""User-facing errors.

Every mistake a user can make in a map, a scenario, a sweep file or on the command line raises a
:class:`UserError`. Its message is one line that names the file, the line or key, and what was
expected; the CLI prints it and exits with status 2 instead of showing a traceback.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path


class UserError(Exception):
    """A problem in something the user supplied (file, key, flag), with a one-line message."""

    def __init__(
        self, message: str, *, source: str | Path | None = None, line: int | None = None, key: str | None = None
    ) -> None:
        self.source = str(source) if source is not None else None
        self.line = line
        self.key = key
        self.detail = message
        where = []
        if self.source:
            where.append(self.source + (f":{line}" if line is not None else ""))
        elif line is not None:
            where.append(f"line {line}")
        if key:
            where.append(f"key '{key}'")
        prefix = ", ".join(where)
        super().__init__(printable(f"{prefix}: {message}" if prefix else message))


def printable(text: str) -> str:
    """``text`` with control characters (terminal escape sequences, newlines) written as escapes, so that
    text from a file prints as one inert line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def snippet(text: object, limit: int = 24) -> str:
    """A field read from a file, for a message: quoted, escaped, cut to ``limit`` characters."""
    text = str(text)
    cut = text[:limit] + ("..." if len(text) > limit else "")
    return "'" + printable(cut) + "'"


class MapError(UserError):
    """A map file that cannot be loaded or fails validation."""


class ScenarioError(UserError):
    """A scenario file or override that is missing, mistyped or out of range."""


class StrategyError(UserError):
    """An unknown strategy, a bad strategy parameter, or a strategy that broke its contract."""


def read_text(path: str | Path, error: type[UserError], what: str) -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped); ``error`` naming the file (and the line of a
    byte that is not UTF-8) when it cannot be read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise error(f"cannot read the {what} file ({exc.strerror or type(exc).__name__})", source=p) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            f"byte 0x{data[exc.start]:02x} is not UTF-8; expected a UTF-8 text {what} file", source=p, line=line
        ) from None


def csv_rows(text: str, path: str | Path, error: type[UserError]) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each row of CSV ``text``; ``error`` naming the line of a row the csv module
    refuses (a field over its size limit, a NUL byte)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise error(f"not a readable CSV row ({exc})", source=path, line=reader.line_num) from None


def csv_table(
    path: Path, error: type[UserError], what: str, columns: tuple[str, ...], needs: set[str], expect: str
) -> tuple[Iterator[tuple[int, list[str]]], dict[str, int]]:
    """(the rows after the header, column name -> index of each of ``columns`` the header has) of a CSV
    file of ``what``; ``error`` naming line 1 when the header lacks a column of ``needs`` or both ``node``
    and the pair ``x_m``, ``y_m`` (``expect`` says what it should hold)."""
    reader = csv_rows(read_text(path, error, what), path, error)
    header = [h.strip().lower() for h in next((row for _, row in reader), [])]
    if not needs <= set(header) or not ({"x_m", "y_m"} <= set(header) or "node" in header):
        raise error(
            f"expected a header with {expect}"
            + (f" (line 1 has {len(header)} columns, without those)" if header else ", got an empty file"),
            source=path,
            line=1,
        )
    return reader, {c: header.index(c) for c in columns if c in header}


def did_you_mean(name: str, choices: list[str]) -> str:
    """Return ' (did you mean 'x'?)' for the closest choice (difflib's ratio of at least 0.5; of equally
    close ones the first in ``choices``), or '' when nothing is close."""
    import difflib

    best, best_ratio = "", 0.5
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(name)
    for choice in choices:
        matcher.set_seq1(choice)
        ratio = matcher.ratio()
        if ratio > best_ratio or (ratio == best_ratio and not best):
            best, best_ratio = choice, ratio
    return f" (did you mean '{best}'?)" if best else ""


class MissingExtra(UserError):
    """An optional part of patrolsim whose packages are not installed."""


#: the optional parts (pyproject.toml extras) and what each one is for
EXTRAS = {
    "gui": "the window",
    "batch": "the Dask batch executor",
    "report": "batch reports and plots",
    "osm": "OpenStreetMap files and maps in longitude/latitude",
    "rl": "the reinforcement-learning environments",
}


def require(module: str, extra: str) -> None:
    """Import ``module`` (a package of the ``extra`` optional part) or raise :class:`MissingExtra` saying
    how to install it, in one line."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(
            f"{EXTRAS[extra]} needs {exc.name or module}, which is not installed: pip install 'patrolsim[{extra}]'"
        ) from None


class SweepError(UserError):
    """A sweep file with an unknown axis key, an empty axis, a mistyped value or a bad include/exclude rule."""
