//! Plain data and pure rules of the model: agent kinds, the journey DAG,
//! the calendar of the NHS financial year, and the rules that move
//! engagement and progress. The engine (`crate::engine`) runs them.

pub mod journey;
pub mod kinds;
pub mod rules;

pub use kinds::AgentKind;
