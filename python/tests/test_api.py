"""API behaviour of pioneer.Scenario, pioneer.run and Results."""

import datetime as dt
import pickle

import numpy as np
import pandas as pd
import pytest

import pioneer
from conftest import SCENARIOS


def test_default_and_load_are_the_same_scenario():
    d = pioneer.Scenario.default()
    f = pioneer.Scenario.load(SCENARIOS / "nwl_wsic_2013.toml")
    assert d.name == f.name == "nwl_wsic_2013"
    assert d.sha256 == f.sha256
    assert f.source.endswith("nwl_wsic_2013.toml")
    assert "brent" in d.early_adopters
    # Same scenario, same seed: the same outputs.
    a = pioneer.outputs(d, replications=5, seed=9)
    b = pioneer.outputs(f, replications=5, seed=9)
    pd.testing.assert_frame_equal(a, b)


def test_run_accepts_a_path(tmp_path):
    r = pioneer.run(SCENARIOS / "nwl_wsic_2013.toml", replications=3, seed=1)
    assert r.scenario.name == "nwl_wsic_2013"
    assert r.replications == 3 and r.seed == 1


def test_overrides_change_the_run_through_the_key_path():
    base = pioneer.Scenario.default()
    dearer = base.with_overrides({"consultancy.contracts[0].amount_gbp": 1_000_000})
    assert dearer.overrides == ["consultancy.contracts[0].amount_gbp=1000000"]
    assert base.overrides == []  # scenarios are immutable
    ids = ["spend_gbp:consultancy"]
    # Paired (same seed): a smaller first contract (below the central
    # budget cap) must lower consultancy spend in every replication.
    a = pioneer.outputs(base, ids, replications=4, seed=5)[ids[0]]
    b = pioneer.outputs(dearer, ids, replications=4, seed=5)[ids[0]]
    assert (b < a).all()


def test_override_values_of_every_type():
    s = pioneer.Scenario.default().with_overrides(
        {
            "early_adopters[0].scope": "scaled_back",
            "effort.support_leverage": np.float64(0.25),
            "record.detail_replications": 3,
        }
    )
    text = s.to_toml()
    assert 'scope = "scaled_back"' in text
    assert "support_leverage = 0.25" in text
    with pytest.raises(TypeError):
        pioneer.Scenario.default().with_overrides({"effort.support_leverage": object()})
    with pytest.raises(TypeError):
        pioneer.Scenario.default().with_overrides({"meta.start": dt.datetime(2013, 1, 1)})


def test_results_tables_have_proper_dtypes(baseline_runs):
    r = baseline_runs
    m = r.milestones
    assert list(m.columns) == [
        "replication", "early_adopter", "milestone", "kind",
        "first_planned_date", "planned_date", "achieved_date", "status",
    ]
    for c in ("first_planned_date", "planned_date", "achieved_date"):
        assert pd.api.types.is_datetime64_any_dtype(m[c]), c
    for c in ("early_adopter", "milestone", "kind", "status"):
        assert isinstance(m[c].dtype, pd.CategoricalDtype), c
    assert m["replication"].dtype == np.int32
    assert sorted(m["replication"].unique()) == list(range(20))
    # Not-reached milestones have no achieved date (NaT), achieved ones have one.
    assert m.loc[m.status == "achieved", "achieved_date"].notna().all()
    assert m.loc[m.status != "achieved", "achieved_date"].isna().all()

    ts = r.timeseries
    # The default scenario records quantiles: no replication (<NA>), a statistic per row.
    assert str(ts["replication"].dtype) == "Int32" and ts["replication"].isna().all()
    assert set(ts["statistic"].unique()) == {"mean", "p10", "p50", "p90"}
    assert pd.api.types.is_datetime64_any_dtype(ts["date"])
    q = ts.pivot_table(index=["date", "scope", "agent_kind", "metric"], columns="statistic",
                       values="value", observed=True)
    assert (q["p10"] <= q["p50"]).all() and (q["p50"] <= q["p90"]).all()

    meetings = r.meetings
    assert meetings["quorate"].dtype == bool and meetings["attendees"].dtype == np.int32
    assert isinstance(meetings["body"].dtype, pd.CategoricalDtype)
    sp = r.spend
    assert sp["amount_gbp"].dtype == np.float64
    assert set(sp["category"].cat.categories) >= {"consultancy", "programme_team"}
    rp = r.replans
    assert (rp["new_date"] > rp["old_date"]).any()


