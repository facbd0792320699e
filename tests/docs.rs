//! The model documentation keeps up with the code: every switch is described
//! in docs/ODD.md, and every scenario parameter appears in its parameter
//! table (§7.14) with a unit and a source.

use pioneer::scenario::locate::KeyPath;
use pioneer::scenario::schema::{json_schema, valid_keys};

fn odd() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ODD.md")).unwrap()
}

#[test]
fn every_switch_is_described_in_the_odd() {
    let schema = json_schema();
    let switches = valid_keys(&schema, &KeyPath::parse("switches")).expect("a switches table");
    assert!(switches.len() >= 19, "{switches:?}");
    let text = odd();
    let missing: Vec<&String> = switches
        .iter()
        .filter(|s| !text.contains(&format!("`{s}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "switches not described in docs/ODD.md: {missing:?}"
    );
}

#[test]
fn every_model_parameter_is_in_the_odd_parameter_table() {
    let reference = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/scenario-reference.md"
    ))
    .unwrap();
    let text = odd();
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("### 7.14"))
        .filter(|l| l.starts_with("| `"))
        .collect();
    let mut missing = Vec::new();
    for line in reference.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let key = cells[0].trim_matches('`');
        let kind = cells[1];
        // Tables, output/engine settings, switches, the generators (§6.1,
        // checked by tests/england.rs) and the observed facts (published
        // data drawn beside the outputs, not parameters; §4 outputs) are
        // documented elsewhere in the ODD.
        if kind.contains("table")
            || [
                "meta.",
                "record.",
                "engine.",
                "switches.",
                "bodies[]",
                "generate.",
                "observed[]",
            ]
            .iter()
            .any(|p| key.starts_with(p))
        {
            continue;
        }
        match table
            .iter()
            .find(|row| row.starts_with(&format!("| `{key}` |")))
        {
            None => missing.push(key.to_string()),
            Some(row) => {
                let fields: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
                assert_eq!(fields.len(), 5, "{row}");
                assert!(!fields[4].is_empty(), "no source for `{key}`: {row}");
            }
        }
    }
    assert!(
        missing.is_empty(),
        "parameters missing from the ODD table: {missing:?}"
    );
}

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `[package]` table of Cargo.toml.
fn package() -> toml::Table {
    let manifest: toml::Table = repo_file("Cargo.toml").parse().unwrap();
    manifest["package"].as_table().unwrap().clone()
}

/// The SPDX licence ids of Cargo.toml's `license` expression (`A OR B`).
fn cargo_licences() -> Vec<String> {
    package()["license"]
        .as_str()
        .expect("Cargo.toml names a licence")
        .split(" OR ")
        .map(|s| s.trim().to_string())
        .collect()
}

/// The header of docs/scenario-reference.md names a command; running it
/// (the built binary with the same arguments, its stdout redirected to the
/// file) gives the file byte for byte.
#[test]
fn scenario_reference_is_what_the_command_it_names_prints() {
    let on_disk = repo_file("docs/scenario-reference.md");
    let header = on_disk
        .lines()
        .find(|l| l.starts_with("Generated "))
        .expect("a `Generated …` line");
    let command = header.split('`').nth(1).expect("the command in backticks");
    let args = command
        .strip_prefix("cargo run --release -- ")
        .and_then(|c| c.strip_suffix(" > docs/scenario-reference.md"))
        .unwrap_or_else(|| {
            panic!("`{command}` is not `cargo run --release -- ARGS > docs/scenario-reference.md`")
        });
    let out = assert_cmd::Command::cargo_bin("pioneer")
        .unwrap()
        .args(args.split_whitespace())
        .output()
        .unwrap();
    assert!(out.status.success(), "`pioneer {args}` failed");
    assert!(
        String::from_utf8(out.stdout).unwrap() == on_disk,
        "docs/scenario-reference.md differs from the output of `{command}`: run it"
    );
}

