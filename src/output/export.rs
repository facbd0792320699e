//! Exporters: results → bytes. Tidy long-format CSV (one row per fact, ISO
//! dates) and JSON. Nothing here touches the file system: the record files
//! ([`RecordWriters`]) write to any `Write` one replication at a time.

use std::io::Write;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

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
    use chrono::Datelike;
    let y = d.year();
    if !(0..=9999).contains(&y) {
        return d.format("%Y-%m-%d").to_string();
    }
    // What `%Y-%m-%d` writes for a four-digit year, without the formatter
    // machinery (this runs for every dated row of every replication).
    let digits = |v: u32, n: usize, out: &mut [u8]| {
        let mut v = v;
        for i in (0..n).rev() {
            out[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    let mut b = *b"0000-00-00";
    digits(y as u32, 4, &mut b[0..4]);
    digits(d.month(), 2, &mut b[5..7]);
    digits(d.day(), 2, &mut b[8..10]);
    b.iter().map(|&c| c as char).collect()
}

/// Whether replication `r`'s detailed rows are written (`record.detail_replications`).
fn detailed(plan: &Plan, r: &ReplicationResult) -> bool {
    r.replication < plan.params().record.detail_replications
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ExportError> {
    w.into_inner().map_err(|e| ExportError::Io(e.into_error()))
}

/// A writer that computes the SHA-256 of what passes through it (for the
/// manifest of a file written as it streams).
pub struct Hashed<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Hashed<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Hashed<W> {
        Hashed {
            inner,
            hasher: Sha256::new(),
        }
    }
    /// The inner writer and the SHA-256 (lowercase hex) of everything written.
    pub fn into_parts(self) -> (W, String) {
        let digest = self.hasher.finalize();
        (
            self.inner,
            digest.iter().map(|b| format!("{b:02x}")).collect(),
        )
    }
}

impl<W: Write> Write for Hashed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The files with rows per replication, in output order (`timeseries.csv`
/// holds either rows per replication or, in quantile mode, rows per period
/// written when every replication is in).
pub const RECORD_FILES: [&str; 7] = [
    "milestones.csv",
    "timeseries.csv",
    "meetings.csv",
    "spend.csv",
    "replans.csv",
    "workarounds.csv",
    "scope_decisions.csv",
];

/// The record files of a run being written one replication at a time, in
/// replication order: nothing per replication is kept once its rows are out.
pub struct RecordWriters<W: Write> {
    files: Vec<csv::Writer<W>>,
    ts_labels: Vec<String>,
    meeting_sectors: Vec<Vec<AgentKind>>,
}

const MILESTONES: usize = 0;
const TIMESERIES: usize = 1;
const MEETINGS: usize = 2;
const SPEND: usize = 3;
const REPLANS: usize = 4;
const WORKAROUNDS: usize = 5;
const SCOPE_DECISIONS: usize = 6;

impl<W: Write> RecordWriters<W> {
    /// Opens every record file through `open` (called once per name of
    /// [`RECORD_FILES`], in order) and writes the headers.
    pub fn new<E>(plan: &Plan, mut open: impl FnMut(&str) -> Result<W, E>) -> Result<Self, E>
    where
        E: From<ExportError>,
    {
        let headers: [&[&str]; 7] = [
            &[
                "replication",
                "early_adopter",
                "milestone",
                "kind",
                "first_planned_date",
                "planned_date",
                "achieved_date",
                "status",
            ],
            &[
                "replication",
                "date",
                "scope",
                "agent_kind",
                "metric",
                "statistic",
                "value",
            ],
            &[
                "replication",
                "date",
                "body",
                "sector",
                "attendees",
                "quorate",
            ],
            &["replication", "date", "category", "amount_gbp"],
            &["replication", "date", "milestone", "old_date", "new_date"],
            &[
                "replication",
                "early_adopter",
                "barrier",
                "parties",
                "workaround_hours",
                "started_date",
                "completed_date",
                "removed_nationally_date",
            ],
            &[
                "replication",
                "early_adopter",
                "date",
                "from_scope",
                "to_scope",
                "planned_pilot_date",
                "projected_go_live_date",
                "slip_weeks",
                "milestones_dropped",
            ],
        ];
        let mut files = Vec::with_capacity(RECORD_FILES.len());
        for (name, header) in RECORD_FILES.iter().zip(headers) {
            let mut w = csv::Writer::from_writer(open(name)?);
            w.write_record(header).map_err(ExportError::from)?;
            files.push(w);
        }
        let ts_labels = plan
            .params()
            .record
            .quantiles
            .iter()
            .map(|q| format!("p{}", fmt_num((q * 100.0 * 1000.0).round() / 1000.0)))
            .collect();
        // Sectors represented among each body's members.
        let meeting_sectors = plan
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
        Ok(RecordWriters {
            files,
            ts_labels,
            meeting_sectors,
        })
    }

    /// Writes the rows of the next replication (in replication order).
    pub fn add(&mut self, plan: &Plan, r: &ReplicationResult) -> Result<(), ExportError> {
        let params = plan.params();
        let rep = r.replication.to_string();
        let w = &mut self.files[MILESTONES];
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
        if params.record.timeseries == TimeseriesMode::Replications && detailed(plan, r) {
            let layout = &plan.series;
            let ns = layout.len();
            let w = &mut self.files[TIMESERIES];
            for p in 0..plan.periods {
                let d = iso(plan
                    .calendar
                    .period_start(p, params.record.timeseries_every));
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
        let w = &mut self.files[MEETINGS];
        for m in &r.meetings {
            let d = iso(plan.calendar.date(m.tick));
            let body = &plan.bodies[m.body as usize].id;
            for k in &self.meeting_sectors[m.body as usize] {
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
        if detailed(plan, r) {
            let w = &mut self.files[SPEND];
            for m in 0..plan.months {
                let d = iso(plan
                    .calendar
                    .period_start(m, crate::model::calendar::Period::Month));
                for cat in SpendCategory::ALL.iter() {
                    w.write_record([&rep, &d, cat.id(), &format!("{:.2}", r.spend_in(m, *cat))])?;
                }
            }
        }
        let w = &mut self.files[REPLANS];
        for x in &r.replans {
            w.write_record([
                &rep,
                &iso(plan.calendar.date(x.tick)),
                x.milestone,
                &date(Some(x.old)),
                &date(Some(x.new)),
            ])?;
        }
        let w = &mut self.files[WORKAROUNDS];
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
        let w = &mut self.files[SCOPE_DECISIONS];
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
        Ok(())
    }

    /// In quantile mode, writes the `timeseries.csv` rows of series value
    /// `column` (period × series, layout order) from its values across every
    /// replication, `sorted` ascending (`f64::total_cmp`): the mean, then
    /// each quantile.
    pub fn timeseries_quantiles(
        &mut self,
        plan: &Plan,
        column: usize,
        sorted: &[f64],
    ) -> Result<(), ExportError> {
        let params = plan.params();
        let layout = &plan.series;
        let (p, s) = (column / layout.len(), column % layout.len());
        let def = &layout.defs[s];
        let d = iso(plan
            .calendar
            .period_start(p, params.record.timeseries_every));
        let scope = layout.scope_name(def);
        let kind = kind_name(def.kind);
        let stats = std::iter::once(("mean", mean(sorted))).chain(
            self.ts_labels
                .iter()
                .zip(&params.record.quantiles)
                .map(|(l, &q)| (l.as_str(), quantile_sorted(sorted, q))),
        );
        for (statistic, value) in stats {
            self.files[TIMESERIES].write_record([
                "",
                &d,
                scope,
                kind,
                def.metric.id(),
                statistic,
                &fmt_num(value),
            ])?;
        }
        Ok(())
    }

    /// Flushes every file and returns the writers, in [`RECORD_FILES`] order.
    pub fn finish(self) -> Result<Vec<W>, ExportError> {
        self.files
            .into_iter()
            .map(|w| w.into_inner().map_err(|e| ExportError::Io(e.into_error())))
            .collect()
    }
}

fn kind_name(k: Option<AgentKind>) -> &'static str {
    k.map_or("all", |k| k.id())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast ISO date writes what chrono's `%Y-%m-%d` writes, across
    /// leap years, month ends and the edges of four-digit years.
    #[test]
    fn iso_dates_are_chronos_iso_dates() {
        let days = |from: NaiveDate, n: i64| (0..n).map(move |k| from + chrono::Duration::days(k));
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for d in days(ymd(1999, 12, 1), 4 * 366 + 40)
            .chain(days(ymd(-1, 12, 25), 20))
            .chain(days(ymd(9999, 12, 20), 20))
            .chain(days(ymd(1, 1, 1), 3))
        {
            assert_eq!(iso(d), d.format("%Y-%m-%d").to_string());
        }
    }
}
