//! Scenario files: the serde mirror (`raw`), validation into an immutable
//! [`Scenario`] (`validate`) holding the typed parameters
//! (`model::params::Parameters`, built by `typed`), error reporting with
//! positions (`error`, `locate`), the schema that documents every key
//! (`schema`), inheritance between scenario files (`inherit`: `extends =
//! "../base.toml"`) and key-path overrides (`overrides`).
//!
//! Loading runs in three layers so that a user sees every problem at once
//! where that is possible: TOML syntax (one error: the rest of the file cannot
//! be read), then types and unknown keys (every unknown key is reported; a
//! type error stops serde), then the semantic rules (all collected). A file
//! that extends another is first merged with its base (`inherit`); the layers
//! then run on the merged document, and each error is moved back to the file
//! where its key is written.

pub mod date;
pub mod error;
pub mod generate;
pub mod inherit;
pub mod limits;
pub mod locate;
pub mod observed;
pub mod overrides;
// Public for the key-path overrides (sweeps, calibration) and for tests and
// examples that modify a scenario through `Scenario::from_raw`; the engine
// and the outputs read `model::params::Parameters`.
pub mod raw;
pub mod schema;
mod typed;
pub mod validate;

use std::path::Path;

pub use date::IsoDate;
pub use error::{InputKind, LoadError, ScenarioError};
use locate::{KeyPath, Locator, Seg};
use raw::RawScenario;

use crate::model::journey::Milestone;
use crate::model::params::Parameters;
use crate::util::hash::sha256_hex;

/// The default scenario (North West London WSIC, 2013), embedded in the binary.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/nwl_wsic_2013.toml");
/// Name under which the embedded scenario is reported.
pub const DEFAULT_SCENARIO_NAME: &str = "<embedded>/scenarios/nwl_wsic_2013.toml";

/// A validated, immutable scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    raw: RawScenario,
    params: Parameters,
    journey: Vec<Milestone>,
    source_name: String,
    content_hash: String,
    /// The files read, as read (the `extends` chain: the file asked for first).
    sources: Vec<inherit::SourceFile>,
    /// Key-path overrides applied after loading (`overrides::apply`).
    overrides: Vec<overrides::Override>,
}

impl Scenario {
    /// The serde mirror of the scenario.
    // Used by key-path overrides only (sweeps, calibration; tests that modify
    // a scenario through `from_raw`). Everything else reads `parameters()`.
    #[doc(hidden)]
    pub fn raw(&self) -> &RawScenario {
        &self.raw
    }
    /// The validated, typed parameters.
    pub fn parameters(&self) -> &Parameters {
        &self.params
    }
    /// The resolved journey (prerequisites as indices).
    pub fn journey(&self) -> &[Milestone] {
        &self.journey
    }
    /// The observed facts the scenario declares (`[[observed]]`, validated).
    pub fn observed(&self) -> &[observed::ObservedSpec] {
        &self.raw.observed
    }
    /// Where the scenario came from.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }
    /// SHA-256 of the scenario text, hex; for a file that extends another, of
    /// every file of the chain and the merged document (see `inherit`).
    pub fn content_hash(&self) -> &str {
        &self.content_hash
    }
    /// The files the scenario was read from, as read: the file asked for
    /// first, then the bases of its `extends` chain (the text itself for a
    /// scenario made from text).
    pub fn sources(&self) -> &[inherit::SourceFile] {
        &self.sources
    }
    /// The `--set` overrides applied to the files read, in order.
    pub fn overrides(&self) -> &[overrides::Override] {
        &self.overrides
    }
    /// The embedded default scenario.
    pub fn default_nwl() -> Scenario {
        Scenario::from_toml(DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME)
            .expect("the embedded scenario is valid (tested)")
    }
    /// Loads and validates a file, with its `extends` chain if it has one.
    pub fn from_file(path: &Path) -> Result<Scenario, LoadError> {
        let text = read_input(path, InputKind::Scenario)?;
        Scenario::load(&text, &path.display().to_string(), path)
    }
    /// Parses and validates TOML text; `name` is used in error messages and,
    /// if the text extends another scenario, as the path it was read from (a
    /// relative base is looked for next to it).
    pub fn from_toml(text: &str, name: &str) -> Result<Scenario, LoadError> {
        Scenario::load(text, name, Path::new(name))
    }
    fn load(text: &str, name: &str, path: &Path) -> Result<Scenario, LoadError> {
        let effective = inherit::Effective::load(text, name, Some(path))?;
        let merged = effective.text();
        let mut scenario = parse_raw(merged, name)
            .and_then(|raw| Scenario::from_raw(raw, merged, name))
            .map_err(|e| inherit::hint_extends(effective.relocate(e)))?;
        scenario.content_hash = effective.content_hash();
        scenario.sources = effective.files().to_vec();
        Ok(scenario)
    }
    /// Validates a raw scenario (for example one modified by a sweep). `text`
    /// is used to locate errors and to hash the content.
    /// A `[generate]` section is expanded first (`generate`), so the
    /// expanded scenario is validated as a hand-written one.
    pub fn from_raw(mut raw: RawScenario, text: &str, name: &str) -> Result<Scenario, LoadError> {
        let locator = Locator::new(text);
        let located =
            |issues| LoadError::Invalid(locate_issues(issues, &locator, name, InputKind::Scenario));
        let provenance = generate::expand(&mut raw).map_err(located)?;
        match validate::validate(&raw) {
            Ok(journey) => Ok(Scenario {
                params: typed::parameters(&raw, &journey),
                raw,
                journey,
                source_name: name.to_string(),
                content_hash: sha256_hex(text.as_bytes()),
                sources: vec![inherit::SourceFile {
                    name: name.to_string(),
                    text: text.to_string(),
                }],
                overrides: Vec::new(),
            }),
            Err(issues) => Err(located(provenance.relocate_all(issues))),
        }
    }
    /// The scenario as one self-contained TOML document after inheritance and
    /// generators: the expanded scenario the run simulates (`pioneer check
    /// --expanded` prints it). Loading it gives the same scenario.
    pub fn expanded_toml(&self) -> String {
        toml::to_string(&self.raw).expect("a raw scenario always serialises to TOML")
    }
}

