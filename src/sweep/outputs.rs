//! Scalar outputs a sweep records for every run, named by stable ids:
//!
//! | id | value | unit |
//! |---|---|---|
//! | `go_live_delay_weeks:<ea>` | go-live (`pilot_live`) date minus the first promised date | weeks |
//! | `delay_weeks:<scope>:<milestone>` | achieved minus first planned date of any milestone; scope an early adopter or `programme` | weeks |
//! | `programme_slip_weeks` | median over early adopters of the go-live delay | weeks |
//! | `mean_go_live_delay_weeks` | mean over early adopters of the go-live delay | weeks |
//! | `live_by:<YYYY-MM-DD>` | early adopters live on or before the date | count |
//! | `live_at_horizon` | early adopters live by the end of the simulation | count |
//! | `replans` | re-plans: reviews at which the programme moved its planned pilot start (`pilot_live`) later (the shifts of the follower milestones each such review makes are not counted) | count |
//! | `plan_changes` | milestone plan changes: every change of any programme milestone's planned date (every row of a run's `replans.csv`) | count |
//! | `spend_gbp:<category>` | spend over the horizon; category `consultancy`, `programme_team`, `ea_tranches`, `local_support` or `total` | £ |
//!
//! A milestone not reached by the horizon is *censored*: its delay is taken
//! as of the horizon (the smallest delay consistent with the run), so delays
//! are always numbers and comparable across runs. `live_at_horizon` says how
//! many go-lives were censored.

use chrono::NaiveDate;

use crate::engine::milestone_ref::MilestoneRef;
use crate::engine::plan::Plan;
use crate::model::ProgrammeMilestone;
use crate::observe::{ReplicationResult, SpendCategory};
use crate::scenario::Scenario;

/// What an output measures, with every id resolved (early adopters and
/// milestones by index): evaluating it does no string work.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputKind {
    /// Delay of one milestone (`ea` None = programme level).
    DelayWeeks {
        /// Early adopter index, or None for the programme.
        ea: Option<usize>,
        /// The milestone.
        milestone: MilestoneRef,
    },
    /// Median go-live delay over early adopters.
    ProgrammeSlip,
    /// Mean go-live delay over early adopters.
    MeanGoLiveDelay,
    /// Early adopters live by a date.
    LiveBy(NaiveDate),
    /// Early adopters live by the horizon.
    LiveAtHorizon,
    /// Re-plans of the pilot start (`pilot_live`).
    Replans,
    /// Every change of a programme milestone's planned date.
    PlanChanges,
    /// Spend in one category, or all (None).
    Spend(Option<SpendCategory>),
}

/// One recorded output: its id (the column name) and what it measures.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputDef {
    /// Column name, as written in the sweep file.
    pub id: String,
    /// What it measures.
    pub kind: OutputKind,
}

/// Why an output id is not understood.
#[derive(Debug, Clone)]
pub struct OutputProblem {
    /// What was expected.
    pub expected: String,
    /// A hint.
    pub hint: Option<String>,
}

const FIXED: [&str; 6] = [
    "programme_slip_weeks",
    "mean_go_live_delay_weeks",
    "live_at_horizon",
    "replans",
    "plan_changes",
    "spend_gbp:total",
];

/// The milestone whose re-plans `replans` counts.
const REPLANNED: &str = "pilot_live";

/// The outputs recorded when the sweep file names none: every early
/// adopter's go-live delay, the first go-live and co-design delays, and the
/// programme summaries.
///
/// Fails (never panics) when the scenario cannot give one of them, e.g. a
/// journey without `pilot_live`.
pub fn default_outputs(base: &Scenario) -> Result<Vec<OutputDef>, OutputProblem> {
    let mut ids: Vec<String> = base
        .raw()
        .early_adopters
        .iter()
        .map(|e| format!("go_live_delay_weeks:{}", e.id))
        .collect();
    ids.push("delay_weeks:programme:codesign_complete".into());
    ids.push("delay_weeks:programme:first_pilot_live".into());
    ids.extend(FIXED.iter().map(|s| s.to_string()));
    ids.push("spend_gbp:consultancy".into());
    ids.iter().map(|id| parse(id, base)).collect()
}

fn problem(expected: &str, hint: Option<String>) -> OutputProblem {
    OutputProblem {
        expected: expected.to_string(),
        hint,
    }
}

