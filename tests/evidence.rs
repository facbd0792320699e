//! The evidence lives inside the repository.
//!
//! - Every evidence id cited anywhere in the repository (the docs, README,
//!   CHANGELOG, the scenario files, the Rust comments of src, tests, examples
//!   and benches, and the test fixtures) resolves to an entry (a table row or
//!   a heading) of `docs/evidence.md`.
//! - Nothing there points at files outside the repository (the evidence
//!   notes the project was built from).
//! - `docs/evidence.md` covers every mechanism claim, calibration pattern,
//!   source tag and fact section.
//!
//! Ids recognised (as whole tokens): claim and pattern ids (a capital letter
//! from A to L and one or two digits), source tags (S and one digit) and fact
//! tags (a lower-case letter from a to g, a dot and one digit). In Rust files
//! only comments are read, so tuple fields (`p.1`) and Sobol labels in
//! strings (`"S1"`) do not count; in Markdown and TOML the whole text is read.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const EVIDENCE: &str = "docs/evidence.md";

/// Substrings that point outside the repository.
const OUTSIDE: [&str; 5] = [
    "../shared",
    "shared/domain/",
    "shared/design/",
    "wsic-facts",
    "wsic-mechanisms",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The evidence ids in `text`, in order of appearance.
fn citation_ids(text: &str) -> Vec<String> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let at = |k: usize| c.get(k).copied();
    // A token ends at `k` if the next character is not part of a word and
    // not the start of a version-like continuation (`.5`).
    let ends_at = |k: usize| match at(k) {
        None => true,
        Some(ch) if is_word(ch) => false,
        Some('.') => !at(k + 1).is_some_and(|d| d.is_ascii_digit()),
        Some(_) => true,
    };
    for i in 0..c.len() {
        if i > 0 && (is_word(c[i - 1]) || c[i - 1] == '.') {
            continue;
        }
        let ch = c[i];
        if ('A'..='L').contains(&ch) || ch == 'S' {
            // Claim / pattern id (one or two digits) or source tag (one digit).
            let max_digits = if ch == 'S' { 1 } else { 2 };
            let mut j = i + 1;
            while j < c.len() && c[j].is_ascii_digit() && j - i <= max_digits {
                j += 1;
            }
            if j > i + 1 && ends_at(j) {
                out.push(c[i..j].iter().collect());
            }
        } else if ('a'..='g').contains(&ch)
            && at(i + 1) == Some('.')
            && at(i + 2).is_some_and(|d| ('1'..='9').contains(&d))
            && ends_at(i + 3)
        {
            out.push(c[i..i + 3].iter().collect());
        }
    }
    out
}

/// The part of a file in which citations are looked for: comments for Rust,
/// everything for Markdown and TOML.
fn cited_text(path: &str, text: &str) -> String {
    if path.ends_with(".rs") {
        text.lines()
            .map(|l| l.split_once("//").map_or("", |(_, c)| c))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        text.to_string()
    }
}

/// Ids defined by `evidence`: the first token of a table row's first cell,
/// or of a heading.
fn defined_ids(evidence: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in evidence.lines() {
        let t = line.trim_start();
        let head = if let Some(rest) = t.strip_prefix('|') {
            rest.split('|').next().unwrap_or("")
        } else if t.starts_with('#') {
            t.trim_start_matches('#')
        } else {
            continue;
        };
        let head = head.trim().trim_start_matches(['*', '`']).trim_start();
        if let Some(first) = citation_ids(head).into_iter().next() {
            if head.starts_with(&first) {
                out.insert(first);
            }
        }
    }
    out
}

/// `file:line: id` for every cited id that `defined` lacks.
fn unresolved(defined: &BTreeSet<String>, files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        for (n, line) in cited_text(path, text).lines().enumerate() {
            for id in citation_ids(line) {
                if !defined.contains(&id) {
                    out.push(format!("{path}:{}: {id}", n + 1));
                }
            }
        }
    }
    out
}

