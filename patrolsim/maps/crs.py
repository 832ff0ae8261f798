"""Coordinate reference systems of graph maps: positions in metres, never degrees taken as metres.

A map file may say what its ``x``/``y`` are with a ``crs`` (OSMnx's graph attribute; e.g. ``epsg:4326``
for longitude/latitude, or a projected system), or the scenario may declare it (``[map] crs``,
``--crs``). Longitude/latitude and projections that are not in metres (or distort lengths, as web
Mercator does) are projected with pyproj (the ``[osm]`` extra) to the UTM zone of the map's centre (an
azimuthal equidistant projection centred on the map near the poles). A metre-based UTM or
azimuthal-equidistant system is used as it is, without pyproj. ``crs = "metres"`` declares plain
metres. Coordinates that look like degrees (every |x| <= 180 and |y| <= 90, extent under a degree)
with no crs are an error saying how to declare them.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import MapError, require, snippet

#: words that declare x/y as plain metres
METRES = ("metres", "meters", "m", "local")
#: the system of OpenStreetMap and of OSMnx's unprojected graphs
WGS84 = "EPSG:4326"
#: beyond this latitude (degrees) UTM zones are not used: an azimuthal equidistant projection instead
UTM_MAX_LAT = 80.0

_UTM_EPSG = re.compile(r"^\s*epsg:\s*32[67](0[1-9]|[1-5]\d|60)\s*$", re.IGNORECASE)
_METRIC_PROJ = re.compile(r"^\s*\+proj=(utm|aeqd)\b.*\+units=m\b", re.IGNORECASE)


def looks_like_degrees(positions: np.ndarray) -> bool:
    """Whether (N, 2) positions could be longitude/latitude: all |x| <= 180, |y| <= 90, and the map spans
    less than a degree both ways while not being a single point."""
    if positions.shape[0] < 2:
        return False
    lo, hi = positions.min(axis=0), positions.max(axis=0)
    span = hi - lo
    return bool(
        np.abs(positions[:, 0]).max() <= 180
        and np.abs(positions[:, 1]).max() <= 90
        and span.max() < 1.0
        and span.max() > 0.0
    )


def to_metres(
    positions: np.ndarray, crs: str | None, source, key: str = "crs"
) -> tuple[np.ndarray, str | None, str | None]:
    """(positions in metres, the metre CRS they are in, the CRS they came from when projected).

    ``crs`` is the file's or the scenario's declaration (None: none). Raises :class:`MapError` for
    degree-like coordinates without a crs, an unknown crs, or coordinates outside its area."""
    if crs is None or not str(crs).strip():
        if looks_like_degrees(positions):
            (x0, y0), (x1, y1) = positions.min(axis=0), positions.max(axis=0)
            raise MapError(
                f"node coordinates look like longitude/latitude degrees (x {x0:g}..{x1:g}, y {y0:g}..{y1:g}) "
                "and the file has no 'crs' graph attribute; say what they are: crs = \"epsg:4326\" (or "
                'crs = "metres") in the scenario\'s [map] table, or --crs epsg:4326',
                source=source,
            )
        return positions, None, None
    text = str(crs).strip()
    if text.lower() in METRES:
        return positions, None, None
    if _UTM_EPSG.match(text) or _METRIC_PROJ.match(text):
        return positions, text, None
    require("pyproj", "osm")
    import pyproj

    try:
        given = pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError:
        raise MapError(
            f"crs {snippet(text)} is not a coordinate reference system pyproj knows; expected e.g. "
            '"epsg:4326" (longitude/latitude) or "epsg:32633" (a UTM zone), or "metres"',
            source=source,
            key=key,
        ) from None
    if given.is_projected and _metric(given):
        return positions, text, None
    lonlat = pyproj.Transformer.from_crs(given, WGS84, always_xy=True).transform(positions[:, 0], positions[:, 1])
    lon, lat = (np.asarray(a, dtype=np.float64) for a in lonlat)
    if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat)) and np.abs(lat).max() <= 90):
        raise MapError(
            f"node coordinates do not fit the crs {snippet(text)} (some lie outside the globe); "
            "expected coordinates in that system",
            source=source,
            key=key,
        )
    xy, target = project_lonlat(lon, lat)
    return xy, target, text


def project_lonlat(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, str]:
    """(N, 2) metres in the UTM zone of the points' centre (or an azimuthal equidistant projection
    centred on them near the poles), and that system's name (``EPSG:326zz``, ``EPSG:327zz`` or a
    ``+proj=aeqd`` string)."""
    require("pyproj", "osm")
    import pyproj

    lon0 = float((lon.min() + lon.max()) / 2.0)
    lat0 = float((lat.min() + lat.max()) / 2.0)
    if abs(lat0) <= UTM_MAX_LAT:
        zone = int((lon0 + 180.0) // 6.0) % 60 + 1
        target = f"EPSG:{(32600 if lat0 >= 0 else 32700) + zone}"
    else:
        target = f"+proj=aeqd +lat_0={lat0:.6f} +lon_0={lon0:.6f} +datum=WGS84 +units=m +no_defs"
    x, y = pyproj.Transformer.from_crs(WGS84, target, always_xy=True).transform(lon, lat)
    return np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)]), target


def _metric(crs) -> bool:
    """Whether a projected CRS has metre axes and keeps lengths (not a Mercator, which stretches them)."""
    units = {axis.unit_name.lower() for axis in crs.axis_info}
    method = crs.coordinate_operation.method_name.lower() if crs.coordinate_operation else ""
    return units <= {"metre", "meter"} and not ("mercator" in method and "transverse" not in method)
