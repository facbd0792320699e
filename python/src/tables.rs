//! The record files of a run as typed columns, for pandas.
//!
//! Each table holds the rows of the CSV file of the same name (the same
//! rows in the same order: `export::RecordWriters` is the contract) with
//! their types kept: integers, floats at full precision (`spend.csv` rounds
//! to pence), dates as days since 1970-01-01, ids as categorical codes.
//! Columns cross to Python as little-endian bytes that NumPy reads without
//! a copy per value.

use std::collections::HashMap;

use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use pioneer::model::calendar::Period;
use pioneer::model::recording::TimeseriesMode;
use pioneer::observe::SpendCategory;
use pioneer::output::export::fmt_num;
use pioneer::util::stats::{mean, quantile_sorted};
use pioneer::Runs;

/// A missing integer or date (pandas `NA` / `NaT`).
const MISSING: i32 = i32::MIN;

/// One column.
pub enum Column {
    /// 32-bit integers (`MISSING` for none).
    Int(Vec<i32>),
    /// 64-bit floats.
    Float(Vec<f64>),
    /// Booleans.
    Bool(Vec<bool>),
    /// Days since 1970-01-01 (`MISSING` for none).
    Date(Vec<i32>),
    /// Codes into the categories (-1 for none).
    Category(Vec<i32>, Categories),
}

/// Categories in order of first use, or seeded in a meaningful order.
#[derive(Default)]
pub struct Categories {
    names: Vec<String>,
    index: HashMap<String, i32>,
}

impl Categories {
    fn seeded<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Self {
        let mut c = Categories::default();
        for n in names {
            c.code(n.as_ref());
        }
        c
    }
    fn code(&mut self, name: &str) -> i32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as i32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }
}

/// A categorical column being filled.
#[derive(Default)]
struct Cat {
    codes: Vec<i32>,
    cats: Categories,
}

impl Cat {
    fn seeded<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Self {
        Cat {
            codes: Vec::new(),
            cats: Categories::seeded(names),
        }
    }
    fn push(&mut self, name: &str) {
        let c = self.cats.code(name);
        self.codes.push(c);
    }
    fn done(self) -> Column {
        Column::Category(self.codes, self.cats)
    }
}

fn days(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    (d - epoch).num_days() as i32
}

fn opt_days(d: Option<NaiveDate>) -> i32 {
    d.map_or(MISSING, days)
}

