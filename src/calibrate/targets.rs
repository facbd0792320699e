//! The targets file: observed quantities a calibrated scenario must
//! reproduce, each with a tolerance, and the rule that computes the same
//! quantity from a simulated replication.
//!
//! Dates are compared in weeks; a target is met when the median across
//! replications lies within `tolerance` of `observed`.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::engine::milestone_ref::MilestoneRef;
use crate::engine::plan::Plan;
use crate::model::calendar::Period;
use crate::observe::{ReplicationResult, SpendCategory};
use crate::scenario::error::did_you_mean;
use crate::scenario::locate::{KeyPath, Locator};
use crate::scenario::validate::Issue;
use crate::scenario::{locate_issues, parse_toml, IsoDate, LoadError, Scenario};

/// Weeks used for "never reached within the horizon" (far beyond any horizon).
pub const NOT_REACHED_WEEKS: f64 = 10_000.0;

/// A targets file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct TargetsFile {
    /// The targets.
    pub targets: Vec<TargetSpec>,
}

/// One observed quantity.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct TargetSpec {
    /// Short id used in reports. Unit: id. Source: user.
    pub id: String,
    /// Which simulated quantity. Unit: enum. Source: user.
    pub quantity: Quantity,
    /// Early adopter id, or `programme`, for `milestone_date`. Unit: id. Source: user.
    #[serde(default)]
    pub early_adopter: Option<String>,
    /// Milestone id (a journey milestone, or a programme milestone for `milestone_date` with early_adopter = "programme"; `pilot_live` or a programme milestone for `planned_date_at` and `replans_by`). Unit: id. Source: user.
    #[serde(default)]
    pub milestone: Option<String>,
    /// Rank for `nth_achieved` (1 = first early adopter to reach the milestone). Unit: rank. Source: user.
    #[serde(default)]
    pub n: Option<u32>,
    /// Date for `count_achieved_by`, `planned_date_at` and `replans_by`. Unit: ISO date. Source: user.
    #[serde(default)]
    pub date: Option<IsoDate>,
    /// Financial year (its starting calendar year) for `central_spend_share`. Unit: year. Source: user.
    #[serde(default)]
    pub financial_year: Option<i32>,
    /// Observed date, for date quantities. Unit: ISO date. Source: the evidence.
    #[serde(default)]
    pub observed_date: Option<IsoDate>,
    /// Observed number, for count and share quantities. Unit: the quantity's. Source: the evidence.
    #[serde(default)]
    pub observed: Option<f64>,
    /// Half-width of the acceptable band around the observation (weeks for dates). Unit: weeks or the quantity's unit. Source: the evidence's precision.
    pub tolerance: f64,
    /// Where the observation comes from. Unit: text. Source: user.
    #[serde(default)]
    pub source: String,
}

/// Simulated quantities a target can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// Date a milestone is achieved by one early adopter or the programme.
    MilestoneDate,
    /// Date the n-th early adopter achieves a journey milestone.
    NthAchieved,
    /// Number of early adopters that achieved a journey milestone by a date.
    CountAchievedBy,
    /// The programme's planned date for a milestone as it stood on a date (after re-plans).
    PlannedDateAt,
    /// Number of re-plans of a milestone up to a date.
    ReplansBy,
    /// Central (consultancy and programme team) share of spend in a financial year.
    CentralSpendShare,
}

impl Quantity {
    /// Whether observations are dates.
    pub fn is_date(self) -> bool {
        matches!(
            self,
            Quantity::MilestoneDate | Quantity::NthAchieved | Quantity::PlannedDateAt
        )
    }
}

/// A validated target, its early adopter and milestone resolved to indices
/// against the scenario it was loaded for.
#[derive(Debug, Clone)]
pub struct Target {
    /// The spec.
    pub spec: TargetSpec,
    resolved: Resolved,
}

/// What `simulate` needs, resolved once at load time.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    /// The early adopter of `milestone_date` (None = programme).
    ea: Option<usize>,
    /// The milestone of the records looked at (None: no such record exists).
    milestone: Option<MilestoneRef>,
    /// Whether the milestone is `pilot_live` (its first plan is the timetable's pilot start).
    pilot_live: bool,
}

impl Resolved {
    fn new(spec: &TargetSpec, scenario: &Scenario) -> Resolved {
        let id = spec.milestone.as_deref().unwrap_or("");
        let ea = match spec.early_adopter.as_deref() {
            None | Some("programme") => None,
            Some(e) => scenario.raw().early_adopters.iter().position(|x| x.id == e),
        };
        // Programme-level records hold programme milestones; early adopters' hold journey milestones.
        let programme_level = match spec.quantity {
            Quantity::MilestoneDate => ea.is_none(),
            Quantity::PlannedDateAt => true,
            _ => false,
        };
        let milestone = if programme_level {
            MilestoneRef::programme(id)
        } else {
            MilestoneRef::journey(scenario, id)
        };
        Resolved {
            ea,
            milestone,
            pilot_live: id == "pilot_live",
        }
    }
}