/// Gives validation issues their file positions, in a file of the given kind.
pub fn locate_issues(
    issues: Vec<validate::Issue>,
    locator: &Locator,
    name: &str,
    kind: InputKind,
) -> Vec<ScenarioError> {
    issues
        .into_iter()
        .map(|i| {
            let (line, column) = locator.position(&i.path, i.at_key);
            ScenarioError {
                file: name.to_string(),
                line,
                column,
                key_path: i.path.to_string(),
                expected: i.expected,
                found: i.found,
                hint: i.hint,
                kind,
            }
        })
        .collect()
}

/// Reads an input file (scenario, base of an `extends` chain, sweep, targets,
/// priors) as UTF-8 text. Every loader reads through this one function, so
/// all of them share its guarantees: at most `limits::MAX_INPUT_BYTES` are
/// read (a larger file, or `/dev/zero`, is an error naming the limit, not a
/// hang or an abort), and text that is not UTF-8 is an error at the line and
/// column of its first invalid byte, with a hint to save the file as UTF-8
/// (UTF-16 and UTF-32 files are recognised by their byte-order mark).
pub fn read_input(path: &Path, kind: InputKind) -> Result<String, LoadError> {
    use std::io::Read;
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limits::MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let name = path.display().to_string();
    decode_input(bytes, &name, kind).map_err(|e| LoadError::Invalid(vec![*e]))
}

