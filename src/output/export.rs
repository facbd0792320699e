//! Exporters: results → bytes. Tidy long-format CSV (one row per fact, ISO
//! dates) and JSON. Nothing here touches the file system.

use chrono::NaiveDate;

pub use super::manifest::Manifest;
use super::summary::Summary;
use crate::engine::plan::Plan;
use crate::model::recording::TimeseriesMode;
use crate::model::AgentKind;
use crate::observe::{ReplicationResult, SpendCategory};
use crate::util::stats::{mean, quantile_sorted};

/// An export failure (only possible through a bug or a CSV library error).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// CSV writer error.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    /// JSON error.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Flushing the in-memory writer.
    #[error("writing CSV: {0}")]
    Io(#[from] std::io::Error),
    /// Drawing a chart.
    #[error(transparent)]
    Chart(#[from] super::chart::ChartError),
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(iso).unwrap_or_default()
}

/// A date as written in every output (ISO 8601).
pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The replications whose detailed rows are written (`record.detail_replications`).
fn detailed<'a>(
    plan: &'a Plan,
    results: &'a [ReplicationResult],
) -> impl Iterator<Item = &'a ReplicationResult> + 'a {
    let limit = plan.params().record.detail_replications;
    results.iter().filter(move |r| r.replication < limit)
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ExportError> {
    w.into_inner().map_err(|e| ExportError::Io(e.into_error()))
}

/// `milestones.csv`: every milestone of every early adopter and of the programme, every replication.
pub fn milestones_csv(plan: &Plan, results: &[ReplicationResult]) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "replication",
        "early_adopter",
        "milestone",
        "kind",
        "first_planned_date",
        "planned_date",
        "achieved_date",
        "status",
    ])?;
    for r in results {
        let rep = r.replication.to_string();
        for m in &r.milestones {
            let ea = m.ea.map_or("programme", |e| plan.eas[e].id.as_str());
            w.write_record([
                rep.as_str(),
                ea,
                plan.milestone_id(m.milestone),
                m.kind,
                &date(m.first_planned),
                &date(m.planned),
                &date(m.achieved),
                m.status.id(),
            ])?;
        }
    }
    finish(w)
}

/// `memberships.csv`: who sits where, fixed across replications (docs/ODD.md,
/// "Memberships"): every member of every early adopter
/// (`early_adopter:<id>`) and of every body (its id), agents labelled
/// `kind:name` (`organisations.<kind>.names`) or `kind#i` if unnamed.
pub fn memberships_csv(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["group", "agent", "agent_kind"])?;
    let eas = plan
        .eas
        .iter()
        .map(|e| (format!("early_adopter:{}", e.id), &e.members));
    let bodies = plan.bodies.iter().map(|b| (b.id.clone(), &b.members));
    for (group, members) in eas.chain(bodies) {
        for &a in members {
            w.write_record([
                group.as_str(),
                &plan.agent_label(a),
                plan.agents[a.index()].kind.id(),
            ])?;
        }
    }
    finish(w)
}

/// `workarounds.csv`: every early adopter's local workaround of every
/// national barrier that governs a milestone in its scope, every
/// replication: its parties and hours, when work on it started, when it was
/// completed and when the barrier was removed nationally (ODD §7.8).
pub fn workarounds_csv(plan: &Plan, results: &[ReplicationResult]) -> Result<Vec<u8>, ExportError> {
    let params = plan.params();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "replication",
        "early_adopter",
        "barrier",
        "parties",
        "workaround_hours",
        "started_date",
        "completed_date",
        "removed_nationally_date",
    ])?;
    for r in results {
        let rep = r.replication.to_string();
        for x in &r.workarounds {
            w.write_record([
                rep.as_str(),
                plan.eas[x.ea].id.as_str(),
                params.barriers[x.barrier].id.as_str(),
                &x.parties.to_string(),
                &fmt_num(x.hours),
                &date(x.started),
                &date(x.completed),
                &date(x.removed_nationally),
            ])?;
        }
    }
    finish(w)
}

