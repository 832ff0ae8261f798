"""Fairness and privacy ledgers on hand-made cases, and the predictive layer's correction weights."""

import numpy as np
import pytest

from patrolsim.incidents.ledgers import Ledgers, area_of_nodes, detection_disparity, fairness_metrics, gini
from patrolsim.maps import PatrolMap

# four nodes on a line, 10 m apart; node 1 senses its neighbours (sensing CSR written by hand)
LINE = PatrolMap.from_edges("line", np.array([[0.0, 0], [10, 0], [20, 0], [30, 0]]), np.array([[0, 1], [1, 2], [2, 3]]))
SENSE_PTR = np.array([0, 1, 4, 5, 6])
SENSE_IDX = np.array([0, 0, 1, 2, 2, 3])


def test_gini():
    assert gini(np.array([5.0, 5, 5, 5])) == 0.0
    assert gini(np.array([0.0, 0, 0, 8])) == pytest.approx(0.75)
    assert gini(np.array([1.0, 3])) == pytest.approx(0.25)
    assert gini(np.zeros(3)) == 0.0


def test_areas_per_node_and_per_region():
    area, centres = area_of_nodes(LINE, 0.0)
    assert area.tolist() == [0, 1, 2, 3]
    area, centres = area_of_nodes(LINE, 15.0)
    assert area.tolist() == [0, 0, 1, 2] and centres[:, 0].tolist() == [5.0, 20.0, 30.0]


def test_ledger_table_by_hand():
    led = Ledgers(LINE, 0.0, SENSE_PTR, SENSE_IDX)
    led.add_presence(np.array([1, 1, 1, 0]), 10.0)  # 30 s at node 1, 10 s at node 0
    t = led.table(
        true_nodes=np.array([0, 1, 1, 1, 2, 3, 3, 3]),
        reported_nodes=np.array([1, 3]),
        discoverable_nodes=np.array([0, 1, 1, 2, 3, 3]),
        discovered_nodes=np.array([1, 1, 0]),
    )
    assert t["true"].tolist() == [1, 3, 1, 3] and t["reported"].tolist() == [0, 1, 0, 1]
    assert t["patrol_s"].tolist() == [10, 30, 0, 0] and t["patrol_share"].tolist() == [0.25, 0.75, 0, 0]
    # exposure = patrol share / true share: node 0 0.25 / (1/8) = 2, node 1 0.75 / (3/8) = 2
    assert t["exposure_ratio"].tolist() == [2.0, 2.0, 0.0, 0.0]
    assert t["detection_rate"].tolist() == [1.0, 1.0, 0.0, 0.0]
    # observation: 30 s at node 1 watch nodes 0, 1, 2; 10 s at node 0 watch node 0
    assert t["observed_s"].tolist() == [40, 30, 30, 0]
    m = fairness_metrics(t)
    assert m["patrol_gini"] == pytest.approx(gini(np.array([10.0, 30, 0, 0])))
    assert m["exposure_ratio_max"] == 2.0 and m["exposure_ratio_min"] == 0.0
    assert m["observation_total_s"] == 100.0
    assert m["detection_disparity"] is None  # the less-patrolled half found nothing


def test_detection_disparity():
    # areas ordered by patrol: low half (a, b) finds 1 of 4, high half (c, d) 3 of 4 -> 3.0
    assert detection_disparity(np.array([1.0, 2, 3, 4]), np.array([2, 2, 2, 2]), np.array([1, 0, 1, 2])) == 3.0
    assert detection_disparity(np.array([1.0, 2]), np.array([0, 3]), np.array([0, 1])) is None
