//! ISO dates in scenario files: a TOML local date (`2014-01-06`) or the same as
//! a string (`"2014-01-06"`).

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::limits::{MAX_YEAR, MIN_YEAR};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date written as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(pub NaiveDate);

impl IsoDate {
    /// Parses `YYYY-MM-DD`, with a year from `limits::MIN_YEAR` to
    /// `limits::MAX_YEAR` (so that no date, nor any date computed from it,
    /// lies outside the range the calendar can represent).
    pub fn parse(text: &str) -> Option<IsoDate> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| (MIN_YEAR..=MAX_YEAR).contains(&d.year()))
            .map(IsoDate)
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for IsoDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        let text = match &value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            _ => String::new(),
        };
        IsoDate::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a date written YYYY-MM-DD (for example 2014-01-06) in the years {MIN_YEAR} to {MAX_YEAR}, found {}",
                if text.is_empty() { value.to_string() } else { text.clone() }
            ))
        })
    }
}

impl JsonSchema for IsoDate {
    fn schema_name() -> Cow<'static, str> {
        "IsoDate".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
}
