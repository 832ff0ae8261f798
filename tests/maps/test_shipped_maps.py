"""Every map shipped in maps/ loads, is connected and non-trivial; the real-data maps match their sources."""

from pathlib import Path

import numpy as np
import pytest

from patrolsim.maps import load_map, map_files

MAPS = Path(__file__).resolve().parents[2] / "maps"
SHIPPED = map_files(MAPS)


def test_expected_maps_are_shipped():
    names = {p.name for p in SHIPPED}
    assert {
        "open_square.txt",
        "office.txt",
        "warehouse.txt",
        "campus.txt",
        "mall.txt",
        "hospital_floor.yaml",
        "city_blocks.graphml",
        "ring_road.gml",
        "plaza.json",
        "mesa_az",
        "columbus.graph",
        "helsinki_walk.graphml",
        "helsinki_drive.graphml",
        "nyc_uws.graphml",
    } <= names
    assert {p.suffix for p in SHIPPED} >= {".txt", ".yaml", ".graph", ".graphml", ".gml", ".json"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_map_loads_connected(path):
    m = load_map(path)
    assert m.n_nodes >= 15 and m.n_edges >= m.n_nodes - 1
    assert int(m.component_labels().max()) == 0
    assert np.all(np.diff(m.indptr) > 0)
    assert m.total_length() > 100.0
    assert m.name != path.stem  # every shipped map carries a display name


def test_grid_maps_use_patrol_sized_cells():
    for p in SHIPPED:
        m = load_map(p)
        if m.grid is not None:
            assert 1.0 <= m.grid.cell_size <= 2.0, p.name


def test_mesa_street_network():
    m = load_map(MAPS / "mesa_az")
    assert m.n_nodes == 220 and m.n_edges == 293
    assert m.total_length() == pytest.approx(31_825.58, abs=1.0)
    assert m.name == "Mesa, AZ (street network)"
    assert "PySAL / GeoDa GeoDaNet example data (Mesa, AZ)" in m.attribution
    assert "libpysal" in m.attribution and "BSD-3-Clause" in m.attribution


def test_columbus_graph():
    m = load_map(MAPS / "columbus.graph")
    assert m.n_nodes == 49 and m.n_edges == 118
    xmin, ymin, xmax, ymax = m.bounds()
    assert 8_000 < xmax - xmin < 11_000
    assert "Anselin (1988)" in m.attribution and "libpysal" in m.attribution


def test_office_has_weights_and_starts():
    m = load_map(MAPS / "office.txt")
    assert m.weights.max() >= 3 and len(m.starts) >= 2


def test_hospital_default_cells_are_one_metre():
    m = load_map(MAPS / "hospital_floor.yaml")
    assert m.grid.cell_size == 1.0 and m.grid.origin == (-2.0, -1.5)
    assert load_map(MAPS / "hospital_floor.yaml", cell_size=0.5, largest_component=True).n_nodes > m.n_nodes


BENCHMARKS = MAPS / "benchmarks"


@pytest.mark.parametrize(
    "stem, nodes, edges, edge_0, total_m",
    [
        ("grid", 25, 40, 5.7, 228.0),  # 76 px at 0.075 m/px
        ("example", 29, 34, 3.0, 264.0),  # 20 px at 0.15 m/px
        ("DIAG_labs", 27, 26, 0.95, 77.45),  # 19 px at 0.05 m/px
    ],
)
def test_patrolling_sim_benchmark_graphs(stem, nodes, edges, edge_0, total_m):
    m = load_map(BENCHMARKS / f"{stem}.graph")
    assert (m.n_nodes, m.n_edges) == (nodes, edges)
    assert int(m.component_labels().max()) == 0
    assert m.edge_length(0, int(m.neighbours(0)[0])) == pytest.approx(edge_0)  # pixels x resolution
    assert m.total_length() == pytest.approx(total_m)
    assert m.name == f"patrolling_sim {stem} (benchmark)"
    assert "D. Portugal, L. Iocchi" in m.attribution and "BSD" in m.attribution


@pytest.mark.parametrize(
    ("name", "nodes", "edges", "one_way", "total_m"),
    [
        ("helsinki_walk.graphml", 2294, 3163, 0, 80_576.60),
        ("helsinki_drive.graphml", 142, 203, 115, 18_468.98),
        ("nyc_uws.graphml", 46, 73, 0, 8_573.72),
    ],
)
def test_openstreetmap_extracts(name, nodes, edges, one_way, total_m):
    """The maps built from ../shared/data/osm: counts, lengths, metres, and the ODbL credit."""
    m = load_map(MAPS / name)
    assert (m.n_nodes, m.n_edges, m.n_one_way) == (nodes, edges, one_way)
    assert m.directed == (one_way > 0)
    assert m.total_length() == pytest.approx(total_m, abs=0.01)
    assert "(c) OpenStreetMap contributors" in m.attribution and "ODbL" in m.attribution
    assert m.meta["crs"]  # metres in a named system, read back without pyproj
    x0, y0, x1, y1 = m.bounds()
    assert 700 < x1 - x0 < 1100 and 700 < y1 - y0 < 1700  # about a kilometre: metres, not degrees


def test_shipped_maps_load_without_the_osm_extra():
    """Imported maps are in metres in a named system: loading them needs neither pyproj nor osmium."""
    import subprocess
    import sys

    code = (
        "import sys; from patrolsim.maps import load_map, map_files; "
        f"[load_map(p) for p in map_files({str(MAPS)!r})]; "
        "print(sorted(m for m in ('pyproj', 'osmium') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=MAPS.parent)
    assert out.stdout.strip() == "[]"
