//! `pioneer._native`: the Rust side of the Python package `pioneer`.
//!
//! Thin bindings over the library's curated API and the functions the
//! command line uses (`Scenario`, `overrides::apply`, `Ensemble`,
//! `Runs::write`, `compare::compare_in_with` and `output_files`,
//! `sweep::runner::run`); nothing here simulates, summarises or formats on
//! its own. The one thing added is the columnar form of the record files
//! (`tables`): the rows of `milestones.csv`, `timeseries.csv`, … as typed
//! columns that Python turns into pandas DataFrames without a CSV pass.
//!
//! The GIL is released while Rust runs (`Python::detach`); long calls run
//! on a worker thread while the calling thread wakes a few times a second
//! to report progress to a Python callback and to notice Ctrl-C.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyFileNotFoundError, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use pioneer::output::target::{OutputDir, Policy, TargetError};
use pioneer::scenario::overrides::{apply, Override, OverrideError, PathProblem};
use pioneer::scenario::LoadError;
use pioneer::{Ensemble, Runs, Scenario};

mod tables;

create_exception!(
    pioneer,
    ScenarioError,
    PyValueError,
    "A scenario (or sweep file, or override) is not valid."
);
create_exception!(
    pioneer,
    OutputError,
    PyException,
    "An output directory was refused or could not be written."
);