def test_summary_is_a_dict_matching_the_tables(baseline_runs):
    s = baseline_runs.summary
    assert s["replications"] == 20
    assert s["scenario"] == "nwl_wsic_2013"
    s["replications"] = -1  # a copy: the next access is untouched
    assert baseline_runs.summary["replications"] == 20


def test_detail_and_replication_modes_follow_the_scenario():
    s = pioneer.Scenario.default().with_overrides(
        {"record.detail_replications": 3, "record.timeseries": "replications"}
    )
    r = pioneer.run(s, replications=5, seed=2)
    assert sorted(r.spend["replication"].unique()) == [0, 1, 2]
    ts = r.timeseries
    assert ts["replication"].dtype == np.int32
    assert sorted(ts["replication"].unique()) == [0, 1, 2]
    assert set(ts["statistic"].unique()) == {"value"}
    # Milestones are written for every replication.
    assert sorted(r.milestones["replication"].unique()) == list(range(5))


def test_outputs_are_the_per_replication_values_of_the_tables(baseline_runs):
    # live_at_horizon counts early adopters whose pilot went live; the
    # milestones table says the same per replication.
    o = pioneer.outputs(pioneer.Scenario.default(), ["live_at_horizon"], replications=20, seed=3)
    m = baseline_runs.milestones
    live = (
        m[(m.milestone == "pilot_live") & (m.early_adopter != "programme") & (m.status == "achieved")]
        .groupby("replication").size().reindex(range(20), fill_value=0)
    )
    np.testing.assert_array_equal(o["live_at_horizon"].to_numpy(), live.to_numpy().astype(float))


def test_progress_callback_reaches_the_total():
    seen = []
    pioneer.run(pioneer.Scenario.default(), replications=4, seed=1, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (4, 4)
    assert all(t == 4 and 0 <= d <= 4 for d, t in seen)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        pioneer.run(None, replications=0)
    with pytest.raises(ValueError):
        pioneer.run(None, replications=2, threads=0)
    with pytest.raises(TypeError):
        pioneer.run(None, replications=2.5)
    with pytest.raises(TypeError):
        pioneer.run(42)


def test_scenarios_pickle_to_the_same_scenario():
    s = pioneer.Scenario.default().with_overrides({"effort.support_leverage": 0.3})
    t = pickle.loads(pickle.dumps(s))
    a = pioneer.outputs(s, ["programme_slip_weeks", "replans"], replications=4, seed=8)
    b = pioneer.outputs(t, ["programme_slip_weeks", "replans"], replications=4, seed=8)
    pd.testing.assert_frame_equal(a, b)


def test_compare_pairs_the_scenarios():
    base = pioneer.Scenario.default()
    same = pioneer.Scenario.default()
    c = pioneer.compare([base, same], replications=6, seed=4)
    t = c.table
    assert c.names[0] != c.names[1]  # made unique
    # Identical scenarios under common random numbers: every paired difference is 0.
    diffs = t[t.scenario == c.names[1]][["difference_p10", "difference_median", "difference_p90"]]
    assert (diffs.to_numpy() == 0).all()
    assert t[t.scenario == c.names[0]]["difference_median"].isna().all()
    dates = t[t.is_date]
    assert dates["median_date"].notna().all() and (dates["median_date"] >= c.start_date).all()