/// The columns of one table, named as the CSV header.
pub type Table = Vec<(&'static str, Column)>;

/// The table `name` of a run: `milestones`, `timeseries`, `meetings`,
/// `spend`, `replans`, `workarounds` or `scope_decisions`.
pub fn table(runs: &Runs, name: &str) -> Option<Table> {
    Some(match name {
        "milestones" => milestones(runs),
        "timeseries" => timeseries(runs),
        "meetings" => meetings(runs),
        "spend" => spend(runs),
        "replans" => replans(runs),
        "workarounds" => workarounds(runs),
        "scope_decisions" => scope_decisions(runs),
        _ => return None,
    })
}

fn ea_names(runs: &Runs) -> Vec<&str> {
    runs.plan.eas.iter().map(|e| e.id.as_str()).collect()
}

/// Whether replication `r`'s detailed rows are written (`record.detail_replications`).
fn detailed(runs: &Runs, replication: u32) -> bool {
    replication < runs.plan.params().record.detail_replications
}

fn milestones(runs: &Runs) -> Table {
    let plan = &runs.plan;
    let mut rep = Vec::new();
    let mut ea = Cat::seeded(std::iter::once("programme").chain(ea_names(runs)));
    let n_ids = plan.journey.len() + pioneer::model::ProgrammeMilestone::ALL.len();
    let mut milestone = Cat::seeded((0..n_ids).map(|i| plan.milestone_id(i)));
    let mut kind = Cat::default();
    let (mut first, mut planned, mut achieved) = (Vec::new(), Vec::new(), Vec::new());
    let mut status = Cat::seeded(["achieved", "not_reached", "skipped"]);
    for r in &runs.results {
        for m in &r.milestones {
            rep.push(r.replication as i32);
            ea.push(m.ea.map_or("programme", |e| plan.eas[e].id.as_str()));
            milestone.push(plan.milestone_id(m.milestone));
            kind.push(m.kind);
            first.push(opt_days(m.first_planned));
            planned.push(opt_days(m.planned));
            achieved.push(opt_days(m.achieved));
            status.push(m.status.id());
        }
    }
    vec![
        ("replication", Column::Int(rep)),
        ("early_adopter", ea.done()),
        ("milestone", milestone.done()),
        ("kind", kind.done()),
        ("first_planned_date", Column::Date(first)),
        ("planned_date", Column::Date(planned)),
        ("achieved_date", Column::Date(achieved)),
        ("status", status.done()),
    ]
}

/// `timeseries.csv`: in `replications` mode every detailed replication's
/// values; in `quantiles` mode, per period and series, the mean and each
/// quantile across all replications (replication missing), as the CSV.
fn timeseries(runs: &Runs) -> Table {
    let plan = &runs.plan;
    let params = plan.params();
    let layout = &plan.series;
    let ns = layout.len();
    let every = params.record.timeseries_every;
    let mut rep = Vec::new();
    let mut date = Vec::new();
    let mut scope = Cat::seeded(std::iter::once("programme").chain(ea_names(runs)));
    let mut kind = Cat::seeded(
        std::iter::once("all").chain(pioneer::model::AgentKind::ALL.iter().map(|k| k.id())),
    );
    let mut metric = Cat::default();
    let labels: Vec<String> = params
        .record
        .quantiles
        .iter()
        .map(|q| format!("p{}", fmt_num((q * 100.0 * 1000.0).round() / 1000.0)))
        .collect();
    let mut statistic = Cat::seeded(
        ["value", "mean"]
            .into_iter()
            .map(str::to_string)
            .chain(labels.iter().cloned()),
    );
    let mut value = Vec::new();
    let mut row = |r: i32, p: usize, s: usize, stat: &str, v: f64| {
        let def = &layout.defs[s];
        rep.push(r);
        date.push(days(plan.calendar.period_start(p, every)));
        scope.push(layout.scope_name(def));
        kind.push(def.kind.map_or("all", |k| k.id()));
        metric.push(def.metric.id());
        statistic.push(stat);
        value.push(v);
    };
    match params.record.timeseries {
        TimeseriesMode::Replications => {
            for r in runs
                .results
                .iter()
                .filter(|r| detailed(runs, r.replication))
            {
                for p in 0..plan.periods {
                    for s in 0..ns {
                        row(r.replication as i32, p, s, "value", r.series[p * ns + s]);
                    }
                }
            }
        }
        TimeseriesMode::Quantiles => {
            let mut sorted = vec![0.0; runs.results.len()];
            for c in 0..plan.periods * ns {
                for (v, r) in sorted.iter_mut().zip(&runs.results) {
                    *v = r.series[c];
                }
                sorted.sort_by(f64::total_cmp);
                let (p, s) = (c / ns, c % ns);
                row(MISSING, p, s, "mean", mean(&sorted));
                for (l, &q) in labels.iter().zip(&params.record.quantiles) {
                    row(MISSING, p, s, l, quantile_sorted(&sorted, q));
                }
            }
        }
    }
    vec![
        ("replication", Column::Int(rep)),
        ("date", Column::Date(date)),
        ("scope", scope.done()),
        ("agent_kind", kind.done()),
        ("metric", metric.done()),
        ("statistic", statistic.done()),
        ("value", Column::Float(value)),
    ]
}

fn meetings(runs: &Runs) -> Table {
    let plan = &runs.plan;
    // Per body, the sectors represented among its members (as meetings.csv).
    let sectors = plan.body_sectors();
    let mut rep = Vec::new();
    let mut date = Vec::new();
    let mut body = Cat::seeded(plan.bodies.iter().map(|b| b.id.as_str()));
    let mut sector = Cat::seeded(pioneer::model::AgentKind::ALL.iter().map(|k| k.id()));
    let mut attendees = Vec::new();
    let mut quorate = Vec::new();
    for r in &runs.results {
        for m in &r.meetings {
            let d = days(plan.calendar.date(m.tick));
            for k in &sectors[m.body as usize] {
                rep.push(r.replication as i32);
                date.push(d);
                body.push(&plan.bodies[m.body as usize].id);
                sector.push(k.id());
                attendees.push(i32::from(m.attendees[k.index()]));
                quorate.push(m.quorate);
            }
        }
    }
    vec![
        ("replication", Column::Int(rep)),
        ("date", Column::Date(date)),
        ("body", body.done()),
        ("sector", sector.done()),
        ("attendees", Column::Int(attendees)),
        ("quorate", Column::Bool(quorate)),
    ]
}

fn spend(runs: &Runs) -> Table {
    let plan = &runs.plan;
    let mut rep = Vec::new();
    let mut date = Vec::new();
    let mut category = Cat::seeded(SpendCategory::ALL.iter().map(|c| c.id()));
    let mut amount = Vec::new();
    for r in runs
        .results
        .iter()
        .filter(|r| detailed(runs, r.replication))
    {
        for m in 0..plan.months {
            let d = days(plan.calendar.period_start(m, Period::Month));
            for cat in SpendCategory::ALL {
                rep.push(r.replication as i32);
                date.push(d);
                category.push(cat.id());
                amount.push(r.spend_in(m, cat));
            }
        }
    }
    vec![
        ("replication", Column::Int(rep)),
        ("date", Column::Date(date)),
        ("category", category.done()),
        ("amount_gbp", Column::Float(amount)),
    ]
}

fn replans(runs: &Runs) -> Table {
    let plan = &runs.plan;
    let mut rep = Vec::new();
    let mut date = Vec::new();
    let mut milestone = Cat::default();
    let (mut old, mut new) = (Vec::new(), Vec::new());
    for r in &runs.results {
        for x in &r.replans {
            rep.push(r.replication as i32);
            date.push(days(plan.calendar.date(x.tick)));
            milestone.push(x.milestone);
            old.push(days(x.old));
            new.push(days(x.new));
        }
    }
    vec![
        ("replication", Column::Int(rep)),
        ("date", Column::Date(date)),
        ("milestone", milestone.done()),
        ("old_date", Column::Date(old)),
        ("new_date", Column::Date(new)),
    ]
}

fn workarounds(runs: &Runs) -> Table {
    let plan = &runs.plan;
    let params = plan.params();
    let mut rep = Vec::new();
    let mut ea = Cat::seeded(ea_names(runs));
    let mut barrier = Cat::seeded(params.barriers.iter().map(|b| b.id.as_str()));
    let mut parties = Vec::new();
    let mut hours = Vec::new();
    let (mut started, mut completed, mut removed) = (Vec::new(), Vec::new(), Vec::new());
    for r in &runs.results {
        for x in &r.workarounds {
            rep.push(r.replication as i32);
            ea.push(&plan.eas[x.ea].id);
            barrier.push(&params.barriers[x.barrier].id);
            parties.push(x.parties as i32);
            hours.push(x.hours);
            started.push(opt_days(x.started));
            completed.push(opt_days(x.completed));
            removed.push(opt_days(x.removed_nationally));
        }
    }
    vec![
        ("replication", Column::Int(rep)),
        ("early_adopter", ea.done()),
        ("barrier", barrier.done()),
        ("parties", Column::Int(parties)),
        ("workaround_hours", Column::Float(hours)),
        ("started_date", Column::Date(started)),
        ("completed_date", Column::Date(completed)),
        ("removed_nationally_date", Column::Date(removed)),
    ]
}

fn scope_decisions(runs: &Runs) -> Table {
    let plan = &runs.plan;
    let mut rep = Vec::new();
    let mut ea = Cat::seeded(ea_names(runs));
    let mut date = Vec::new();
    let mut from = Cat::seeded(["full", "scaled_back"]);
    let mut to = Cat::seeded(["full", "scaled_back"]);
    let (mut planned, mut projected) = (Vec::new(), Vec::new());
    let mut slip = Vec::new();
    let mut dropped = Vec::new();
    for r in &runs.results {
        for x in &r.scope_decisions {
            rep.push(r.replication as i32);
            ea.push(&plan.eas[x.ea].id);
            date.push(days(plan.calendar.date(x.tick)));
            from.push(x.from.id());
            to.push(x.to.id());
            planned.push(days(x.planned));
            projected.push(days(x.projected));
            slip.push(x.slip_weeks);
            dropped.push(x.milestones_dropped as i32);
        }
    }
    vec![
        ("replication", Column::Int(rep)),
        ("early_adopter", ea.done()),
        ("date", Column::Date(date)),
        ("from_scope", from.done()),
        ("to_scope", to.done()),
        ("planned_pilot_date", Column::Date(planned)),
        ("projected_go_live_date", Column::Date(projected)),
        ("slip_weeks", Column::Float(slip)),
        ("milestones_dropped", Column::Int(dropped)),
    ]
}

/// The rows of a comparison (`compare.csv`'s content) as columns: one row
/// per output and scenario; values in the output's unit, dates as weeks
/// since the baseline's calendar start (`start` in the Python wrapper
/// turns them into dates).
pub fn comparison(c: &pioneer::compare::Comparison) -> Table {
    let mut output = Cat::seeded(c.rows.iter().map(|r| r.output.as_str()));
    let mut scenario = Cat::seeded(c.names.iter().map(String::as_str));
    let mut unit = Cat::default();
    let mut is_date = Vec::new();
    let mut q: [Vec<f64>; 3] = Default::default();
    let mut d: [Vec<f64>; 3] = Default::default();
    let mut not_reached = Vec::new();
    let mut censored = Vec::new();
    for row in &c.rows {
        for (i, name) in c.names.iter().enumerate() {
            output.push(&row.output);
            scenario.push(name);
            unit.push(row.unit.name());
            is_date.push(row.is_date);
            for k in 0..3 {
                q[k].push(row.quantiles[i][k]);
                d[k].push(row.difference[i].map_or(f64::NAN, |x| x[k]));
            }
            not_reached.push(row.not_reached.get(i).map_or(MISSING, |&n| n as i32));
            censored.push(row.censored_pairs.get(i).map_or(MISSING, |&n| n as i32));
        }
    }
    let [q10, q50, q90] = q;
    let [d10, d50, d90] = d;
    vec![
        ("output", output.done()),
        ("scenario", scenario.done()),
        ("unit", unit.done()),
        ("is_date", Column::Bool(is_date)),
        ("p10", Column::Float(q10)),
        ("median", Column::Float(q50)),
        ("p90", Column::Float(q90)),
        ("difference_p10", Column::Float(d10)),
        ("difference_median", Column::Float(d50)),
        ("difference_p90", Column::Float(d90)),
        ("not_reached", Column::Int(not_reached)),
        ("censored_pairs", Column::Int(censored)),
    ]
}

fn bytes_of<T: Copy, const N: usize>(v: &[T], le: impl Fn(T) -> [u8; N]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() * N);
    for &x in v {
        out.extend_from_slice(&le(x));
    }
    out
}

/// `{name: (kind, bytes[, categories])}` in column order, kind one of
/// `int32`, `float64`, `bool`, `date`, `category`.
pub fn to_python(py: Python<'_>, table: Table) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    for (name, col) in table {
        let entry = match col {
            Column::Int(v) => (
                "int32",
                PyBytes::new(py, &bytes_of(&v, i32::to_le_bytes)),
                None,
            ),
            Column::Float(v) => (
                "float64",
                PyBytes::new(py, &bytes_of(&v, f64::to_le_bytes)),
                None,
            ),
            Column::Bool(v) => (
                "bool",
                PyBytes::new(py, &bytes_of(&v, |b| [u8::from(b)])),
                None,
            ),
            Column::Date(v) => (
                "date",
                PyBytes::new(py, &bytes_of(&v, i32::to_le_bytes)),
                None,
            ),
            Column::Category(v, cats) => (
                "category",
                PyBytes::new(py, &bytes_of(&v, i32::to_le_bytes)),
                Some(PyList::new(py, cats.names)?),
            ),
        };
        d.set_item(name, entry)?;
    }
    Ok(d)
}