/// `scope_decisions.csv`: every early adopter's decision to change its
/// scope, every replication: the review date, the scope before and after,
/// its planned pilot start and its projected go-live then, the slip between
/// them that triggered the decision, and how many milestones it dropped
/// (ODD §7.15).
pub fn scope_decisions_csv(
    plan: &Plan,
    results: &[ReplicationResult],
) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "replication",
        "early_adopter",
        "date",
        "from_scope",
        "to_scope",
        "planned_pilot_date",
        "projected_go_live_date",
        "slip_weeks",
        "milestones_dropped",
    ])?;
    for r in results {
        let rep = r.replication.to_string();
        for x in &r.scope_decisions {
            w.write_record([
                rep.as_str(),
                plan.eas[x.ea].id.as_str(),
                &iso(plan.calendar.date(x.tick)),
                x.from.id(),
                x.to.id(),
                &iso(x.planned),
                &iso(x.projected),
                &fmt_num(x.slip_weeks),
                &x.milestones_dropped.to_string(),
            ])?;
        }
    }
    finish(w)
}

/// A number as written in every CSV: integers without a decimal point, other
/// values in the shortest form that round-trips.
pub fn fmt_num(v: f64) -> String {
    // Shortest representation that round-trips; stable across platforms.
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `timeseries.csv`: per replication (first `detail_replications`) or
/// quantiles across all replications, as the scenario's `record` declares.
pub fn timeseries_csv(plan: &Plan, results: &[ReplicationResult]) -> Result<Vec<u8>, ExportError> {
    let params = plan.params();
    let layout = &plan.series;
    let every = params.record.timeseries_every;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "replication",
        "date",
        "scope",
        "agent_kind",
        "metric",
        "statistic",
        "value",
    ])?;
    let ns = layout.len();
    let kind_name = |k: Option<AgentKind>| k.map_or("all", |k| k.id());
    match params.record.timeseries {
        TimeseriesMode::Replications => {
            for r in detailed(plan, results) {
                let rep = r.replication.to_string();
                for p in 0..plan.periods {
                    let d = iso(plan.calendar.period_start(p, every));
                    for (s, def) in layout.defs.iter().enumerate() {
                        w.write_record([
                            &rep,
                            &d,
                            layout.scope_name(def),
                            kind_name(def.kind),
                            def.metric.id(),
                            "value",
                            &fmt_num(r.series[p * ns + s]),
                        ])?;
                    }
                }
            }
        }
        TimeseriesMode::Quantiles => {
            let qs = &params.record.quantiles;
            let labels: Vec<String> = qs
                .iter()
                .map(|q| format!("p{}", fmt_num((q * 100.0 * 1000.0).round() / 1000.0)))
                .collect();
            let mut column = Vec::with_capacity(results.len());
            for p in 0..plan.periods {
                let d = iso(plan.calendar.period_start(p, every));
                for (s, def) in layout.defs.iter().enumerate() {
                    column.clear();
                    column.extend(results.iter().map(|r| r.series[p * ns + s]));
                    column.sort_by(f64::total_cmp);
                    let scope = layout.scope_name(def);
                    let kind = kind_name(def.kind);
                    let stats = std::iter::once(("mean", mean(&column))).chain(
                        labels
                            .iter()
                            .zip(qs)
                            .map(|(l, &q)| (l.as_str(), quantile_sorted(&column, q))),
                    );
                    for (statistic, value) in stats {
                        w.write_record([
                            "",
                            &d,
                            scope,
                            kind,
                            def.metric.id(),
                            statistic,
                            &fmt_num(value),
                        ])?;
                    }
                }
            }
        }
    }
    finish(w)
}