fn ea_index(base: &Scenario, id: &str) -> Result<usize, OutputProblem> {
    let eas = &base.raw().early_adopters;
    eas.iter().position(|e| e.id == id).ok_or_else(|| {
        problem(
            "an early adopter id of the base scenario",
            Some(crate::scenario::error::did_you_mean(
                id,
                eas.iter().map(|e| e.id.as_str()),
            )),
        )
    })
}

/// Where an early adopter's part ends in `<ea>:<milestone>`: early adopter
/// ids may themselves contain `:`, so the longest id of the base scenario
/// followed by `:` wins; failing that, the first `:` (and the early adopter
/// is then reported as unknown).
fn split_scope<'a>(rest: &'a str, base: &Scenario) -> Option<(&'a str, &'a str)> {
    if let Some(milestone) = rest.strip_prefix("programme:") {
        return Some(("programme", milestone));
    }
    base.raw()
        .early_adopters
        .iter()
        .filter_map(|e| {
            rest.strip_prefix(e.id.as_str())
                .and_then(|tail| tail.strip_prefix(':'))
                .map(|milestone| (&rest[..e.id.len()], milestone))
        })
        .max_by_key(|(scope, _)| scope.len())
        .or_else(|| rest.split_once(':'))
}

/// Parses an output id against the base scenario. Never panics: an id of
/// any shape is either resolved or refused with what was expected.
pub fn parse(id: &str, base: &Scenario) -> Result<OutputDef, OutputProblem> {
    let unknown = || {
        problem(
            "an output id: go_live_delay_weeks:<ea>, delay_weeks:<scope>:<milestone>, programme_slip_weeks, mean_go_live_delay_weeks, live_by:<date>, live_at_horizon, replans, plan_changes or spend_gbp:<category|total>",
            crate::scenario::error::nearest(
                id,
                FIXED.iter().copied().chain(["go_live_delay_weeks:", "delay_weeks:", "live_by:", "spend_gbp:"]),
            )
            .map(|k| format!("did you mean `{k}`?")),
        )
    };
    // The part after the first `:` is kept whole: early adopter ids may contain `:`.
    let (head, rest) = match id.split_once(':') {
        Some((h, r)) => (h, Some(r)),
        None => (id, None),
    };
    let kind = match (head, rest) {
        ("programme_slip_weeks", None) => OutputKind::ProgrammeSlip,
        ("mean_go_live_delay_weeks", None) => OutputKind::MeanGoLiveDelay,
        ("live_at_horizon", None) => OutputKind::LiveAtHorizon,
        ("replans", None) => OutputKind::Replans,
        ("plan_changes", None) => OutputKind::PlanChanges,
        ("go_live_delay_weeks", Some(ea)) => OutputKind::DelayWeeks {
            ea: Some(ea_index(base, ea)?),
            milestone: MilestoneRef::journey(base, "pilot_live")
                .ok_or_else(|| problem("a scenario whose journey has `pilot_live`", None))?,
        },
        ("delay_weeks", Some(rest)) => {
            let (scope, milestone) = split_scope(rest, base).ok_or_else(unknown)?;
            let (ea, milestone) = if scope == "programme" {
                let m = MilestoneRef::programme(milestone).ok_or_else(|| {
                    problem(
                        "a programme milestone id",
                        Some(crate::scenario::error::did_you_mean(
                            milestone,
                            ProgrammeMilestone::ALL.iter().map(|m| m.id()),
                        )),
                    )
                })?;
                (None, m)
            } else {
                let ea = ea_index(base, scope)?;
                let m = MilestoneRef::journey(base, milestone).ok_or_else(|| {
                    problem(
                        "a journey milestone id",
                        Some(crate::scenario::error::did_you_mean(
                            milestone,
                            base.journey().iter().map(|m| m.id.as_str()),
                        )),
                    )
                })?;
                (Some(ea), m)
            };
            OutputKind::DelayWeeks { ea, milestone }
        }
        ("live_by", Some(date)) => {
            OutputKind::LiveBy(NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
                problem(
                    "a date as YYYY-MM-DD after `live_by:`",
                    Some("e.g. live_by:2015-04-01".into()),
                )
            })?)
        }
        ("spend_gbp", Some("total")) => OutputKind::Spend(None),
        ("spend_gbp", Some(cat)) => OutputKind::Spend(Some(
            SpendCategory::ALL
                .into_iter()
                .find(|c| c.id() == cat)
                .ok_or_else(|| {
                    problem(
                        "a spend category or `total`",
                        Some(crate::scenario::error::did_you_mean(
                            cat,
                            SpendCategory::ALL.iter().map(|c| c.id()).chain(["total"]),
                        )),
                    )
                })?,
        )),
        _ => return Err(unknown()),
    };
    Ok(OutputDef {
        id: id.to_string(),
        kind,
    })
}

