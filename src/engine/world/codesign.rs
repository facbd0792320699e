//! ODD §7.5: co-design and the toolkit. Each working group is done when its
//! meetings (member hours, §7.6) and the central design work behind them
//! (§7.4) are both complete; co-design is complete when every group is. The
//! toolkit is then written up from central transactional hours; once
//! published it raises the efficiency of the milestones it covers (J2, §7.7).

use super::World;
use crate::model::params::CodesignParams;
use crate::model::ProgrammeMilestone;

/// Progress of the co-design working groups and the toolkit.
#[derive(Debug, Clone)]
pub(super) struct CodesignState {
    /// Meeting output of each working group (attendee hours).
    pub group_meeting_work: Vec<f64>,
    /// Central design hours behind each working group.
    group_central_work: Vec<f64>,
    /// The part of `group_central_work` done by consultants since their
    /// last contract ended.
    group_consultant_work: Vec<f64>,
    /// Central transactional hours on the toolkit.
    toolkit_work: f64,
    /// The part of `toolkit_work` done by consultants.
    toolkit_consultant_work: f64,
}

impl CodesignState {
    pub fn new(groups: usize) -> CodesignState {
        CodesignState {
            group_meeting_work: vec![0.0; groups],
            group_central_work: vec![0.0; groups],
            group_consultant_work: vec![0.0; groups],
            toolkit_work: 0.0,
            toolkit_consultant_work: 0.0,
        }
    }

    /// Whether working group `w` is done: its meetings and the central work
    /// behind them both complete.
    pub fn group_done(&self, cd: &CodesignParams, w: usize) -> bool {
        self.group_meeting_work[w] >= cd.work_per_group
            && self.group_central_work[w] >= cd.central_hours_per_group
    }

    /// Whether every working group is done.
    pub fn all_groups_done(&self, cd: &CodesignParams) -> bool {
        (0..self.group_meeting_work.len()).all(|w| self.group_done(cd, w))
    }

    /// Central relational hours split equally over the groups whose central
    /// work is unfinished; `consultant_fraction` of them are consultants'.
    /// Returns the hours that went to a group (none when every group's
    /// central work is done).
    pub fn add_central_hours(&mut self, need: f64, hours: f64, consultant_fraction: f64) -> f64 {
        let open = self
            .group_central_work
            .iter()
            .filter(|&&h| h < need)
            .count();
        if open == 0 {
            return 0.0;
        }
        let each = hours / open as f64;
        for (w, done) in self.group_central_work.iter_mut().enumerate() {
            if *done >= need {
                continue;
            }
            *done += each;
            self.group_consultant_work[w] += each * consultant_fraction;
        }
        hours
    }

    /// Central transactional hours on the toolkit.
    pub fn add_toolkit_hours(&mut self, hours: f64, consultant_fraction: f64) {
        self.toolkit_work += hours;
        self.toolkit_consultant_work += hours * consultant_fraction;
    }

    /// A contract ends: `lost` (share) of the consultants' contribution to
    /// unfinished groups (and to the toolkit while `toolkit_open`) is lost.
    pub fn lose_consultant_work(&mut self, cd: &CodesignParams, lost: f64, toolkit_open: bool) {
        for w in 0..self.group_central_work.len() {
            if !self.group_done(cd, w) {
                self.group_central_work[w] -= lost * self.group_consultant_work[w];
            }
            self.group_consultant_work[w] = 0.0;
        }
        if toolkit_open {
            self.toolkit_work -= lost * self.toolkit_consultant_work;
        }
        self.toolkit_consultant_work = 0.0;
    }

    /// Share of co-design done, read off its slowest part: the smallest,
    /// over the working groups, of meeting output and central drafting each
    /// as a share of what it needs (0..1; 1 once every group is done). The
    /// review projects co-design's end from it (§7.13).
    pub fn completion(&self, cd: &CodesignParams) -> f64 {
        let share = |done: f64, need: f64| if need > 0.0 { done / need } else { 1.0 };
        self.group_meeting_work
            .iter()
            .zip(&self.group_central_work)
            .map(|(&m, &c)| share(m, cd.work_per_group).min(share(c, cd.central_hours_per_group)))
            .fold(1.0, f64::min)
            .clamp(0.0, 1.0)
    }

    /// Whether the toolkit has had the work it needs.
    pub fn toolkit_written(&self, cd: &CodesignParams) -> bool {
        self.toolkit_work >= cd.toolkit_work_hours
    }
}

impl World<'_> {
    /// Co-design completes when every group is done (members who sat on a
    /// working group see it as progress); the toolkit is published once
    /// written.
    pub(super) fn check_codesign(&mut self) {
        let plan = self.plan;
        let cd = &plan.params().codesign;
        if !self.achieved(ProgrammeMilestone::CodesignComplete) && self.codesign.all_groups_done(cd)
        {
            self.achieve(ProgrammeMilestone::CodesignComplete);
            for (i, a) in self.agents.iter_mut().enumerate() {
                if plan.agents[i].codesign {
                    a.progress_events += 1;
                }
            }
        }
        if self.achieved(ProgrammeMilestone::CodesignComplete)
            && !self.achieved(ProgrammeMilestone::ToolkitPublished)
            && self.codesign.toolkit_written(cd)
        {
            self.achieve(ProgrammeMilestone::ToolkitPublished);
        }
    }

    /// Whether the toolkit is published and its effect switched on.
    pub(super) fn toolkit_live(&self) -> bool {
        self.sw().toolkit && self.achieved(ProgrammeMilestone::ToolkitPublished)
    }
}

#[cfg(test)]
mod tests {
    use super::CodesignState;
    use crate::scenario::Scenario;

    #[test]
    fn central_hours_go_only_to_unfinished_groups_and_handover_loses_the_consultant_share() {
        let scenario = Scenario::default_nwl();
        let cd = &scenario.parameters().codesign;
        let need = cd.central_hours_per_group;
        let mut s = CodesignState::new(2);
        // Group 0 already has all the central work it needs.
        s.group_central_work[0] = need;
        s.add_central_hours(need, 100.0, 0.25);
        assert_eq!(s.group_central_work, vec![need, 100.0]);
        assert_eq!(s.group_consultant_work, vec![0.0, 25.0]);
        // A contract ends: 40% of the consultants' 25 hours are lost from the
        // unfinished group; the finished one keeps its work.
        s.lose_consultant_work(cd, 0.4, true);
        assert!((s.group_central_work[1] - 90.0).abs() < 1e-12);
        assert_eq!(s.group_central_work[0], need);
        assert_eq!(s.group_consultant_work, vec![0.0, 0.0]);
    }

    #[test]
    fn a_group_is_done_only_when_meetings_and_central_work_are_both_complete() {
        let scenario = Scenario::default_nwl();
        let cd = &scenario.parameters().codesign;
        let mut s = CodesignState::new(1);
        s.group_meeting_work[0] = cd.work_per_group;
        assert!(!s.group_done(cd, 0));
        s.add_central_hours(cd.central_hours_per_group, cd.central_hours_per_group, 0.0);
        assert!(s.group_done(cd, 0));
        assert!(s.all_groups_done(cd));
    }
}
