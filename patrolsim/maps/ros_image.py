"""ROS map_server occupancy maps (``.yaml`` + PGM/PNG image), resampled to a patrol grid.

The YAML holds ``image`` (path relative to the YAML), ``resolution`` (metres per pixel), ``origin``
``[x, y, yaw]`` (metres; the lower-left pixel's corner; yaw is ignored, as by most ROS tools),
``negate`` (0/1, default 0), ``occupied_thresh`` (default 0.65) and ``free_thresh`` (default 0.196).
patrolsim also reads the optional keys ``cell_size`` (metres, default ``max(1.0, resolution)``),
``connectivity`` (4 or 8, default 4), ``name`` and ``attribution``; other keys (``mode``...) are ignored.

Like map_server, a pixel's occupancy probability is ``(255 - value) / 255`` (``value / 255`` with
``negate: 1``; colour images use the channel mean) and a pixel is free when it is below ``free_thresh``.
The image is cut into square cells of ``k = round(cell_size / resolution)`` pixels (so the cell size
actually used is ``k * resolution``), anchored at the origin (bottom-left); a cell is free only when all
its pixels are free, and cells hanging over the top or right edge of the image count as walls.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import yaml

from ..errors import MapError, read_text, snippet
from ..schema import MAX_CELL, MAX_COORD, interval, plain, within
from .model import PatrolMap
from .occupancy import grid_map

DEFAULT_CELL_SIZE = 1.0  # metres, unless the image resolution is coarser
MIN_RESOLUTION = 1e-4  # metres per pixel: a tenth of a millimetre


def load_ros_image(path: Path, *, largest_component: bool = False, cell_size: float | None = None) -> PatrolMap:
    """Load a ROS map_server map; ``cell_size`` (metres) overrides the YAML's ``cell_size``."""
    spec = _read_yaml(path)
    resolution = _number(spec, "resolution", path, positive=True)
    if not within(MIN_RESOLUTION, MAX_CELL)(resolution):
        raise MapError(
            f"expected metres per pixel {interval(MIN_RESOLUTION, MAX_CELL)}, got {plain(resolution)}",
            source=path,
            key="resolution",
        )
    origin = spec.get("origin", None)
    if "origin" not in spec:
        raise MapError("missing key; expected origin: [x, y, yaw] in metres", source=path, key="origin")
    if not (isinstance(origin, list) and len(origin) in (2, 3) and all(_is_number(v) for v in origin)):
        raise MapError(
            f"expected a list [x, y, yaw] of finite numbers, got {snippet(origin)}", source=path, key="origin"
        )
    if not all(abs(v) <= MAX_COORD for v in origin[:2]):
        raise MapError(
            f"expected x and y within +-{plain(MAX_COORD)} metres, got {snippet(origin)}", source=path, key="origin"
        )
    negate = spec.get("negate", 0)
    if negate not in (0, 1) or isinstance(negate, float):
        raise MapError(f"expected 0 or 1, got {negate!r}", source=path, key="negate")
    occupied = _number(spec, "occupied_thresh", path, default=0.65, unit_range=True)
    free_thresh = _number(spec, "free_thresh", path, default=0.196, unit_range=True)
    if free_thresh > occupied:
        raise MapError(
            f"free_thresh {free_thresh} is above occupied_thresh {occupied}; expected free_thresh <= occupied_thresh",
            source=path,
            key="free_thresh",
        )
    connectivity = spec.get("connectivity", 4)
    if connectivity not in (4, 8) or isinstance(connectivity, (bool, float)):
        raise MapError(f"expected 4 or 8, got {connectivity!r}", source=path, key="connectivity")
    for key in ("name", "attribution"):
        if key in spec and not isinstance(spec[key], str):
            raise MapError(f"expected a string, got {spec[key]!r}", source=path, key=key)
    if cell_size is None:
        cell_size = _number(spec, "cell_size", path, default=max(DEFAULT_CELL_SIZE, resolution), positive=True)
    elif not (_is_number(cell_size) and cell_size > 0):
        raise MapError(f"expected a positive number of metres, got {plain(cell_size)}", source=path, key="cell_size")
    if cell_size > MAX_CELL:
        raise MapError(
            f"expected a cell size of at most {plain(MAX_CELL)} metres, got {plain(cell_size)}",
            source=path,
            key="cell_size",
        )
    if cell_size < resolution * (1 - 1e-9):
        raise MapError(
            f"cell_size {cell_size:g} m is finer than the image resolution "
            f"{resolution:g} m/pixel; expected cell_size >= resolution",
            source=path,
            key="cell_size",
        )

    value = _read_image(path, spec)
    occupancy = value / 255.0 if negate else (255.0 - value) / 255.0
    k = max(1, int(round(cell_size / resolution)))
    if k > max(value.shape):
        raise MapError(
            f"cell_size {plain(cell_size)} m is larger than the whole image ({value.shape[1]} x {value.shape[0]} "
            f"pixels of {plain(resolution)} m); expected at most {plain(max(value.shape) * resolution)} m",
            source=path,
            key="cell_size",
        )
    free = _coarsen(occupancy < free_thresh, k)
    return grid_map(
        spec.get("name", path.stem),
        free,
        cell_size=round(k * resolution, 9),
        connectivity=connectivity,
        origin=(float(origin[0]), float(origin[1])),
        source=str(path),
        largest_component=largest_component,
        attribution=spec.get("attribution", ""),
        meta={"image": str(spec["image"]), "resolution": resolution, "pixels_per_cell": k},
    )


