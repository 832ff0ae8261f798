"""OpenStreetMap files (``.osm`` XML, ``.osm.bz2``, ``.osm.pbf``) read with pyosmium (the ``[osm]`` extra)
and turned into a patrol graph.

* **Network.** Ways are kept by their tags as OSMnx's network types define them (OSMnx 2.0's
  ``_get_network_filter``; Overpass ``!~`` is an unanchored regular expression): ``walk`` (OSMnx
  ``walk``), ``drive`` (``drive``), ``service`` (``drive_service``: driving plus service roads) and
  ``all`` (every way in use, private ones too). :data:`NETWORKS` holds the rules.
* **Direction.** ``drive``, ``service`` and ``all`` keep one-way streets (``oneway`` = yes / true / 1,
  or -1 / reverse against the way's direction, and roundabouts) as directed edges; ``walk`` is undirected.
* **Graph.** Ways are split at every node shared with another way (and at their ends), then chains of
  nodes with two neighbours through which the street simply continues are merged into one edge whose
  length is the chain's true length along the way (great-circle, as OSMnx measures). A chain that would
  duplicate another edge between the same two nodes, or close a loop, keeps a node or two of its own, so
  no street is lost. Nodes keep their OSM ids as labels; positions are projected to metres in the UTM
  zone of the map's centre (:mod:`patrolsim.maps.crs`).
* **Part kept.** ``bbox`` (west, south, east, north in degrees) or ``polygon`` (a GeoJSON file, or a
  list of [lon, lat] points) keeps only the nodes inside, cutting ways where they leave; then the largest
  (strongly, for directed networks) connected part is kept and the map's metadata says what was dropped.

Data from OpenStreetMap is (c) OpenStreetMap contributors, under the ODbL 1.0; the map carries that
attribution.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import MapError, read_text, require, snippet
from .crs import project_lonlat
from .model import PatrolMap

ATTRIBUTION = "(c) OpenStreetMap contributors, ODbL 1.0 (openstreetmap.org/copyright)"
#: OSMnx's mean earth radius for great-circle lengths (metres)
EARTH_RADIUS_M = 6_371_009.0

_ACCESS = ("access", "private")
_NOT_DRIVE = "abandoned|bridleway|bus_guideway|construction|corridor|cycleway|elevator|escalator|footway|no|path|pedestrian|planned|platform|proposed|raceway|razed"
#: network -> (tag, regular expression) pairs a kept way must NOT match (a missing tag matches nothing)
NETWORKS: dict[str, tuple[tuple[str, str], ...]] = {
    "drive": (
        ("area", "yes"),
        _ACCESS,
        ("highway", _NOT_DRIVE + "|service|steps|track"),
        ("motor_vehicle", "no"),
        ("motorcar", "no"),
        ("service", "alley|driveway|emergency_access|parking|parking_aisle|private"),
    ),
    "service": (
        ("area", "yes"),
        _ACCESS,
        ("highway", _NOT_DRIVE + "|steps|track"),
        ("motor_vehicle", "no"),
        ("motorcar", "no"),
        ("service", "emergency_access|parking|parking_aisle|private"),
    ),
    "walk": (
        ("area", "yes"),
        _ACCESS,
        ("highway", "abandoned|bus_guideway|construction|cycleway|motor|no|planned|platform|proposed|raceway|razed"),
        ("foot", "no"),
        ("service", "private"),
    ),
    "all": (("area", "yes"), ("highway", "abandoned|construction|no|planned|platform|proposed|raceway|razed")),
}
#: networks whose one-way streets are directed edges (OSMnx makes only ``walk`` bidirectional)
DIRECTED = {"drive": True, "service": True, "walk": False, "all": True}
ONEWAY = {"yes", "true", "1", "-1", "reverse", "T", "F"}
REVERSED = {"-1", "reverse", "T"}

_RULES = {net: tuple((tag, re.compile(rx)) for tag, rx in rules) for net, rules in NETWORKS.items()}


def load_osm(
    path: Path,
    *,
    largest_component: bool = True,
    network: str = "walk",
    bbox: Sequence[float] | None = None,
    polygon: str | Path | Sequence | None = None,
) -> PatrolMap:
    """Load an OpenStreetMap file as the street network ``network`` (walk, drive, service, all), cut to
    ``bbox`` (west, south, east, north, degrees) or ``polygon`` (a GeoJSON file or [lon, lat] points).
    The largest connected part is always kept (an extract is cut at its border, so parts of it are
    disconnected); ``largest_component`` is accepted for the loaders' common signature."""
    if network not in NETWORKS:
        raise MapError(
            f"unknown network {snippet(network)}; expected one of {', '.join(NETWORKS)}", source=path, key="network"
        )
    inside = _area_test(bbox, polygon, path)
    ways, counts = _read_ways(path, network)
    if not ways:
        raise MapError(_nothing_kept(counts, network), source=path)
    return _build(path, ways, network, inside, counts)