/// Bytes of an input file → text, or the error `read_input` reports.
fn decode_input(bytes: Vec<u8>, name: &str, kind: InputKind) -> Result<String, Box<ScenarioError>> {
    let error = |(line, column): (usize, usize), expected: String, found: String, hint: &str| {
        Box::new(ScenarioError {
            file: name.to_string(),
            line,
            column,
            key_path: String::new(),
            expected,
            found: Some(found),
            hint: Some(hint.to_string()),
            kind,
        })
    };
    // Line and column (1-based, column in bytes as elsewhere) of `offset`,
    // counted in the valid UTF-8 before it.
    let position = |bytes: &[u8], offset: usize| {
        let before = &bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(offset, |nl| offset - nl - 1)
            + 1;
        (line, column)
    };
    if bytes.len() > limits::MAX_INPUT_BYTES {
        return Err(error(
            position(&bytes, limits::MAX_INPUT_BYTES),
            format!(
                "a file of at most {} MiB (limits::MAX_INPUT_BYTES)",
                limits::MAX_INPUT_BYTES / (1024 * 1024)
            ),
            format!("more than {} bytes", limits::MAX_INPUT_BYTES),
            "this is not a scenario-sized text file: check the path (a device such as /dev/zero, or a data file?); reading it whole would hold all of it in memory",
        ));
    }
    const BOMS: [(&[u8], &str); 4] = [
        (&[0xFF, 0xFE, 0, 0], "UTF-32 (little-endian)"),
        (&[0, 0, 0xFE, 0xFF], "UTF-32 (big-endian)"),
        (&[0xFF, 0xFE], "UTF-16 (little-endian)"),
        (&[0xFE, 0xFF], "UTF-16 (big-endian)"),
    ];
    let save_as = "save the file as UTF-8 (in most editors: Save As, encoding UTF-8)";
    if let Some((_, encoding)) = BOMS.iter().find(|(bom, _)| bytes.starts_with(bom)) {
        return Err(error(
            (1, 1),
            "UTF-8 text".into(),
            format!("a {encoding} byte-order mark"),
            save_as,
        ));
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return check_nul(text, name, kind),
        Err(e) => e.into_bytes(),
    };
    let offset = std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), |_| 0);
    Err(error(
        position(&bytes, offset),
        "UTF-8 text".into(),
        format!("the byte 0x{:02X}, which is not UTF-8", bytes[offset]),
        save_as,
    ))
}

/// Text with a NUL character is not a text file (UTF-16 without a byte-order
/// mark reads as ASCII with a NUL after every letter).
fn check_nul(text: String, name: &str, kind: InputKind) -> Result<String, Box<ScenarioError>> {
    let Some(offset) = text.find('\0') else {
        return Ok(text);
    };
    let (line, column) = Locator::new(&text).line_col(offset);
    Err(Box::new(ScenarioError {
        file: name.to_string(),
        line,
        column,
        key_path: String::new(),
        expected: "text without NUL characters".into(),
        found: Some("a NUL character (byte 0x00)".into()),
        hint: Some("the file looks like UTF-16 or binary data: save it as UTF-8 text".into()),
        kind,
    }))
}

fn ignored_path(path: &serde_ignored::Path) -> KeyPath {
    fn collect(path: &serde_ignored::Path, out: &mut Vec<Seg>) {
        use serde_ignored::Path as P;
        match path {
            P::Root => {}
            P::Seq { parent, index } => {
                collect(parent, out);
                out.push(Seg::Index(*index));
            }
            P::Map { parent, key } => {
                collect(parent, out);
                out.push(Seg::Key(key.clone()));
            }
            P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
                collect(parent, out)
            }
        }
    }
    let mut segs = Vec::new();
    collect(path, &mut segs);
    KeyPath(segs)
}

/// TOML text → raw scenario, reporting syntax errors, type errors and every
/// unknown key.
pub fn parse_raw(text: &str, name: &str) -> Result<RawScenario, LoadError> {
    parse_toml::<RawScenario>(text, name)
}

