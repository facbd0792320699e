"""Results do not depend on the number of worker threads."""

import pandas as pd

import pioneer
from test_cli_equality import assert_same_directory, files_of


def test_tables_and_files_are_the_same_at_any_thread_count(tmp_path):
    s = pioneer.Scenario.default().with_overrides({"record.timeseries": "replications",
                                                   "record.detail_replications": 5})
    one = pioneer.run(s, replications=10, seed=6, threads=1)
    three = pioneer.run(s, replications=10, seed=6, threads=3)
    for name in ["milestones", "timeseries", "meetings", "spend", "replans", "workarounds", "scope_decisions"]:
        pd.testing.assert_frame_equal(getattr(one, name), getattr(three, name))
    assert one.summary == three.summary
    one.write(tmp_path / "one")
    three.write(tmp_path / "three")
    assert files_of(tmp_path / "one")
    assert_same_directory(tmp_path / "one", tmp_path / "three")


def test_outputs_are_the_same_at_any_thread_count():
    a = pioneer.outputs(None, replications=8, seed=3, threads=1)
    b = pioneer.outputs(None, replications=8, seed=3, threads=2)
    pd.testing.assert_frame_equal(a, b)