/// Sets the attributes of a `ScenarioError`: the first problem's `file`,
/// `line`, `column`, `key_path`, `expected`, `found` and `hint`, and every
/// problem as a list of dicts in `problems`.
fn scenario_error(py: Python<'_>, message: String, problems: Vec<Problem>) -> PyErr {
    let err = ScenarioError::new_err(message);
    let value = err.value(py);
    let set = || -> PyResult<()> {
        let list = PyList::empty(py);
        for p in &problems {
            let d = PyDict::new(py);
            d.set_item("file", &p.file)?;
            d.set_item("line", p.line)?;
            d.set_item("column", p.column)?;
            d.set_item("key_path", &p.key_path)?;
            d.set_item("expected", &p.expected)?;
            d.set_item("found", &p.found)?;
            d.set_item("hint", &p.hint)?;
            list.append(d)?;
        }
        let first = problems.first();
        value.setattr("file", first.and_then(|p| p.file.clone()))?;
        value.setattr("line", first.and_then(|p| p.line))?;
        value.setattr("column", first.and_then(|p| p.column))?;
        value.setattr("key_path", first.map(|p| p.key_path.clone()))?;
        value.setattr("expected", first.map(|p| p.expected.clone()))?;
        value.setattr("found", first.and_then(|p| p.found.clone()))?;
        value.setattr("hint", first.and_then(|p| p.hint.clone()))?;
        value.setattr("problems", list)?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// One problem, as Python sees it (positions are None when there are none).
struct Problem {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    key_path: String,
    expected: String,
    found: Option<String>,
    hint: Option<String>,
}

/// A `LoadError` as a Python exception: a missing file is
/// `FileNotFoundError`, another unreadable file `OSError`, an invalid one a
/// `ScenarioError` listing every problem.
fn load_error(py: Python<'_>, e: LoadError) -> PyErr {
    match e {
        LoadError::Io {
            ref path,
            ref source,
        } => {
            let msg = e.to_string();
            let path = path.display().to_string();
            if source.kind() == std::io::ErrorKind::NotFound {
                PyFileNotFoundError::new_err((2, msg, path))
            } else {
                PyOSError::new_err((source.raw_os_error().unwrap_or(0), msg, path))
            }
        }
        LoadError::Invalid(ref list) => {
            let problems = list
                .iter()
                .map(|p| Problem {
                    file: Some(p.file.clone()),
                    // Line 0: the input has no position (documented on ScenarioError).
                    line: (p.line > 0).then_some(p.line),
                    column: (p.line > 0).then_some(p.column),
                    key_path: p.key_path.clone(),
                    expected: p.expected.clone(),
                    found: p.found.clone(),
                    hint: p.hint.clone(),
                })
                .collect();
            scenario_error(py, e.to_string(), problems)
        }
    }
}

/// A problem with no position in a file (an override, an output id) as a
/// `ScenarioError`: `message`, then the hint.
fn unplaced_error(
    py: Python<'_>,
    message: String,
    key: &str,
    expected: String,
    found: String,
    hint: Option<String>,
) -> PyErr {
    let mut m = message;
    if let Some(h) = &hint {
        m.push_str(&format!("\n  hint: {h}"));
    }
    scenario_error(
        py,
        m,
        vec![Problem {
            file: None,
            line: None,
            column: None,
            key_path: key.to_string(),
            expected,
            found: Some(found),
            hint,
        }],
    )
}

/// A bad override: the key path, what was expected, a hint (as `--set`).
fn override_error(py: Python<'_>, key: &str, arg: &str, p: PathProblem) -> PyErr {
    let message = format!("override {arg}: expected {}, found {}", p.expected, p.found);
    unplaced_error(py, message, key, p.expected, p.found, p.hint)
}

/// A CSV file the library wrote into memory, as text.
fn csv_text<E: std::fmt::Display>(bytes: Result<Vec<u8>, E>) -> PyResult<String> {
    let bytes = bytes.map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// An output directory that cannot be used, with the CLI's hint.
fn target_error(e: TargetError) -> PyErr {
    match &e {
        TargetError::Io { .. } => PyOSError::new_err(e.to_string()),
        TargetError::Exists(_) => OutputError::new_err(format!(
            "{e}\n  hint: choose another directory, or pass force=True to replace it"
        )),
        _ => OutputError::new_err(format!("{e}\n  hint: choose another directory")),
    }
}

/// A rayon pool with `threads` workers (None: one per core), as the CLI's.
fn pool(threads: Option<u32>) -> PyResult<rayon::ThreadPool> {
    if threads == Some(0) {
        return Err(PyValueError::new_err(
            "threads must be at least 1 (None for one per core)",
        ));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.map_or(0, |t| t as usize))
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start worker threads: {e}")))
}

/// Runs `work` on a thread of its own with the GIL released; every 0.1 s
/// the calling thread calls `progress(done, total)` (if given; a total of 0
/// means not known in advance) and checks
/// for Ctrl-C. An interrupt is raised once the work has finished (the
/// engine has no cancellation point), so that nothing is left running.
fn detached<T: Send>(
    py: Python<'_>,
    total: u64,
    progress: Option<&Bound<'_, PyAny>>,
    work: impl FnOnce(&AtomicU64) -> T + Send,
) -> PyResult<T> {
    let done = AtomicU64::new(0);
    let mut interrupted = None;
    let result = std::thread::scope(|s| -> PyResult<T> {
        let handle = s.spawn(|| work(&done));
        let mut last = u64::MAX;
        loop {
            let finished = py.detach(|| {
                let until = std::time::Instant::now() + Duration::from_millis(100);
                while std::time::Instant::now() < until && !handle.is_finished() {
                    std::thread::sleep(Duration::from_millis(5));
                }
                handle.is_finished()
            });
            let now = done.load(Ordering::Relaxed);
            if let Some(cb) = progress {
                if now != last || finished {
                    // A total of 0: not known in advance (a promise scan).
                    let shown = if total == 0 { now } else { now.min(total) };
                    cb.call1((shown, total))?;
                    last = now;
                }
            }
            if interrupted.is_none() {
                if let Err(e) = py.check_signals() {
                    interrupted = Some(e);
                }
            }
            if finished {
                break;
            }
        }
        handle
            .join()
            .map_err(|_| PyRuntimeError::new_err("pioneer panicked (a bug: please report it)"))
    })?;
    match interrupted {
        Some(e) => Err(e),
        None => Ok(result),
    }
}

/// A validated scenario (see `pioneer.Scenario`).
#[pyclass(name = "Scenario", module = "pioneer._native", frozen)]
#[derive(Clone)]
struct PyScenario {
    inner: Scenario,
}

#[pymethods]
impl PyScenario {
    /// The embedded North West London scenario.
    #[staticmethod]
    fn default() -> Self {
        PyScenario {
            inner: Scenario::default_nwl(),
        }
    }

    /// Loads and validates a scenario file (with its `extends` chain).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = py
            .detach(|| Scenario::from_file(&path))
            .map_err(|e| load_error(py, e))?;
        Ok(PyScenario { inner })
    }

    /// Parses and validates TOML text; `name` is used in messages.
    #[staticmethod]
    #[pyo3(signature = (text, name = "<string>"))]
    fn from_toml(py: Python<'_>, text: &str, name: &str) -> PyResult<Self> {
        let inner = Scenario::from_toml(text, name).map_err(|e| load_error(py, e))?;
        Ok(PyScenario { inner })
    }

    /// The scenario with `key.path=value` overrides applied in order (values as TOML text).
    fn with_overrides(&self, py: Python<'_>, assignments: Vec<(String, String)>) -> PyResult<Self> {
        let mut list = Vec::with_capacity(assignments.len());
        for (key, value) in &assignments {
            let arg = format!("{key}={value}");
            list.push(Override::parse(&arg).map_err(|p| override_error(py, key, &arg, p))?);
        }
        let inner = apply(&self.inner, &list).map_err(|e| match e {
            OverrideError::Path { index, problem } => {
                let (key, value) = &assignments[index];
                override_error(py, key, &format!("{key}={value}"), problem)
            }
            OverrideError::Invalid(e) => load_error(py, e),
        })?;
        Ok(PyScenario { inner })
    }

    /// `meta.name`.
    #[getter]
    fn name(&self) -> String {
        self.inner.raw().meta.name.clone()
    }

    /// Where the scenario was read from.
    #[getter]
    fn source(&self) -> String {
        self.inner.source_name().to_string()
    }

    /// SHA-256 of the scenario text(s).
    #[getter]
    fn sha256(&self) -> String {
        self.inner.content_hash().to_string()
    }

    /// The overrides applied, as `key.path=value`.
    #[getter]
    fn overrides(&self) -> Vec<String> {
        self.inner
            .overrides()
            .iter()
            .map(|o| o.to_string())
            .collect()
    }

    /// Early adopter ids, in scenario order.
    #[getter]
    fn early_adopters(&self) -> Vec<String> {
        self.inner
            .raw()
            .early_adopters
            .iter()
            .map(|e| e.id.clone())
            .collect()
    }

    /// The scenario as one self-contained TOML document (`pioneer check --expanded`).
    fn to_toml(&self) -> String {
        self.inner.expanded_toml()
    }

    fn __repr__(&self) -> String {
        let o = self.inner.overrides().len();
        format!(
            "Scenario({:?} from {:?}{})",
            self.inner.raw().meta.name,
            self.inner.source_name(),
            if o > 0 {
                format!(", {o} overrides")
            } else {
                String::new()
            }
        )
    }
}

/// The replications of one ensemble (see `pioneer.Results`).
#[pyclass(name = "Runs", module = "pioneer._native", frozen)]
struct PyRuns {
    runs: Runs,
    threads: Option<u32>,
}

#[pymethods]
impl PyRuns {
    /// `summary.json` as JSON text.
    fn summary_json(&self, py: Python<'_>) -> PyResult<String> {
        let bytes = py
            .detach(|| pioneer::output::export::summary_json(&self.runs.summary()))
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// The columns of one record table (`milestones`, `timeseries`, …).
    fn table<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyDict>> {
        let cols = py
            .detach(|| tables::table(&self.runs, name))
            .ok_or_else(|| PyValueError::new_err(format!("no table named {name:?}")))?;
        tables::to_python(py, cols)
    }

    /// Writes the output directory of `pioneer run` (`Runs::write`).
    #[pyo3(signature = (dir, force = false))]
    fn write(&self, py: Python<'_>, dir: PathBuf, force: bool) -> PyResult<PathBuf> {
        let p = pool(self.threads)?;
        py.detach(|| p.install(|| self.runs.write(&dir, force)))
            .map_err(|e| match e {
                pioneer::WriteError::Target(t) => target_error(t),
                pioneer::WriteError::Export(x) => PyRuntimeError::new_err(x.to_string()),
            })
    }

    #[getter]
    fn seed(&self) -> u64 {
        self.runs.spec.seed
    }

    #[getter]
    fn replications(&self) -> u32 {
        self.runs.spec.replications
    }

    /// The scenario run.
    #[getter]
    fn scenario(&self) -> PyScenario {
        PyScenario {
            inner: self.runs.plan.scenario.clone(),
        }
    }
}

/// Runs an ensemble and keeps its replications.
#[pyfunction]
#[pyo3(signature = (scenario, replications, seed, threads = None, progress = None))]
fn run(
    py: Python<'_>,
    scenario: &PyScenario,
    replications: u32,
    seed: u64,
    threads: Option<u32>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<PyRuns> {
    if replications == 0 {
        return Err(PyValueError::new_err("replications must be at least 1"));
    }
    let p = pool(threads)?;
    let s = &scenario.inner;
    let runs = detached(py, replications as u64, progress.as_ref(), |done| {
        let tick = || {
            done.fetch_add(1, Ordering::Relaxed);
        };
        p.install(|| {
            Ensemble::new(s)
                .seed(seed)
                .replications(replications)
                .progress(&tick)
                .run()
        })
    })?;
    Ok(PyRuns { runs, threads })
}

/// A comparison of scenarios under common random numbers.
#[pyclass(name = "Comparison", module = "pioneer._native", frozen)]
struct PyComparison {
    comparison: pioneer::compare::Comparison,
    scenarios: Vec<Scenario>,
    seed: u64,
}

#[pymethods]
impl PyComparison {
    /// Scenario names (made unique), baseline first.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.comparison.names.clone()
    }

    /// The baseline's calendar start (ISO date): date rows hold weeks since it.
    #[getter]
    fn start_date(&self) -> String {
        pioneer::output::export::iso(self.comparison.plans[0].calendar.date(0))
    }

    /// The compared rows as columns.
    fn table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        tables::to_python(py, tables::comparison(&self.comparison))
    }

    /// `compare.csv` as `pioneer compare` writes it.
    fn csv(&self) -> PyResult<String> {
        csv_text(pioneer::compare::comparison_csv(&self.comparison))
    }

    /// Writes the output directory of `pioneer compare`.
    #[pyo3(signature = (dir, force = false))]
    fn write(&self, py: Python<'_>, dir: PathBuf, force: bool) -> PyResult<PathBuf> {
        let out = OutputDir::new(Some(&dir), Path::new("."), "", Policy::one_shot(force))
            .map_err(target_error)?;
        let sources: Vec<String> = self
            .scenarios
            .iter()
            .map(|s| s.source_name().to_string())
            .collect();
        let files = py
            .detach(|| {
                pioneer::compare::output_files(
                    &self.comparison,
                    &self.scenarios,
                    &sources,
                    self.seed,
                    self.comparison.replications,
                    Vec::new(),
                )
            })
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        py.detach(|| out.write(&files)).map_err(target_error)
    }
}

/// Compares scenarios (the first is the baseline) as `pioneer compare`.
#[pyfunction]
#[pyo3(signature = (scenarios, replications, seed, threads = None, paired_differences = false))]
fn compare(
    py: Python<'_>,
    scenarios: Vec<PyRef<'_, PyScenario>>,
    replications: u32,
    seed: u64,
    threads: Option<u32>,
    paired_differences: bool,
) -> PyResult<PyComparison> {
    let scenarios: Vec<Scenario> = scenarios.iter().map(|s| s.inner.clone()).collect();
    let p = pool(threads)?;
    let spill = std::env::temp_dir();
    // No progress: the comparison has no per-replication hook.
    let total = replications as u64 * scenarios.len() as u64;
    let c = detached(py, total, None, |_| {
        p.install(|| {
            pioneer::compare::compare_in_with(
                &scenarios,
                seed,
                replications,
                &spill,
                pioneer::compare::CompareOptions { paired_differences },
            )
        })
    })?
    .map_err(PyValueError::new_err)?;
    Ok(PyComparison {
        comparison: c,
        scenarios,
        seed,
    })
}

/// Runs (or resumes) a sweep file into `out` as `pioneer sweep`; returns a
/// dict describing what was done.
#[pyfunction]
#[pyo3(signature = (path, out, threads = None, force = false, shard = None, progress = None))]
fn sweep<'py>(
    py: Python<'py>,
    path: PathBuf,
    out: PathBuf,
    threads: Option<u32>,
    force: bool,
    shard: Option<String>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    use pioneer::sweep::design::Design;
    use pioneer::sweep::runner::{self, Shard, SweepError};
    use pioneer::sweep::Sweep;
    let sweep = py
        .detach(|| Sweep::from_file(&path))
        .map_err(|e| load_error(py, e))?;
    let shard = match shard {
        Some(s) => Shard::parse(&s).map_err(|e| PyValueError::new_err(format!("shard: {e}")))?,
        None => Shard::WHOLE,
    };
    let design = Design::build(&sweep)
        .map_err(|e| PyValueError::new_err(format!("{}: design: {e}", path.display())))?;
    let out = OutputDir::at(&out, Policy::resumable(force)).map_err(target_error)?;
    let p = pool(threads)?;
    let total = shard.runs(design.points() as u64 * sweep.file.sweep.replications as u64);
    let outcome = detached(py, total.end - total.start, progress.as_ref(), |done| {
        p.install(|| {
            runner::run(&sweep, &design, &out, shard, Vec::new(), |d, _| {
                done.store(d, Ordering::Relaxed)
            })
        })
    })?
    .map_err(|e| match e {
        SweepError::Target(t) => target_error(t),
        SweepError::InvalidPoint { .. } => PyValueError::new_err(format!(
            "{e}\n  hint: narrow the parameter ranges in the sweep file"
        )),
        SweepError::Damaged { .. } => OutputError::new_err(format!(
            "{e}\n  hint: the directory was not written by this sweep; choose another directory"
        )),
        other => PyRuntimeError::new_err(other.to_string()),
    })?;
    let d = PyDict::new(py);
    d.set_item("dir", outcome.dir)?;
    d.set_item("first_run", outcome.runs.start)?;
    d.set_item("end_run", outcome.runs.end)?;
    d.set_item("resumed_from", outcome.resumed_from)?;
    d.set_item("total_runs", outcome.manifest.extension.total_runs)?;
    d.set_item("points", design.points())?;
    d.set_item("replications", sweep.file.sweep.replications)?;
    d.set_item("name", &sweep.file.sweep.name)?;
    Ok(d)
}

/// The output ids a sweep records by default for `scenario` (every early
/// adopter's go-live delay, programme slip, …; `sweep::outputs`).
#[pyfunction]
fn default_outputs(py: Python<'_>, scenario: &PyScenario) -> PyResult<Vec<String>> {
    pioneer::sweep::outputs::default_outputs(&scenario.inner)
        .map(|defs| defs.into_iter().map(|d| d.id).collect())
        .map_err(|p| output_id_error(py, "", p))
}

fn output_id_error(py: Python<'_>, id: &str, p: pioneer::sweep::outputs::OutputProblem) -> PyErr {
    unplaced_error(
        py,
        format!("output `{id}`: expected {}", p.expected),
        id,
        p.expected,
        id.to_string(),
        p.hint,
    )
}

/// Runs an ensemble streaming (nothing held per replication) and returns,
/// per output id (`sweep::outputs`), its value in every replication, as
/// little-endian float64 bytes in replication order.
#[pyfunction]
#[pyo3(signature = (scenario, outputs, replications, seed, threads = None))]
fn output_values<'py>(
    py: Python<'py>,
    scenario: &PyScenario,
    outputs: Vec<String>,
    replications: u32,
    seed: u64,
    threads: Option<u32>,
) -> PyResult<Vec<Bound<'py, PyBytes>>> {
    if replications == 0 {
        return Err(PyValueError::new_err("replications must be at least 1"));
    }
    let s = &scenario.inner;
    let defs = outputs
        .iter()
        .map(|id| pioneer::sweep::outputs::parse(id, s).map_err(|p| output_id_error(py, id, p)))
        .collect::<PyResult<Vec<_>>>()?;
    let p = pool(threads)?;
    let values = py.detach(|| {
        p.install(|| {
            let ensemble = Ensemble::new(s).seed(seed).replications(replications);
            let plan = pioneer::Plan::new(s);
            let mut values = vec![Vec::with_capacity(replications as usize); defs.len()];
            let streamed = ensemble.stream(&plan, |block| -> Result<(), ()> {
                for r in block {
                    for (v, d) in values.iter_mut().zip(&defs) {
                        v.push(d.value(&plan, r));
                    }
                }
                Ok(())
            });
            streamed.map(|_| values)
        })
    });
    let values = values.map_err(|()| PyRuntimeError::new_err("streaming failed"))?;
    Ok(values
        .iter()
        .map(|v| {
            let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
            PyBytes::new(py, &bytes)
        })
        .collect())
}

