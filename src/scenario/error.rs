//! Scenario errors: every one names the file, line, column, key path, what was
//! expected, what was found and, where one exists, a hint.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// File name as given by the user (or `<embedded>` for the built-in scenario).
    pub file: String,
    /// 1-based line of the offending key or value (0 when the input has no position).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Dotted key path, e.g. `early_adopters[2].scope`.
    pub key_path: String,
    /// What was expected there.
    pub expected: String,
    /// What was found, if anything.
    pub found: Option<String>,
    /// What to do about it.
    pub hint: Option<String>,
    /// The kind of file it is in (named in the count line of a report).
    pub kind: InputKind,
}

/// The kinds of input file `pioneer` reads, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputKind {
    /// A scenario (or a base of its `extends` chain).
    #[default]
    Scenario,
    /// A sweep file.
    Sweep,
    /// A calibration targets file.
    Targets,
    /// A calibration priors file.
    Priors,
}

impl InputKind {
    /// The kind in words: "scenario", "sweep file", …
    pub fn noun(self) -> &'static str {
        match self {
            InputKind::Scenario => "scenario",
            InputKind::Sweep => "sweep file",
            InputKind::Targets => "targets file",
            InputKind::Priors => "priors file",
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.key_path.is_empty() {
            write!(f, "`{}`: ", self.key_path)?;
        }
        write!(f, "expected {}", self.expected)?;
        if let Some(found) = &self.found {
            write!(f, ", found {found}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong loading a scenario.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file was read but is not a valid scenario; every problem found is listed.
    #[error("{}", render_all(.0))]
    Invalid(Vec<ScenarioError>),
}

fn render_all(errors: &[ScenarioError]) -> String {
    let mut out = String::new();
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("error: ");
        out.push_str(&e.to_string());
    }
    let n = errors.len();
    let kind = errors.first().map_or(InputKind::Scenario, |e| e.kind);
    out.push_str(&format!(
        "\n{n} error{} in {}",
        if n == 1 { "" } else { "s" },
        kind.noun()
    ));
    out
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn nearest<'a, I: IntoIterator<Item = &'a str>>(word: &str, candidates: I) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A hint naming the nearest candidate, or listing the candidates when none is close.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str> + Clone,
{
    match nearest(word, candidates.clone()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => {
            let all: Vec<String> = candidates.into_iter().map(|c| format!("`{c}`")).collect();
            format!("valid values: {}", all.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_and_ignores_unrelated_words() {
        let keys = ["day_rate_gbp", "hours_per_day", "handover_fraction"];
        assert_eq!(nearest("day_rate", keys), Some("day_rate_gbp"));
        assert_eq!(
            nearest("handover_fractoin", keys),
            Some("handover_fraction")
        );
        assert_eq!(nearest("zzz", keys), None);
    }

    #[test]
    fn did_you_mean_lists_candidates_when_nothing_is_close() {
        let h = did_you_mean("qqqqqqqq", ["full", "scaled_back"]);
        assert_eq!(h, "valid values: `full`, `scaled_back`");
    }
}
