"""ROS map_server image loader: thresholds, negate, resampling, origin, and error messages."""

import numpy as np
import pytest
from PIL import Image

from patrolsim.errors import MapError
from patrolsim.maps import load_map
from patrolsim.maps.ros_image import load_ros_image

FREE, OCC, UNKNOWN = 254, 0, 205


def make_map(tmp_path, pixels, yaml_extra="", image="m.pgm", resolution=0.5, origin="[-1.0, 2.0, 0.0]", negate=0):
    Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(tmp_path / image)
    p = tmp_path / "m.yaml"
    p.write_text(
        f"image: {image}\nresolution: {resolution}\norigin: {origin}\nnegate: {negate}\n"
        f"occupied_thresh: 0.65\nfree_thresh: 0.196\n{yaml_extra}"
    )
    return p


def test_one_pixel_per_cell_positions_from_origin(tmp_path):
    px = np.full((2, 3), FREE)
    px[0, 2] = OCC
    p = make_map(tmp_path, px, "cell_size: 0.5\n")
    m = load_map(p)
    assert m.n_nodes == 5 and m.n_edges == 5
    assert m.grid.cell_size == 0.5 and m.grid.origin == (-1.0, 2.0)
    # row 0 = top of the image: pixel (0, 0) centre is 0.25 m right of and 0.75 m above the origin
    assert m.positions[0].tolist() == [-0.75, 2.75]
    assert m.positions[-1].tolist() == [0.25, 2.25]
    assert np.allclose(m.lengths, 0.5)
    assert m.name == "m"


def test_resampling_cell_free_only_when_all_pixels_free(tmp_path):
    # 4 x 6 pixels of 0.5 m -> 2 x 3 cells of 1 m (the default cell size)
    px = np.full((4, 6), FREE)
    px[0, 5] = OCC  # top-right cell blocked by one pixel
    px[3, 0] = UNKNOWN  # unknown counts as not free: bottom-left cell blocked
    m = load_map(make_map(tmp_path, px))
    assert m.grid.cell_size == 1.0
    assert m.grid.free.tolist() == [[True, True, False], [False, True, True]]
    assert m.n_nodes == 4 and m.n_edges == 3
    assert m.positions.tolist() == [[-0.5, 3.5], [0.5, 3.5], [0.5, 2.5], [1.5, 2.5]]


def test_partial_cells_at_top_and_right_are_walls(tmp_path):
    # 3 x 3 pixels, 2 pixels per cell: cells anchored bottom-left; the top row and right column of
    # cells hang over the image edge and are walls
    m = load_map(make_map(tmp_path, np.full((3, 3), FREE)))
    assert m.grid.free.tolist() == [[False, False], [True, False]]
    assert m.positions.tolist() == [[-0.5, 2.5]]


def test_thresholds_and_negate(tmp_path):
    # p = (255 - v) / 255: v=210 -> 0.176 < 0.196 free; v=200 -> 0.216 not free
    px = np.array([[210, 200]])
    m = load_map(make_map(tmp_path, px, "cell_size: 0.5\n", origin="[0, 0, 0]"))
    assert m.n_nodes == 1 and m.positions.tolist() == [[0.25, 0.25]]
    # with negate, p = v / 255: v=40 -> 0.157 free, v=60 -> 0.235 not free
    px = np.array([[60, 40, 40]])
    m = load_map(make_map(tmp_path, px, "cell_size: 0.5\n", origin="[0, 0, 0]", negate=1))
    assert m.grid.free.tolist() == [[False, True, True]]


def test_cell_size_keyword_overrides_yaml_and_png_rgb(tmp_path):
    px = np.full((4, 4, 3), FREE, dtype=np.uint8)
    p = make_map(tmp_path, px, "cell_size: 2.0\n", image="m.png")
    assert load_map(p).n_nodes == 1
    m = load_ros_image(p, cell_size=1.0)
    assert m.n_nodes == 4 and m.grid.cell_size == 1.0
    assert load_map(p, cell_size=0.5).n_nodes == 16


def test_eight_connectivity_and_name_attribution(tmp_path):
    px = np.full((2, 2), FREE)
    px[1, 1] = OCC
    m = load_map(make_map(tmp_path, px, "cell_size: 0.5\nconnectivity: 8\nname: Lab\nattribution: me\n"))
    # diagonal (0,1)-(1,0) would cut the wall corner at (1,1): only the 2 orthogonal edges
    assert m.n_edges == 2 and m.name == "Lab" and m.attribution == "me"


