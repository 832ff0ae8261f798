"""M/M/c check: Poisson calls, exponential service, no travel (every agent and call on one node):
the share of calls that wait for an agent matches Erlang C."""

from math import factorial

from patrolsim.build import make
from patrolsim.scenario import scenario_from_dict


def erlang_c(c: int, a: float) -> float:
    """Probability that a call waits in an M/M/c queue with offered load a = lambda / mu < c."""
    top = a**c / factorial(c) * c / (c - a)
    return top / (sum(a**k / factorial(k) for k in range(c)) + top)


def run_mmc(tmp_path, c, rate_per_hour, service_s, hours, seed):
    one = tmp_path / "one.txt"
    one.write_text("S\n")
    data = {
        "map": str(one),
        "duration": hours * 3600.0,
        "seed": seed,
        "agents": {"count": c, "starts": [0] * c},
        "strategy": {"name": "random"},
        "incidents": {
            "stream": "poisson",
            "rate_per_hour": rate_per_hour,
            "service_mean_s": service_s,
            "service_dist": "exponential",
        },
        "dispatch": {"tick_s": 3600.0},
    }
    return make(scenario_from_dict(data, source="mmc.toml")).run().metrics


def test_erlang_c_waiting_share(tmp_path):
    assert abs(erlang_c(3, 2.0) - 4 / 9) < 1e-12
    m = run_mmc(tmp_path, c=3, rate_per_hour=12.0, service_s=600.0, hours=1000, seed=2)  # a = 2
    assert m["calls"] > 11000
    # across seeds the share has a standard deviation of about 0.012 at this length
    assert abs(m["queued_share"] - erlang_c(3, 2.0)) < 0.04
    assert m["response_mean_s"] > 0 and abs(m["utilisation"] - 2 / 3) < 0.04


def test_erlang_c_single_agent(tmp_path):
    m = run_mmc(tmp_path, c=1, rate_per_hour=3.0, service_s=600.0, hours=1500, seed=5)  # M/M/1, rho = 0.5
    assert abs(m["queued_share"] - erlang_c(1, 0.5)) < 0.04
    # mean wait in queue of M/M/1: rho / (mu - lambda) = 0.5 / (1/600 - 1/1200) = 600 s
    assert abs(m["response_mean_s"] / 600.0 - 1) < 0.15
