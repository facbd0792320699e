"""pioneer as an EMA Workbench model (ema_workbench 2.5).

::

    from ema_workbench import perform_experiments, MultiprocessingEvaluator
    import pioneer, pioneer.ema

    model = pioneer.ema.model(
        pioneer.Scenario.default(),
        uncertainties={"effort.support_leverage": (2.0, 6.0),
                       "consultancy.day_rate_gbp": (800.0, 1500.0)},
        replications=20, threads=1,
    )
    with MultiprocessingEvaluator(model, n_processes=4) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=1000)

Every experiment runs ``replications`` replications of the scenario with
the experiment's values set by key path (as ``Scenario.with_overrides``)
and reduces each output over them (the mean by default). Every experiment
uses the same ``seed``, so experiments differ only through their values
(common random numbers), as the points of a ``pioneer sweep`` do.

The EMA Workbench is imported when :func:`model` is called, so ``pioneer``
works without it.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import Scenario, _scenario, default_outputs, outputs

__all__ = ["model", "identifier", "PioneerFunction"]

Statistic = Union[str, Callable[[np.ndarray], float]]

_STATISTICS: Dict[str, Callable[[np.ndarray], float]] = {
    "mean": lambda v: float(np.mean(v)),
    "median": lambda v: float(np.median(v)),
    "p10": lambda v: float(np.quantile(v, 0.1)),
    "p90": lambda v: float(np.quantile(v, 0.9)),
}


def identifier(key: str) -> str:
    """A Python identifier for a key path or output id, as EMA names must be:
    ``consultancy.contracts[0].amount_gbp`` → ``consultancy_contracts_0_amount_gbp``,
    ``go_live_delay_weeks:brent`` → ``go_live_delay_weeks_brent``."""
    name = re.sub(r"[^0-9A-Za-z_]+", "_", key).strip("_")
    if not name or name[0].isdigit():
        name = "p_" + name
    return name


class PioneerFunction:
    """The callable an EMA ``Model`` runs: keyword arguments are key paths
    (the parameters' ``variable_name``), the return value maps each output
    id to its statistic over the replications. Picklable, so that EMA's
    MultiprocessingEvaluator can send it to worker processes."""

    def __init__(
        self,
        scenario: Scenario,
        output_ids: Sequence[str],
        replications: int,
        seed: int,
        threads: Optional[int],
        statistic: Statistic,
    ) -> None:
        self.scenario = scenario
        self.output_ids = list(output_ids)
        self.replications = replications
        self.seed = seed
        self.threads = threads
        self.statistic = statistic

    def __call__(self, **values: Any) -> Dict[str, float]:
        s = self.scenario.with_overrides(values) if values else self.scenario
        frame = outputs(s, self.output_ids, self.replications, self.seed, self.threads)
        reduce = (
            _STATISTICS[self.statistic] if isinstance(self.statistic, str) else self.statistic
        )
        return {i: reduce(frame[i].to_numpy()) for i in self.output_ids}


def _parameters(spec: Any, what: str) -> List[Any]:
    """EMA parameters from a mapping ``{key_path: (low, high)}`` (integers
    for integer bounds) or ``{key_path: [choices]}``, or a sequence of EMA
    parameters whose ``variable_name`` is a key path."""
    from ema_workbench import CategoricalParameter, IntegerParameter, RealParameter

    if spec is None:
        return []
    if not isinstance(spec, Mapping):
        return list(spec)
    params = []
    for key, bounds in spec.items():
        name = identifier(key)
        if isinstance(bounds, tuple) and len(bounds) == 2:
            low, high = bounds
            ints = all(isinstance(b, (int, np.integer)) and not isinstance(b, bool) for b in bounds)
            cls = IntegerParameter if ints else RealParameter
            params.append(cls(name, low, high, variable_name=key))
        elif isinstance(bounds, (list, set, frozenset)):
            params.append(CategoricalParameter(name, list(bounds), variable_name=key))
        else:
            raise TypeError(
                f"{what} {key!r}: expected (low, high) or a list of choices, found {bounds!r}"
            )
    return params


def model(
    scenario: Union[Scenario, str, None] = None,
    uncertainties: Union[Mapping[str, Any], Iterable[Any], None] = None,
    levers: Union[Mapping[str, Any], Iterable[Any], None] = None,
    outcomes: Optional[Iterable[Any]] = None,
    replications: int = 20,
    seed: int = 1,
    threads: Optional[int] = None,
    statistic: Statistic = "mean",
    name: str = "pioneer",
):
    """An ``ema_workbench.Model`` whose function runs pioneer.

    - ``scenario``: the base scenario (a :class:`pioneer.Scenario`, a path,
      or None for the default).
    - ``uncertainties``, ``levers``: ``{key_path: (low, high)}``
      (``IntegerParameter`` when both bounds are ints, else
      ``RealParameter``), ``{key_path: [choices]}`` (``CategoricalParameter``),
      or EMA parameters whose ``variable_name`` is a key path. Key paths are
      those of sweep files (src/scenario/overrides.rs); EMA names are
      :func:`identifier` of them.
    - ``outcomes``: sweep output ids (``go_live_delay_weeks:<ea>``,
      ``programme_slip_weeks``, ``replans``, ``spend_gbp:total``, …; see
      :func:`pioneer.default_outputs`) or EMA outcomes whose
      ``variable_name`` is an output id. Default: every early adopter's
      go-live delay (weeks) and the programme slip (weeks), to minimise.
    - ``replications``: replications per experiment; ``statistic``:
      ``"mean"``, ``"median"``, ``"p10"``, ``"p90"`` or a function of the
      per-replication values; ``seed``: the same for every experiment.
    - ``threads``: worker threads per experiment (None: every core; use 1
      with the MultiprocessingEvaluator).
    """
    from ema_workbench import Model, ScalarOutcome

    base = _scenario(scenario)
    if outcomes is None:
        outcomes = [f"go_live_delay_weeks:{e}" for e in base.early_adopters]
        outcomes.append("programme_slip_weeks")
    ema_outcomes = []
    for o in outcomes:
        if isinstance(o, str):
            ema_outcomes.append(ScalarOutcome(identifier(o), kind=ScalarOutcome.MINIMIZE, variable_name=o))
        else:
            ema_outcomes.append(o)
    ids = [v for o in ema_outcomes for v in o.variable_name]
    # Unknown ids fail here, not in the first experiment.
    known = set(default_outputs(base))
    unknown = [i for i in ids if i not in known]
    if unknown:
        outputs(base, unknown, 1, seed, threads)
    if isinstance(statistic, str) and statistic not in _STATISTICS:
        raise ValueError(f"statistic must be one of {sorted(_STATISTICS)} or a function, found {statistic!r}")
    m = Model(name, function=PioneerFunction(base, ids, replications, seed, threads, statistic))
    m.uncertainties = _parameters(uncertainties, "uncertainty")
    m.levers = _parameters(levers, "lever")
    m.outcomes = ema_outcomes
    # Every key path must exist and take a number: one check before any experiment.
    probe = {}
    for p in list(m.uncertainties) + list(m.levers):
        for v in p.variable_name:
            probe[v] = _probe_value(p)
    if probe:
        base.with_overrides(probe)
    return m


def _probe_value(p: Any) -> Any:
    """A value inside parameter ``p``'s range (to check its key path)."""
    cats = getattr(p, "categories", None)
    if cats is not None:
        return list(cats)[0].value
    low, high = p.lower_bound, p.upper_bound
    if isinstance(low, (int, np.integer)) and isinstance(high, (int, np.integer)):
        return int(low)
    return float(low) + (float(high) - float(low)) / 2
