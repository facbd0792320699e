//! What a replication records, declared once: the time series layout
//! (scope × agent kind × metric), and the plain result records that the
//! output layer turns into files.

use chrono::NaiveDate;

use crate::model::calendar::Tick;
use crate::model::journey::Scope;
use crate::model::AgentKind;

/// A recorded metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Mean engagement (0..1) of the agents in scope, averaged over the period's weeks.
    Engagement,
    /// Share of agents whose programme hours in the period reached the involvement threshold.
    InvolvedShare,
    /// Relational hours spent in the period (including meeting hours).
    RelationalHours,
    /// Transactional hours spent in the period.
    TransactionalHours,
    /// Meeting hours attended in the period.
    MeetingHours,
    /// Early adopters live at the end of the period.
    EasLive,
    /// Early adopters signed off at the end of the period.
    EasSignedOff,
    /// People enrolled under the new model at the end of the period.
    PeopleEnrolled,
    /// GP practices taking part at the end of the period.
    PracticesLive,
    /// Journey milestones achieved by the end of the period.
    MilestonesAchieved,
    /// Delivered reduction in emergency admissions (share) at the end of the period.
    AdmissionsReduction,
    /// Promised reduction in emergency admissions (share) due by the end of the period.
    AdmissionsReductionPromised,
    /// Central hours available in the period: the programme team's funded
    /// desk hours, consultant hours and the team's meeting seats (ODD §7.4).
    CentralHoursAvailable,
    /// Central hours on co-design working groups' design work.
    CentralHoursCodesign,
    /// Central hours on writing the toolkit.
    CentralHoursToolkit,
    /// Central hours reaching early adopters as support.
    CentralHoursEaSupport,
    /// Central hours on programme management: the team's governance meeting
    /// seats and the coordination lost to spreading support thin (E8).
    CentralHoursManagement,
    /// Central hours with nothing to work on (no open product, no active early adopter).
    CentralHoursIdle,
    /// Share of GP practices aware of the programme at the end of the period
    /// (ODD §7.17): every practice when `gp_awareness` is off.
    GpAwareShare,
    /// Share of GP practices the leaders expected to be aware at the end of
    /// the period had the cascade from board GPs worked at
    /// `general_practice.assumed_cascade_rate` (C3).
    GpAwareShareAssumed,
    /// Share of an early adopter's GP practices actively involved in the
    /// period (the involvement threshold of [`Metric::InvolvedShare`]).
    GpInvolvedShare,
}

impl Metric {
    /// Stable id (output contract).
    pub fn id(self) -> &'static str {
        match self {
            Metric::Engagement => "engagement",
            Metric::InvolvedShare => "involved_share",
            Metric::RelationalHours => "relational_hours",
            Metric::TransactionalHours => "transactional_hours",
            Metric::MeetingHours => "meeting_hours",
            Metric::EasLive => "early_adopters_live",
            Metric::EasSignedOff => "early_adopters_signed_off",
            Metric::PeopleEnrolled => "people_enrolled",
            Metric::PracticesLive => "practices_live",
            Metric::MilestonesAchieved => "milestones_achieved",
            Metric::AdmissionsReduction => "admissions_reduction_delivered",
            Metric::AdmissionsReductionPromised => "admissions_reduction_promised",
            Metric::CentralHoursAvailable => "central_hours_available",
            Metric::CentralHoursCodesign => "central_hours_codesign",
            Metric::CentralHoursToolkit => "central_hours_toolkit",
            Metric::CentralHoursEaSupport => "central_hours_ea_support",
            Metric::CentralHoursManagement => "central_hours_management",
            Metric::CentralHoursIdle => "central_hours_idle",
            Metric::GpAwareShare => "gp_aware_share",
            Metric::GpAwareShareAssumed => "gp_aware_share_assumed",
            Metric::GpInvolvedShare => "gp_involved_share",
        }
    }
}

