//! The early adopter journey: milestones with a kind, an amount of work and
//! prerequisites forming a directed acyclic graph.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::AgentKind;

/// Milestone kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    /// Advances with relational effort.
    Relational,
    /// Advances with transactional effort from its signers.
    Transactional,
    /// Needs both kinds of effort.
    Mixed,
}

/// Early adopter scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Full accountable-care model with capitated budgets and new IT.
    Full,
    /// Scaled-back model that avoids the hardest transactional milestones.
    ScaledBack,
}

impl Scope {
    /// Stable text (as in the scenario file and the outputs).
    pub fn id(self) -> &'static str {
        match self {
            Scope::Full => "full",
            Scope::ScaledBack => "scaled_back",
        }
    }
}

/// Index of a milestone in the journey.
pub type MilestoneIx = usize;

/// A milestone, resolved.
#[derive(Debug, Clone)]
pub struct Milestone {
    /// Stable id (output contract).
    pub id: String,
    /// Relational, transactional or mixed.
    pub kind: MilestoneKind,
    /// Hours of effective work needed.
    pub work_hours: f64,
    /// Prerequisites.
    pub requires: Vec<MilestoneIx>,
    /// Kinds whose transactional effort is needed.
    pub signers: Vec<AgentKind>,
    /// Index of the national barrier that slows it.
    pub barrier: Option<usize>,
    /// Skipped by scaled-back early adopters.
    pub full_scope_only: bool,
    /// Lowered by the toolkit.
    pub toolkit_covered: bool,
    /// Length of the longest chain of prerequisites ending here, counting this
    /// one (1 for a milestone with no prerequisites).
    pub depth: u32,
}

/// Stable text of a milestone kind.
pub fn kind_id(kind: MilestoneKind) -> &'static str {
    match kind {
        MilestoneKind::Relational => "relational",
        MilestoneKind::Transactional => "transactional",
        MilestoneKind::Mixed => "mixed",
    }
}

/// A cycle among prerequisites, as the ids along it (first repeated at the end).
pub fn find_cycle(requires: &[Vec<MilestoneIx>], ids: &[String]) -> Option<Vec<String>> {
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let n = requires.len();
    let mut state = vec![0u8; n];
    let mut stack: Vec<MilestoneIx> = Vec::new();
    fn visit(
        v: MilestoneIx,
        requires: &[Vec<MilestoneIx>],
        state: &mut [u8],
        stack: &mut Vec<MilestoneIx>,
    ) -> Option<Vec<MilestoneIx>> {
        state[v] = 1;
        stack.push(v);
        for &w in &requires[v] {
            if state[w] == 1 {
                let start = stack.iter().position(|&x| x == w).unwrap_or(0);
                let mut cycle = stack[start..].to_vec();
                cycle.push(w);
                return Some(cycle);
            }
            if state[w] == 0 {
                if let Some(c) = visit(w, requires, state, stack) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        state[v] = 2;
        None
    }
    for v in 0..n {
        if state[v] == 0 {
            if let Some(c) = visit(v, requires, &mut state, &mut stack) {
                return Some(c.into_iter().map(|i| ids[i].clone()).collect());
            }
        }
    }
    None
}

/// Depth of each milestone (longest prerequisite chain, counting itself).
/// The graph must be acyclic.
pub fn depths(requires: &[Vec<MilestoneIx>]) -> Vec<u32> {
    fn depth(v: MilestoneIx, requires: &[Vec<MilestoneIx>], memo: &mut [u32]) -> u32 {
        if memo[v] > 0 {
            return memo[v];
        }
        let d = 1 + requires[v]
            .iter()
            .map(|&w| depth(w, requires, memo))
            .max()
            .unwrap_or(0);
        memo[v] = d;
        d
    }
    let mut memo = vec![0; requires.len()];
    (0..requires.len())
        .map(|v| depth(v, requires, &mut memo))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("m{i}")).collect()
    }

    #[test]
    fn detects_a_cycle_and_names_it() {
        let req = vec![vec![2], vec![0], vec![1]];
        let c = find_cycle(&req, &ids(3)).unwrap();
        assert_eq!(c.first(), c.last());
        assert_eq!(c.len(), 4);
    }

    #[test]
    fn acyclic_graph_has_no_cycle_and_correct_depths() {
        let req = vec![vec![], vec![0], vec![0, 1], vec![]];
        assert!(find_cycle(&req, &ids(4)).is_none());
        assert_eq!(depths(&req), vec![1, 2, 3, 1]);
    }

    #[test]
    fn self_loop_is_a_cycle() {
        assert!(find_cycle(&[vec![0]], &ids(1)).is_some());
    }
}
