//! ODD §7.7: progress of the journey. Before hours are spread each week,
//! every active early adopter's work is planned: which milestones can take
//! hours (open and below their ceiling) and which local workarounds are
//! under way (§7.8). Its pooled hours then advance that work: relational
//! hours in equal shares over the relational (and mixed) milestones taking
//! work; each kind's transactional hours in equal shares over the
//! transactional work it can do (milestones it signs, workarounds it is a
//! party to), blended between substitutes and perfect complements over the
//! signers the early adopter has (A5), plus support up to a multiple of the
//! signers' effort; prior relationships scale both (H1). A national barrier
//! in force holds the milestones it governs (they can be prepared, at its
//! efficiency, but not achieved) until it is removed nationally or the early
//! adopter completes its workaround (G1, G5); the toolkit (§7.5) raises the
//! efficiency; the pilot cannot go live without enough willing practices.
//! Achievements are dated; commissioners' signatures end providers' waiting
//! (B2); the business plan is approved once its milestones are done (the
//! funding gateway, §7.9).

use super::early_adopters::{is_open, WeekWork};
use super::rollout::willing_practices;
use super::World;
use crate::model::journey::MilestoneKind;
use crate::model::AgentKind;

/// Share of its work a held milestone can be prepared to (it is achieved
/// only when the hold ends).
const HOLD_SHARE: f64 = 0.999;
/// Effort multiplier of an early adopter with prior relationships `p` (0..1)
/// and weight `w`: 1 − w/2 + w·p (so 1 at p = 0.5; 0.5..1.5 at w = 1).
pub(super) fn prior_relationship_multiplier(p: f64, w: f64) -> f64 {
    (1.0 - w / 2.0 + w * p).max(0.0)
}