/// A scan of promised dates (see `pioneer.promise`).
#[pyclass(name = "PromiseScan", module = "pioneer._native", frozen)]
struct PyPromiseScan {
    scan: pioneer::promise::PromiseScan,
    scenario: Scenario,
}

/// A date as ISO text (None stays None).
fn iso(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(pioneer::output::export::iso)
}

/// One evaluated promise, as `PyPromiseScan::points` gives it.
type PointRow = (
    String,
    String,
    bool,
    f64,
    [Option<String>; 3],
    usize,
    f64,
    f64,
    Vec<(String, f64)>,
);

/// One row of the honest timetable, as `PyPromiseScan::honest` gives it.
type HonestRow = (
    String,
    f64,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    bool,
    Vec<String>,
);

#[pymethods]
impl PyPromiseScan {
    /// Every evaluated promise: (milestone, promise, on_grid, p_delivered,
    /// delivered p10/p50/p90 (ISO dates, None when not reached by the
    /// horizon), replications not delivered by the horizon, re-plans mean,
    /// spend mean (GBP), engagement lost per agent kind).
    fn points(&self) -> Vec<PointRow> {
        self.scan
            .milestones
            .iter()
            .flat_map(|m| {
                m.points.iter().map(move |p| {
                    (
                        m.key.to_string(),
                        pioneer::output::export::iso(p.promise),
                        p.on_grid,
                        p.p_delivered,
                        p.delivered_quantiles.map(iso),
                        p.delivered.iter().filter(|d| d.is_none()).count(),
                        p.replans_mean,
                        p.spend_gbp_mean,
                        p.engagement_lost
                            .iter()
                            .map(|(k, v)| (k.id().to_string(), *v))
                            .collect(),
                    )
                })
            })
            .collect()
    }

