//! Every scenario shipped in `scenarios/` (recursively) loads and validates
//! without error. The `targets/`, `priors/` and `sweeps/` folders hold
//! calibration targets, priors and sweep definitions rather than scenarios;
//! targets and priors are checked here with their own loaders against the
//! default scenario they refer to.

use std::path::{Path, PathBuf};

use pioneer::Scenario;

const NOT_SCENARIOS: &[&str] = &["targets", "priors", "sweeps"];

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy();
            if !NOT_SCENARIOS.contains(&name.as_ref()) {
                scenario_files(&path, out);
            }
        } else if path.extension().is_some_and(|x| x == "toml") {
            out.push(path);
        }
    }
}

#[test]
fn every_shipped_scenario_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files = Vec::new();
    scenario_files(&root, &mut files);
    assert!(
        files.iter().any(|p| p.ends_with("nwl_wsic_2013.toml")),
        "the default scenario was not found under {}: {files:?}",
        root.display()
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|p| match Scenario::from_file(p) {
            Ok(s) => {
                // A loaded scenario has a resolved journey with the go-live milestone
                // and at least one early adopter.
                if !s.journey().iter().any(|m| m.id == "pilot_live")
                    || s.raw().early_adopters.is_empty()
                {
                    Some(format!(
                        "{}: loaded but has no pilot_live milestone or no early adopters",
                        p.display()
                    ))
                } else {
                    None
                }
            }
            Err(e) => Some(format!("{}:\n{e}", p.display())),
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios do not load:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_embedded_default_is_the_shipped_default() {
    // `pioneer run` without a scenario uses the embedded copy; it must be the file in scenarios/.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join("nwl_wsic_2013.toml");
    let from_file = Scenario::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let embedded = Scenario::default_nwl();
    assert_eq!(from_file.content_hash(), embedded.content_hash());
    assert_eq!(embedded.raw().meta.name, "nwl_wsic_2013");
    assert_eq!(embedded.raw().early_adopters.len(), 9);
}

fn toml_files_in(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .toml files in {}", dir.display());
    files
}

#[test]
fn every_shipped_targets_and_priors_file_loads_against_the_default() {
    let scenario = Scenario::default_nwl();
    for path in toml_files_in("targets") {
        let text = std::fs::read_to_string(&path).unwrap();
        let targets =
            pioneer::calibrate::targets::load(&text, &path.display().to_string(), &scenario)
                .unwrap_or_else(|e| panic!("{}:\n{e}", path.display()));
        assert!(!targets.is_empty(), "{} has no targets", path.display());
    }
    for path in toml_files_in("priors") {
        let text = std::fs::read_to_string(&path).unwrap();
        let priors =
            pioneer::calibrate::priors::load(&text, &path.display().to_string(), &scenario)
                .unwrap_or_else(|e| panic!("{}:\n{e}", path.display()));
        assert!(!priors.is_empty(), "{} has no priors", path.display());
    }
}