/// What an output id measures and its unit, as in the table above (from
/// the id alone, for reports of a finished sweep): `(meaning, unit)`.
pub fn describe(id: &str) -> (String, &'static str) {
    let (head, rest) = match id.split_once(':') {
        Some((h, r)) => (h, r),
        None => (id, ""),
    };
    match head {
        "go_live_delay_weeks" => (
            format!("go-live of {rest} minus its first promised date"),
            "weeks",
        ),
        "delay_weeks" => (
            format!("achieved minus first planned date of {rest}"),
            "weeks",
        ),
        "programme_slip_weeks" => (
            "median over early adopters of the go-live delay".into(),
            "weeks",
        ),
        "mean_go_live_delay_weeks" => (
            "mean over early adopters of the go-live delay".into(),
            "weeks",
        ),
        "live_by" => (format!("early adopters live on or before {rest}"), "count"),
        "live_at_horizon" => (
            "early adopters live by the end of the simulation".into(),
            "count",
        ),
        "replans" => (
            "re-plans: reviews that moved the planned pilot start later".into(),
            "count",
        ),
        "plan_changes" => (
            "milestone plan changes: every change of a programme milestone's planned date".into(),
            "count",
        ),
        "spend_gbp" => (format!("spend over the horizon: {rest}"), "£"),
        _ => (id.to_string(), ""),
    }
}

fn weeks_between(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64 / 7.0
}

/// Delay (censored at the horizon) of `milestone` for `ea`.
fn delay_weeks(
    plan: &Plan,
    r: &ReplicationResult,
    ea: Option<usize>,
    milestone: MilestoneRef,
) -> f64 {
    let horizon = plan.raw().calendar.horizon.0;
    milestone.record(plan, r, ea).map_or(f64::NAN, |m| {
        let first = m.first_planned.unwrap_or(plan.calendar.date(0));
        weeks_between(first, m.achieved.unwrap_or(horizon))
    })
}

fn go_live_delays(plan: &Plan, r: &ReplicationResult) -> Vec<f64> {
    let go_live = MilestoneRef::Journey(plan.pilot_live);
    (0..plan.eas.len())
        .map(|e| delay_weeks(plan, r, Some(e), go_live))
        .collect()
}

