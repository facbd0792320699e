"""pioneer: an agent-based simulator of how integrated health-and-care
programmes are implemented, from Python.

Load or modify a scenario, run an ensemble, and work with the results as
pandas DataFrames::

    import pioneer
    s = pioneer.Scenario.default().with_overrides({"effort.support_leverage": 0.3})
    res = pioneer.run(s, replications=200, seed=1)
    res.milestones.groupby("early_adopter", observed=True)["achieved_date"].median()
    res.write("results/leverage-0.3")      # the directory `pioneer run` writes

The same scenario, seed and number of replications give the same numbers as
the command line (``pioneer run``), at any number of threads.

``pioneer.compare`` compares scenarios under common random numbers,
``pioneer.sweep`` runs a sweep file into a resumable directory, and
``pioneer.ema.model`` wraps pioneer as an EMA Workbench model.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _native
from ._native import OutputError, ScenarioError

__all__ = [
    "Scenario",
    "ScenarioError",
    "OutputError",
    "Results",
    "Comparison",
    "SweepResult",
    "run",
    "compare",
    "sweep",
    "promise",
    "PromiseScan",
    "outputs",
    "default_outputs",
    "version",
]

__version__ = "0.1.0"

PathLike = Union[str, "os.PathLike[str]"]
Progress = Union[bool, Callable[[int, int], None], None]

# The native exceptions, documented here (they are raised by Rust).
ScenarioError.__doc__ = """A scenario, sweep file, override or output id is not valid.

Attributes (of the first problem; ``problems`` lists every one as dicts with
the same keys):

- ``file``: the file the problem is in (None for an override or output id),
- ``line``, ``column``: 1-based position (None when there is none),
- ``key_path``: the dotted key path, e.g. ``early_adopters[2].scope``,
- ``expected``: what was expected there, ``found``: what was found,
- ``hint``: what to do about it (None when there is no hint).
"""
OutputError.__doc__ = """An output directory was refused (it exists, or holds something else)."""


def version() -> str:
    """The version line of the engine: ``0.1.0 (git abc1234)``."""
    return _native.version()


def _toml_value(v: Any) -> str:
    """A Python value as a TOML value (the form ``pioneer run --set`` takes)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        # JSON's escapes are TOML basic-string escapes.
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, _dt.datetime):
        raise TypeError(f"a scenario takes dates, not date-times: {v!r} (use .date())")
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(
        f"cannot set a scenario value to {v!r} ({type(v).__name__}): expected a number, "
        "bool, str, datetime.date or a list of them"
    )


class Scenario:
    """A validated, immutable scenario.

    Make one with :meth:`Scenario.default`, :meth:`Scenario.load` or
    :meth:`Scenario.from_toml`; derive others with :meth:`with_overrides`.
    Invalid input raises :class:`ScenarioError` with the file, line, column,
    key path and a hint.
    """

    __slots__ = ("_inner",)

    def __init__(self, inner: "_native.Scenario") -> None:
        if not isinstance(inner, _native.Scenario):
            raise TypeError("use Scenario.default(), Scenario.load(path) or Scenario.from_toml(text)")
        self._inner = inner

    @classmethod
    def default(cls) -> "Scenario":
        """The embedded North West London scenario (WSIC, 2013-2015)."""
        return cls(_native.Scenario.default())

    @classmethod
    def load(cls, path: PathLike) -> "Scenario":
        """Loads and validates a scenario file, with its ``extends`` chain.

        Raises FileNotFoundError for a missing file and ScenarioError
        (every problem found) for an invalid one.
        """
        return cls(_native.Scenario.load(os.fspath(path)))

    @classmethod
    def from_toml(cls, text: str, name: str = "<string>") -> "Scenario":
        """Parses and validates scenario TOML; ``name`` is used in messages
        (and, if the text ``extends`` a base, as the path it is relative to)."""
        return cls(_native.Scenario.from_toml(text, name))

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Scenario":
        """This scenario with values set by key path, in order, as
        ``pioneer run --set`` and sweep files name them::

            s.with_overrides({"consultancy.day_rate_gbp": 1100,
                              "journey[11].work_hours": 120,
                              "early_adopters[0].scope": "scaled_back"})

        Values are numbers, bools, strings, ``datetime.date`` or lists. The
        result is validated as a file with those values would be; a bad key,
        value type or resulting scenario raises :class:`ScenarioError`.
        """
        pairs = [(str(k), _toml_value(v)) for k, v in overrides.items()]
        return Scenario(self._inner.with_overrides(pairs))

    @property
    def name(self) -> str:
        """``meta.name``."""
        return self._inner.name

    @property
    def source(self) -> str:
        """Where the scenario was read from (``<embedded>/…`` for the default)."""
        return self._inner.source

    @property
    def sha256(self) -> str:
        """SHA-256 of the scenario text(s), as recorded in ``manifest.json``."""
        return self._inner.sha256

    @property
    def overrides(self) -> List[str]:
        """The overrides applied, as ``key.path=value`` in order."""
        return list(self._inner.overrides)

    @property
    def early_adopters(self) -> List[str]:
        """Early adopter ids, in scenario order."""
        return list(self._inner.early_adopters)

    def to_toml(self) -> str:
        """The scenario as one self-contained TOML document (its ``extends``
        chain merged, generators expanded, overrides applied)."""
        return self._inner.to_toml()

    def __reduce__(self):  # picklable for multiprocessing (EMA's evaluators)
        return (_from_expanded, (self.to_toml(), self.source))

    def __repr__(self) -> str:
        return self._inner.__repr__()


