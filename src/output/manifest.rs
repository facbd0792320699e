//! `manifest.json`: what every pioneer output directory records about how it
//! was made, in one shape for every command.
//!
//! The core fields are shared: the tool version, the scenario (when there is
//! one), the seed, replications, random number generator, command line and
//! the SHA-256 of the files written. A command that needs more adds an
//! *extension*, a serialisable struct whose fields are written after the core
//! ones (`pioneer run` has none; sweeps, comparisons and calibrations have
//! their own, defined by those modules). A directory holding a `manifest.json`
//! with the core fields is one pioneer wrote: the only kind
//! [`super::target::OutputDir`] will ever replace.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The manifest's file name.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The random number generator and stream derivation, as every manifest records it.
pub const RNG: &str = "ChaCha8 keyed by SplitMix64(master seed, replication, agent, purpose)";

/// The git commit this `pioneer` was built from (full hash), if known: a
/// build outside a git checkout (a crates.io tarball) does not know it.
/// Set by `build.rs`.
pub fn build_commit() -> Option<&'static str> {
    let c = env!("PIONEER_GIT_COMMIT");
    (!c.is_empty()).then_some(c)
}

/// Whether tracked files differed from [`build_commit`] when this `pioneer`
/// was built (None when the commit is unknown). Set by `build.rs`.
pub fn build_dirty() -> Option<bool> {
    match env!("PIONEER_GIT_DIRTY") {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The version as `pioneer --version` prints it: `0.1.0 (git abc1234)`,
/// `0.1.0 (git abc1234, dirty)` or `0.1.0 (git unknown)`.
pub fn version_line() -> String {
    let version = env!("CARGO_PKG_VERSION");
    match build_commit() {
        None => format!("{version} (git unknown)"),
        Some(c) => format!(
            "{version} (git {}{})",
            &c[..c.len().min(7)],
            if build_dirty() == Some(true) {
                ", dirty"
            } else {
                ""
            }
        ),
    }
}

/// One input file copied into the output directory (under `inputs/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRecord {
    /// The copy, relative to the output directory (`inputs/…`).
    pub file: String,
    /// What it is: `scenario`, `base` (a file of a scenario's `extends`
    /// chain), `sweep`, `targets` or `priors`.
    pub role: String,
    /// Where it was read from, as given (`<embedded>/…` for a built-in scenario).
    pub source: String,
    /// SHA-256 of its bytes (of the copy and of the file read: they are the same).
    pub sha256: String,
}

/// The extension of a manifest that has none (`pioneer run`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoExtension {}

/// What `manifest.json` records about an output directory. `X` holds the
/// command's own fields, written after the core ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest<X = NoExtension> {
    /// `pioneer` version.
    pub tool_version: String,
    /// Git commit `pioneer` was built from (null when built outside a git checkout).
    #[serde(default)]
    pub tool_git_commit: Option<String>,
    /// Whether tracked files differed from that commit at build time (null when unknown).
    #[serde(default)]
    pub tool_git_dirty: Option<bool>,
    /// Scenario file as given (or `<embedded>/…`), when the command has one scenario.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_path: Option<String>,
    /// Scenario name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_name: Option<String>,
    /// SHA-256 of the scenario text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_sha256: Option<String>,
    /// Master seed.
    pub seed: u64,
    /// Number of replications (per scenario, design point or parameter set).
    pub replications: u32,
    /// Random generator and stream derivation.
    pub rng: String,
    /// The command line.
    pub command_line: Vec<String>,
    /// `--set key.path=value` overrides applied to the scenario(s), in order
    /// (the copies under `inputs/` are the files as given, without them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    /// Copies of the input files under `inputs/`, with where they came from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputRecord>,
    /// Files written, with their SHA-256 (omitted when not listed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<(String, String)>,
    /// The command's own fields.
    #[serde(flatten)]
    pub extension: X,
}

/// A manifest that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// Reading the file failed.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not a manifest of this kind.
    #[error("{path} is damaged: {source}")]
    Json {
        /// The file.
        path: std::path::PathBuf,
        /// The error.
        source: serde_json::Error,
    },
}

impl<X> Manifest<X> {
    /// A manifest of this `pioneer` with the given seed, replications and
    /// command line, no scenario and no files.
    pub fn new(seed: u64, replications: u32, command_line: Vec<String>, extension: X) -> Self {
        Manifest {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            tool_git_commit: build_commit().map(str::to_string),
            tool_git_dirty: build_dirty(),
            scenario_path: None,
            scenario_name: None,
            scenario_sha256: None,
            seed,
            replications,
            rng: RNG.to_string(),
            command_line,
            overrides: Vec::new(),
            inputs: Vec::new(),
            files: Vec::new(),
            extension,
        }
    }

    /// With the scenario it was made from (and the `--set` overrides applied to it).
    pub fn with_scenario(mut self, scenario: &crate::scenario::Scenario) -> Self {
        self.overrides = scenario.overrides().iter().map(|o| o.to_string()).collect();
        self.scenario_path = Some(scenario.source_name().to_string());
        self.scenario_name = Some(scenario.raw().meta.name.clone());
        self.scenario_sha256 = Some(scenario.content_hash().to_string());
        self
    }

    /// Lists `files` with their SHA-256.
    pub fn list_files<'a>(&mut self, files: impl IntoIterator<Item = (&'a str, &'a [u8])>) {
        self.files = files
            .into_iter()
            .map(|(n, b)| (n.to_string(), crate::util::hash::sha256_hex(b)))
            .collect();
    }
}

impl<X: Serialize> Manifest<X> {
    /// `manifest.json` bytes: pretty JSON and a final newline.
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut v = serde_json::to_vec_pretty(self)?;
        v.push(b'\n');
        Ok(v)
    }
}

impl<X: DeserializeOwned> Manifest<X> {
    /// The manifest of `dir`, if it has a `manifest.json`.
    pub fn read(dir: &Path) -> Result<Option<Self>, ManifestError> {
        let path = dir.join(MANIFEST_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(ManifestError::Io { path, source }),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| ManifestError::Json { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Extra {
        complete: bool,
    }

    #[test]
    fn extensions_follow_the_core_fields_and_round_trip() {
        let m = Manifest::new(3, 4, vec!["pioneer".into()], Extra { complete: true });
        let text = String::from_utf8(m.to_json().unwrap()).unwrap();
        assert!(
            text.ends_with(
                "  \"command_line\": [\n    \"pioneer\"\n  ],\n  \"complete\": true\n}\n"
            ),
            "{text}"
        );
        assert!(!text.contains("scenario_path") && !text.contains("files"));
        let back: Manifest<Extra> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, m);
        // Every pioneer manifest reads as the core fields alone.
        let core: Manifest = serde_json::from_str(&text).unwrap();
        assert_eq!(core.seed, 3);
        // Something else does not.
        assert!(serde_json::from_str::<Manifest>("{\"name\": \"x\"}").is_err());
    }
}
