"""The Python package gives the command line's results: the same scenario,
seed and replications write the same files, byte for byte.

The one legitimate difference is in manifest.json: `command_line` (the
CLI records its argv, the Python call records none). Everything else in
the manifest (version, git commit and state, seed, scenario hash,
overrides, input copies, every file's SHA-256) must be equal.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pioneer
from conftest import SCENARIOS

MANIFEST_FIELDS_THAT_DIFFER = {"command_line"}


def files_of(d: Path):
    return sorted(p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file())


def assert_same_directory(cli_dir: Path, py_dir: Path):
    assert files_of(cli_dir) == files_of(py_dir)
    for name in files_of(cli_dir):
        if name == "manifest.json":
            continue
        assert (cli_dir / name).read_bytes() == (py_dir / name).read_bytes(), name
    a = json.loads((cli_dir / "manifest.json").read_text())
    b = json.loads((py_dir / "manifest.json").read_text())
    for k in MANIFEST_FIELDS_THAT_DIFFER:
        a.pop(k), b.pop(k)
    assert a == b


def test_run_writes_the_cli_files(cli, tmp_path):
    scenario = SCENARIOS / "variants" / "nwl_realistic_timetable.toml"
    r = cli("run", scenario, "-n", 24, "-s", 11, "--set", "effort.support_leverage=0.3",
            "-o", tmp_path / "cli", "-q")
    assert r.returncode == 0, r.stderr
    s = pioneer.Scenario.load(scenario).with_overrides({"effort.support_leverage": 0.3})
    res = pioneer.run(s, replications=24, seed=11)
    res.write(tmp_path / "py")
    assert_same_directory(tmp_path / "cli", tmp_path / "py")


def test_tables_hold_the_rows_of_the_csv_files(cli, tmp_path):
    # The DataFrames are built from columns, not from the CSV files: check
    # they hold the same rows, in the same order, as the files the CLI wrote.
    s = pioneer.Scenario.default().with_overrides({"record.detail_replications": 4})
    r = cli("run", "-n", 9, "-s", 5, "--set", "record.detail_replications=4", "-o", tmp_path / "cli", "-q")
    assert r.returncode == 0, r.stderr
    res = pioneer.run(s, replications=9, seed=5)
    for name in ["milestones", "timeseries", "meetings", "spend", "replans", "workarounds", "scope_decisions"]:
        ours = getattr(res, name)
        csv = pd.read_csv(tmp_path / "cli" / f"{name}.csv", keep_default_na=False, dtype=str)
        assert list(ours.columns) == list(csv.columns), name
        assert len(ours) == len(csv), name
        for col in ours.columns:
            o = ours[col]
            c = csv[col]
            if pd.api.types.is_datetime64_any_dtype(o):
                got = o.dt.strftime("%Y-%m-%d").fillna("")
                assert (got.to_numpy() == c.to_numpy()).all(), (name, col)
            elif o.dtype == bool:
                assert (np.where(o, "true", "false") == c.to_numpy()).all(), (name, col)
            elif pd.api.types.is_float_dtype(o):
                # The CSV prints floats in the shortest round-trip form
                # (spend.csv: to the penny), so parsing it back is exact
                # (or exact after rounding to pence).
                parsed = c.astype(float).to_numpy()
                vals = o.to_numpy()
                if name == "spend":
                    vals = np.round(vals, 2)
                np.testing.assert_array_equal(vals, parsed, err_msg=f"{name}.{col}")
            else:
                got = o.astype(object).where(o.notna(), "").astype(str)
                assert (got.to_numpy() == c.to_numpy()).all(), (name, col)


def test_summary_equals_summary_json(cli, tmp_path, baseline_runs):
    r = cli("run", "-n", 20, "-s", 3, "-o", tmp_path / "cli", "-q")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "cli" / "summary.json").read_text()) == baseline_runs.summary


def test_compare_writes_the_cli_files(cli, tmp_path):
    a = SCENARIOS / "nwl_wsic_2013.toml"
    b = SCENARIOS / "variants" / "nwl_big_promise.toml"
    r = cli("compare", a, b, "-n", 12, "-s", 2, "-o", tmp_path / "cli")
    assert r.returncode == 0, r.stderr
    c = pioneer.compare([pioneer.Scenario.load(a), pioneer.Scenario.load(b)], replications=12, seed=2)
    c.write(tmp_path / "py")
    assert_same_directory(tmp_path / "cli", tmp_path / "py")
    assert (tmp_path / "cli" / "compare.csv").read_text() == c.to_csv()


SWEEP = """
[sweep]
name = "tiny"
scenario = "{base}"
replications = 3
seed = 7

[design]
kind = "grid"

[[parameters]]
name = "optimism"
path = "replanning.optimism"
values = [0.0, 0.5]

[record]
outputs = ["programme_slip_weeks", "replans"]
"""


def test_sweep_writes_the_cli_runs_and_resumes(cli, tmp_path):
    f = tmp_path / "tiny.toml"
    f.write_text(SWEEP.format(base=(SCENARIOS / "nwl_wsic_2013.toml").as_posix()))
    r = cli("sweep", f, "-o", tmp_path / "cli", "-q")
    assert r.returncode == 0, r.stderr
    done = pioneer.sweep(f, tmp_path / "py")
    assert done.total_runs == 6 and done.resumed_from == 0 and done.points == 2
    for name in ["runs.csv", "design.csv"]:
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "py" / name).read_bytes(), name
    assert len(done.runs) == 6 and set(done.runs.columns) >= {"programme_slip_weeks", "replans"}
    again = pioneer.sweep(f, tmp_path / "py")
    assert again.resumed_from == 6  # nothing re-run
    assert (tmp_path / "cli" / "runs.csv").read_bytes() == (tmp_path / "py" / "runs.csv").read_bytes()