def _from_expanded(text: str, source: str) -> Scenario:
    return Scenario.from_toml(text, source)


def _scenario(s: Union[Scenario, PathLike, None]) -> Scenario:
    if s is None:
        return Scenario.default()
    if isinstance(s, Scenario):
        return s
    if isinstance(s, (str, os.PathLike)):
        return Scenario.load(s)
    raise TypeError(f"expected a Scenario or a path, found {type(s).__name__}")


def _progress(progress: Progress, what: str) -> Optional[Callable[[int, int], None]]:
    if progress is None or progress is False:
        return None
    if callable(progress):
        return progress

    def show(done: int, total: int) -> None:
        # A total of 0: not known in advance (a promise scan).
        sys.stderr.write(f"\r{done}/{total} {what}" if total else f"\r{done} {what}")
        if total and done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _check_count(name: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, found {n!r}")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, found {n}")
    return int(n)


def _threads(threads: Optional[int]) -> Optional[int]:
    return None if threads is None else _check_count("threads", threads)


_MISSING = np.iinfo(np.int32).min


def _frame(columns: Mapping[str, tuple]) -> pd.DataFrame:
    """A DataFrame from the native columns (see python/src/tables.rs)."""
    data: Dict[str, Any] = {}
    for name, entry in columns.items():
        kind, raw = entry[0], entry[1]
        if kind == "int32":
            a = np.frombuffer(raw, dtype="<i4")
            missing = a == _MISSING
            if missing.any():
                # Nullable Int32: <NA> where the CSV has an empty field.
                data[name] = pd.arrays.IntegerArray(np.where(missing, 0, a).astype(np.int32), missing)
            else:
                data[name] = a.copy()
        elif kind == "float64":
            data[name] = np.frombuffer(raw, dtype="<f8").copy()
        elif kind == "bool":
            data[name] = np.frombuffer(raw, dtype=np.uint8).astype(bool)
        elif kind == "date":
            a = np.frombuffer(raw, dtype="<i4").astype(np.int64)
            d = a.astype("datetime64[D]")
            d[a == _MISSING] = np.datetime64("NaT")
            data[name] = d.astype("datetime64[ns]")
        elif kind == "category":
            codes = np.frombuffer(raw, dtype="<i4")
            data[name] = pd.Categorical.from_codes(codes, categories=list(entry[2]))
        else:  # pragma: no cover - the native side only sends the kinds above
            raise RuntimeError(f"unknown column kind {kind}")
    return pd.DataFrame(data)


