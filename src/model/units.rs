//! Ids that cross module boundaries: thin newtypes, so that an agent index
//! cannot be passed where an early adopter index is expected. (Quantities —
//! pounds, hours, shares — are `f64` with their unit in the doc comment of
//! every parameter; see `model::params`.)

/// Index of an agent in the plan's roster (agents are grouped by kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId(pub u32);

impl AgentId {
    /// Position in per-agent arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of an early adopter in the scenario's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EarlyAdopterId(pub u16);

impl EarlyAdopterId {
    /// Position in per-early-adopter arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