/// Metrics recorded for every agent kind at programme scope, in layout order.
pub const KIND_METRICS: [Metric; 5] = [
    Metric::Engagement,
    Metric::InvolvedShare,
    Metric::RelationalHours,
    Metric::TransactionalHours,
    Metric::MeetingHours,
];
/// Programme-wide metrics (agent kind `all`).
pub const PROGRAMME_METRICS: [Metric; 13] = [
    Metric::EasLive,
    Metric::EasSignedOff,
    Metric::PeopleEnrolled,
    Metric::AdmissionsReduction,
    Metric::AdmissionsReductionPromised,
    Metric::CentralHoursAvailable,
    Metric::CentralHoursCodesign,
    Metric::CentralHoursToolkit,
    Metric::CentralHoursEaSupport,
    Metric::CentralHoursManagement,
    Metric::CentralHoursIdle,
    Metric::GpAwareShare,
    Metric::GpAwareShareAssumed,
];
/// Where central hours go (ODD §7.4): these add up to
/// [`Metric::CentralHoursAvailable`] in every period.
pub const CENTRAL_HOUR_USES: [Metric; 5] = [
    Metric::CentralHoursCodesign,
    Metric::CentralHoursToolkit,
    Metric::CentralHoursEaSupport,
    Metric::CentralHoursManagement,
    Metric::CentralHoursIdle,
];
/// Per early adopter metrics (agent kind `all`).
pub const EA_METRICS: [Metric; 6] = [
    Metric::PracticesLive,
    Metric::PeopleEnrolled,
    Metric::Engagement,
    Metric::MilestonesAchieved,
    Metric::GpAwareShare,
    Metric::GpInvolvedShare,
];

/// One series: a scope, an agent kind (None = all) and a metric.
#[derive(Debug, Clone)]
pub struct SeriesDef {
    /// None = programme, Some(e) = early adopter e.
    pub scope: Option<usize>,
    /// None = all kinds.
    pub kind: Option<AgentKind>,
    /// The metric.
    pub metric: Metric,
}

/// The layout of the series vector of a replication (per period, `len()` values).
#[derive(Debug, Clone)]
pub struct SeriesLayout {
    /// Series in order.
    pub defs: Vec<SeriesDef>,
    /// Early adopter ids, for scope names.
    pub ea_ids: Vec<String>,
}

impl SeriesLayout {
    /// Layout for these early adopters.
    pub fn new(ea_ids: Vec<String>) -> SeriesLayout {
        let mut defs = Vec::new();
        for kind in AgentKind::ALL {
            for metric in KIND_METRICS {
                defs.push(SeriesDef {
                    scope: None,
                    kind: Some(kind),
                    metric,
                });
            }
        }
        for metric in PROGRAMME_METRICS {
            defs.push(SeriesDef {
                scope: None,
                kind: None,
                metric,
            });
        }
        for e in 0..ea_ids.len() {
            for metric in EA_METRICS {
                defs.push(SeriesDef {
                    scope: Some(e),
                    kind: None,
                    metric,
                });
            }
        }
        SeriesLayout { defs, ea_ids }
    }
    /// Number of series.
    pub fn len(&self) -> usize {
        self.defs.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }
    /// Index of a per-kind metric (one of [`KIND_METRICS`]).
    pub fn kind_metric(kind: AgentKind, metric: Metric) -> usize {
        kind.index() * KIND_METRICS.len() + position(&KIND_METRICS, metric)
    }
    /// Index of a programme metric (one of [`PROGRAMME_METRICS`]).
    pub fn programme_metric(metric: Metric) -> usize {
        AgentKind::COUNT * KIND_METRICS.len() + position(&PROGRAMME_METRICS, metric)
    }
    /// Index of an early adopter metric (one of [`EA_METRICS`]).
    pub fn ea_metric(ea: usize, metric: Metric) -> usize {
        AgentKind::COUNT * KIND_METRICS.len()
            + PROGRAMME_METRICS.len()
            + ea * EA_METRICS.len()
            + position(&EA_METRICS, metric)
    }
    /// Scope name of a series.
    pub fn scope_name(&self, def: &SeriesDef) -> &str {
        match def.scope {
            None => "programme",
            Some(e) => &self.ea_ids[e],
        }
    }
}

