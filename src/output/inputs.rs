//! Copies of the input files a command read, kept in its output directory
//! under `inputs/` so that the directory holds everything needed to run it
//! again: a scenario and every file of its `extends` chain (for the embedded
//! default, its embedded text), the sweep file, the targets and priors
//! files. Each copy is byte for byte what was read, and `manifest.json`
//! lists it with its role, where it came from and its SHA-256
//! ([`InputRecord`]).
//!
//! Names keep the file's own name (`nwl_wsic_2013.toml`); two different
//! files with the same name get `-2`, `-3`, … before the extension (names
//! are compared ignoring case, so they stay apart on case-insensitive file
//! systems too). The same file read twice (one base shared by two compared
//! scenarios) is copied once. Nothing is written here: [`Inputs::files`]
//! gives (name, bytes) pairs for the output directory's own atomic writers
//! (`target::OutputDir`), which never write outside the directory.

use super::manifest::InputRecord;
use crate::scenario::Scenario;
use crate::util::hash::sha256_hex;

/// The directory of the copies, inside an output directory.
pub const INPUTS_DIR: &str = "inputs";

/// Longest copy name kept (bytes, before any `-N`); well under the file
/// systems' 255.
const MAX_COPY_NAME: usize = 100;

/// One input file read by a command.
#[derive(Debug, Clone)]
struct Input {
    /// The copy's name (shared by files of the same name and bytes).
    name: String,
    /// The name before any `-N`.
    base: String,
    role: &'static str,
    source: String,
    text: String,
    sha256: String,
}

/// The input files of a command, in the order read, with collision-free
/// copy names.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    files: Vec<Input>,
}

/// A safe file name from the last component of `source`: letters, digits,
/// `.`, `-` and `_` kept, anything else `_`; never hidden, never empty.
fn copy_name(source: &str, role: &str) -> String {
    let last = source.rsplit(['/', '\\']).next().unwrap_or("");
    let mut name: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    name = name.trim_start_matches('.').to_string();
    if name.is_empty() {
        name = format!("{role}.toml");
    }
    if name.len() > MAX_COPY_NAME {
        // Keep the extension.
        let ext = name
            .rfind('.')
            .map(|i| name[i..].to_string())
            .filter(|e| e.len() < 16)
            .unwrap_or_default();
        name.truncate(MAX_COPY_NAME - ext.len());
        name.push_str(&ext);
    }
    name
}

impl Inputs {
    /// No inputs.
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// Adds a file read from `source` (its path as given) with its text;
    /// `role` says what it is (`scenario`, `base`, `sweep`, `targets`,
    /// `priors`). The same source with the same text is kept once; another
    /// source with the same name and text is listed and shares the copy.
    pub fn add(&mut self, role: &'static str, source: &str, text: &str) {
        let sha256 = sha256_hex(text.as_bytes());
        if self
            .files
            .iter()
            .any(|f| f.source == source && f.sha256 == sha256)
        {
            return;
        }
        let base = copy_name(source, role);
        if let Some(same) = self
            .files
            .iter()
            .find(|f| f.sha256 == sha256 && f.base == base)
        {
            let name = same.name.clone();
            self.files.push(Input {
                name,
                base,
                role,
                source: source.to_string(),
                text: String::new(),
                sha256,
            });
            return;
        }
        let (stem, ext) = match base.rfind('.') {
            Some(i) if i > 0 => (&base[..i], &base[i..]),
            _ => (base.as_str(), ""),
        };
        let taken = |n: &str| self.files.iter().any(|f| f.name.eq_ignore_ascii_case(n));
        let mut name = base.clone();
        let mut k = 2;
        while taken(&name) {
            name = format!("{stem}-{k}{ext}");
            k += 1;
        }
        self.files.push(Input {
            name,
            base: base.clone(),
            role,
            source: source.to_string(),
            text: text.to_string(),
            sha256,
        });
    }

    /// Adds a scenario's files as read: the file asked for (role
    /// `scenario`), then each base of its `extends` chain (role `base`).
    pub fn add_scenario(&mut self, scenario: &Scenario) {
        for (i, f) in scenario.sources().iter().enumerate() {
            self.add(if i == 0 { "scenario" } else { "base" }, &f.name, &f.text);
        }
    }

    /// The inputs of one scenario.
    pub fn of_scenario(scenario: &Scenario) -> Inputs {
        let mut inputs = Inputs::new();
        inputs.add_scenario(scenario);
        inputs
    }

    /// What the manifest lists: each copy, its role, source and SHA-256.
    pub fn records(&self) -> Vec<InputRecord> {
        self.files
            .iter()
            .map(|f| InputRecord {
                file: format!("{INPUTS_DIR}/{}", f.name),
                role: f.role.to_string(),
                source: f.source.clone(),
                sha256: f.sha256.clone(),
            })
            .collect()
    }

    /// The copies as (path inside the output directory, bytes), each once.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        self.files
            .iter()
            .enumerate()
            .filter(|(i, f)| !self.files[..*i].iter().any(|g| g.name == f.name))
            .map(|(_, f)| {
                (
                    format!("{INPUTS_DIR}/{}", f.name),
                    f.text.as_bytes().to_vec(),
                )
            })
            .collect()
    }

    /// Whether the SHA-256 of every input equals the one `recorded` lists
    /// for the same role, in order (a resumed job read the same files; where
    /// they were read from may differ).
    pub fn same_as(&self, recorded: &[InputRecord]) -> bool {
        recorded.len() == self.files.len()
            && recorded
                .iter()
                .zip(&self.files)
                .all(|(r, f)| r.role == f.role && r.sha256 == f.sha256)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_never_collide() {
        let mut i = Inputs::new();
        i.add("scenario", "a/nwl.toml", "x = 1");
        i.add("scenario", "b/nwl.toml", "x = 2");
        i.add("base", "c/NWL.toml", "x = 3");
        i.add("scenario", "a/nwl.toml", "x = 1"); // read twice: kept once
        i.add("targets", "../../.hidden", "t");
        i.add("priors", "dir/", "p");
        i.add("sweep", "we ird/s*w?.toml", "s");
        i.add("base", "elsewhere/nwl.toml", "x = 2"); // same name and bytes: one copy
        let names: Vec<String> = i.records().into_iter().map(|r| r.file).collect();
        assert_eq!(
            names,
            [
                "inputs/nwl.toml",
                "inputs/nwl-2.toml",
                "inputs/NWL-3.toml",
                "inputs/hidden",
                "inputs/priors.toml",
                "inputs/s_w_.toml",
                "inputs/nwl-2.toml"
            ]
        );
        assert_eq!(i.files().len(), 6);
        assert_eq!(i.records()[6].source, "elsewhere/nwl.toml");
        let long = format!("{}.toml", "x".repeat(300));
        let mut j = Inputs::new();
        j.add("scenario", &long, "");
        let name = &j.records()[0].file;
        assert!(name.ends_with(".toml") && name.len() <= INPUTS_DIR.len() + 1 + MAX_COPY_NAME);
    }

    #[test]
    fn records_hash_the_bytes_copied() {
        let mut i = Inputs::new();
        i.add("targets", "t.toml", "a = 1\n");
        let (name, bytes) = &i.files()[0];
        let r = &i.records()[0];
        assert_eq!(&r.file, name);
        assert_eq!(r.sha256, sha256_hex(bytes));
        assert_eq!(r.source, "t.toml");
        assert!(i.same_as(&i.records()));
        let mut other = Inputs::new();
        other.add("targets", "elsewhere/t.toml", "a = 2\n");
        assert!(!other.same_as(&i.records()));
    }
}