/// The top-level `key: value` lines of CITATION.cff (value unquoted), after
/// checking that every line is a comment, a top-level key, or an indented
/// continuation (the subset of YAML the file uses).
fn cff_keys(text: &str) -> std::collections::BTreeMap<String, String> {
    let mut keys = std::collections::BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let at = format!("CITATION.cff:{}: {line:?}", n + 1);
        assert!(!line.contains('\t'), "{at}: tabs are not YAML indentation");
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with(' ') {
            assert!(!keys.is_empty(), "{at}: indented line before any key");
            continue;
        }
        let (key, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("{at}: expected `key: value`"));
        assert!(
            !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{at}: not a CFF key"
        );
        let value = value.trim();
        let unquoted = match value.strip_prefix('"') {
            Some(rest) => rest
                .strip_suffix('"')
                .unwrap_or_else(|| panic!("{at}: unclosed quote")),
            None => value,
        };
        assert!(
            keys.insert(key.to_string(), unquoted.to_string()).is_none(),
            "{at}: `{key}` twice"
        );
    }
    keys
}

/// The items of the list under top-level `key` (`  - item` lines).
fn cff_list(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| !l.starts_with(&format!("{key}:")))
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|s| s.trim_matches('"').to_string())
        .collect()
}

#[test]
fn citation_cff_has_the_required_keys_and_cargo_toml_version_and_licence() {
    let text = repo_file("CITATION.cff");
    let keys = cff_keys(&text);
    // Required by CFF 1.2.0 (https://github.com/citation-file-format/citation-file-format/blob/main/schema-guide.md).
    for required in ["cff-version", "message", "title", "authors"] {
        assert!(
            keys.contains_key(required),
            "CITATION.cff lacks `{required}`"
        );
    }
    assert_eq!(keys["cff-version"], "1.2.0");
    assert!(!keys["message"].is_empty() && !keys["title"].is_empty());
    assert_eq!(
        keys.get("version").map(String::as_str),
        Some(env!("CARGO_PKG_VERSION")),
        "CITATION.cff `version` is not Cargo.toml's"
    );
    let authors = cff_list(&text, "authors");
    assert!(
        authors
            .iter()
            .any(|a| a.starts_with("name: ") || a.starts_with("family-names: ")),
        "no author: {authors:?}"
    );
    let mut cff_licences = cff_list(&text, "license");
    if cff_licences.is_empty() {
        cff_licences = vec![keys["license"].clone()];
    }
    let mut cargo = cargo_licences();
    cff_licences.sort();
    cargo.sort();
    assert_eq!(
        cff_licences, cargo,
        "CITATION.cff and Cargo.toml licences differ"
    );
}

#[test]
fn every_licence_is_in_the_repository_and_named_in_the_readme() {
    let readme = repo_file("README.md");
    for id in cargo_licences() {
        let (file, title) = match id.as_str() {
            "MIT" => ("LICENSE-MIT", "MIT License"),
            "Apache-2.0" => ("LICENSE-APACHE", "Apache License"),
            other => panic!("no licence file known for `{other}`: add it here"),
        };
        assert!(
            repo_file(file).contains(title),
            "{file} is not the {id} text"
        );
        assert!(readme.contains(file), "README.md does not name {file}");
    }
    // The embedded font keeps its own licence, in a file beside it.
    let fonts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
    let mut n = 0;
    for e in std::fs::read_dir(&fonts).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "ttf") {
            n += 1;
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let licence = format!("assets/fonts/{stem}-LICENSE.txt");
            assert!(
                repo_file(&licence).contains("Permission is hereby granted"),
                "{licence} is not a licence"
            );
            assert!(
                readme.contains(&licence),
                "README.md does not name {licence}"
            );
        }
    }
    assert!(n >= 1, "no font found in assets/fonts");
}

/// The minimum Rust version is declared once in Cargo.toml and the README
/// states the same.
#[test]
fn readme_states_cargo_toml_rust_version() {
    let version = package()["rust-version"]
        .as_str()
        .expect("Cargo.toml declares rust-version")
        .to_string();
    let readme = repo_file("README.md");
    let stated = format!("Rust {version} or newer");
    assert!(
        readme.contains(&stated),
        "README.md does not say `{stated}`"
    );
}
