"""pioneer.ema: an EMA Workbench model that runs pioneer."""

import numpy as np
import pytest

import pioneer

ema = pytest.importorskip("ema_workbench")
import pioneer.ema  # noqa: E402

LEVERAGE = "effort.support_leverage"
DAY_RATE = "consultancy.contracts[0].amount_gbp"


def small_model(**kw):
    return pioneer.ema.model(
        pioneer.Scenario.default(),
        uncertainties={LEVERAGE: (0.1, 0.6)},
        levers={DAY_RATE: (2_000_000, 5_000_000)},
        replications=4,
        seed=2,
        threads=1,
        **kw,
    )


def experiments():
    return [ema.Scenario(f"s{i}", **{pioneer.ema.identifier(LEVERAGE): v}) for i, v in enumerate([0.15, 0.45])]


def test_model_has_named_parameters_and_default_outcomes():
    m = small_model()
    assert [u.name for u in m.uncertainties] == ["effort_support_leverage"]
    assert isinstance(m.levers["consultancy_contracts_0_amount_gbp"], ema.IntegerParameter)
    names = [o.name for o in m.outcomes]
    assert "programme_slip_weeks" in names
    assert "go_live_delay_weeks_brent" in names
    assert len(names) == len(pioneer.Scenario.default().early_adopters) + 1


def test_sequential_experiment_gives_pioneers_numbers():
    m = small_model()
    policy = ema.Policy("p", consultancy_contracts_0_amount_gbp=3_000_000)
    exps, outs = ema.perform_experiments(m, scenarios=experiments(), policies=[policy])
    assert len(exps) == 2
    for i, lev in enumerate(exps["effort_support_leverage"]):
        s = pioneer.Scenario.default().with_overrides({LEVERAGE: lev, DAY_RATE: 3_000_000})
        direct = pioneer.outputs(s, ["programme_slip_weeks", "go_live_delay_weeks:brent"], replications=4, seed=2)
        assert outs["programme_slip_weeks"][i] == direct["programme_slip_weeks"].mean()
        assert outs["go_live_delay_weeks_brent"][i] == direct["go_live_delay_weeks:brent"].mean()


def test_multiprocessing_gives_the_sequential_results():
    m = small_model(outcomes=["programme_slip_weeks", "replans"], statistic="median")
    policy = ema.Policy("p", consultancy_contracts_0_amount_gbp=4_000_000)
    _, seq = ema.perform_experiments(m, scenarios=experiments(), policies=[policy])
    with ema.MultiprocessingEvaluator(m, n_processes=2) as evaluator:
        _, par = evaluator.perform_experiments(scenarios=experiments(), policies=[policy])
    for k in seq:
        np.testing.assert_array_equal(seq[k], par[k])


def test_bad_key_paths_and_outcomes_fail_before_any_experiment():
    with pytest.raises(pioneer.ScenarioError):
        pioneer.ema.model(None, uncertainties={"effort.nonsense": (0.0, 1.0)})
    with pytest.raises(pioneer.ScenarioError):
        pioneer.ema.model(None, uncertainties={LEVERAGE: (0.1, 0.6)}, outcomes=["go_live_delay_weeks:nowhere"])
