//! ODD §4.11: observation. Weekly hours by agent kind are accumulated into
//! the current recording period; at the end of a period engagement,
//! involvement, early adopters' state and outcomes are written into the
//! replication's series (the layout is declared in `crate::observe`). At the
//! horizon every milestone's plan and achievement becomes a record.

use super::programme_team::CentralHours;
use super::World;
use crate::engine::plan::Plan;
use crate::model::journey::kind_id;
use crate::model::{AgentKind, ProgrammeMilestone};
use crate::observe::{
    MeetingRecord, Metric, MilestoneRecord, MilestoneStatus, ReplicationResult, SeriesLayout,
    SpendCategory, WorkaroundRecord,
};

/// The replication's result as it is written, and this week's hours by kind.
pub(super) struct Recorder {
    pub result: ReplicationResult,
    /// Whether this replication's meetings are recorded
    /// (`record.detail_replications`).
    detail: bool,
    relational: [f64; AgentKind::COUNT],
    transactional: [f64; AgentKind::COUNT],
    meeting: [f64; AgentKind::COUNT],
    /// Where this week's central desk hours went (ODD §7.4).
    pub central: CentralHours,
    /// Sum of engagement by kind, in agent order, after this week's
    /// engagement update (summed there, where every engagement is visited).
    pub engagement_sum: [f64; AgentKind::COUNT],
}

impl Recorder {
    pub fn new(plan: &Plan, replication: u32, seed: u64) -> Recorder {
        let detail = replication < plan.params().record.detail_replications;
        Recorder {
            result: ReplicationResult {
                replication,
                seed,
                milestones: Vec::new(),
                series: vec![0.0; plan.periods * plan.series.len()],
                meetings: Vec::with_capacity(if detail { 512 } else { 0 }),
                spend: vec![0.0; plan.months * SpendCategory::ALL.len()],
                replans: Vec::with_capacity(8),
                go_live: vec![None; plan.eas.len()],
                applied_transactional_hours: [0.0; AgentKind::COUNT],
                workarounds: Vec::new(),
                unspent: Vec::new(),
                scope_decisions: Vec::new(),
            },
            detail,
            relational: [0.0; AgentKind::COUNT],
            transactional: [0.0; AgentKind::COUNT],
            meeting: [0.0; AgentKind::COUNT],
            central: CentralHours::default(),
            engagement_sum: [0.0; AgentKind::COUNT],
        }
    }

    /// A new week: the weekly hours start from zero.
    pub fn start_week(&mut self) {
        self.relational = [0.0; AgentKind::COUNT];
        self.transactional = [0.0; AgentKind::COUNT];
        self.meeting = [0.0; AgentKind::COUNT];
        self.central = CentralHours::default();
    }

    /// Hours of desk work by an agent of `kind`.
    pub fn add_effort(&mut self, kind: AgentKind, relational: f64, transactional: f64) {
        self.relational[kind.index()] += relational;
        self.transactional[kind.index()] += transactional;
    }

    /// Meeting hours (relational) attended by an agent of `kind`.
    pub fn add_meeting(&mut self, kind: AgentKind, hours: f64) {
        self.meeting[kind.index()] += hours;
        self.relational[kind.index()] += hours;
    }

    /// A meeting held (kept for detailed replications only).
    pub fn meeting(&mut self, record: MeetingRecord) {
        if self.detail {
            self.result.meetings.push(record);
        }
    }
}

/// Whether an organisation that gave `hours` to the programme in a period
/// in which it could give `could_give` hours was actively involved: it gave
/// something, and at least `share` of what it could give.
pub(super) fn is_involved(hours: f64, could_give: f64, share: f64) -> bool {
    hours > 0.0 && hours >= share * could_give
}

