//! The model's vocabulary: plain data and the enums every layer above shares
//! (agent kinds, the journey DAG and milestone kinds, the programme's
//! milestones, the calendar of weeks and financial years, units and ids).
//! Nothing here knows about files, the engine or outputs.

pub mod calendar;
pub mod journey;
pub mod kinds;
pub mod params;
pub mod programme;
pub mod recording;
pub mod units;

pub use kinds::AgentKind;
pub use programme::ProgrammeMilestone;
