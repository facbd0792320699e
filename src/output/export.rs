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

/// A date as written in every output (ISO 8601).
pub fn iso(d: NaiveDate) -> String {
    let mut out = Vec::with_capacity(10);
    write_iso(&mut out, d);
    String::from_utf8(out).expect("ISO dates are ASCII")
}

/// Appends `d` as [`iso`] writes it: `YYYY-MM-DD` (chrono's `%Y-%m-%d`
/// beyond the years 0–9999). Never contains a comma, quote or line break.
fn write_iso(out: &mut Vec<u8>, d: NaiveDate) {
    use chrono::Datelike;
    let y = d.year();
    if !(0..=9999).contains(&y) {
        // Writing into a Vec cannot fail.
        let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        return;
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
    out.extend_from_slice(&b);
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

/// Appends `s` as one CSV field, quoted as [`CsvRows`] quotes it.
fn push_text(buf: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    // The bytes that need quoting (`\n`, `\r`, `"`, `,`) all sort at or
    // below `,`: a field of larger bytes (every id, which the scenario
    // limits to letters, digits, `_` and `-`) is written as it is.
    if !b.iter().all(|&c| c > b',') && b.iter().any(|&c| matches!(c, b',' | b'"' | b'\n' | b'\r')) {
        buf.push(b'"');
        for &c in b {
            if c == b'"' {
                buf.push(b'"');
            }
            buf.push(c);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(b);
    }
}

/// Bytes gathered before a [`CsvRows`] hands them to its writer: large
/// enough that the writer's per-call cost is amortised over hundreds of
/// rows, small enough not to matter for memory (7 record files: about
/// 120 KiB in all). Assumption.
const CSV_ROWS_FLUSH_BYTES: usize = 16 * 1024;

/// One CSV file written a row at a time: byte for byte what `csv::Writer`
/// with its default settings writes (`,` between fields, `\n` after each
/// row, a field quoted only when it holds a comma, a double quote, `\r` or
/// `\n`, its double quotes doubled; a row whose only field is empty, or
/// with no field, written as `""`), checked against the csv crate in
/// `tests::csv_rows_write_what_the_csv_crate_writes`.
///
/// Why not the csv crate: the record files are most of what `pioneer run`
/// writes per replication, and their fields are numbers, ISO dates and ids
/// (which never need quoting); `csv::Writer` runs every field through its
/// quoting state machine and needs each number or date made into a string
/// first. Here numbers and dates are written straight into one reused
/// buffer and only text fields are scanned for quoting. Each field is
/// followed by a comma; `end` turns the last one into the row terminator.
/// Every other CSV of the crate is written with `csv::Writer`.
struct CsvRows<W: Write> {
    out: W,
    buf: Vec<u8>,
    row_start: usize,
}

impl<W: Write> CsvRows<W> {
    fn new(out: W) -> Self {
        CsvRows {
            out,
            buf: Vec::with_capacity(CSV_ROWS_FLUSH_BYTES + 1024),
            row_start: 0,
        }
    }

    /// A text field, quoted if it needs to be.
    fn text(&mut self, s: &str) -> &mut Self {
        push_text(&mut self.buf, s);
        self.buf.push(b',');
        self
    }

    /// A field already written as CSV bytes (for a value written once and
    /// repeated on many rows, such as the replication number).
    fn raw(&mut self, field: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(field);
        self.buf.push(b',');
        self
    }

    /// An integer.
    fn int(&mut self, v: impl itoa::Integer) -> &mut Self {
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        self.buf.push(b',');
        self
    }

    /// A value whose display never holds a comma, a quote or a line break
    /// (a [`Num`], a float formatted with a precision), written unquoted.
    fn value(&mut self, v: impl std::fmt::Display) -> &mut Self {
        // Writing into a Vec cannot fail.
        let _ = write!(self.buf, "{v}");
        self.buf.push(b',');
        self
    }

    /// An ISO date ([`iso`]), or an empty field for `None`.
    fn date(&mut self, d: Option<NaiveDate>) -> &mut Self {
        if let Some(d) = d {
            write_iso(&mut self.buf, d);
        }
        self.buf.push(b',');
        self
    }

    /// Ends the row; hands the buffer to the writer once it is large.
    fn end(&mut self) -> Result<(), ExportError> {
        let row = &self.buf[self.row_start..];
        if row.is_empty() || row == b"," {
            // The csv crate writes a lone empty field as `""`.
            self.buf.truncate(self.row_start);
            self.buf.extend_from_slice(b"\"\"\n");
        } else {
            let last = self.buf.len() - 1;
            self.buf[last] = b'\n';
        }
        if self.buf.len() >= CSV_ROWS_FLUSH_BYTES {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        self.row_start = self.buf.len();
        Ok(())
    }

    /// Writes what is buffered, flushes the writer and returns it.
    fn into_inner(mut self) -> Result<W, ExportError> {
        debug_assert_eq!(self.row_start, self.buf.len(), "a row was left open");
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok(self.out)
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
    files: Vec<CsvRows<W>>,
    ts_labels: Vec<String>,
    /// Per body, the sectors represented among its members, each with the
    /// `body,sector` fields of its `meetings.csv` rows, written once.
    meeting_sectors: Vec<Vec<(AgentKind, Vec<u8>)>>,
    /// A field written once and repeated on several rows (a meeting's date).
    field: Vec<u8>,
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
            let mut w = CsvRows::new(open(name)?);
            for field in header {
                w.text(field);
            }
            w.end()?;
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
            .body_sectors()
            .into_iter()
            .zip(&plan.bodies)
            .map(|(ks, b)| {
                ks.into_iter()
                    .map(|k| {
                        let mut fields = Vec::new();
                        push_text(&mut fields, &b.id);
                        fields.push(b',');
                        push_text(&mut fields, k.id());
                        (k, fields)
                    })
                    .collect()
            })
            .collect();
        Ok(RecordWriters {
            files,
            ts_labels,
            meeting_sectors,
            field: Vec::new(),
        })
    }

    /// Writes the rows of the next replication (in replication order).
    pub fn add(&mut self, plan: &Plan, r: &ReplicationResult) -> Result<(), ExportError> {
        let params = plan.params();
        let mut rep = itoa::Buffer::new();
        let rep = rep.format(r.replication).as_bytes();
        let w = &mut self.files[MILESTONES];
        for m in &r.milestones {
            let ea = m.ea.map_or("programme", |e| plan.eas[e].id.as_str());
            w.raw(rep)
                .text(ea)
                .text(plan.milestone_id(m.milestone))
                .text(m.kind)
                .date(m.first_planned)
                .date(m.planned)
                .date(m.achieved)
                .text(m.status.id())
                .end()?;
        }
        if params.record.timeseries == TimeseriesMode::Replications && detailed(plan, r) {
            let layout = &plan.series;
            let ns = layout.len();
            let w = &mut self.files[TIMESERIES];
            for p in 0..plan.periods {
                let d = plan
                    .calendar
                    .period_start(p, params.record.timeseries_every);
                for (s, def) in layout.defs.iter().enumerate() {
                    w.raw(rep)
                        .date(Some(d))
                        .text(layout.scope_name(def))
                        .text(kind_name(def.kind))
                        .text(def.metric.id())
                        .text("value")
                        .value(Num(r.series[p * ns + s]))
                        .end()?;
                }
            }
        }
        let w = &mut self.files[MEETINGS];
        for m in &r.meetings {
            self.field.clear();
            write_iso(&mut self.field, plan.calendar.date(m.tick));
            let quorate: &[u8] = if m.quorate { b"true" } else { b"false" };
            for (k, body_sector) in &self.meeting_sectors[m.body as usize] {
                w.raw(rep)
                    .raw(&self.field)
                    .raw(body_sector)
                    .int(m.attendees[k.index()])
                    .raw(quorate)
                    .end()?;
            }
        }
        if detailed(plan, r) {
            let w = &mut self.files[SPEND];
            for m in 0..plan.months {
                let d = plan
                    .calendar
                    .period_start(m, crate::model::calendar::Period::Month);
                for cat in SpendCategory::ALL.iter() {
                    w.raw(rep)
                        .date(Some(d))
                        .text(cat.id())
                        .value(format_args!("{:.2}", r.spend_in(m, *cat)))
                        .end()?;
                }
            }
        }
        let w = &mut self.files[REPLANS];
        for x in &r.replans {
            w.raw(rep)
                .date(Some(plan.calendar.date(x.tick)))
                .text(x.milestone)
                .date(Some(x.old))
                .date(Some(x.new))
                .end()?;
        }
        let w = &mut self.files[WORKAROUNDS];
        for x in &r.workarounds {
            w.raw(rep)
                .text(plan.eas[x.ea].id.as_str())
                .text(params.barriers[x.barrier].id.as_str())
                .int(x.parties)
                .value(Num(x.hours))
                .date(x.started)
                .date(x.completed)
                .date(x.removed_nationally)
                .end()?;
        }
        let w = &mut self.files[SCOPE_DECISIONS];
        for x in &r.scope_decisions {
            w.raw(rep)
                .text(plan.eas[x.ea].id.as_str())
                .date(Some(plan.calendar.date(x.tick)))
                .text(x.from.id())
                .text(x.to.id())
                .date(Some(x.planned))
                .date(Some(x.projected))
                .value(Num(x.slip_weeks))
                .int(x.milestones_dropped)
                .end()?;
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
        let d = plan
            .calendar
            .period_start(p, params.record.timeseries_every);
        let scope = layout.scope_name(def);
        let kind = kind_name(def.kind);
        let stats = std::iter::once(("mean", mean(sorted))).chain(
            self.ts_labels
                .iter()
                .zip(&params.record.quantiles)
                .map(|(l, &q)| (l.as_str(), quantile_sorted(sorted, q))),
        );
        let w = &mut self.files[TIMESERIES];
        for (statistic, value) in stats {
            w.text("")
                .date(Some(d))
                .text(scope)
                .text(kind)
                .text(def.metric.id())
                .text(statistic)
                .value(Num(value))
                .end()?;
        }
        Ok(())
    }

    /// Flushes every file and returns the writers, in [`RECORD_FILES`] order.
    pub fn finish(self) -> Result<Vec<W>, ExportError> {
        self.files.into_iter().map(CsvRows::into_inner).collect()
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
    Num(v).to_string()
}

/// Displays a number as [`fmt_num`] writes it (without making a `String`).
struct Num(f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        // Shortest representation that round-trips; stable across platforms.
        if v == v.trunc() && v.abs() < 1e15 {
            write!(f, "{}", v as i64)
        } else {
            write!(f, "{v}")
        }
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

    /// Every field kind, through `CsvRows`, as one string per field (what the
    /// csv crate is handed).
    #[derive(Debug, Clone)]
    enum Field {
        Text(String),
        Value(f64),
        Count(u32),
        Small(u16),
        Date(Option<NaiveDate>),
    }

    impl Field {
        fn as_csv_field(&self) -> String {
            match self {
                Field::Text(s) => s.clone(),
                Field::Value(v) => fmt_num(*v),
                Field::Count(n) => n.to_string(),
                Field::Small(n) => n.to_string(),
                Field::Date(d) => d.map(iso).unwrap_or_default(),
            }
        }
    }

    /// The bytes of `rows` written by `CsvRows` and by `csv::Writer`.
    fn both(rows: &[Vec<Field>]) -> (Vec<u8>, Vec<u8>) {
        let mut ours = CsvRows::new(Vec::new());
        let mut theirs = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for row in rows {
            for f in row {
                match f {
                    Field::Text(s) => ours.text(s),
                    Field::Value(v) => ours.value(Num(*v)),
                    Field::Count(n) => ours.int(*n),
                    Field::Small(n) => ours.int(*n),
                    Field::Date(d) => ours.date(*d),
                };
            }
            ours.end().unwrap();
            theirs
                .write_record(row.iter().map(Field::as_csv_field))
                .unwrap();
        }
        (ours.into_inner().unwrap(), theirs.into_inner().unwrap())
    }

    /// The row writer of the record files writes what the csv crate writes:
    /// quoting, doubled quotes, line breaks, empty fields, a row with one
    /// empty field or none, non-ASCII text, numbers and dates.
    #[test]
    fn csv_rows_write_what_the_csv_crate_writes() {
        let t = |s: &str| Field::Text(s.to_string());
        let ymd = |y, m, d| Some(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        let rows: Vec<Vec<Field>> = vec![
            vec![t("plain"), t("with,comma"), t("with \"quotes\"")],
            vec![t("line\nbreak"), t("carriage\rreturn"), t("crlf\r\n")],
            vec![t("\""), t(","), t("\"\""), t("\n")],
            vec![t(""), t(""), t("")],
            vec![t("")],
            vec![],
            vec![t("a")],
            vec![t(""), t("x")],
            vec![t("x"), t("")],
            vec![
                t(" lead"),
                t("trail "),
                t("\ttab"),
                t("#hash"),
                t("'single'"),
            ],
            vec![t("é,ü"), t("日本語"), t("emoji 🚑"), t("naïve \"quote\"")],
            vec![
                Field::Value(0.0),
                Field::Value(-0.0),
                Field::Value(1.5),
                Field::Value(-2.25e-7),
                Field::Value(1e15),
                Field::Value(123456789012345.0),
                Field::Value(f64::NAN),
                Field::Value(f64::INFINITY),
                Field::Value(0.1 + 0.2),
            ],
            vec![Field::Count(0), Field::Count(u32::MAX), Field::Count(42)],
            vec![Field::Small(0), Field::Small(7), Field::Small(u16::MAX)],
            vec![
                Field::Date(ymd(2013, 12, 20)),
                Field::Date(None),
                Field::Date(ymd(-1, 1, 1)),
                Field::Date(ymd(10000, 2, 29)),
                Field::Date(None),
            ],
            vec![Field::Date(None)],
        ];
        let (ours, theirs) = both(&rows);
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs)
        );
        // Past the flush size: the same bytes, whatever the buffering.
        let many: Vec<Vec<Field>> = (0..20_000)
            .map(|i| vec![Field::Count(i), t("id,x"), Field::Value(f64::from(i) / 7.0)])
            .collect();
        let (ours, theirs) = both(&many);
        assert!(ours.len() > 2 * CSV_ROWS_FLUSH_BYTES);
        assert!(ours == theirs);
    }

    fn field() -> impl proptest::strategy::Strategy<Value = Field> {
        use proptest::prelude::*;
        prop_oneof![
            // Text biased towards the bytes that need quoting.
            proptest::collection::vec(
                prop_oneof![
                    Just(','),
                    Just('"'),
                    Just('\n'),
                    Just('\r'),
                    Just(' '),
                    Just('é'),
                    any::<char>(),
                    proptest::char::range('a', 'z'),
                ],
                0..8
            )
            .prop_map(|cs| Field::Text(cs.into_iter().collect())),
            any::<f64>().prop_map(Field::Value),
            (-1e6f64..1e6).prop_map(Field::Value),
            (-1000i32..1000).prop_map(|v| Field::Value(f64::from(v))),
            any::<u32>().prop_map(Field::Count),
            any::<u16>().prop_map(Field::Small),
            proptest::option::of(-100_000i32..3_000_000)
                .prop_map(|d| Field::Date(d.and_then(NaiveDate::from_num_days_from_ce_opt))),
        ]
    }

    proptest::proptest! {
        /// Any rows of any fields: the csv crate's bytes.
        #[test]
        fn csv_rows_match_the_csv_crate_on_any_rows(
            rows in proptest::collection::vec(proptest::collection::vec(field(), 0..6), 0..12)
        ) {
            let (ours, theirs) = both(&rows);
            proptest::prop_assert_eq!(ours, theirs);
        }
    }
}