impl OutputDef {
    /// The output's value in one replication.
    pub fn value(&self, plan: &Plan, r: &ReplicationResult) -> f64 {
        match &self.kind {
            OutputKind::DelayWeeks { ea, milestone } => delay_weeks(plan, r, *ea, *milestone),
            OutputKind::ProgrammeSlip => {
                let mut d = go_live_delays(plan, r);
                d.sort_by(f64::total_cmp);
                crate::util::stats::quantile_sorted(&d, 0.5)
            }
            OutputKind::MeanGoLiveDelay => crate::util::stats::mean(&go_live_delays(plan, r)),
            OutputKind::LiveBy(date) => r.live_by(&plan.calendar, *date) as f64,
            OutputKind::LiveAtHorizon => r.go_live.iter().filter(|t| t.is_some()).count() as f64,
            OutputKind::Replans => r
                .replans
                .iter()
                .filter(|x| x.milestone == REPLANNED)
                .count() as f64,
            OutputKind::PlanChanges => r.replans.len() as f64,
            OutputKind::Spend(category) => {
                let nc = SpendCategory::ALL.len();
                r.spend
                    .chunks(nc)
                    .flat_map(|month| {
                        month
                            .iter()
                            .zip(SpendCategory::ALL)
                            .filter(|(_, c)| category.is_none_or(|want| want == *c))
                            .map(|(x, _)| *x)
                    })
                    .sum()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ensemble::run_replication;

    #[test]
    fn default_outputs_cover_every_early_adopter_and_are_consistent() {
        let s = Scenario::default_nwl();
        let defs = default_outputs(&s).unwrap();
        assert_eq!(defs.len(), 9 + 2 + FIXED.len() + 1);
        let plan = Plan::new(&s);
        let r = run_replication(&plan, 7, 0);
        let value = |id: &str| {
            defs.iter()
                .find(|d| d.id == id)
                .unwrap_or_else(|| panic!("{id}"))
                .value(&plan, &r)
        };
        let mut delays: Vec<f64> = s
            .raw()
            .early_adopters
            .iter()
            .map(|e| value(&format!("go_live_delay_weeks:{}", e.id)))
            .collect();
        assert!(delays.iter().all(|d| d.is_finite()));
        delays.sort_by(f64::total_cmp);
        assert_eq!(value("programme_slip_weeks"), delays[4]);
        // The first go-live's delay is the smallest early adopter delay
        // (all early adopters share the promised pilot start).
        assert_eq!(value("delay_weeks:programme:first_pilot_live"), delays[0]);
        let parts: f64 = SpendCategory::ALL
            .iter()
            .map(|c| {
                parse(&format!("spend_gbp:{}", c.id()), &s)
                    .unwrap()
                    .value(&plan, &r)
            })
            .sum();
        assert!((parts - value("spend_gbp:total")).abs() < 1e-6 * parts.max(1.0));
        assert_eq!(value("plan_changes"), r.replans.len() as f64);
        assert_eq!(
            value("replans"),
            r.replans
                .iter()
                .filter(|x| x.milestone == "pilot_live")
                .count() as f64
        );
        let live = parse("live_by:2099-01-01", &s).unwrap().value(&plan, &r);
        assert_eq!(live, value("live_at_horizon"));
    }

    /// `replans` counts reviews that moved the pilot start; `plan_changes`
    /// every milestone plan change. Each review that re-plans moves the
    /// pilot start first and may shift followers in the same week, so
    /// `replans` equals the number of distinct review weeks among all plan
    /// changes (derived here from the weeks, not the milestone names).
    #[test]
    fn replans_count_pilot_start_reviews_and_plan_changes_every_change() {
        let s = Scenario::default_nwl();
        let plan = Plan::new(&s);
        let replans = parse("replans", &s).unwrap();
        let changes = parse("plan_changes", &s).unwrap();
        let mut followers_seen = false;
        for seed in 0..20 {
            let r = run_replication(&plan, seed, 0);
            let mut weeks: Vec<_> = r.replans.iter().map(|x| x.tick).collect();
            weeks.dedup();
            assert_eq!(replans.value(&plan, &r), weeks.len() as f64, "seed {seed}");
            assert_eq!(changes.value(&plan, &r), r.replans.len() as f64);
            followers_seen |= r.replans.len() > weeks.len();
        }
        // Not vacuous: some reviews also shifted follower milestones.
        assert!(followers_seen, "no follower shifts in 20 replications");
    }

    #[test]
    fn resolved_milestones_are_the_records_named_by_id() {
        let s = Scenario::default_nwl();
        let plan = Plan::new(&s);
        let r = run_replication(&plan, 3, 1);
        for m in &r.milestones {
            let id = plan.milestone_id(m.milestone);
            let resolved = match m.ea {
                Some(_) => MilestoneRef::journey(&s, id),
                None => MilestoneRef::programme(id),
            }
            .unwrap_or_else(|| panic!("{id}"));
            assert_eq!(resolved.index(&plan), m.milestone, "{id}");
            assert_eq!(resolved.record(&plan, &r, m.ea), Some(m), "{id}");
        }
    }

    #[test]
    fn unknown_outputs_get_hints() {
        let s = Scenario::default_nwl();
        let e = parse("go_live_delay_weeks:brnt", &s).unwrap_err();
        assert!(e.hint.unwrap().contains("brent"));
        let e = parse("delay_weeks:programme:codesign", &s).unwrap_err();
        assert!(e.hint.unwrap().contains("codesign_complete"));
        let e = parse("programme_slip", &s).unwrap_err();
        assert!(e.hint.unwrap().contains("programme_slip_weeks"));
        assert!(parse("live_by:2015-13-01", &s).is_err());
        assert!(parse("spend_gbp:consultncy", &s)
            .unwrap_err()
            .hint
            .unwrap()
            .contains("consultancy"));
    }
}
