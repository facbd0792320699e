//! Agent kinds and their stable identifiers (an output contract).

use std::fmt;

/// The kind of an organisation agent. The `id()` strings are an output contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgentKind {
    /// Clinical commissioning group.
    Ccg,
    /// Local authority (council).
    LocalAuthority,
    /// Acute hospital trust.
    AcuteTrust,
    /// Community or mental health trust.
    CommunityTrust,
    /// GP practice.
    GpPractice,
    /// Third-sector organisation.
    ThirdSector,
    /// The central programme team (one agent, with consultants attached).
    ProgrammeTeam,
    /// Lay partner.
    LayPartner,
}

impl AgentKind {
    /// All kinds, in output order.
    pub const ALL: [AgentKind; 8] = [
        AgentKind::Ccg,
        AgentKind::LocalAuthority,
        AgentKind::AcuteTrust,
        AgentKind::CommunityTrust,
        AgentKind::GpPractice,
        AgentKind::ThirdSector,
        AgentKind::ProgrammeTeam,
        AgentKind::LayPartner,
    ];
    /// Number of kinds.
    pub const COUNT: usize = 8;

    /// Stable identifier used in scenario files and every output.
    pub fn id(self) -> &'static str {
        match self {
            AgentKind::Ccg => "ccg",
            AgentKind::LocalAuthority => "local_authority",
            AgentKind::AcuteTrust => "acute_trust",
            AgentKind::CommunityTrust => "community_trust",
            AgentKind::GpPractice => "gp_practice",
            AgentKind::ThirdSector => "third_sector",
            AgentKind::ProgrammeTeam => "programme_team",
            AgentKind::LayPartner => "lay_partner",
        }
    }

    /// Parses a stable identifier.
    pub fn from_id(id: &str) -> Option<AgentKind> {
        AgentKind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Index in `ALL`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Providers wait for commissioners to show they will invest (B2).
    pub fn is_provider(self) -> bool {
        matches!(
            self,
            AgentKind::AcuteTrust
                | AgentKind::CommunityTrust
                | AgentKind::GpPractice
                | AgentKind::ThirdSector
        )
    }

    /// Strategic agents feel leadership departures (F2).
    pub fn is_strategic(self) -> bool {
        matches!(self, AgentKind::Ccg | AgentKind::ProgrammeTeam)
    }
}

impl fmt::Display for AgentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_indices_match_order() {
        for (i, k) in AgentKind::ALL.into_iter().enumerate() {
            assert_eq!(AgentKind::from_id(k.id()), Some(k));
            assert_eq!(k.index(), i);
        }
        assert_eq!(AgentKind::from_id("gp"), None);
    }
}