/// Effective transactional effort from the signers' hours: a blend of the
/// sum (substitutes) and the number of signers times the smallest
/// contribution (perfect complements: nothing is signed until every party
/// works on it). `c` is the weight of the complements term.
pub(super) fn signer_effort<I: IntoIterator<Item = f64>>(hours: I, c: f64) -> f64 {
    let (mut sum, mut min, mut n) = (0.0, f64::INFINITY, 0u32);
    for h in hours {
        sum += h;
        min = min.min(h);
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    (1.0 - c) * sum + c * n as f64 * min
}

impl World<'_> {
    /// Plans every active early adopter's work of this week (called before
    /// hours are spread, §7.3): which milestones can take hours, up to what
    /// progress, which barriers hold them and which workarounds are under
    /// way. A workaround's start is dated here.
    pub(super) fn plan_week_work(&mut self) {
        let plan = self.plan;
        let params = plan.params();
        let sw = &params.switches;
        let journey = &plan.journey;
        for e in 0..self.eas.len() {
            let ea_plan = &plan.eas[e];
            // Counting willing practices matters only while the pilot can
            // still go live.
            let pilot_gated = self.eas[e].active
                && is_open(journey, &self.eas[e], plan.pilot_live)
                && willing_practices(
                    &self.agents,
                    &self.aware,
                    ea_plan,
                    params.effort.pilot_willing_engagement,
                ) < ea_plan.pilot_practices;
            let s = &mut self.eas[e];
            let mut w = std::mem::take(&mut s.work);
            w.relational_items = 0;
            w.transactional_items = 0;
            w.transactional_items_of = [0; AgentKind::COUNT];
            if !s.active {
                // An inactive early adopter takes no work this week (and
                // its per-milestone entries are not read until it is
                // active again and they are all written anew).
                s.work = w;
                self.can_use[e] = CanUse::default();
                continue;
            }
            // Every entry below is written this week.
            w.workaround_open.resize(params.barriers.len(), false);
            w.held.resize(journey.len(), false);
            w.ceiling.resize(journey.len(), None);
            for b in 0..params.barriers.len() {
                let open = s.active
                    && sw.local_workarounds
                    && self.barriers.in_force(Some(b)).is_some()
                    && s.workarounds[b].done.is_none()
                    && (0..journey.len())
                        .any(|m| journey[m].barrier == Some(b) && is_open(journey, s, m));
                if open {
                    let wk = &mut s.workarounds[b];
                    wk.started.get_or_insert(self.tick);
                    w.transactional_items += 1;
                    for k in &wk.party_kinds {
                        w.transactional_items_of[k.index()] += 1;
                    }
                }
                w.workaround_open[b] = open;
            }
            for m in 0..journey.len() {
                let held = self
                    .barriers
                    .in_force(journey[m].barrier)
                    .is_some_and(|b| s.workarounds[b].done.is_none());
                w.held[m] = held;
                let ceiling = if held || (m == plan.pilot_live && pilot_gated) {
                    s.required[m] * HOLD_SHARE
                } else {
                    s.required[m]
                };
                let takes = s.active && is_open(journey, s, m) && s.progress[m] < ceiling;
                w.ceiling[m] = takes.then_some(ceiling);
                if !takes {
                    continue;
                }
                if journey[m].kind != MilestoneKind::Transactional {
                    w.relational_items += 1;
                }
                if journey[m].kind != MilestoneKind::Relational {
                    w.transactional_items += 1;
                    for k in &s.signers[m] {
                        w.transactional_items_of[k.index()] += 1;
                    }
                }
            }
            self.can_use[e] = CanUse::of(&w);
            s.work = w;
        }
    }

    /// Phase 5: journeys advance, pilots roll out, programme milestones are
    /// checked, members see progress and the promise gap is updated.
    pub(super) fn progress(&mut self) {
        for e in 0..self.eas.len() {
            self.advance_journey(e);
        }
        for e in 0..self.eas.len() {
            self.roll_out(e);
        }
        self.check_codesign();
        self.check_rollout_milestones();
        // Members see their early adopter's progress (a count: the order
        // it is added in does not matter).
        let plan = self.plan;
        for (s, ea_plan) in self.eas.iter().zip(&plan.eas) {
            if s.achieved_this_week > 0 {
                for &a in &ea_plan.members {
                    self.agents[a.index()].progress_events += s.achieved_this_week;
                }
            }
        }
        self.update_promise_gap();
    }

    /// One early adopter's week of journey work, as planned this week.
    fn advance_journey(&mut self, e: usize) {
        let plan = self.plan;
        let params = plan.params();
        let sw = &params.switches;
        let t = self.tick;
        let toolkit_live = self.toolkit_live();
        let toolkit_gain = 1.0 / (1.0 - params.codesign.toolkit_reduction).max(0.05);
        let decisions = self.leadership_decision_factor(); // F2 (§7.12, leadership.rs)
        let focus = self.deadline_focus(e); // I1, I4 (§7.12, deadlines.rs)
        let journey = &plan.journey;
        let ea_plan = &plan.eas[e];
        let applied = &mut self.record.result.applied_transactional_hours;
        let s = &mut self.eas[e];
        s.achieved_this_week = 0;
        let prev_cum = if t > 0 {
            s.cumulative_work[t as usize - 1]
        } else {
            0.0
        };
        s.cumulative_work[t as usize] = prev_cum;
        if !s.active {
            return;
        }
        // Prior relationships (H1) and a near, credible deadline (I1) make
        // the hours pooled for the early adopter count for more.
        let prior = prior_relationship_multiplier(
            ea_plan.prior_relationships,
            params.effort.prior_relationship_weight,
        ) * focus;
        let mut rel_remaining = 0.0;
        let mut all_remaining = 0.0;
        for m in 0..journey.len() {
            if !is_open(journey, s, m) {
                continue;
            }
            let remaining = (s.required[m] - s.progress[m]).max(0.0);
            all_remaining += remaining;
            match journey[m].kind {
                MilestoneKind::Relational => rel_remaining += remaining,
                MilestoneKind::Transactional => {}
                MilestoneKind::Mixed => rel_remaining += remaining / 2.0,
            }
        }
        s.needed_relational_share = if all_remaining > 0.0 {
            rel_remaining / all_remaining
        } else {
            0.5
        };
        let w = &s.work;
        let rel_each = if w.relational_items > 0 {
            s.rel_pool * prior / w.relational_items as f64
        } else {
            0.0
        };
        let c = if sw.signer_complementarity {
            params.effort.signer_complementarity
        } else {
            0.0
        };
        let work = TransactionalWork {
            pool: &s.trans_pool,
            items_of: &w.transactional_items_of,
            support_each: if w.transactional_items > 0 {
                s.support_trans / w.transactional_items as f64
            } else {
                0.0
            },
            complementarity: c,
            leverage: params.effort.support_leverage,
            prior,
        };
        let mut work_done = 0.0;
        // Local workarounds (§7.8): the parties' transactional hours.
        for (b, wk) in s.workarounds.iter_mut().enumerate() {
            if !w.workaround_open[b] {
                continue;
            }
            let eff = work.effort(&wk.party_kinds, applied);
            let before = wk.progress;
            wk.progress = (wk.progress + eff).min(wk.required);
            work_done += wk.progress - before;
            if wk.progress >= wk.required {
                wk.done = Some(t);
            }
        }
        // Milestones reaching their work this week (no allocation in the
        // weeks without one; any number of them, however long the journey).
        let mut newly: Vec<usize> = Vec::new();
        for (m, ms) in journey.iter().enumerate() {
            let Some(ceiling) = w.ceiling[m] else {
                continue;
            };
            let trans_eff = if ms.kind != MilestoneKind::Relational {
                // Departed leaders hold up the decisions (F2, §7.12).
                work.effort(&s.signers[m], applied) * decisions
            } else {
                0.0
            };
            let mut eff = match ms.kind {
                MilestoneKind::Relational => rel_each,
                MilestoneKind::Transactional => trans_eff,
                MilestoneKind::Mixed => 2.0 * rel_each.min(trans_eff),
            };
            if w.held[m] {
                if let Some(b) = ms.barrier {
                    eff *= params.barriers[b].efficiency;
                }
            }
            if toolkit_live && ms.toolkit_covered {
                eff *= toolkit_gain;
            }
            let before = s.progress[m];
            s.progress[m] = (before + eff).min(ceiling);
            work_done += s.progress[m] - before;
            if s.progress[m] >= s.required[m] {
                newly.push(m);
            }
        }
        s.cumulative_work[t as usize] = prev_cum + work_done;
        for m in newly {
            s.achieved[m] = Some(t);
            s.achieved_this_week += 1;
            let ms = &journey[m];
            // B2: commissioners show they will invest by signing a
            // transactional milestone (budgets, contracts), not a mixed one
            // such as a component piloted in practices at their own expense.
            if ms.kind == MilestoneKind::Transactional
                && s.signers[m]
                    .iter()
                    .any(|k| matches!(k, AgentKind::Ccg | AgentKind::LocalAuthority))
            {
                s.committed = true;
            }
            if m == plan.pilot_live {
                self.record.result.go_live[e] = Some(t);
                s.practices_live = 0;
                s.next_rollout = t;
            }
        }
        // Business plan approval (the gateway).
        if s.business_plan.is_none()
            && !plan.business_plan_requires.is_empty()
            && plan
                .business_plan_requires
                .iter()
                .all(|&m| s.achieved[m].is_some() || s.skipped[m])
        {
            s.business_plan = Some(t);
        }
    }
}

