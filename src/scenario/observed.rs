//! Observed facts: published dates and counts a scenario declares
//! (`[[observed]]`), drawn on the charts and listed in the report beside the
//! simulated distributions, marked as observed. They change no simulated
//! number. Their quantities use the vocabulary of the calibration targets
//! (`calibrate::targets::Quantity`; this layer cannot import it, and only
//! the quantities a chart can draw are accepted).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::date::IsoDate;

/// One published fact.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct ObservedSpec {
    /// Which quantity: `milestone_date` (the date `early_adopter`, or `programme`, achieved `milestone`), `nth_achieved` (the date the `n`-th early adopter achieved the journey milestone `milestone`) or `count_achieved_by` (`count` early adopters had achieved the journey milestone `milestone` by `date`); the names of the calibration targets' quantities. Unit: enum. Source: user.
    pub quantity: ObservedQuantity,
    /// Early adopter id, or `programme`, for `milestone_date`. Unit: id. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_adopter: Option<String>,
    /// Milestone id: a journey milestone, or a programme milestone for `milestone_date` with early_adopter = "programme". Unit: id. Source: user.
    pub milestone: String,
    /// Rank for `nth_achieved` (1 = the first early adopter to achieve the milestone). Unit: rank. Source: the evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// The observed date (`milestone_date`, `nth_achieved`) or the date the count was observed at (`count_achieved_by`). Unit: ISO date. Source: the evidence.
    pub date: IsoDate,
    /// Number of early adopters, for `count_achieved_by`. Unit: count. Source: the evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Where the fact is published (a claim id of docs/evidence.md or a source). Unit: text. Source: user.
    #[serde(default)]
    pub source: String,
}

/// The quantities an observed fact can state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObservedQuantity {
    /// Date a milestone was achieved by one early adopter or the programme.
    MilestoneDate,
    /// Date the n-th early adopter achieved a journey milestone.
    NthAchieved,
    /// Number of early adopters that had achieved a journey milestone by a date.
    CountAchievedBy,
}

impl ObservedQuantity {
    /// The id as written in a scenario (and in a targets file).
    pub fn id(self) -> &'static str {
        match self {
            ObservedQuantity::MilestoneDate => "milestone_date",
            ObservedQuantity::NthAchieved => "nth_achieved",
            ObservedQuantity::CountAchievedBy => "count_achieved_by",
        }
    }
}

impl ObservedSpec {
    /// Whether the fact is about early adopters going live (`pilot_live`)
    /// as counted by the go-live curve: the number live by `date`.
    pub fn live_count(&self) -> Option<u32> {
        if self.milestone != "pilot_live" {
            return None;
        }
        match self.quantity {
            ObservedQuantity::NthAchieved => self.n,
            ObservedQuantity::CountAchievedBy => self.count,
            ObservedQuantity::MilestoneDate => None,
        }
    }

    /// One line saying what was observed, e.g. `first early adopter live
    /// (pilot_live): 2015-01-31`.
    pub fn describe(&self) -> String {
        let d = self.date.0.format("%Y-%m-%d");
        let m = &self.milestone;
        match self.quantity {
            ObservedQuantity::MilestoneDate => format!(
                "{}: {m} achieved {d}",
                self.early_adopter.as_deref().unwrap_or("programme")
            ),
            ObservedQuantity::NthAchieved => {
                let n = self.n.unwrap_or(1);
                let rank = match n {
                    1 => "first".to_string(),
                    2 => "second".to_string(),
                    3 => "third".to_string(),
                    n => format!("{n}th"),
                };
                format!("{rank} early adopter to achieve {m}: {d}")
            }
            ObservedQuantity::CountAchievedBy => {
                let c = self.count.unwrap_or(0);
                let who = if c == 1 {
                    "early adopter"
                } else {
                    "early adopters"
                };
                format!("{c} {who} had achieved {m} by {d}")
            }
        }
    }
}
