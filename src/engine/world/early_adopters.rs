//! Early adopters' state in one replication (ODD §2.2): where each stands on
//! its journey, the hours pooled for it this week, its money and its
//! roll-out. The submodels that move this state live in their own files;
//! this one creates it and keeps the `active` flag.

use chrono::{Duration, NaiveDate};

use super::World;
use crate::engine::plan::Plan;
use crate::model::calendar::Tick;
use crate::model::journey::{Milestone, Scope};
use crate::model::AgentKind;

/// One early adopter.
#[derive(Debug, Clone)]
pub(super) struct EaState {
    /// Week of sign-off by the sign-off body.
    pub signed_off: Option<Tick>,
    /// Effective hours done on each journey milestone.
    pub progress: Vec<f64>,
    /// Hours each milestone needs (grows with barrier workarounds).
    pub required: Vec<f64>,
    /// Week each milestone was achieved.
    pub achieved: Vec<Option<Tick>>,
    /// Milestones that do not apply (scaled-back scope).
    pub skipped: Vec<bool>,
    /// Whether a barrier workaround was added to the milestone's work.
    pub workaround_added: Vec<bool>,
    /// Dates of the first timetable.
    pub first_planned: Vec<NaiveDate>,
    /// Dates of the current timetable.
    pub planned: Vec<NaiveDate>,
    /// Relational hours pooled for this early adopter this week.
    pub rel_pool: f64,
    /// Transactional hours pooled this week, by agent kind (signers).
    pub trans_pool: [f64; AgentKind::COUNT],
    /// Transactional support hours (programme team, consultants, project
    /// manager, bought capacity) this week.
    pub support_trans: f64,
    /// Commissioners have signed something: providers stop waiting (B2).
    pub committed: bool,
    /// Week its business plan was approved (the funding gateway).
    pub business_plan: Option<Tick>,
    /// GP practices taking part.
    pub practices_live: u32,
    /// Week of the next roll-out step.
    pub next_rollout: Tick,
    /// People enrolled: (week, people).
    pub enrolments: Vec<(Tick, f64)>,
    /// Cumulative effective work up to each week (for the review's projection).
    pub cumulative_work: Vec<f64>,
    /// Capacity bought by tranches: (from, until, hours per week).
    pub capacity_grants: Vec<(Tick, Tick, f64)>,
    /// Tranches already paid.
    pub tranches_paid: Vec<bool>,
    /// Share of the remaining open work that is relational.
    pub needed_relational_share: f64,
    /// Milestones achieved this week.
    pub achieved_this_week: u32,
    /// Signed off with unfinished applicable milestones.
    pub active: bool,
}

/// Every early adopter as it starts: nothing done, the first timetable.
pub(super) fn initial_states(plan: &Plan) -> Vec<EaState> {
    let params = plan.params();
    let tt = &params.timetable;
    let n_m = plan.journey.len();
    let weeks = plan.calendar.weeks() as usize;
    plan.eas
        .iter()
        .map(|e| {
            let skipped: Vec<bool> = plan
                .journey
                .iter()
                .map(|m| m.full_scope_only && e.scope == Scope::ScaledBack)
                .collect();
            let planned: Vec<NaiveDate> = (0..n_m)
                .map(|m| planned_date(plan, m, tt.pilot_start, tt.wider_rollout))
                .collect();
            EaState {
                signed_off: None,
                progress: vec![0.0; n_m],
                required: plan.journey.iter().map(|m| m.work_hours).collect(),
                achieved: vec![None; n_m],
                skipped,
                workaround_added: vec![false; n_m],
                first_planned: planned.clone(),
                planned,
                rel_pool: 0.0,
                trans_pool: [0.0; AgentKind::COUNT],
                support_trans: 0.0,
                committed: false,
                business_plan: None,
                practices_live: 0,
                next_rollout: 0,
                enrolments: Vec::with_capacity(16),
                cumulative_work: vec![0.0; weeks + 1],
                capacity_grants: Vec::with_capacity(params.funding.tranches.len()),
                tranches_paid: vec![false; params.funding.tranches.len()],
                needed_relational_share: 0.5,
                achieved_this_week: 0,
                active: false,
            }
        })
        .collect()
}

/// The date the first timetable implies for milestone `m`: milestones up to
/// `pilot_live` are spaced by their depth in the journey between the planned
/// sign-off and the pilot start; deeper ones between the pilot start and the
/// wider roll-out.
fn planned_date(plan: &Plan, m: usize, pilot: NaiveDate, wider: NaiveDate) -> NaiveDate {
    let origin = plan.params().timetable.ea_signed_off;
    let d = plan.journey[m].depth as f64;
    let dl = plan.journey[plan.pilot_live].depth as f64;
    let dmax = plan.journey.iter().map(|m| m.depth).max().unwrap_or(1) as f64;
    if d <= dl {
        let span = (pilot - origin).num_days() as f64;
        origin + Duration::days((span * d / dl).round() as i64)
    } else {
        let span = (wider - pilot).num_days() as f64;
        pilot + Duration::days((span * (d - dl) / (dmax - dl).max(1.0)).round() as i64)
    }
}

/// Whether milestone `m` of `s` is open: prerequisites met, not done, not
/// skipped.
pub(super) fn is_open(journey: &[Milestone], s: &EaState, m: usize) -> bool {
    s.achieved[m].is_none()
        && !s.skipped[m]
        && journey[m]
            .requires
            .iter()
            .all(|&r| s.achieved[r].is_some() || s.skipped[r])
}

impl World<'_> {
    /// An early adopter is active once signed off and while it has
    /// unfinished applicable milestones.
    pub(super) fn set_active_flags(&mut self) {
        for e in &mut self.eas {
            e.active = e.signed_off.is_some()
                && e.achieved
                    .iter()
                    .zip(&e.skipped)
                    .any(|(a, s)| a.is_none() && !s);
        }
    }

    /// Early adopters whose pilot is live.
    pub(super) fn live_count(&self) -> usize {
        self.record
            .result
            .go_live
            .iter()
            .filter(|g| g.is_some())
            .count()
    }
}