/// `meetings.csv`: attendance by sector at every meeting (first `detail_replications`).
pub fn meetings_csv(plan: &Plan, results: &[ReplicationResult]) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "replication",
        "date",
        "body",
        "sector",
        "attendees",
        "quorate",
    ])?;
    // Sectors represented among each body's members.
    let sectors: Vec<Vec<AgentKind>> = plan
        .bodies
        .iter()
        .map(|b| {
            let mut ks: Vec<AgentKind> = b
                .members
                .iter()
                .map(|&a| plan.agents[a.index()].kind)
                .collect();
            ks.sort_unstable();
            ks.dedup();
            ks
        })
        .collect();
    for r in results {
        let rep = r.replication.to_string();
        for m in &r.meetings {
            let d = iso(plan.calendar.date(m.tick));
            let body = &plan.bodies[m.body as usize].id;
            for k in &sectors[m.body as usize] {
                let attendees = m.attendees[k.index()].to_string();
                w.write_record([
                    rep.as_str(),
                    &d,
                    body,
                    k.id(),
                    &attendees,
                    if m.quorate { "true" } else { "false" },
                ])?;
            }
        }
    }
    finish(w)
}

/// `spend.csv`: monthly spend by category (first `detail_replications`).
pub fn spend_csv(plan: &Plan, results: &[ReplicationResult]) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["replication", "date", "category", "amount_gbp"])?;
    for r in detailed(plan, results) {
        let rep = r.replication.to_string();
        for m in 0..plan.months {
            let d = iso(plan
                .calendar
                .period_start(m, crate::model::calendar::Period::Month));
            for cat in SpendCategory::ALL.iter() {
                w.write_record([&rep, &d, cat.id(), &format!("{:.2}", r.spend_in(m, *cat))])?;
            }
        }
    }
    finish(w)
}

/// `replans.csv`: every re-plan of every replication.
pub fn replans_csv(plan: &Plan, results: &[ReplicationResult]) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["replication", "date", "milestone", "old_date", "new_date"])?;
    for r in results {
        let rep = r.replication.to_string();
        for x in &r.replans {
            w.write_record([
                &rep,
                &iso(plan.calendar.date(x.tick)),
                x.milestone,
                &date(Some(x.old)),
                &date(Some(x.new)),
            ])?;
        }
    }
    finish(w)
}

/// `summary.json`.
pub fn summary_json(summary: &Summary) -> Result<Vec<u8>, ExportError> {
    let mut v = serde_json::to_vec_pretty(summary)?;
    v.push(b'\n');
    Ok(v)
}

/// `manifest.json`.
pub fn manifest_json(manifest: &Manifest) -> Result<Vec<u8>, ExportError> {
    Ok(manifest.to_json()?)
}

/// Every output file of a run, as (name, bytes): the data, the charts (SVG
/// and PNG), `report.html`, and the manifest last.
pub fn all_files(
    plan: &Plan,
    results: &[ReplicationResult],
    summary: &Summary,
    mut manifest: Manifest,
) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
    let mut files = vec![
        ("milestones.csv".to_string(), milestones_csv(plan, results)?),
        ("timeseries.csv".to_string(), timeseries_csv(plan, results)?),
        ("meetings.csv".to_string(), meetings_csv(plan, results)?),
        ("spend.csv".to_string(), spend_csv(plan, results)?),
        ("replans.csv".to_string(), replans_csv(plan, results)?),
        (
            "workarounds.csv".to_string(),
            workarounds_csv(plan, results)?,
        ),
        ("memberships.csv".to_string(), memberships_csv(plan)?),
        (
            "scope_decisions.csv".to_string(),
            scope_decisions_csv(plan, results)?,
        ),
        ("summary.json".to_string(), summary_json(summary)?),
    ];
    let charts = super::chart::run_charts(plan, results)?;
    let report = super::report::report_html(plan, summary, &charts, &manifest);
    for c in charts {
        files.push((format!("{}.svg", c.name), c.svg.into_bytes()));
        files.push((format!("{}.png", c.name), c.png));
    }
    files.push(("report.html".to_string(), report.into_bytes()));
    manifest.list_files(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    files.push(("manifest.json".to_string(), manifest_json(&manifest)?));
    Ok(files)
}