def _coarsen(free_px: np.ndarray, k: int) -> np.ndarray:
    """Cells of k x k pixels, anchored bottom-left; a cell is free when all its pixels are free."""
    h, w = free_px.shape
    rows, cols = -(-h // k), -(-w // k)
    padded = np.zeros((rows * k, cols * k), dtype=bool)
    padded[rows * k - h :, :w] = free_px  # pad at the top and right, keeping the bottom-left corner
    return np.asarray(padded.reshape(rows, k, cols, k).all(axis=(1, 3)))


class _Loader(yaml.SafeLoader):
    """YAML that reads 1.0e9 and 1e-3 as numbers (YAML 1.2, as ROS writes them) and refuses a key given twice."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise MapError(
                    "key given twice; expected it once",
                    source=self.name,
                    line=key_node.start_mark.line + 1,
                    key=str(key)[:40],
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _read_yaml(path: Path) -> dict:
    try:
        loader = _Loader(read_text(path, MapError, "map"))
        loader.name = str(path)
        try:
            spec = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise MapError(
            f"YAML syntax error: {problem}", source=path, line=mark.line + 1 if mark is not None else None
        ) from None
    if not isinstance(spec, dict):
        raise MapError("expected a YAML mapping with keys image, resolution, origin", source=path)
    return spec


def _read_image(path: Path, spec: dict) -> np.ndarray:
    """The image as float grey values 0..255, row 0 = top."""
    from PIL import Image, UnidentifiedImageError

    if "image" not in spec:
        raise MapError("missing key; expected the image file name (PGM or PNG)", source=path, key="image")
    name = spec["image"]
    if not isinstance(name, str) or not name:
        raise MapError(f"expected an image file name, got {name!r}", source=path, key="image")
    image_path = path.parent / name
    try:
        with Image.open(image_path) as img:
            img.load()
            if img.mode in ("RGB", "RGBA"):
                return np.asarray(img, dtype=np.float64)[:, :, :3].mean(axis=2)
            if img.mode == "LA":
                return np.asarray(img, dtype=np.float64)[:, :, 0]
            return np.asarray(img.convert("L"), dtype=np.float64)
    except FileNotFoundError:
        raise MapError(f"image file {str(image_path)!r} not found", source=path, key="image") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise MapError(
            f"cannot read image {str(image_path)!r} ({exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else 'unreadable'})",
            source=path,
            key="image",
        ) from None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


def _number(
    spec: dict, key: str, path: Path, *, default: float | None = None, positive: bool = False, unit_range: bool = False
) -> float:
    if key not in spec:
        if default is None:
            raise MapError("missing key; expected a number", source=path, key=key)
        return default
    value = spec[key]
    if not _is_number(value):
        raise MapError(f"expected a number, got {snippet(value)}", source=path, key=key)
    if positive and value <= 0:
        raise MapError(f"expected a positive number, got {snippet(value)}", source=path, key=key)
    if unit_range and not 0.0 <= value <= 1.0:
        raise MapError(f"expected a probability between 0 and 1, got {snippet(value)}", source=path, key=key)
    return float(value)
