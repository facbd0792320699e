//! The layering of the library cannot drift: each top-level module of
//! `src/` has a floor, and a module may import only modules on lower floors
//! (or its own). The floors, from the ground up:
//!
//! | floor | modules | what they hold |
//! |---|---|---|
//! | 0 | `util` | generic helpers: quantiles, the normal quantile, random draws, hashes |
//! | 1 | `analysis` | sampling designs and sensitivity estimators (pure numerics) |
//! | 1 | `model` | the vocabulary: kinds, journey, programme milestones, calendar, units |
//! | 2 | `scenario` | the file format: serde mirror, inheritance, validation, overrides |
//! | 3 | `observe` | what a replication records (declared before the engine writes it) |
//! | 4 | `engine` | plan, one replication (a file per submodel), ensembles |
//! | 5 | `output` | summaries, exporters, charts, report, manifest, output directories |
//! | 6 | `calibrate` | ABC calibration |
//! | 7 | `sweep` | parameter sweeps and their outputs |
//! | 8 | `compare` | scenarios side by side |
//! | 9 | `promise` | promised dates scanned under common random numbers; the honest timetable |
//!
//! The binary (`src/main.rs`, `src/cli/`) sits above them all and uses the
//! library only through `pioneer::`. Code inside `#[cfg(test)]` modules is
//! not checked (tests may reach anywhere).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const FLOORS: [(&str, u32); 11] = [
    ("util", 0),
    ("analysis", 1),
    ("model", 1),
    ("scenario", 2),
    ("observe", 3),
    ("engine", 4),
    ("output", 5),
    ("calibrate", 6),
    ("sweep", 7),
    ("compare", 8),
    ("promise", 9),
];

fn floor(module: &str) -> Option<u32> {
    FLOORS.iter().find(|(m, _)| *m == module).map(|(_, f)| *f)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None` for lib.rs,
/// main.rs and the binary's cli/).
fn owner(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "lib" | "main" | "cli")).then_some(name)
}

/// The text of a file without its test modules and comments.
fn code(text: &str) -> String {
    let without_tests = text.split("#[cfg(test)]").next().unwrap_or("");
    without_tests
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every top-level module named after `crate::` in `code`, including the
/// braces form `use crate::{a::x, b::y}`.
fn imported_modules(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            for part in inner[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
    }
    out
}

fn upward_imports(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let Some(module) = owner(src, &file) else {
            continue;
        };
        let Some(own) = floor(&module) else {
            problems.push(format!(
                "{}: module `{module}` has no floor in tests/architecture.rs",
                file.display()
            ));
            continue;
        };
        let text = fs::read_to_string(&file).unwrap();
        for target in imported_modules(&code(&text)) {
            if target == module {
                continue;
            }
            match floor(&target) {
                Some(f) if f < own => {}
                Some(f) => problems.push(format!(
                    "{}: `{module}` (floor {own}) imports `{target}` (floor {f})",
                    file.display()
                )),
                None => {}
            }
        }
    }
    problems
}

#[test]
fn no_module_imports_one_above_it() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = upward_imports(&src);
    assert!(
        problems.is_empty(),
        "imports that run upward or sideways:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_top_level_module_has_a_floor() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules: BTreeMap<String, ()> = BTreeMap::new();
    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if let Some(m) = owner(&src, &path) {
            modules.insert(m, ());
        }
    }
    for m in modules.keys() {
        assert!(floor(m).is_some(), "module `{m}` has no floor");
    }
}

#[test]
fn the_check_catches_an_upward_import() {
    // A model file that imports the engine must be reported.
    let tmp = tempfile::TempDir::new().unwrap();
    let src = tmp.path();
    fs::create_dir_all(src.join("model")).unwrap();
    fs::write(
        src.join("model/kinds.rs"),
        "use crate::util::stats;\nuse crate::{engine::plan::Plan, model::AgentKind};\n\
         #[cfg(test)]\nmod tests { use crate::output::x; }\n",
    )
    .unwrap();
    let problems = upward_imports(src);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("imports `engine`"), "{problems:?}");
}
