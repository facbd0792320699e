//! ODD §7.16: coordination costs that grow with scale (switch
//! `coordination_costs`, table `[coordination]`). Three pure rules, each
//! applied where the quantity it changes is computed:
//!
//! 1. **Work per decision grows with the parties that must agree** (E2, E5):
//!    an early adopter's milestone with signers needs
//!    `work_hours × (parties / kinds)^partner_elasticity`, where `kinds` is
//!    the number of the milestone's signing kinds the early adopter has and
//!    `parties` its member organisations of those kinds. A milestone's
//!    `work_hours` is thus the work of one organisation per signing kind
//!    (the calibrated NWL case); two CCGs, or three acute trusts, that must
//!    each agree make it longer. GP practices count as one party: they come
//!    to decisions through their network (the journey's `gp_network_*`
//!    milestones; their network lead sits on the steering committee,
//!    plan/roster.rs), and each practice's own signature of a data-sharing
//!    agreement is already the per-party cost of the local workaround
//!    (barriers.rs, G1), which is not counted again here. Applied to the
//!    work each early adopter's milestones need (early_adopters.rs).
//! 2. **Bodies slow as they grow** (E2, E3): a meeting with more attendees
//!    than `body_reference_size` produces
//!    `(reference / attendees)^body_size_elasticity` of its output per
//!    attendee (meetings.rs).
//! 3. **Central support is strained by number and diversity** (E8, H9):
//!    early adopter support from the centre is divided by
//!    `1 + diversity_penalty × D`, where `D` is the mean number of other
//!    active early adopters at a different stage (milestones achieved) than
//!    each: support tailored to one stage must be coordinated with every
//!    early adopter elsewhere on the journey. `D` is 0 when all move
//!    together and grows with their number for a given spread of paces. This
//!    comes on top of `programme.spread_penalty`, which counts every other
//!    active early adopter whatever its stage (programme_team.rs).

use crate::model::journey::Milestone;
use crate::model::params::Coordination;
use crate::model::AgentKind;

/// The parties that must agree to a decision whose signing kinds present in
/// the early adopter are `signers`, given its member organisations by kind:
/// every member of each signing kind, GP practices as one (their network).
pub(super) fn decision_parties(signers: &[AgentKind], members: &[u32; AgentKind::COUNT]) -> u32 {
    signers
        .iter()
        .map(|k| match k {
            AgentKind::GpPractice => members[k.index()].min(1),
            _ => members[k.index()],
        })
        .sum()
}

/// Multiplier of a decision's work: `(parties / kinds)^elasticity`, 1 for a
/// milestone without signers present.
pub(super) fn decision_work_factor(parties: u32, kinds: usize, elasticity: f64) -> f64 {
    if kinds == 0 || parties == 0 {
        return 1.0;
    }
    (parties as f64 / kinds as f64).powf(elasticity)
}

/// Work an early adopter's milestone needs: its `work_hours`, times the
/// decision factor when the switch is on.
pub(super) fn milestone_work(
    ms: &Milestone,
    signers: &[AgentKind],
    members: &[u32; AgentKind::COUNT],
    co: &Coordination,
    switch_on: bool,
) -> f64 {
    if !switch_on {
        return ms.work_hours;
    }
    let parties = decision_parties(signers, members);
    ms.work_hours * decision_work_factor(parties, signers.len(), co.partner_elasticity)
}

/// Output per attendee of a meeting of `attendees` relative to one within
/// the reference size: `(reference / attendees)^elasticity` beyond it, else 1.
pub(super) fn body_size_factor(attendees: u32, reference: f64, elasticity: f64) -> f64 {
    let n = attendees as f64;
    if n <= reference {
        1.0
    } else {
        (reference / n).powf(elasticity)
    }
}

/// Mean, over the active early adopters, of the number of *other* active
/// early adopters at a different stage (milestones achieved):
/// `Σ_s n_s (N − n_s) / N` for `n_s` early adopters at stage `s` of `N`. It
/// is 0 when all are at the same stage, `N − 1` when all differ, and, for a
/// given mix of stages, grows with the number of early adopters: the number
/// and the diversity of the support needed together (E8, H9).
pub(super) fn others_at_different_stages<I: IntoIterator<Item = usize>>(stages: I) -> f64 {
    let mut v: Vec<usize> = stages.into_iter().collect();
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    v.sort_unstable();
    let mut sum = 0usize;
    for group in v.chunk_by(|a, b| a == b) {
        sum += group.len() * (n - group.len());
    }
    sum as f64 / n as f64
}

/// Divisor of central support: `1 + penalty × others_at_different_stages`.
pub(super) fn diversity_divisor(others_different: f64, penalty: f64) -> f64 {
    1.0 + penalty * others_different
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(pairs: &[(AgentKind, u32)]) -> [u32; AgentKind::COUNT] {
        let mut m = [0; AgentKind::COUNT];
        for &(k, n) in pairs {
            m[k.index()] = n;
        }
        m
    }

    #[test]
    fn practices_count_as_one_party_and_other_kinds_one_each() {
        let m = members(&[
            (AgentKind::Ccg, 2),
            (AgentKind::GpPractice, 67),
            (AgentKind::AcuteTrust, 3),
        ]);
        assert_eq!(
            decision_parties(&[AgentKind::Ccg, AgentKind::GpPractice], &m),
            3
        );
        assert_eq!(decision_parties(&[AgentKind::AcuteTrust], &m), 3);
        assert_eq!(decision_parties(&[], &m), 0);
    }

    #[test]
    fn one_organisation_per_kind_is_the_reference_and_more_cost_more() {
        assert_eq!(decision_work_factor(3, 3, 0.5), 1.0);
        assert_eq!(decision_work_factor(0, 0, 0.5), 1.0);
        assert!((decision_work_factor(4, 1, 0.5) - 2.0).abs() < 1e-12);
        assert_eq!(decision_work_factor(6, 3, 0.0), 1.0);
        assert!((decision_work_factor(6, 3, 1.0) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn meetings_lose_output_per_attendee_only_beyond_the_reference() {
        assert_eq!(body_size_factor(12, 12.0, 0.5), 1.0);
        assert_eq!(body_size_factor(3, 12.0, 0.5), 1.0);
        assert!((body_size_factor(48, 12.0, 0.5) - 0.5).abs() < 1e-12);
        assert_eq!(body_size_factor(48, 12.0, 0.0), 1.0);
        // Elasticity 1: the meeting as a whole produces no more than one of
        // the reference size.
        assert!((24.0 * body_size_factor(24, 12.0, 1.0) - 12.0).abs() < 1e-12);
    }

    #[test]
    fn support_is_divided_by_the_others_at_a_different_stage() {
        // Stages 3, 1, 3, 0, 1: two EAs at 3, two at 1, one at 0 →
        // (2·3 + 2·3 + 1·4) / 5 = 3.2 others at a different stage.
        assert!((others_at_different_stages([3, 1, 3, 0, 1]) - 3.2).abs() < 1e-12);
        assert_eq!(others_at_different_stages([2, 2, 2]), 0.0);
        assert_eq!(others_at_different_stages([0, 1, 2, 3]), 3.0);
        assert_eq!(others_at_different_stages(std::iter::empty()), 0.0);
        // The same mix of stages, twice the early adopters: about twice the load.
        assert!((others_at_different_stages([1, 1, 2, 2]) - 2.0).abs() < 1e-12);
        assert_eq!(others_at_different_stages([1, 2]), 1.0);
        assert_eq!(diversity_divisor(0.0, 0.05), 1.0);
        assert!((diversity_divisor(4.0, 0.05) - 1.2).abs() < 1e-12);
    }
}