    /// The honest timetable: (milestone, confidence, promise (ISO or None
    /// when no promise on the grid meets it), p_delivered, uplift in weeks,
    /// uplift as a share of the planned duration, met at the grid's start,
    /// later grid promises met with less than the confidence).
    fn honest(&self) -> Vec<HonestRow> {
        self.scan
            .milestones
            .iter()
            .flat_map(|m| {
                m.honest.iter().map(move |h| {
                    (
                        m.key.to_string(),
                        h.confidence,
                        iso(h.promise),
                        h.p_delivered,
                        h.uplift_weeks,
                        h.uplift_share,
                        h.at_grid_start,
                        h.later_dips
                            .iter()
                            .map(|d| pioneer::output::export::iso(*d))
                            .collect(),
                    )
                })
            })
            .collect()
    }

    /// Each scanned milestone's original promise (ISO) and planned weeks.
    fn originals(&self) -> Vec<(String, String, f64)> {
        self.scan
            .milestones
            .iter()
            .map(|m| {
                (
                    m.key.to_string(),
                    pioneer::output::export::iso(m.original),
                    m.planned_days as f64 / 7.0,
                )
            })
            .collect()
    }

    /// `promise.csv` as `pioneer promise` writes it.
    fn csv(&self) -> PyResult<String> {
        csv_text(pioneer::promise::output::promise_csv(&self.scan))
    }