impl Target {
    /// Observed value (weeks since the calendar start for dates).
    pub fn observed(&self, plan: &Plan) -> f64 {
        match self.spec.observed_date {
            Some(d) => weeks_since_start(plan, d.0),
            None => self.spec.observed.unwrap_or(0.0),
        }
    }

    /// The quantity in one replication (weeks since the start for dates;
    /// `NOT_REACHED_WEEKS` when not reached).
    pub fn simulate(&self, plan: &Plan, r: &ReplicationResult) -> f64 {
        let s = &self.spec;
        let x = self.resolved;
        match s.quantity {
            Quantity::MilestoneDate => x
                .milestone
                .and_then(|m| m.record(plan, r, x.ea))
                .and_then(|m| m.achieved)
                .map_or(NOT_REACHED_WEEKS, |d| weeks_since_start(plan, d)),
            Quantity::NthAchieved => {
                let mut dates: Vec<NaiveDate> = achieved_dates(plan, r, x.milestone);
                dates.sort_unstable();
                dates
                    .get(s.n.unwrap_or(1) as usize - 1)
                    .map_or(NOT_REACHED_WEEKS, |&d| weeks_since_start(plan, d))
            }
            Quantity::CountAchievedBy => {
                let by = s.date.map(|d| d.0).unwrap_or(NaiveDate::MAX);
                achieved_dates(plan, r, x.milestone)
                    .into_iter()
                    .filter(|&d| d <= by)
                    .count() as f64
            }
            Quantity::PlannedDateAt => {
                let milestone = s.milestone.as_deref().unwrap_or("");
                let at = s.date.map(|d| d.0).unwrap_or(NaiveDate::MAX);
                let first = if x.pilot_live {
                    plan.raw().timetable.pilot_start.0
                } else {
                    x.milestone
                        .and_then(|m| m.record(plan, r, None))
                        .and_then(|m| m.first_planned)
                        .unwrap_or(plan.calendar.date(0))
                };
                // Re-plan records name their milestone (`ReplanRecord::milestone` has no index).
                let latest = r
                    .replans
                    .iter()
                    .rfind(|x| x.milestone == milestone && plan.calendar.date(x.tick) <= at)
                    .map_or(first, |x| x.new);
                weeks_since_start(plan, latest)
            }
            Quantity::ReplansBy => {
                let milestone = s.milestone.as_deref().unwrap_or("");
                let at = s.date.map(|d| d.0).unwrap_or(NaiveDate::MAX);
                r.replans
                    .iter()
                    .filter(|x| x.milestone == milestone && plan.calendar.date(x.tick) <= at)
                    .count() as f64
            }
            Quantity::CentralSpendShare => {
                let fy = s.financial_year.unwrap_or(0);
                let (mut central, mut total) = (0.0, 0.0);
                for m in 0..plan.months {
                    if plan
                        .calendar
                        .financial_year(plan.calendar.period_start(m, Period::Month))
                        != fy
                    {
                        continue;
                    }
                    for cat in SpendCategory::ALL.iter() {
                        let x = r.spend_in(m, *cat);
                        total += x;
                        if cat.is_central() {
                            central += x;
                        }
                    }
                }
                if total > 0.0 {
                    central / total
                } else {
                    0.0
                }
            }
        }
    }
}

fn weeks_since_start(plan: &Plan, d: NaiveDate) -> f64 {
    (d - plan.calendar.date(0)).num_days() as f64 / 7.0
}

/// Dates early adopters achieved a journey milestone.
fn achieved_dates(
    plan: &Plan,
    r: &ReplicationResult,
    milestone: Option<MilestoneRef>,
) -> Vec<NaiveDate> {
    let Some(ix) = milestone.map(|m| m.index(plan)) else {
        return Vec::new();
    };
    r.milestones
        .iter()
        .filter(|m| m.ea.is_some() && m.milestone == ix)
        .filter_map(|m| m.achieved)
        .collect()
}