def _read_ways(path: Path, network: str) -> tuple[list, dict]:
    """[(node refs, lons, lats, one-way: 0 two-way / 1 along / -1 against)] of the kept ways, and counts
    of what the file holds (ways, highway ways, kept ways, highway values seen)."""
    require("osmium", "osm")
    import osmium

    rules, directed = _RULES[network], DIRECTED[network]
    counts: dict = {"ways": 0, "highway": 0, "kept": 0, "values": {}}
    ways = []
    try:
        for obj in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations():
            if not isinstance(obj, osmium.osm.Way):
                continue
            counts["ways"] += 1
            tags = obj.tags
            highway = tags.get("highway")
            if highway is None:
                continue
            counts["highway"] += 1
            counts["values"][highway] = counts["values"].get(highway, 0) + 1
            if any(rx.search(str(tags.get(tag, ""))) for tag, rx in rules if tag in tags):
                continue
            refs, lons, lats = [], [], []
            for nd in obj.nodes:
                loc = nd.location
                if loc.valid():
                    refs.append(nd.ref)
                    lons.append(loc.lon)
                    lats.append(loc.lat)
                else:  # a node missing from the extract: the way is cut there
                    refs.append(-1)
                    lons.append(math.nan)
                    lats.append(math.nan)
            oneway = 0
            if directed:
                value = tags.get("oneway", "")
                if value in ONEWAY:
                    oneway = -1 if value in REVERSED else 1
                elif tags.get("junction", "") == "roundabout":
                    oneway = 1
            counts["kept"] += 1
            ways.append((refs, lons, lats, oneway))
    except RuntimeError as exc:
        raise MapError(
            f"cannot read the OpenStreetMap file ({_one_line(exc)}); expected a complete .osm, .osm.bz2 or "
            ".osm.pbf file",
            source=path,
        ) from None
    return ways, counts


def _nothing_kept(counts: dict, network: str) -> str:
    if counts["ways"] == 0:
        return "the OpenStreetMap file has no ways; expected streets (ways tagged highway=...)"
    if counts["highway"] == 0:
        return (
            f"none of the file's {counts['ways']:,} ways has a highway tag; expected a street network "
            "(ways tagged highway=...)"
        )
    seen = ", ".join(f"{k} ({v})" for k, v in sorted(counts["values"].items(), key=lambda kv: (-kv[1], kv[0]))[:5])
    others = [n for n in NETWORKS if n != network]
    return (
        f"none of the file's {counts['highway']:,} highway ways belongs to the '{network}' network "
        f"(highway values: {seen}); try network = {' or '.join(repr(n) for n in others)}"
    )


def _build(path: Path, ways: list, network: str, inside, counts: dict) -> PatrolMap:
    """Split the ways into segments between consecutive kept nodes, merge chains, build the map."""
    index: dict[int, int] = {}
    lon_of: list[float] = []
    lat_of: list[float] = []
    # segment (a, b) with a < b (node indices) -> [length m, a->b allowed, b->a allowed]
    seg_a: list[int] = []
    seg_b: list[int] = []
    seg_dir: list[int] = []
    for refs, lons, lats, oneway in ways:
        keep = [r >= 0 and inside(lo, la) for r, lo, la in zip(refs, lons, lats)]
        ids = []
        for r, lo, la, k in zip(refs, lons, lats, keep):
            if not k:
                ids.append(-1)
                continue
            i = index.get(r)
            if i is None:
                i = index[r] = len(lon_of)
                lon_of.append(lo)
                lat_of.append(la)
            ids.append(i)
        for a, b in itertools.pairwise(ids):
            if a < 0 or b < 0 or a == b:
                continue
            seg_a.append(a)
            seg_b.append(b)
            seg_dir.append(oneway)
    if not seg_a:
        raise MapError(
            f"none of the {counts['kept']:,} '{network}' ways has two nodes inside the bbox / polygon; "
            "expected an area that holds streets",
            source=path,
        )
    lon, lat = np.array(lon_of), np.array(lat_of)
    sa, sb, d = np.array(seg_a), np.array(seg_b), np.array(seg_dir)
    # direction flags as allowed (from, to) pairs on the ordered segment (lo, hi)
    lo, hi = np.minimum(sa, sb), np.maximum(sa, sb)
    along = sa == lo
    fwd = (d == 0) | ((d == 1) & along) | ((d == -1) & ~along)  # lo -> hi allowed
    bwd = (d == 0) | ((d == 1) & ~along) | ((d == -1) & along)  # hi -> lo allowed
    length = _great_circle(lon[lo], lat[lo], lon[hi], lat[hi])
    segments: dict[tuple[int, int], list] = {}
    for u, v, f, r, m in zip(lo.tolist(), hi.tolist(), fwd.tolist(), bwd.tolist(), length.tolist()):
        s = segments.get((u, v))
        if s is None:
            segments[(u, v)] = [m, f, r]
        else:  # two ways over the same two nodes: either's directions, the shorter length
            s[0], s[1], s[2] = min(s[0], m), s[1] or f, s[2] or r
    edges, lengths = _chains(len(lon_of), segments)
    used = np.unique(np.array([x for e in edges for x in e[:2]], dtype=np.int64))
    new_id = np.full(len(lon_of), -1, dtype=np.int64)
    new_id[used] = np.arange(used.size)
    xy, crs = project_lonlat(lon[used], lat[used])
    refs_by_index = np.empty(len(lon_of), dtype=np.int64)
    for r, i in index.items():
        refs_by_index[i] = r
    arcs = np.array([(new_id[u], new_id[v]) for u, v, _ in edges], dtype=np.int64).reshape(-1, 2)
    stem = path.name.split(".")[0] or path.stem
    ways_note = f"{counts['kept']:,} of the file's {counts['highway']:,} highway ways"
    return PatrolMap.from_edges(
        f"{stem} ({network})",
        xy,
        arcs,
        np.array(lengths),
        source=str(path),
        largest_component=True,
        directed=DIRECTED[network],
        labels=refs_by_index[used].tolist(),
        attribution=ATTRIBUTION,
        meta={
            "description": f"OpenStreetMap '{network}' network of {path.name}: {ways_note}, split at "
            "intersections, chains of two-neighbour nodes merged with their true length",
            "crs": f"{crs} (projected from EPSG:4326)",
            "crs_name": crs,
            "network": network,
        },
    )