    /// Writes the output directory of `pioneer promise`.
    #[pyo3(signature = (dir, force = false))]
    fn write(&self, py: Python<'_>, dir: PathBuf, force: bool) -> PyResult<PathBuf> {
        let out = OutputDir::new(Some(&dir), Path::new("."), "", Policy::one_shot(force))
            .map_err(target_error)?;
        let files = py
            .detach(|| {
                pioneer::promise::output::output_files(&self.scan, &self.scenario, Vec::new())
            })
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        py.detach(|| out.write(&files)).map_err(target_error)
    }
}

/// An ISO date argument.
fn date_arg(name: &str, text: Option<&str>) -> PyResult<Option<chrono::NaiveDate>> {
    text.map(|t| {
        chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| {
            PyValueError::new_err(format!(
                "{name}: expected a date written YYYY-MM-DD (e.g. 2014-04-01), found `{t}`"
            ))
        })
    })
    .transpose()
}

/// Scans promised dates as `pioneer promise`.
#[pyfunction]
#[pyo3(signature = (scenario, milestones, start, end, step, confidence, replications, seed, followers, threads = None, progress = None))]
#[allow(clippy::too_many_arguments)]
fn promise(
    py: Python<'_>,
    scenario: &PyScenario,
    milestones: Vec<String>,
    start: Option<String>,
    end: Option<String>,
    step: &str,
    confidence: Vec<f64>,
    replications: u32,
    seed: u64,
    followers: &str,
    threads: Option<u32>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<PyPromiseScan> {
    use pioneer::promise::{scan, Followers, PromiseSpec, Step};
    if replications == 0 {
        return Err(PyValueError::new_err("replications must be at least 1"));
    }
    let spec = PromiseSpec {
        milestones,
        from: date_arg("start", start.as_deref())?,
        to: date_arg("end", end.as_deref())?,
        step: Step::parse(step).map_err(|e| PyValueError::new_err(format!("step: {e}")))?,
        confidence,
        replications,
        seed,
        followers: Followers::parse(followers)
            .map_err(|e| PyValueError::new_err(format!("followers: {e}")))?,
    };
    let p = pool(threads)?;
    let s = &scenario.inner;
    // The number of runs is known only once the honest search has refined
    // its brackets: progress counts replications, with a total of 0 (unknown).
    let result = detached(py, 0, progress.as_ref(), |done| {
        let tick = || {
            done.fetch_add(1, Ordering::Relaxed);
        };
        p.install(|| scan(s, &spec, Some(&tick)))
    })?;
    let scan = result.map_err(PyValueError::new_err)?;
    Ok(PyPromiseScan {
        scan,
        scenario: s.clone(),
    })
}

/// The version line of the library (`0.1.0 (git abc1234)`).
#[pyfunction]
fn version() -> String {
    pioneer::output::manifest::version_line()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScenario>()?;
    m.add_class::<PyRuns>()?;
    m.add_class::<PyComparison>()?;
    m.add_class::<PyPromiseScan>()?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(promise, m)?)?;
    m.add_function(wrap_pyfunction!(default_outputs, m)?)?;
    m.add_function(wrap_pyfunction!(output_values, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("OutputError", m.py().get_type::<OutputError>())?;
    Ok(())
}
