"""`pioneer.promise` is `pioneer promise`: the same scan writes the same
files, and its DataFrames hold the numbers of promise.csv.

Small scans (12 replications, a quarterly grid over a year): the tests
check that Python and the command line agree exactly (same seed, common
random numbers), not the statistics of the scan (tests/promise.rs does).
"""

import io

import numpy as np
import pandas as pd
import pytest

import pioneer
from test_cli_equality import assert_same_directory

GRID = dict(milestones=["pilot_start"], start="2014-06-01", end="2015-06-01", step="3months",
            confidence=[0.5, 0.8], replications=12, seed=4)


@pytest.fixture(scope="module")
def scan():
    return pioneer.promise(**GRID)


def test_promise_writes_the_cli_files(cli, scan, tmp_path):
    r = cli("promise", "--milestone", "pilot_start", "--from", GRID["start"], "--to", GRID["end"],
            "--step", GRID["step"], "--confidence", "0.5,0.8", "-n", 12, "-s", 4,
            "-o", tmp_path / "cli", "-q")
    assert r.returncode == 0, r.stderr
    scan.write(tmp_path / "py")
    assert_same_directory(tmp_path / "cli", tmp_path / "py")


def test_tables_hold_the_numbers_of_promise_csv(scan):
    csv = pd.read_csv(io.StringIO(scan.to_csv()), dtype=str, keep_default_na=False)
    curve = scan.curve
    assert list(curve["milestone"].unique()) == ["pilot_start"]
    # Grid points are the quarterly promises from the start to the end.
    grid = curve[curve["on_grid"]]["promise"].dt.strftime("%Y-%m-%d").tolist()
    assert grid == ["2014-06-01", "2014-09-01", "2014-12-01", "2015-03-01", "2015-06-01"]
    p = csv[csv["statistic"] == "p_delivered_by_promise"]
    assert p["promise"].tolist() == curve["promise"].dt.strftime("%Y-%m-%d").tolist()
    assert np.array_equal(p["value"].astype(float).to_numpy(), curve["p_delivered"].to_numpy())
    med = csv[csv["statistic"] == "delivered_p50"]["value"].tolist()
    ours = curve["delivered_p50"].dt.strftime("%Y-%m-%d").fillna("").tolist()
    assert med == ours
    assert curve["promise"].dtype.kind == "M" and curve["delivered_p50"].dtype.kind == "M"
    honest = scan.honest
    assert honest["confidence"].tolist() == [0.5, 0.8]
    for _, h in honest.iterrows():
        row = csv[csv["statistic"] == f"honest_promise:{h['confidence']}"]
        assert len(row) == 1
        written = row["promise"].iloc[0]
        assert written == ("" if pd.isna(h["promise"]) else h["promise"].strftime("%Y-%m-%d"))
        if not pd.isna(h["promise"]):
            # The honest promise meets its confidence in the curve it came from.
            at = curve[curve["promise"] == h["promise"]]
            assert at["p_delivered"].iloc[0] >= h["confidence"]
    o = scan.originals
    assert o["original_promise"].dt.strftime("%Y-%m-%d").tolist() == ["2014-01-06"]


def test_bad_arguments_raise_before_anything_runs():
    with pytest.raises(ValueError, match="step"):
        pioneer.promise(step="fortnightly", replications=2)
    with pytest.raises(ValueError, match="followers"):
        pioneer.promise(followers="drag", replications=2)
    with pytest.raises(ValueError, match="confidence"):
        pioneer.promise(confidence=[80], replications=2)
    with pytest.raises(ValueError):
        pioneer.promise(milestones=["no_such_milestone"], replications=2)
