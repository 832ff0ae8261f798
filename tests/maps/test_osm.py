"""OpenStreetMap files: hand-written .osm XML with lengths computed by hand, networks, one-way streets,
chains, the part kept, and one-line errors for bad input."""

from __future__ import annotations

import bz2
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from patrolsim.errors import MapError
from patrolsim.maps import load_map

pytest.importorskip("osmium", reason="the [osm] extra")  # the test extra installs it; never skipped in CI

HERE = Path(__file__).parent / "osm"
PBF = Path(__file__).parent / "osm" / "helsinki.osm.pbf"  # a copy of ../shared/data/osm
R = 6_371_009.0  # OSMnx's earth radius


def along_lat(dlat: float) -> float:
    """Metres along a meridian for ``dlat`` degrees (haversine is exact there)."""
    return R * math.radians(dlat)


def along_lon(dlon: float, lat: float) -> float:
    """Great-circle metres between two points ``dlon`` degrees apart on the parallel ``lat``."""
    return 2 * R * math.asin(math.cos(math.radians(lat)) * math.sin(math.radians(dlon) / 2))


def length(m, a: int, b: int) -> float:
    """Length of the edge between the OSM nodes a -> b."""
    return m.edge_length(m.labels.index(a), m.labels.index(b))


@pytest.mark.parametrize("network", ["walk", "drive", "service", "all"])
def test_intersection_splits_ways_and_merges_the_bend(network):
    m = load_map(HERE / "intersection.osm", network=network)
    assert sorted(m.labels) == [1, 2, 3, 4, 5]  # the bend node 11 is merged into the west arm
    assert not m.directed and m.n_edges == 4
    assert length(m, 1, 2) == pytest.approx(along_lat(0.0009), rel=1e-9)
    assert length(m, 3, 1) == pytest.approx(along_lat(0.0009), rel=1e-9)
    assert length(m, 1, 4) == pytest.approx(along_lon(0.0014, 50.0), rel=1e-9)
    assert length(m, 5, 1) == pytest.approx(2 * along_lon(0.0007, 50.0), rel=1e-9)  # true length, both halves
    assert m.attribution.startswith("(c) OpenStreetMap contributors")
    assert m.meta["crs_name"] == "EPSG:32632"  # 10 deg E, 50 deg N: UTM zone 32N
    # projected positions: the north arm is 100 m long in metres too, within UTM's scale error (< 0.1 %),
    # pointing north but for the zone's grid convergence (under a degree here)
    north = m.positions[m.labels.index(2)] - m.positions[m.labels.index(1)]
    assert np.hypot(*north) == pytest.approx(along_lat(0.0009), rel=1e-3)
    assert abs(math.degrees(math.atan2(north[0], north[1]))) < 1.0


def test_one_way_loop_is_directed_for_drive_and_undirected_for_walk():
    drive = load_map(HERE / "oneway_loop.osm", network="drive")
    assert drive.directed and sorted(drive.labels) == [1, 2, 3, 5]  # D (4) lies on a through chain
    assert (drive.n_edges, drive.n_one_way) == (4, 3)
    ab = along_lon(0.001, 50.0)
    bc = along_lat(0.001)
    cd = along_lon(0.001, 50.001)
    assert length(drive, 1, 2) == pytest.approx(ab, rel=1e-9)
    assert length(drive, 2, 3) == pytest.approx(bc, rel=1e-9)
    assert length(drive, 3, 1) == pytest.approx(cd + bc, rel=1e-9)  # oneway=-1: drawn 1-4-3, driven 3-4-1
    for a, b in ((2, 1), (3, 2), (1, 3)):
        with pytest.raises(KeyError):
            length(drive, a, b)
    assert length(drive, 1, 5) == length(drive, 5, 1) == pytest.approx(along_lat(0.001), rel=1e-9)
    walk = load_map(HERE / "oneway_loop.osm", network="walk")
    assert not walk.directed and walk.n_edges == 4
    assert length(walk, 1, 3) == length(walk, 3, 1) == pytest.approx(cd + bc, rel=1e-9)
    assert walk.total_length() == pytest.approx(drive.total_length(), rel=1e-9)


def test_dead_end_kept_one_way_spur_dropped_with_a_note():
    drive = load_map(HERE / "dead_end.osm", network="drive")
    assert sorted(drive.labels) == [1, 2, 3, 4] and not drive.directed
    assert drive.meta["dropped"] == (
        "kept the largest strongly connected part: 4 of 5 nodes (1 nodes in 1 other parts dropped)"
    )
    assert "dropped" in drive.summary()
    walk = load_map(HERE / "dead_end.osm", network="walk")
    assert sorted(walk.labels) == [1, 2, 3, 4, 5] and "dropped" not in walk.meta
    assert walk.total_length() == pytest.approx(2 * along_lon(0.001, 50.0) + 2 * along_lat(0.001), rel=1e-9)