impl World<'_> {
    /// Phase 8: this week into the current recording period.
    pub(super) fn observe(&mut self) {
        let plan = self.plan;
        let params = plan.params();
        let t = self.tick as usize;
        let p = plan.period_of_tick[t];
        let n_series = plan.series.len();
        let base = p * n_series;
        let last_in_period = t + 1 == plan.period_of_tick.len() || plan.period_of_tick[t + 1] != p;
        let weeks = plan.ticks_in_period[p] as f64;
        let rec = &mut self.record;
        let row = &mut rec.result.series[base..base + n_series];
        for kind in AgentKind::ALL {
            let (first, n) = plan.kind_ranges[kind.index()];
            if n == 0 {
                continue;
            }
            let agents = &self.agents[first as usize..(first + n) as usize];
            let k = kind.index();
            let mean_e = rec.engagement_sum[k] / n as f64;
            row[SeriesLayout::kind_metric(kind, Metric::Engagement)] += mean_e / weeks;
            row[SeriesLayout::kind_metric(kind, Metric::RelationalHours)] += rec.relational[k];
            row[SeriesLayout::kind_metric(kind, Metric::TransactionalHours)] +=
                rec.transactional[k];
            row[SeriesLayout::kind_metric(kind, Metric::MeetingHours)] += rec.meeting[k];
            if last_in_period {
                // Actively involved: the organisation gave at least
                // `effort.involvement_share` of what it could give the
                // programme over the period (its own capacity after workload),
                // in desk work and meetings attended in person (docs/ODD.md §4.11).
                let share = params.effort.involvement_share;
                let involved = agents
                    .iter()
                    .filter(|a| is_involved(a.period_hours, a.programme_capacity * weeks, share))
                    .count();
                row[SeriesLayout::kind_metric(kind, Metric::InvolvedShare)] =
                    involved as f64 / n as f64;
            }
        }
        // Central hours (ODD §7.4): the team's meeting seats are programme
        // management and come on top of its desk hours.
        let c = rec.central;
        let seats = rec.meeting[AgentKind::ProgrammeTeam.index()];
        for (metric, h) in [
            (Metric::CentralHoursAvailable, c.desk + seats),
            (Metric::CentralHoursCodesign, c.codesign),
            (Metric::CentralHoursToolkit, c.toolkit),
            (Metric::CentralHoursEaSupport, c.ea_support),
            (Metric::CentralHoursManagement, c.spread_overhead + seats),
            (Metric::CentralHoursIdle, c.idle),
        ] {
            row[SeriesLayout::programme_metric(metric)] += h;
        }
        if last_in_period {
            self.record_gp_period(base, weeks);
            self.close_period(base);
        }
    }

    /// End of a recording period: programme and early adopter state.
    fn close_period(&mut self, base: usize) {
        let plan = self.plan;
        let params = plan.params();
        let n_series = plan.series.len();
        for a in &mut self.agents {
            a.period_hours = 0.0;
        }
        let live = self.live_count() as f64;
        let signed = self.eas.iter().filter(|e| e.signed_off.is_some()).count() as f64;
        let enrolled: f64 = (0..self.eas.len()).map(|e| self.enrolled(e)).sum();
        let delivered = self.delivered_reduction();
        let o = &params.outcomes;
        let promised = match o.promised_by {
            Some(by) if self.date() >= by => o.promised_reduction,
            _ => 0.0,
        };
        let mut ea_rows = Vec::with_capacity(self.eas.len());
        for e in 0..self.eas.len() {
            let s = &self.eas[e];
            let members = &plan.eas[e].members;
            let mean_e = members
                .iter()
                .map(|&a| self.agents[a.index()].engagement)
                .sum::<f64>()
                / members.len().max(1) as f64;
            let done = s.achieved.iter().filter(|a| a.is_some()).count() as f64;
            ea_rows.push((s.practices_live as f64, self.enrolled(e), mean_e, done));
        }
        let row = &mut self.record.result.series[base..base + n_series];
        row[SeriesLayout::programme_metric(Metric::EasLive)] = live;
        row[SeriesLayout::programme_metric(Metric::EasSignedOff)] = signed;
        row[SeriesLayout::programme_metric(Metric::PeopleEnrolled)] = enrolled;
        row[SeriesLayout::programme_metric(Metric::AdmissionsReduction)] = delivered;
        row[SeriesLayout::programme_metric(Metric::AdmissionsReductionPromised)] = promised;
        for (e, (practices, enrolled, engagement, done)) in ea_rows.into_iter().enumerate() {
            row[SeriesLayout::ea_metric(e, Metric::PracticesLive)] = practices;
            row[SeriesLayout::ea_metric(e, Metric::PeopleEnrolled)] = enrolled;
            row[SeriesLayout::ea_metric(e, Metric::Engagement)] = engagement;
            row[SeriesLayout::ea_metric(e, Metric::MilestonesAchieved)] = done;
        }
    }

    /// The horizon: every milestone becomes a record.
    pub fn finish(mut self) -> ReplicationResult {
        let plan = self.plan;
        let cal = &plan.calendar;
        let mut rows =
            Vec::with_capacity(self.eas.len() * plan.journey.len() + ProgrammeMilestone::ALL.len());
        for (e, s) in self.eas.iter().enumerate() {
            for (m, ms) in plan.journey.iter().enumerate() {
                let status = if s.skipped[m] {
                    MilestoneStatus::Skipped
                } else if s.achieved[m].is_some() {
                    MilestoneStatus::Achieved
                } else {
                    MilestoneStatus::NotReached
                };
                rows.push(MilestoneRecord {
                    ea: Some(e),
                    milestone: m,
                    kind: kind_id(ms.kind),
                    first_planned: Some(s.first_planned[m]),
                    planned: Some(s.planned[m]),
                    achieved: s.achieved[m].map(|t| cal.date(t)),
                    status,
                });
            }
        }
        for pm in ProgrammeMilestone::ALL {
            let st = self.programme[pm];
            rows.push(MilestoneRecord {
                ea: None,
                milestone: plan.journey.len() + pm.index(),
                kind: pm.kind(),
                first_planned: Some(st.first_planned),
                planned: Some(st.planned),
                achieved: st.achieved.map(|t| cal.date(t)),
                status: if st.achieved.is_some() {
                    MilestoneStatus::Achieved
                } else {
                    MilestoneStatus::NotReached
                },
            });
        }
        self.record.result.milestones = rows;
        let mut workarounds = Vec::new();
        for (e, s) in self.eas.iter().enumerate() {
            for (b, w) in s.workarounds.iter().enumerate() {
                if w.parties == 0 {
                    continue;
                }
                workarounds.push(WorkaroundRecord {
                    ea: e,
                    barrier: b,
                    parties: w.parties,
                    hours: w.required,
                    started: w.started.map(|t| cal.date(t)),
                    completed: w.done.map(|t| cal.date(t)),
                    removed_nationally: self.barriers.removed(b).map(|t| cal.date(t)),
                });
            }
        }
        self.record.result.workarounds = workarounds;
        self.record.result
    }
}