/// Position of `metric` in a metric list; a metric outside the list is a
/// bug in the caller.
fn position(list: &[Metric], metric: Metric) -> usize {
    list.iter()
        .position(|&m| m == metric)
        .unwrap_or_else(|| panic!("{} is not recorded at this scope", metric.id()))
}

/// Spend categories (stable ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpendCategory {
    /// Management consultancy.
    Consultancy,
    /// The central programme team.
    ProgrammeTeam,
    /// Tranches paid to early adopters.
    EaTranches,
    /// Other local support (direct CCG funding).
    LocalSupport,
}

impl SpendCategory {
    /// All, in output order.
    pub const ALL: [SpendCategory; 4] = [
        SpendCategory::Consultancy,
        SpendCategory::ProgrammeTeam,
        SpendCategory::EaTranches,
        SpendCategory::LocalSupport,
    ];
    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            SpendCategory::Consultancy => "consultancy",
            SpendCategory::ProgrammeTeam => "programme_team",
            SpendCategory::EaTranches => "ea_tranches",
            SpendCategory::LocalSupport => "local_support",
        }
    }
    /// Position in `ALL`.
    pub fn index(self) -> usize {
        self as usize
    }
    /// Whether it is central (pan-programme) money.
    pub fn is_central(self) -> bool {
        matches!(
            self,
            SpendCategory::Consultancy | SpendCategory::ProgrammeTeam
        )
    }
}

/// State of a milestone at the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneStatus {
    /// Achieved within the horizon.
    Achieved,
    /// Not achieved by the horizon.
    NotReached,
    /// Not applicable (scaled-back scope).
    Skipped,
}

impl MilestoneStatus {
    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            MilestoneStatus::Achieved => "achieved",
            MilestoneStatus::NotReached => "not_reached",
            MilestoneStatus::Skipped => "skipped",
        }
    }
}

/// One milestone of one early adopter (or of the programme) in one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneRecord {
    /// None = programme.
    pub ea: Option<usize>,
    /// Milestone index: journey milestones first, then programme milestones
    /// (`Plan::milestone_id` names it).
    pub milestone: usize,
    /// Kind (relational, transactional, mixed).
    pub kind: &'static str,
    /// First planned date.
    pub first_planned: Option<NaiveDate>,
    /// Latest planned date.
    pub planned: Option<NaiveDate>,
    /// Achieved (week start date).
    pub achieved: Option<NaiveDate>,
    /// Status.
    pub status: MilestoneStatus,
}

/// One meeting's attendance by sector.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRecord {
    /// Week.
    pub tick: Tick,
    /// Body index in the plan.
    pub body: u16,
    /// Attendees by agent kind.
    pub attendees: [u16; AgentKind::COUNT],
    /// Whether it was quorate.
    pub quorate: bool,
}

/// One re-plan of one milestone.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplanRecord {
    /// Week of the review.
    pub tick: Tick,
    /// Milestone id (programme level).
    pub milestone: &'static str,
    /// Old planned date.
    pub old: NaiveDate,
    /// New planned date.
    pub new: NaiveDate,
}

/// One early adopter's local workaround of one national barrier in one
/// replication (only barriers that govern a milestone in its scope).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkaroundRecord {
    /// Early adopter index.
    pub ea: usize,
    /// Barrier index (`barriers[]`).
    pub barrier: usize,
    /// Member organisations that must take part.
    pub parties: u32,
    /// Effective hours it needs.
    pub hours: f64,
    /// Week start date work on it started.
    pub started: Option<NaiveDate>,
    /// Week start date it was completed (the barrier stopped holding this
    /// early adopter's milestones).
    pub completed: Option<NaiveDate>,
    /// Week start date the barrier was removed nationally, if it was.
    pub removed_nationally: Option<NaiveDate>,
}