class Results:
    """The replications of one ensemble (from :func:`run`).

    The record tables are pandas DataFrames with the rows and columns of the
    CSV files ``pioneer run`` writes (dates as ``datetime64``, ids as
    categoricals, amounts at full precision), built on first access:

    - :attr:`milestones`: every milestone of every early adopter and of the
      programme, per replication: first planned, planned and achieved dates
      and status;
    - :attr:`timeseries`: the recorded series by period (per replication
      for the first ``record.detail_replications`` replications, or, with
      ``record.timeseries = "quantiles"`` (the default scenario's), the mean
      and quantiles across replications, replication ``<NA>``);
    - :attr:`spend`: spend per month and category (detailed replications);
    - :attr:`replans`: every change of a programme milestone's planned date;
    - :attr:`meetings`: attendance per meeting and sector;
    - :attr:`workarounds`, :attr:`scope_decisions`.

    :attr:`summary` is ``summary.json`` as a dict; :meth:`write` writes the
    whole output directory, byte for byte the files of ``pioneer run``
    (``manifest.json`` differs only in ``command_line``).

    All replications are held in memory (about 50 KiB each for the default
    scenario); for very large ensembles of a few outputs use :func:`outputs`.
    """

    def __init__(self, native: "_native.Runs") -> None:
        self._native = native
        self._cache: Dict[str, Any] = {}

    def _table(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = _frame(self._native.table(name))
        return self._cache[name]

    @property
    def milestones(self) -> pd.DataFrame:
        """``milestones.csv`` as a DataFrame."""
        return self._table("milestones")

    @property
    def timeseries(self) -> pd.DataFrame:
        """``timeseries.csv`` as a DataFrame."""
        return self._table("timeseries")

    @property
    def spend(self) -> pd.DataFrame:
        """``spend.csv`` as a DataFrame (``amount_gbp`` unrounded)."""
        return self._table("spend")

    @property
    def replans(self) -> pd.DataFrame:
        """``replans.csv`` as a DataFrame: one row per milestone plan change."""
        return self._table("replans")

    @property
    def meetings(self) -> pd.DataFrame:
        """``meetings.csv`` as a DataFrame."""
        return self._table("meetings")

    @property
    def workarounds(self) -> pd.DataFrame:
        """``workarounds.csv`` as a DataFrame."""
        return self._table("workarounds")

    @property
    def scope_decisions(self) -> pd.DataFrame:
        """``scope_decisions.csv`` as a DataFrame."""
        return self._table("scope_decisions")

    @property
    def summary(self) -> Dict[str, Any]:
        """``summary.json`` as a dict (a fresh copy on every access)."""
        if "summary" not in self._cache:
            self._cache["summary"] = self._native.summary_json()
        return json.loads(self._cache["summary"])

    @property
    def seed(self) -> int:
        """The master seed."""
        return self._native.seed

    @property
    def replications(self) -> int:
        """The number of replications."""
        return self._native.replications

    @property
    def scenario(self) -> Scenario:
        """The scenario run."""
        return Scenario(self._native.scenario)

    def write(self, dir: PathLike, force: bool = False) -> Path:
        """Writes the output directory of ``pioneer run`` (CSV, JSON, charts,
        ``report.html``, ``inputs/``, ``manifest.json``) atomically to
        ``dir`` and returns its path. An existing ``dir`` is refused
        (:class:`OutputError`) unless ``force`` is true and pioneer wrote it."""
        return Path(self._native.write(os.fspath(dir), bool(force)))

    def __repr__(self) -> str:
        return (
            f"<pioneer.Results {self.scenario.name!r}: {self.replications} replications, "
            f"seed {self.seed}>"
        )


def run(
    scenario: Union[Scenario, PathLike, None] = None,
    replications: int = 200,
    seed: int = 1,
    threads: Optional[int] = None,
    progress: Progress = False,
) -> Results:
    """Runs ``replications`` replications of ``scenario`` (a
    :class:`Scenario` or a path; None for the default) with master ``seed``,
    as ``pioneer run -n REPLICATIONS -s SEED`` does.

    ``threads``: worker threads (None: one per core); results do not depend
    on it. ``progress``: True for a counter on stderr, or a callable
    ``f(done, total)`` called from the calling thread a few times a second.
    The GIL is released while the simulation runs; Ctrl-C is honoured when
    the ensemble finishes.
    """
    s = _scenario(scenario)
    n = _check_count("replications", replications)
    native = _native.run(
        s._inner, n, int(seed), _threads(threads), _progress(progress, "replications")
    )
    return Results(native)


def default_outputs(scenario: Union[Scenario, PathLike, None] = None) -> List[str]:
    """The output ids a sweep records by default for ``scenario``: every
    early adopter's ``go_live_delay_weeks:<ea>``,
    ``delay_weeks:programme:codesign_complete``,
    ``delay_weeks:programme:first_pilot_live``, ``programme_slip_weeks``,
    ``mean_go_live_delay_weeks``, ``live_at_horizon``, ``replans``,
    ``plan_changes``, ``spend_gbp:total`` and ``spend_gbp:consultancy``
    (see docs/sensitivity.md for every id and unit)."""
    return list(_native.default_outputs(_scenario(scenario)._inner))


def outputs(
    scenario: Union[Scenario, PathLike, None] = None,
    ids: Optional[Sequence[str]] = None,
    replications: int = 200,
    seed: int = 1,
    threads: Optional[int] = None,
) -> pd.DataFrame:
    """Scalar outputs of every replication, as a sweep records them, without
    keeping the replications (memory does not grow with their detail).

    ``ids`` are sweep output ids (default: :func:`default_outputs`), e.g.
    ``go_live_delay_weeks:<ea>`` (weeks), ``programme_slip_weeks`` (weeks),
    ``replans`` (count), ``spend_gbp:total`` (GBP). Returns one row per
    replication (index ``replication``) and one float column per id.
    """
    s = _scenario(scenario)
    ids = list(ids) if ids is not None else default_outputs(s)
    n = _check_count("replications", replications)
    cols = _native.output_values(s._inner, ids, n, int(seed), _threads(threads))
    frame = pd.DataFrame({i: np.frombuffer(b, dtype="<f8").copy() for i, b in zip(ids, cols)})
    frame.index = pd.RangeIndex(n, name="replication")
    return frame


class Comparison:
    """Scenarios compared under common random numbers (from :func:`compare`).

    :attr:`table` has one row per compared output and scenario: the 10%,
    50% and 90% quantiles across replications and of the paired difference
    from the baseline (NaN for the baseline); for date outputs
    (``is_date``) the values are weeks since :attr:`start_date` and
    ``p10_date``, ``median_date``, ``p90_date`` give them as dates.
    """

    def __init__(self, native: "_native.Comparison") -> None:
        self._native = native
        self._table: Optional[pd.DataFrame] = None

    @property
    def names(self) -> List[str]:
        """Scenario names (made unique), baseline first."""
        return list(self._native.names)

    @property
    def start_date(self) -> pd.Timestamp:
        """The baseline's calendar start: date outputs count weeks from it."""
        return pd.Timestamp(self._native.start_date)

    @property
    def table(self) -> pd.DataFrame:
        """The compared outputs (a copy)."""
        if self._table is None:
            t = _frame(self._native.table())
            for q in ("p10", "median", "p90"):
                days = np.where(t["is_date"], np.round(t[q] * 7.0), np.nan)
                t[q + "_date"] = self.start_date + pd.to_timedelta(days, unit="D")
            self._table = t
        return self._table.copy()

    def to_csv(self) -> str:
        """``compare.csv`` as ``pioneer compare`` writes it."""
        return self._native.csv()

    def write(self, dir: PathLike, force: bool = False) -> Path:
        """Writes the output directory of ``pioneer compare`` (compare.csv,
        forest plot and go-live charts, report.html, manifest.json)."""
        return Path(self._native.write(os.fspath(dir), bool(force)))

    def __repr__(self) -> str:
        return f"<pioneer.Comparison {self.names}>"


def compare(
    scenarios: Sequence[Union[Scenario, PathLike]],
    replications: int = 200,
    seed: int = 1,
    threads: Optional[int] = None,
    paired_differences: bool = False,
) -> Comparison:
    """Runs every scenario (the first is the baseline) with the same seed
    and replications, as ``pioneer compare``: replication r of each
    scenario uses the same random streams, so paired differences measure
    the effect of the change rather than sampling noise."""
    ss = [_scenario(s)._inner for s in scenarios]
    if len(ss) < 1:
        raise ValueError("compare needs at least one scenario (the baseline first)")
    n = _check_count("replications", replications)
    return Comparison(
        _native.compare(ss, n, int(seed), _threads(threads), bool(paired_differences))
    )


@dataclass(frozen=True)
class SweepResult:
    """What :func:`sweep` did, and the sweep directory's tables."""

    dir: Path
    """The sweep directory (resumable; see docs/sensitivity.md)."""
    name: str
    points: int
    replications: int
    total_runs: int
    first_run: int
    end_run: int
    resumed_from: int
    """Runs already done when this call started (resumed)."""

    @property
    def runs(self) -> pd.DataFrame:
        """``runs.csv``: one row per run (point, replication, parameters, outputs)."""
        return pd.read_csv(self.dir / "runs.csv")

    @property
    def design(self) -> pd.DataFrame:
        """``design.csv``: the design points."""
        return pd.read_csv(self.dir / "design.csv")


def sweep(
    path: PathLike,
    out: PathLike,
    threads: Optional[int] = None,
    force: bool = False,
    shard: Optional[str] = None,
    progress: Progress = False,
) -> SweepResult:
    """Runs the sweep file ``path`` into the directory ``out``, as
    ``pioneer sweep PATH --out OUT``: runs stream to ``runs.csv`` as they
    finish; calling again with the same file and ``out`` resumes where it
    stopped (an interrupted call loses at most the runs in flight).
    ``shard="2/8"`` runs one shard of eight (combine with ``pioneer merge``).
    """
    d = _native.sweep(
        os.fspath(path),
        os.fspath(out),
        _threads(threads),
        bool(force),
        shard,
        _progress(progress, "runs"),
    )
    return SweepResult(
        dir=Path(d["dir"]),
        name=d["name"],
        points=d["points"],
        replications=d["replications"],
        total_runs=d["total_runs"],
        first_run=d["first_run"],
        end_run=d["end_run"],
        resumed_from=d["resumed_from"],
    )


class PromiseScan:
    """A scan of promised dates (from :func:`promise`), as ``pioneer promise``.

    - :attr:`curve`: one row per evaluated promise and milestone: the
      promised date, whether it is a grid point (``on_grid``; the others come
      from the week-by-week refinement of the honest search), the share of
      replications delivering by it (``p_delivered``), the delivered date's
      10%, 50% and 90% quantiles (``NaT`` when not reached by the horizon),
      replications not delivered by the horizon, mean re-plans of the pilot
      start, mean spend (GBP) and engagement lost per agent kind
      (``engagement_lost:<kind>``, first recording period minus last).
    - :attr:`honest`: the honest timetable: per milestone and confidence,
      the earliest promise delivered by with at least that probability when
      the promise itself is what the programme works to (a fixed point), and
      its uplift over the original promise.
    - :meth:`to_csv` is ``promise.csv``; :meth:`write` writes the directory
      ``pioneer promise`` writes. See docs/promise.md for the method.
    """

    def __init__(self, native: "_native.PromiseScan") -> None:
        self._native = native

    @property
    def originals(self) -> pd.DataFrame:
        """Each scanned milestone's original promise and planned duration (weeks)."""
        rows = self._native.originals()
        return pd.DataFrame(
            {
                "milestone": pd.Categorical([r[0] for r in rows]),
                "original_promise": pd.to_datetime([r[1] for r in rows]),
                "planned_weeks": np.array([r[2] for r in rows], dtype=float),
            }
        )

    @property
    def curve(self) -> pd.DataFrame:
        """The promise curve: one row per (milestone, promise)."""
        rows = self._native.points()
        kinds = [k for k, _ in rows[0][8]] if rows else []
        frame: Dict[str, Any] = {
            "milestone": pd.Categorical([r[0] for r in rows]),
            "promise": pd.to_datetime([r[1] for r in rows]),
            "on_grid": np.array([r[2] for r in rows], dtype=bool),
            "p_delivered": np.array([r[3] for r in rows], dtype=float),
        }
        for i, q in enumerate(("p10", "p50", "p90")):
            frame[f"delivered_{q}"] = pd.to_datetime([r[4][i] for r in rows])
        frame["not_delivered_by_horizon"] = np.array([r[5] for r in rows], dtype=np.int64)
        frame["replans_mean"] = np.array([r[6] for r in rows], dtype=float)
        frame["spend_gbp_mean"] = np.array([r[7] for r in rows], dtype=float)
        for j, kind in enumerate(kinds):
            frame[f"engagement_lost:{kind}"] = np.array([r[8][j][1] for r in rows], dtype=float)
        return pd.DataFrame(frame)

    @property
    def honest(self) -> pd.DataFrame:
        """The honest timetable: one row per (milestone, confidence)."""
        rows = self._native.honest()
        none = lambda v: np.nan if v is None else v  # noqa: E731
        return pd.DataFrame(
            {
                "milestone": pd.Categorical([r[0] for r in rows]),
                "confidence": np.array([r[1] for r in rows], dtype=float),
                "promise": pd.to_datetime([r[2] for r in rows]),
                "p_delivered": np.array([none(r[3]) for r in rows], dtype=float),
                "uplift_weeks": np.array([none(r[4]) for r in rows], dtype=float),
                "uplift_percent": np.array([none(r[5]) for r in rows], dtype=float) * 100.0,
                "at_grid_start": np.array([r[6] for r in rows], dtype=bool),
                "later_dips": [list(pd.to_datetime(r[7])) for r in rows],
            }
        )

    def to_csv(self) -> str:
        """``promise.csv`` as ``pioneer promise`` writes it (tidy: promise,
        milestone, statistic, value, unit)."""
        return self._native.csv()

    def write(self, dir: PathLike, force: bool = False) -> Path:
        """Writes the output directory of ``pioneer promise`` (promise.csv,
        the promise curve chart, report.html, inputs/, manifest.json);
        ``force`` replaces an earlier pioneer output directory."""
        return Path(self._native.write(os.fspath(dir), bool(force)))


def _iso(d: Any) -> Optional[str]:
    if d is None:
        return None
    return pd.Timestamp(d).date().isoformat()


def promise(
    scenario: Union[Scenario, PathLike, None] = None,
    milestones: Optional[Sequence[str]] = None,
    start: Any = None,
    end: Any = None,
    step: str = "1month",
    confidence: Sequence[float] = (0.5, 0.8, 0.9),
    replications: int = 200,
    seed: int = 1,
    followers: str = "shift",
    threads: Optional[int] = None,
    progress: Progress = False,
) -> PromiseScan:
    """Scans promised dates as ``pioneer promise``: for each timetable
    milestone in ``milestones`` (default: the pilot start and wider
    roll-out) and each promised date from ``start`` (default: the original
    promise) to ``end`` (default: the horizon) every ``step`` (``"1month"``,
    ``"2weeks"``, ...), the scenario is re-run with that promise under common
    random numbers (the same ``seed`` for every promise). ``followers="keep"``
    leaves the milestones that follow the pilot start where they are
    (default ``"shift"``: they move by the same number of days).
    """
    s = _scenario(scenario)
    n = _check_count("replications", replications)
    return PromiseScan(
        _native.promise(
            s._inner,
            list(milestones or []),
            _iso(start),
            _iso(end),
            str(step),
            [float(c) for c in confidence],
            n,
            int(seed),
            str(followers),
            _threads(threads),
            _progress(progress, "replications"),
        )
    )


def __getattr__(name: str) -> Any:
    # pioneer.ema is imported on first use, so the EMA Workbench stays optional.
    if name == "ema":
        from . import ema

        return ema
    raise AttributeError(f"module 'pioneer' has no attribute {name!r}")