/// Where an organisation's hours can go at one early adopter this week: a
/// compact copy of its `WeekWork` counts, read for every membership when
/// hours are spread. An inactive early adopter takes nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct CanUse {
    /// It gives relational work (a relational or mixed milestone taking work).
    relational: bool,
    /// Bit `k`: it gives kind `k` transactional work it can do (the kind
    /// signs a milestone taking work, or is a party to a workaround under way).
    transactional_kinds: u8,
}

const _: () = assert!(AgentKind::COUNT <= u8::BITS as usize);

impl CanUse {
    /// The uses of a week's work.
    pub fn of(w: &WeekWork) -> CanUse {
        let mut transactional_kinds = 0;
        for (k, &items) in w.transactional_items_of.iter().enumerate() {
            if items > 0 {
                transactional_kinds |= 1 << k;
            }
        }
        CanUse {
            relational: w.relational_items > 0,
            transactional_kinds,
        }
    }

    /// Whether it gives relational work.
    pub fn relational(self) -> bool {
        self.relational
    }

    /// Whether it gives kind `k` transactional work.
    pub fn transactional(self, k: AgentKind) -> bool {
        self.transactional_kinds & (1 << k.index()) != 0
    }
}

/// An early adopter's transactional hours of this week and how they turn
/// into effective work on one work item.
struct TransactionalWork<'a> {
    /// Hours pooled by kind.
    pool: &'a [f64; AgentKind::COUNT],
    /// Work items each kind shares its hours over.
    items_of: &'a [u32; AgentKind::COUNT],
    /// Support hours per transactional work item.
    support_each: f64,
    complementarity: f64,
    leverage: f64,
    prior: f64,
}