def test_large_image_resamples_by_whole_cells(tmp_path):
    px = np.full((1000, 1000), FREE, dtype=np.uint8)
    px[::50, :] = OCC
    px[:, 500:502] = FREE  # one 2-pixel-wide gap joins the strips
    p = make_map(tmp_path, px, resolution=0.05)
    m = load_map(p, cell_size=0.1)
    assert m.grid.shape == (500, 500)
    # every 25th cell row holds an occupied pixel row; the rest are free
    assert m.grid.free[:, 0].sum() == 500 - 20


@pytest.mark.parametrize(
    "body, key, fragment",
    [
        ("resolution: 0.5\norigin: [0, 0, 0]\n", "image", "missing key"),
        ("image: m.pgm\norigin: [0, 0, 0]\n", "resolution", "missing key"),
        ("image: m.pgm\nresolution: 0.5\n", "origin", "missing key"),
        ("image: m.pgm\nresolution: fine\norigin: [0, 0, 0]\n", "resolution", "expected a number"),
        ("image: m.pgm\nresolution: -0.5\norigin: [0, 0, 0]\n", "resolution", "positive"),
        ("image: m.pgm\nresolution: 0.5\norigin: 3\n", "origin", "expected a list"),
        ("image: m.pgm\nresolution: 0.5\norigin: [0, 0]\nnegate: 2\n", "negate", "expected 0 or 1"),
        ("image: m.pgm\nresolution: 0.5\norigin: [0, 0]\nfree_thresh: 1.5\n", "free_thresh", "between 0 and 1"),
        (
            "image: m.pgm\nresolution: 0.5\norigin: [0, 0]\noccupied_thresh: -0.1\n",
            "occupied_thresh",
            "between 0 and 1",
        ),
        ("image: m.pgm\nresolution: 0.5\norigin: [0, 0]\nfree_thresh: 0.7\n", "free_thresh", "above occupied_thresh"),
        ("image: m.pgm\nresolution: 0.5\norigin: [0, 0]\ncell_size: 0.1\n", "cell_size", "finer than"),
        ("image: m.pgm\nresolution: 0.5\norigin: [0, 0]\nconnectivity: 6\n", "connectivity", "4 or 8"),
        ("image: missing.pgm\nresolution: 0.5\norigin: [0, 0]\n", "image", "not found"),
        ("image: bad.pgm\nresolution: 0.5\norigin: [0, 0]\n", "image", "cannot read image"),
        ("image: 7\nresolution: 0.5\norigin: [0, 0]\n", "image", "expected an image file name"),
        ("image: m.pgm\nresolution: 0.5\norigin: [0, 0]\nname: [1]\n", "name", "expected a string"),
    ],
)
def test_errors_name_yaml_and_key(tmp_path, body, key, fragment):
    Image.fromarray(np.full((2, 2), FREE, dtype=np.uint8)).save(tmp_path / "m.pgm")
    (tmp_path / "bad.pgm").write_bytes(b"not an image at all")
    p = tmp_path / "m.yaml"
    p.write_text(body)
    with pytest.raises(MapError) as err:
        load_map(p)
    msg = str(err.value)
    assert msg.startswith(str(p)) and f"key '{key}'" in msg and fragment in msg and "\n" not in msg


def test_keyword_cell_size_error(tmp_path):
    p = make_map(tmp_path, np.full((2, 2), FREE))
    with pytest.raises(MapError, match="key 'cell_size'.*positive"):
        load_ros_image(p, cell_size=-1)


def test_yaml_syntax_error_gives_line(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text("image: m.pgm\nresolution: 0.5\norigin: [0, 0\nnegate: 0\n")
    with pytest.raises(MapError) as err:
        load_map(p)
    assert str(err.value).startswith(f"{p}:") and "YAML syntax error" in str(err.value)
    assert err.value.line is not None and err.value.line >= 3
    p.write_text("- just\n- a list\n")
    with pytest.raises(MapError, match="expected a YAML mapping"):
        load_map(p)


def test_all_walls_is_an_error(tmp_path):
    with pytest.raises(MapError, match="no free cells"):
        load_map(make_map(tmp_path, np.full((4, 4), OCC)))
