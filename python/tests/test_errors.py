"""Errors: scenario problems carry file, line, column, key path and hint."""

import pytest

import pioneer
from conftest import SCENARIOS


def write_scenario(tmp_path, replace, by):
    text = (SCENARIOS / "nwl_wsic_2013.toml").read_text()
    assert replace in text
    p = tmp_path / "bad.toml"
    p.write_text(text.replace(replace, by, 1))
    line = text[: text.index(replace)].count("\n") + 1
    return p, line


def test_unknown_key_gives_file_line_column_key_and_hint(tmp_path):
    p, line = write_scenario(tmp_path, "support_leverage =", "support_leverag =")
    with pytest.raises(pioneer.ScenarioError) as info:
        pioneer.Scenario.load(p)
    e = info.value
    assert e.file == str(p)
    assert e.line == line
    assert e.column == 1
    assert e.key_path == "effort.support_leverag"
    assert "support_leverage" in e.hint
    assert str(p) in str(e) and f":{line}:" in str(e)
    assert e.problems[0]["key_path"] == "effort.support_leverag"
    assert isinstance(e, ValueError)


def test_bad_value_and_every_problem_listed(tmp_path):
    p, line = write_scenario(tmp_path, "support_leverage =", "support_leverage = -5\nxsupport =")
    with pytest.raises(pioneer.ScenarioError) as info:
        pioneer.Scenario.load(p)
    keys = [x["key_path"] for x in info.value.problems]
    assert "effort.xsupport" in keys


def test_toml_syntax_error_has_a_position():
    with pytest.raises(pioneer.ScenarioError) as info:
        pioneer.Scenario.from_toml("[meta]\nname = \n", "inline.toml")
    e = info.value
    assert e.file == "inline.toml" and e.line == 2 and e.column is not None


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        pioneer.Scenario.load(tmp_path / "nope.toml")


def test_bad_override_key_and_type():
    s = pioneer.Scenario.default()
    with pytest.raises(pioneer.ScenarioError) as info:
        s.with_overrides({"effort.support_leveragee": 0.3})
    assert info.value.key_path == "effort.support_leveragee"
    assert "support_leverage" in info.value.hint
    assert info.value.file is None and info.value.line is None
    with pytest.raises(pioneer.ScenarioError) as info:
        s.with_overrides({"effort.support_leverage": "high"})
    assert info.value.key_path == "effort.support_leverage"


def test_override_making_the_scenario_invalid_names_the_key():
    with pytest.raises(pioneer.ScenarioError) as info:
        pioneer.Scenario.default().with_overrides({"effort.support_leverage": -1.0})
    assert any(p["key_path"] == "effort.support_leverage" for p in info.value.problems)


def test_unknown_output_id():
    with pytest.raises(pioneer.ScenarioError) as info:
        pioneer.outputs(None, ["go_live_delay_weeks:brentt"], replications=1)
    assert "brent" in info.value.hint


def test_existing_output_directory_is_refused_then_replaced_with_force(tmp_path, baseline_runs):
    out = tmp_path / "run"
    baseline_runs.write(out)
    (out / "marker").write_text("x")
    with pytest.raises(pioneer.OutputError):
        baseline_runs.write(out)
    assert (out / "marker").exists()  # untouched
    baseline_runs.write(out, force=True)
    assert not (out / "marker").exists() and (out / "milestones.csv").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "precious.txt").write_text("mine")
    with pytest.raises(pioneer.OutputError):
        baseline_runs.write(other, force=True)  # not written by pioneer
    assert (other / "precious.txt").read_text() == "mine"