/// Loads and validates a targets file against a scenario.
pub fn load(text: &str, name: &str, scenario: &Scenario) -> Result<Vec<Target>, LoadError> {
    let file: TargetsFile = parse_toml(text, name)?;
    let plan_ids: Vec<String> = scenario.journey().iter().map(|m| m.id.clone()).collect();
    let programme_ids: Vec<&str> = crate::model::ProgrammeMilestone::ALL
        .iter()
        .map(|m| m.id())
        .collect();
    let ea_ids: Vec<&str> = scenario
        .raw()
        .early_adopters
        .iter()
        .map(|e| e.id.as_str())
        .chain(["programme"])
        .collect();
    let mut issues = Vec::new();
    let root = KeyPath::root().key("targets");
    let mut ids = std::collections::HashSet::new();
    for (i, t) in file.targets.iter().enumerate() {
        let here = root.index(i);
        let mut need = |ok: bool, key: &str, what: &str| {
            if !ok {
                issues.push(Issue {
                    path: here.key(key),
                    at_key: false,
                    expected: format!("{what} for quantity `{}`", serde_plain(&t.quantity)),
                    found: None,
                    hint: Some(format!("add `{key} = …`")),
                });
            }
        };
        let q = t.quantity;
        need(
            t.milestone.is_some() || q == Quantity::CentralSpendShare,
            "milestone",
            "a milestone id",
        );
        need(
            !matches!(
                q,
                Quantity::CountAchievedBy | Quantity::PlannedDateAt | Quantity::ReplansBy
            ) || t.date.is_some(),
            "date",
            "a date",
        );
        need(
            q != Quantity::NthAchieved || t.n.is_some_and(|n| n >= 1),
            "n",
            "a rank of at least 1",
        );
        need(
            q != Quantity::CentralSpendShare || t.financial_year.is_some(),
            "financial_year",
            "a financial year",
        );
        need(
            !q.is_date() || t.observed_date.is_some(),
            "observed_date",
            "an observed date",
        );
        need(
            q.is_date() || t.observed.is_some(),
            "observed",
            "an observed number",
        );
        // NaN and infinity are refused where they are written.
        if !(t.tolerance.is_finite() && t.tolerance > 0.0) {
            issues.push(Issue {
                path: here.key("tolerance"),
                at_key: false,
                expected: "a positive, finite tolerance (not nan or inf)".into(),
                found: Some(t.tolerance.to_string()),
                hint: Some(
                    "the half-width of the band around the observation, e.g. tolerance = 4.0"
                        .into(),
                ),
            });
        }
        if let Some(x) = t.observed.filter(|x| !x.is_finite()) {
            issues.push(Issue {
                path: here.key("observed"),
                at_key: false,
                expected: "a finite number (not nan or inf)".into(),
                found: Some(x.to_string()),
                hint: Some("the observed value, e.g. observed = 2.0".into()),
            });
        }
        if !ids.insert(t.id.as_str()) {
            issues.push(Issue {
                path: here.key("id"),
                at_key: false,
                expected: "each target id once (reports and fit.csv name targets by id)".into(),
                found: Some(format!("`{}` again", t.id)),
                hint: Some("give one of them a distinct `id`".into()),
            });
        }
        if let Some(m) = &t.milestone {
            let programme_level = t.early_adopter.as_deref() == Some("programme")
                || matches!(q, Quantity::PlannedDateAt | Quantity::ReplansBy);
            let known = plan_ids.iter().any(|x| x == m)
                || (programme_level && programme_ids.contains(&m.as_str()));
            if !known {
                let all: Vec<&str> = plan_ids
                    .iter()
                    .map(String::as_str)
                    .chain(programme_ids.iter().copied())
                    .collect();
                issues.push(Issue {
                    path: here.key("milestone"),
                    at_key: false,
                    expected: "a milestone id of the scenario".into(),
                    found: Some(format!("`{m}`")),
                    hint: Some(did_you_mean(m, all.iter().copied())),
                });
            }
        }
        if let Some(e) = &t.early_adopter {
            if !ea_ids.contains(&e.as_str()) {
                issues.push(Issue {
                    path: here.key("early_adopter"),
                    at_key: false,
                    expected: "an early adopter id or `programme`".into(),
                    found: Some(format!("`{e}`")),
                    hint: Some(did_you_mean(e, ea_ids.iter().copied())),
                });
            }
        }
    }
    if file.targets.is_empty() {
        issues.push(Issue {
            path: root,
            at_key: false,
            expected: "at least one [[targets]] entry".into(),
            found: None,
            hint: None,
        });
    }
    if !issues.is_empty() {
        return Err(LoadError::Invalid(locate_issues(
            issues,
            &Locator::new(text),
            name,
            crate::scenario::InputKind::Targets,
        )));
    }
    Ok(file
        .targets
        .into_iter()
        .map(|spec| Target {
            resolved: Resolved::new(&spec, scenario),
            spec,
        })
        .collect())
}

fn serde_plain(q: &Quantity) -> String {
    serde_json::to_value(q)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_and_unknown_ids_are_reported() {
        let s = Scenario::default_nwl();
        let text = "[[targets]]\nid = \"a\"\nquantity = \"count_achieved_by\"\nmilestone = \"pilot_lvie\"\nobserved = 2\ntolerance = 1\n";
        let err = load(text, "t.toml", &s).unwrap_err().to_string();
        assert!(
            err.contains("`targets[0].date`: expected a date for quantity `count_achieved_by`"),
            "{err}"
        );
        assert!(err.contains("t.toml:4:13: `targets[0].milestone`"), "{err}");
        assert!(err.contains("did you mean `pilot_live`?"), "{err}");
    }
}