/// One early adopter's decision to change its scope (ODD §7.15).
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeDecisionRecord {
    /// Early adopter index.
    pub ea: usize,
    /// Week of the review at which it decided.
    pub tick: Tick,
    /// Scope before.
    pub from: Scope,
    /// Scope after.
    pub to: Scope,
    /// Its planned pilot start (`pilot_live`) at the time.
    pub planned: NaiveDate,
    /// Its projected go-live from its own observed work rate (week start date).
    pub projected: NaiveDate,
    /// The slip that triggered the decision: projected go-live minus
    /// planned pilot start (weeks).
    pub slip_weeks: f64,
    /// Unachieved milestones dropped.
    pub milestones_dropped: u32,
}

/// Everything one replication produces.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// Replication number.
    pub replication: u32,
    /// Its derived seed.
    pub seed: u64,
    /// Milestones of every early adopter, then the programme's.
    pub milestones: Vec<MilestoneRecord>,
    /// Series values, `periods × layout.len()`.
    pub series: Vec<f64>,
    /// Meetings held.
    pub meetings: Vec<MeetingRecord>,
    /// Spend, `months × SpendCategory::ALL.len()`.
    pub spend: Vec<f64>,
    /// Re-plans.
    pub replans: Vec<ReplanRecord>,
    /// Week each early adopter went live (pilot_live), if it did.
    pub go_live: Vec<Option<Tick>>,
    /// Organisations' transactional hours that reached journey milestones
    /// and local workarounds over the whole run, by agent kind (the effort
    /// accounting: equals the kind's recorded transactional hours, ODD §7.3).
    pub applied_transactional_hours: [f64; AgentKind::COUNT],
    /// Local barrier workarounds, early adopters in order, then barriers.
    pub workarounds: Vec<WorkaroundRecord>,
    /// Money left unspent in each budgeted financial year that closed within
    /// the horizon (returned, not carried over).
    pub unspent: Vec<UnspentRecord>,
    /// Early adopters' scope decisions, in the order they were taken.
    pub scope_decisions: Vec<ScopeDecisionRecord>,
}

/// Money of one financial year left unspent when it closed (GBP). Central:
/// the central budget less team and consultancy spend (negative only if
/// `budget_cap` is off and the year overspent). Local: the local pot left,
/// including tranches held back for but not paid to early adopters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnspentRecord {
    /// The calendar year in which the financial year starts.
    pub financial_year: i32,
    /// Central budget not spent.
    pub central_gbp: f64,
    /// Local pot not spent.
    pub local_gbp: f64,
}

impl ReplicationResult {
    /// Spend of category `category` in month `month` (GBP).
    pub fn spend_in(&self, month: usize, category: SpendCategory) -> f64 {
        self.spend[month * SpendCategory::ALL.len() + category.index()]
    }

    /// Books `gbp` of `category` in month `month`.
    pub fn add_spend(&mut self, month: usize, category: SpendCategory, gbp: f64) {
        self.spend[month * SpendCategory::ALL.len() + category.index()] += gbp;
    }

    /// Number of early adopters live at the end of week `tick`.
    pub fn live_at(&self, tick: Tick) -> usize {
        self.go_live
            .iter()
            .filter(|t| t.is_some_and(|t| t <= tick))
            .count()
    }

    /// Number of early adopters live on or before `date`.
    pub fn live_by(&self, calendar: &crate::model::calendar::Calendar, date: NaiveDate) -> usize {
        self.go_live
            .iter()
            .filter(|t| t.is_some_and(|t| calendar.date(t) <= date))
            .count()
    }
}