impl TransactionalWork<'_> {
    /// Effective work on an item whose parties are `kinds` (the signers
    /// present, or a workaround's party kinds): each kind's share of its
    /// hours, combined by `signer_effort`, plus support up to `leverage`
    /// times that, scaled by prior relationships. The kinds' hours are
    /// added to `applied` (the effort accounting).
    fn effort(&self, kinds: &[AgentKind], applied: &mut [f64; AgentKind::COUNT]) -> f64 {
        let share = |k: &AgentKind| {
            let n = self.items_of[k.index()];
            if n > 0 {
                self.pool[k.index()] / n as f64
            } else {
                0.0
            }
        };
        for k in kinds {
            applied[k.index()] += share(k);
        }
        let combined = signer_effort(kinds.iter().map(share), self.complementarity);
        let support = self.support_each.min(self.leverage * combined);
        (combined + support) * self.prior
    }
}

#[cfg(test)]
mod tests {
    use super::{prior_relationship_multiplier, signer_effort, TransactionalWork};
    use crate::model::AgentKind;

    #[test]
    fn every_pooled_hour_reaches_the_items_its_kind_works_on() {
        // CCG hours over 2 items, council hours over 1 (ODD §7.7 accounting).
        let mut pool = [0.0; AgentKind::COUNT];
        pool[AgentKind::Ccg.index()] = 10.0;
        pool[AgentKind::LocalAuthority.index()] = 3.0;
        let mut items = [0; AgentKind::COUNT];
        items[AgentKind::Ccg.index()] = 2;
        items[AgentKind::LocalAuthority.index()] = 1;
        let work = TransactionalWork {
            pool: &pool,
            items_of: &items,
            support_each: 100.0,
            complementarity: 1.0,
            leverage: 1.0,
            prior: 1.0,
        };
        let mut applied = [0.0; AgentKind::COUNT];
        let both = work.effort(&[AgentKind::Ccg, AgentKind::LocalAuthority], &mut applied);
        let ccg_alone = work.effort(&[AgentKind::Ccg], &mut applied);
        assert_eq!(applied, pool);
        // Perfect complements over the two signers: 2 × min(5, 3), plus
        // support capped at the same amount.
        assert_eq!(both, 12.0);
        // A signer absent from the early adopter is not a party: the CCG alone.
        assert_eq!(ccg_alone, 10.0);
    }

    #[test]
    fn signer_effort_blends_substitutes_and_complements() {
        // Substitutes: the sum.
        assert_eq!(signer_effort([4.0, 0.0], 0.0), 4.0);
        // Perfect complements: nothing until every party works.
        assert_eq!(signer_effort([4.0, 0.0], 1.0), 0.0);
        assert_eq!(signer_effort([3.0, 5.0], 1.0), 6.0);
        // Half and half: 0.5 * 8 + 0.5 * 2 * 3.
        assert_eq!(signer_effort([3.0, 5.0], 0.5), 7.0);
        assert_eq!(signer_effort(std::iter::empty(), 0.5), 0.0);
    }

    #[test]
    fn prior_relationships_scale_effort_around_one() {
        assert_eq!(prior_relationship_multiplier(0.5, 1.0), 1.0);
        assert_eq!(prior_relationship_multiplier(1.0, 1.0), 1.5);
        assert_eq!(prior_relationship_multiplier(0.0, 1.0), 0.5);
        assert_eq!(prior_relationship_multiplier(0.0, 0.0), 1.0);
    }
}