def test_footway_is_walked_not_driven_and_private_and_areas_are_left_out():
    walk = load_map(HERE / "footway.osm", network="walk")
    # street 1-2 and footway 2-3 meet at 2 only: one chain 1-2-3 of its true length
    assert sorted(walk.labels) == [1, 3] and walk.n_edges == 1
    assert walk.total_length() == pytest.approx(along_lon(0.001, 50.0) + along_lat(0.001), rel=1e-9)
    drive = load_map(HERE / "footway.osm", network="drive")
    assert sorted(drive.labels) == [1, 2] and drive.total_length() == pytest.approx(along_lon(0.001, 50.0))
    everything = load_map(HERE / "footway.osm", network="all")  # private ways too, areas still not
    assert sorted(everything.labels) == [1, 4]


def test_bbox_and_polygon_cut_the_east_arm(tmp_path):
    box = [9.998, 49.999, 10.0005, 50.001]
    cut = load_map(HERE / "intersection.osm", bbox=box)
    assert sorted(cut.labels) == [1, 2, 3, 5]
    w, s, e, n = box
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    geo = tmp_path / "area.geojson"
    geo.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}))
    by_file = load_map(HERE / "intersection.osm", polygon=geo)
    by_points = load_map(HERE / "intersection.osm", polygon=ring[:-1])
    for m in (by_file, by_points):
        assert sorted(m.labels) == [1, 2, 3, 5] and m.total_length() == cut.total_length()


def test_compressed_xml_reads_the_same(tmp_path):
    packed = tmp_path / "intersection.osm.bz2"
    packed.write_bytes(bz2.compress((HERE / "intersection.osm").read_bytes()))
    assert load_map(packed).total_length() == load_map(HERE / "intersection.osm").total_length()


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("no_ways.osm", {}, "the OpenStreetMap file has no ways; expected streets"),
        ("no_highways.osm", {}, "none of the file's 2 ways has a highway tag; expected a street network"),
        ("footway.osm", {"bbox": [11, 51, 11.1, 51.1]}, "has two nodes inside the bbox / polygon"),
        ("footway.osm", {"network": "boat"}, "unknown network 'boat'; expected one of drive, service, walk, all"),
        ("footway.osm", {"bbox": [10, 50, 9, 51]}, "expected west < east"),
        ("footway.osm", {"polygon": [[1, 2]]}, "at least three \\[lon, lat\\] points"),
    ],
)
def test_bad_osm_input_is_one_line(name, options, message):
    with pytest.raises(MapError, match=message) as err:
        load_map(HERE / name, **options)
    assert "\n" not in str(err.value) and name in str(err.value)


def test_network_without_matching_ways(tmp_path):
    p = tmp_path / "paths.osm"
    text = (HERE / "footway.osm").read_text().replace('v="residential"', 'v="footway"')
    p.write_text(text)
    with pytest.raises(MapError, match=r"none of the file's 4 highway ways belongs to the 'drive' network .*footway"):
        load_map(p, network="drive")


def test_truncated_pbf_and_broken_xml(tmp_path):
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(PBF.read_bytes()[:300_000])
    with pytest.raises(MapError, match=r"cannot read the OpenStreetMap file \(PBF error: unexpected EOF\)"):
        load_map(cut)
    broken = tmp_path / "broken.osm"
    broken.write_text((HERE / "intersection.osm").read_text()[:-200])
    with pytest.raises(MapError, match=r"XML parsing error at line \d+") as err:
        load_map(broken)
    assert "\n" not in str(err.value)


def test_helsinki_extract_counts_and_lengths(tmp_path):
    """The shared .pbf extract, each network: nodes, edges, one-way edges and total length."""
    expected = {
        "walk": (2294, 3163, 0, 80576.6),
        "drive": (142, 203, 115, 18468.98),
    }
    for network, (nodes, edges, one_way, total) in expected.items():
        m = load_map(PBF, network=network)
        assert (m.n_nodes, m.n_edges, m.n_one_way) == (nodes, edges, one_way)
        assert m.total_length() == pytest.approx(total, abs=0.01)
    named = tmp_path / "helsinki.pbf"  # a bare .pbf is read too
    shutil.copy(PBF, named)
    assert load_map(named, network="drive").n_nodes == 142


def test_directed_edges_have_their_own_lengths():
    m = load_map(PBF, network="drive")
    u, v, lens = m.arcs()
    back = m.reverse_entries()
    two_way = back < lens.size
    assert np.all(lens[two_way] == lens[back[two_way]])  # a street is as long both ways
    assert np.count_nonzero(~two_way) == m.n_one_way
