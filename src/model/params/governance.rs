//! Co-design, governance bodies, the timetable and re-planning.

use chrono::NaiveDate;

use super::Members;
use crate::model::programme::ReplanPolicy;

/// The co-design phase.
#[derive(Debug, Clone, PartialEq)]
pub struct CodesignParams {
    /// Working groups start meeting.
    pub start: NaiveDate,
    /// Working group names (body `working_group:<name>`).
    pub working_groups: Vec<String>,
    /// Meeting interval (weeks).
    pub meeting_every_weeks: u32,
    /// Members of each working group.
    pub members: Members,
    /// Meeting output each group needs (attendee-hours).
    pub work_per_group: f64,
    /// Central relational hours each group needs besides meetings (hours).
    pub central_hours_per_group: f64,
    /// Hours per attendee per meeting (hours).
    pub meeting_hours: f64,
    /// Central hours to write up and publish the toolkit (hours).
    pub toolkit_work_hours: f64,
    /// Share of milestone work saved by the toolkit (0..1).
    pub toolkit_reduction: f64,
}

/// A governance body.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyParams {
    /// Stable id (output contract).
    pub id: String,
    /// Members by kind.
    pub members: Members,
    /// Periods with a fixed meeting interval.
    pub schedule: Vec<SchedulePeriod>,
    /// Extra one-off meeting dates.
    pub dates: Vec<NaiveDate>,
    /// Hours per attendee per meeting (hours).
    pub meeting_hours: f64,
    /// Signs off early adopters (exactly one body does).
    pub signs_off_early_adopters: bool,
}

/// A period during which a body meets at a fixed interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SchedulePeriod {
    /// First meeting.
    pub from: NaiveDate,
    /// No meetings after.
    pub to: NaiveDate,
    /// Interval (weeks).
    pub every_weeks: u32,
}

/// The timetable as first promised.
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(missing_docs)]
pub struct Timetable {
    pub codesign_complete: NaiveDate,
    pub toolkit_published: NaiveDate,
    pub ea_signed_off: NaiveDate,
    pub business_plan_approved: NaiveDate,
    pub pilot_start: NaiveDate,
    pub wider_rollout: NaiveDate,
    /// Planners' assumed weeks from sign-off to go-live (weeks).
    pub assumed_preparation_weeks: u32,
    /// Share of early adopters live for wider roll-out (0..1).
    pub wider_rollout_share: f64,
}

/// Progress reviews and re-planning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Replanning {
    /// Weeks between reviews.
    pub review_every_weeks: u32,
    /// First review (default: `review_every_weeks` after the start).
    pub first_review: Option<NaiveDate>,
    /// Rule for the new pilot start date.
    pub policy: ReplanPolicy,
    /// Slip per step of the `fixed_slip` policy (weeks).
    pub slip_weeks: u32,
    /// Share of projected remaining time planners discount (0..1).
    pub optimism: f64,
    /// Re-plan only beyond this many weeks late (weeks).
    pub tolerance_weeks: u32,
    /// Early adopter rank defining the projection (0 = median).
    pub reference_rank: u32,
    /// Weeks of observed progress used to project (weeks).
    pub projection_window_weeks: u32,
}