def _chains(n: int, segments: dict) -> tuple[list[tuple[int, int, int]], list[float]]:
    """Edges (from, to, 0) and lengths after merging chains of segments through nodes where the street
    simply continues (two neighbours; both segments two-way, or both one-way in one flow). A one-way
    chain gives one directed edge, a two-way chain an edge each way."""
    nbrs: list[list[int]] = [[] for _ in range(n)]
    for u, v in segments:
        nbrs[u].append(v)
        nbrs[v].append(u)

    def allowed(u: int, v: int) -> tuple[bool, bool]:
        _m, f, r = segments[(u, v) if u < v else (v, u)]
        return (f, r) if u < v else (r, f)

    def passes(x: int) -> bool:
        if len(nbrs[x]) != 2:
            return False
        (px, xp), (xq, qx) = allowed(nbrs[x][0], x), allowed(x, nbrs[x][1])  # e.g. px: p -> x allowed
        two_way = px and xp and xq and qx
        through = (px and xq and not xp and not qx) or (qx and xp and not xq and not px)
        return two_way or through

    interior = np.array([passes(x) for x in range(n)], dtype=bool)
    done: set[tuple[int, int]] = set()
    chains: list[list[int]] = []

    def walk(start: int, nxt: int) -> list[int]:
        nodes = [start, nxt]
        done.add((min(start, nxt), max(start, nxt)))
        while interior[nodes[-1]] and nodes[-1] != start:
            x, prev = nodes[-1], nodes[-2]
            step = nbrs[x][0] if nbrs[x][1] == prev else nbrs[x][1]
            key = (min(x, step), max(x, step))
            if key in done:
                break
            done.add(key)
            nodes.append(step)
        return nodes

    for s in [x for x in range(n) if nbrs[x] and not interior[x]] + [x for x in range(n) if interior[x]]:
        for t in sorted(nbrs[s]):
            if (min(s, t), max(s, t)) not in done:
                chains.append(walk(s, t))
    # each chain once between its two ends: a second chain between the same ends (or a loop) keeps the
    # nodes that make it distinct
    pieces: list[list[int]] = []
    taken: set[tuple[int, int]] = set()
    for chain in sorted(chains, key=lambda c: (len(c) > 2, _chain_length(c, segments), c)):
        ends = (min(chain[0], chain[-1]), max(chain[0], chain[-1]))
        if chain[0] == chain[-1]:
            k = len(chain) - 1
            cuts = [0, k // 3 or 1, max(2 * k // 3, (k // 3 or 1) + 1), k]
            pieces += [chain[cuts[i] : cuts[i + 1] + 1] for i in range(3)]
        elif ends in taken and len(chain) > 2:
            mid = len(chain) // 2
            pieces += [chain[: mid + 1], chain[mid:]]
        else:
            pieces.append(chain)
        taken.add(ends)
    edges, lengths = [], []
    for piece in pieces:
        fwd = all(allowed(u, v)[0] for u, v in itertools.pairwise(piece))
        bwd = all(allowed(u, v)[1] for u, v in itertools.pairwise(piece))
        m = _chain_length(piece, segments)
        if fwd:
            edges.append((piece[0], piece[-1], 0))
            lengths.append(m)
        if bwd:
            edges.append((piece[-1], piece[0], 0))
            lengths.append(m)
    return edges, lengths


def _chain_length(chain: list[int], segments: dict) -> float:
    return float(sum(segments[(min(u, v), max(u, v))][0] for u, v in itertools.pairwise(chain)))


def _great_circle(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distances in metres (haversine, OSMnx's earth radius)."""
    y1, y2 = np.radians(lat1), np.radians(lat2)
    dy, dx = y2 - y1, np.radians(lon2 - lon1)
    h = np.sin(dy / 2) ** 2 + np.cos(y1) * np.cos(y2) * np.sin(dx / 2) ** 2
    return 2 * np.arcsin(np.sqrt(np.minimum(h, 1.0))) * EARTH_RADIUS_M


# ---------------------------------------------------------------------------- the area kept
def _area_test(bbox, polygon, path: Path):
    """A function (lon, lat) -> bool for the nodes to keep."""
    if bbox is not None and polygon is not None:
        raise MapError("give a bbox or a polygon, not both", source=path, key="bbox")
    if bbox is not None:
        values = [float(x) for x in bbox] if isinstance(bbox, (list, tuple)) and len(bbox) == 4 else []
        if len(values) != 4 or not all(math.isfinite(v) for v in values):
            raise MapError(
                f"bbox {snippet(bbox)}: expected [west, south, east, north] in degrees", source=path, key="bbox"
            )
        w, s, e, n = values
        if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
            raise MapError(
                f"bbox {snippet(bbox)}: expected west < east in -180..180 and south < north in -90..90 (degrees)",
                source=path,
                key="bbox",
            )
        return lambda lo, la: w <= lo <= e and s <= la <= n
    if polygon is not None:
        rings = _polygon_rings(polygon, path)
        return lambda lo, la: _inside(rings, lo, la)
    return lambda lo, la: True


def _polygon_rings(polygon, path: Path) -> list[np.ndarray]:
    """The rings ((K, 2) lon/lat arrays) of a polygon given as points or a GeoJSON file."""
    if isinstance(polygon, (str, Path)):
        p = Path(polygon)
        if not p.is_file():
            raise MapError("no such polygon file; expected a GeoJSON file with a Polygon", source=p, key="polygon")
        try:
            data = json.loads(read_text(p, MapError, "polygon"))
        except json.JSONDecodeError as exc:
            raise MapError(f"JSON syntax error: {exc.msg}", source=p, line=exc.lineno, key="polygon") from None
        rings = _geojson_rings(data)
        if not rings:
            raise MapError("no Polygon or MultiPolygon in the GeoJSON file; expected one", source=p, key="polygon")
        return rings
    try:
        ring = np.asarray(polygon, dtype=np.float64)
    except (TypeError, ValueError):
        ring = np.zeros((0, 0))
    if ring.ndim != 2 or ring.shape[1] != 2 or ring.shape[0] < 3 or not np.all(np.isfinite(ring)):
        raise MapError(
            f"polygon {snippet(polygon)}: expected a GeoJSON file or at least three [lon, lat] points",
            source=path,
            key="polygon",
        )
    return [ring]


def _geojson_rings(data) -> list[np.ndarray]:
    if not isinstance(data, dict):
        return []
    kind = data.get("type")
    if kind == "FeatureCollection":
        return [r for f in data.get("features") or [] for r in _geojson_rings(f)]
    if kind == "Feature":
        return _geojson_rings(data.get("geometry"))
    coords = data.get("coordinates") or []
    try:
        if kind == "Polygon":
            return [np.asarray(r, dtype=np.float64)[:, :2] for r in coords]
        if kind == "MultiPolygon":
            return [np.asarray(r, dtype=np.float64)[:, :2] for poly in coords for r in poly]
    except (TypeError, ValueError, IndexError):
        return []
    return []


def _inside(rings: list[np.ndarray], lon: float, lat: float) -> bool:
    """Even-odd rule over every ring (holes and several polygons alike)."""
    crossings = 0
    for ring in rings:
        x, y = ring[:, 0], ring[:, 1]
        x2, y2 = np.roll(x, -1), np.roll(y, -1)
        spans = (y > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x + (lat - y) * (x2 - x) / (y2 - y)
        crossings += int(np.count_nonzero(spans & (lon < at)))
    return crossings % 2 == 1


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or exc.__class__.__name__