/// TOML text → any input type (scenario, targets, priors) with the same
/// error reporting: syntax errors, type errors and every unknown key, each
/// with file, line, column, key path and a hint.
pub fn parse_toml<T>(text: &str, name: &str) -> Result<T, LoadError>
where
    T: serde::de::DeserializeOwned + schemars::JsonSchema,
{
    let kind = input_kind::<T>();
    let locator = Locator::new(text);
    let mut unknown: Vec<KeyPath> = Vec::new();
    let deserializer = toml::Deserializer::new(text);
    let parsed: Result<T, toml::de::Error> =
        serde_ignored::deserialize(deserializer, |p| unknown.push(ignored_path(&p)));
    let schema = schema::json_schema_for::<T>();
    let mut errors: Vec<ScenarioError> = unknown
        .iter()
        .map(|path| {
            let (line, column) = locator.position(path, true);
            let key = path.last_key().unwrap_or("");
            let valid = schema::valid_keys(&schema, &path.parent()).unwrap_or_default();
            let hint = if valid.is_empty() {
                None
            } else {
                Some(
                    match error::nearest(key, valid.iter().map(String::as_str)) {
                        Some(k) => format!("did you mean `{k}`?"),
                        None => format!(
                            "known keys here: {}",
                            valid
                                .iter()
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    },
                )
            };
            ScenarioError {
                file: name.to_string(),
                line,
                column,
                key_path: path.to_string(),
                expected: if path.parent().0.is_empty() {
                    "a known top-level section".into()
                } else {
                    format!("a known key in `{}`", path.parent())
                },
                found: Some(format!("unknown key `{key}`")),
                hint,
                kind,
            }
        })
        .collect();
    match parsed {
        Ok(raw) if errors.is_empty() => Ok(raw),
        Ok(_) => Err(LoadError::Invalid(errors)),
        Err(e) => {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let (line, column) = locator.line_col(offset);
            let path = locator.path_at(offset);
            // toml's messages may span lines; keep one line per error.
            let message = e.message().trim().replace('\n', ": ");
            let (expected, found, hint) = if locator.parsed() {
                explain_serde_message(&message, &path)
            } else {
                let hint = if message.contains("date") {
                    "write dates as YYYY-MM-DD with a real day of the month, e.g. 2014-02-28"
                } else {
                    "check quotes, brackets and `key = value` pairs on this line"
                };
                (
                    "valid TOML syntax".to_string(),
                    Some(message.clone()),
                    Some(hint.to_string()),
                )
            };
            errors.push(ScenarioError {
                file: name.to_string(),
                line,
                column,
                key_path: path.to_string(),
                expected,
                found,
                hint,
                kind,
            });
            Err(LoadError::Invalid(errors))
        }
    }
}

/// The kind of file a `parse_toml` target type is read from, by its schema
/// name (`RawScenario`, `SweepFile`, `TargetsFile`, `PriorsFile`).
fn input_kind<T: schemars::JsonSchema>() -> InputKind {
    match T::schema_name().as_ref() {
        "SweepFile" => InputKind::Sweep,
        "TargetsFile" => InputKind::Targets,
        "PriorsFile" => InputKind::Priors,
        _ => InputKind::Scenario,
    }
}

/// Rust type names in serde messages, in words a scenario author uses.
fn plain_type(expected: &str) -> (String, Option<String>) {
    match expected {
        "f64" | "f32" => (
            "a number".into(),
            Some(
                "write numbers without quotes or thousands separators, e.g. 59938.0 or 59_938.0"
                    .into(),
            ),
        ),
        "u32" | "u64" | "i32" | "i64" | "usize" => (
            "a whole number".into(),
            Some("write whole numbers without quotes, e.g. 3".into()),
        ),
        "a boolean" | "bool" => ("true or false".into(), None),
        "a string" => ("a text in quotes".into(), None),
        other => (other.to_string(), None),
    }
}

/// Turns serde's messages into expected / found / hint.
fn explain_serde_message(
    message: &str,
    path: &KeyPath,
) -> (String, Option<String>, Option<String>) {
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        let full = if path.0.is_empty() {
            field.to_string()
        } else {
            format!("{path}.{field}")
        };
        return (
            format!("key `{field}`"),
            Some("nothing".into()),
            Some(format!("add `{full}`; see docs/scenario-reference.md")),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (found, expected) = rest
            .split_once("`, expected ")
            .unwrap_or((rest, "a known value"));
        let options: Vec<&str> = expected
            .split(['`', ',', ' '])
            .filter(|s| !s.is_empty() && *s != "or" && *s != "one" && *s != "of")
            .collect();
        return (
            expected.to_string(),
            Some(format!("`{found}`")),
            Some(error::did_you_mean(found, options)),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let (expected, hint) = plain_type(expected);
            return (expected, Some(found.to_string()), hint);
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let (expected, hint) = plain_type(expected);
            return (expected, Some(found.to_string()), hint);
        }
    }
    if let Some(rest) = message.strip_prefix("expected a date") {
        let (exp, found) = rest.split_once(", found ").unwrap_or((rest, ""));
        return (
            format!("a date{exp}"),
            (!found.is_empty()).then(|| found.to_string()),
            Some("write dates as 2014-01-06".into()),
        );
    }
    (format!("valid TOML for this key ({message})"), None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_scenario_is_valid() {
        let s = Scenario::default_nwl();
        assert_eq!(s.parameters().early_adopters.len(), 9);
        assert!(s.journey().iter().any(|m| m.id == "pilot_live"));
    }
}