/// `file:line: text` for every line that points outside the repository.
/// Tests may name the outside paths in code (as lists of what must not
/// appear, like `OUTSIDE` above), so in Rust files under `tests/` only
/// comments count.
fn outside_pointers(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        let read = if path.starts_with("tests/") {
            cited_text(path, text)
        } else {
            text.clone()
        };
        for (n, line) in read.lines().enumerate() {
            if OUTSIDE.iter().any(|s| line.contains(s)) {
                out.push(format!("{path}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    out
}

/// Text files under `dir` (relative to the repository root) whose names end
/// with one of `exts` (all files if `exts` is empty), as (path, text).
fn files_under(dir: &str, exts: &[&str]) -> Vec<(String, String)> {
    fn walk(base: &Path, p: &Path, exts: &[&str], out: &mut Vec<(String, String)>) {
        let Ok(entries) = fs::read_dir(p) else { return };
        let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        entries.sort();
        for e in entries {
            if e.is_dir() {
                walk(base, &e, exts, out);
            } else if exts.is_empty()
                || exts
                    .iter()
                    .any(|x| e.to_string_lossy().ends_with(&format!(".{x}")))
            {
                if let Ok(text) = fs::read_to_string(&e) {
                    let rel = e.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                    out.push((rel, text));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&root(), &root().join(dir), exts, &mut out);
    out
}

fn evidence() -> String {
    fs::read_to_string(root().join(EVIDENCE)).expect("docs/evidence.md exists")
}

/// Every file in which evidence ids may be cited, as (path, text): Markdown
/// under docs (except the evidence itself), README and CHANGELOG, Rust under
/// src, tests, examples and benches, TOML under scenarios and tests
/// (fixtures), Markdown under tests. This file is read like any other (its
/// comments name the id forms without writing an id).
fn citing_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = files_under("docs", &["md"])
        .into_iter()
        .filter(|(p, _)| p != EVIDENCE)
        .collect();
    for top in ["README.md", "CHANGELOG.md"] {
        files.push((top.into(), fs::read_to_string(root().join(top)).unwrap()));
    }
    files.extend(files_under("src", &["rs"]));
    files.extend(files_under("scenarios", &["toml"]));
    files.extend(files_under("tests", &["rs", "toml", "md"]));
    files.extend(files_under("examples", &["rs"]));
    files.extend(files_under("benches", &["rs"]));
    files
}

#[test]
fn every_cited_evidence_id_resolves_to_an_entry_of_docs_evidence() {
    let defined = defined_ids(&evidence());
    let files = citing_files();
    for scanned in [
        "docs/ODD.md",
        "README.md",
        "src/lib.rs",
        "scenarios/targets/nwl_2015.toml",
        "tests/evidence.rs",
        "tests/fixtures/calibration/targets.toml",
    ] {
        assert!(
            files.iter().any(|(p, _)| p == scanned),
            "{scanned} is scanned"
        );
    }
    let cited: usize = files
        .iter()
        .map(|(p, t)| citation_ids(&cited_text(p, t)).len())
        .sum();
    assert!(
        cited > 500,
        "only {cited} citations found: is the scanner broken?"
    );
    let missing = unresolved(&defined, &files);
    assert!(
        missing.is_empty(),
        "{} cited ids have no entry (table row or heading) in {EVIDENCE}:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn nothing_points_outside_the_repository() {
    let mut files = Vec::new();
    for dir in ["docs", "src", "scenarios", "examples", "benches"] {
        files.extend(files_under(dir, &[]));
    }
    files.extend(files_under("tests", &["rs", "toml", "md"]));
    for top in ["README.md", "CHANGELOG.md", "CITATION.cff"] {
        files.push((top.into(), fs::read_to_string(root().join(top)).unwrap()));
    }
    let found = outside_pointers(&files);
    assert!(
        found.is_empty(),
        "{} lines point outside the repository (use docs/evidence.md instead):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn evidence_covers_every_claim_pattern_source_and_fact_section() {
    let defined = defined_ids(&evidence());
    // Claims per theme, as numbered in the evaluation notes; C1–C5 are also
    // the calibration patterns.
    let claims: BTreeMap<char, u32> = [
        ('A', 6),
        ('B', 9),
        ('C', 7),
        ('D', 7),
        ('E', 16),
        ('F', 5),
        ('G', 8),
        ('H', 9),
        ('I', 8),
        ('J', 5),
        ('K', 6),
        ('L', 2),
    ]
    .into();
    let facts: BTreeMap<char, u32> = [('a', 9), ('b', 8), ('c', 6), ('e', 2)].into();
    let mut expected: Vec<String> = Vec::new();
    for (t, n) in &claims {
        expected.extend((1..=*n).map(|k| format!("{t}{k}")));
    }
    for (t, n) in &facts {
        expected.extend((1..=*n).map(|k| format!("{t}.{k}")));
    }
    expected.extend((0..=4).map(|k| format!("S{k}")));
    let missing: Vec<&String> = expected
        .iter()
        .filter(|id| !defined.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "{EVIDENCE} lacks entries for {missing:?}"
    );
    let text = evidence();
    for section in [
        "| d |",
        "| f |",
        "| g |",
        "C5 (pattern)",
        "Held out for validation",
    ] {
        assert!(text.contains(section), "{EVIDENCE} lacks `{section}`");
    }
}

/// The checks can fail: run them on deliberately broken copies.
#[test]
fn the_checks_catch_a_missing_entry_and_an_outside_pointer() {
    let full = evidence();
    let broken: String = full
        .lines()
        .filter(|l| !l.starts_with("| G1 |") && !l.starts_with("| a.7 |"))
        .collect::<Vec<_>>()
        .join("\n");
    let files = vec![
        (
            "docs/ODD.md".to_string(),
            "Barriers (G1; a.7) and S2 ch.4.".to_string(),
        ),
        (
            "src/x.rs".to_string(),
            "let y = p.1; // see G1\nlet s = \"S1\";".to_string(),
        ),
    ];
    assert!(unresolved(&defined_ids(&full), &files).is_empty());
    assert_eq!(
        unresolved(&defined_ids(&broken), &files),
        vec![
            "docs/ODD.md:1: G1".to_string(),
            "docs/ODD.md:1: a.7".to_string(),
            "src/x.rs:1: G1".to_string(),
        ]
    );
    let pointing = vec![
        (
            "scenarios/x.toml".to_string(),
            "# Facts from ../shared/domain/wsic-facts.md".to_string(),
        ),
        (
            "tests/x.rs".to_string(),
            // (split so that this source line has no comment marker)
            concat!("let banned = \"../shared\";\n/", "/ as in ../shared/domain").to_string(),
        ),
        (
            "src/x.rs".to_string(),
            "let p = \"../shared/domain\";".to_string(),
        ),
    ];
    assert_eq!(
        outside_pointers(&pointing),
        vec![
            "scenarios/x.toml:1: # Facts from ../shared/domain/wsic-facts.md".to_string(),
            "tests/x.rs:2: as in ../shared/domain".to_string(),
            "src/x.rs:1: let p = \"../shared/domain\";".to_string(),
        ]
    );
}

#[test]
fn the_id_scanner_ignores_look_alikes() {
    let ids = |s: &str| citation_ids(s);
    assert_eq!(
        ids("C1–C5, b.2–b.5; (A1, E13)."),
        ["C1", "C5", "b.2", "b.5", "A1", "E13"]
    );
    assert_eq!(ids("S2 ch.4, Box 7; S0 (I3)"), ["S2", "S0", "I3"]);
    // Not ids: interviewee codes, longer tokens, versions, tuple fields,
    // letters outside the ranges, lower-case claim-like tokens.
    assert!(
        ids("CG17 HP8 PT20 LA10 A123 S12 M1 x.1 h.2 e.g. 0.1.0 v1.2 c1_first a.1.2 E2E").is_empty()
    );
}
