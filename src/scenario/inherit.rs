//! Scenario inheritance: a scenario file may name a base scenario and write
//! only the keys it changes.
//!
//! ```toml
//! extends = "../nwl_wsic_2013.toml"
//!
//! [meta]
//! name = "nwl_no_barriers"
//!
//! [switches]
//! national_barriers = false
//! ```
//!
//! The chain of files is resolved here, at the level of TOML documents,
//! before anything is deserialised into `RawScenario`; the rest of the loader
//! sees one merged document and does not know about inheritance.
//!
//! # Semantics
//!
//! * `extends` is a top-level key (so it comes before the first `[section]`).
//!   Its value is a path relative to the directory of the file that writes it
//!   (an absolute path is taken as it is), or `builtin:<name>` for a scenario
//!   embedded in the binary: `builtin:nwl_wsic_2013` is the default scenario.
//! * The base is resolved first (its own `extends` first: chains of any
//!   length work), then the file's keys are laid over it:
//!   - tables (`[section]` or inline `{ … }` alike) merge key by key,
//!     recursively;
//!   - an array of tables whose inherited elements all carry a string `id`
//!     (`[[early_adopters]]`, `[[journey]]`, `[[bodies]]`, `[[barriers]]`,
//!     `[[leadership.leaders]]`, `[[funding.tranches]]`, …) merges element by
//!     element: an element whose `id` is inherited is merged into that element
//!     (recursively, by these same rules) and keeps its place; an element with
//!     a new `id` (or none) is appended. A second element with the same `id` in
//!     one file is appended too, so validation reports the duplicate rather
//!     than the merge hiding it;
//!   - every other value replaces the inherited one whole: scalars, arrays of
//!     values (`requires = [...]`, `quantiles = [...]`) and arrays of tables
//!     without ids (`[[bodies.schedule]]`, `[[budget]]`,
//!     `[[consultancy.contracts]]`). `key = []` empties an inherited list,
//!     even one merged by id, and `key = {}` an inherited table (such as
//!     `per_ccg`).
//! * Nothing else can be removed: a key inherited from the base cannot be
//!   unset, and an element merged by id cannot be dropped on its own.
//! * `extends` is not part of the scenario: it is taken out before merging.
//! * A cycle, a base that cannot be read, a value that is not a string and an
//!   unknown `builtin:` name are errors at the `extends` key of the file that
//!   writes it, with a hint; a TOML syntax error in a base is reported in the
//!   base.
//!
//! # Positions
//!
//! Every key of the merged document remembers the file and the key path in
//! that file where it is written (for an element merged by id or a table
//! merged key by key, the last file that writes it). The merged document is
//! written out as TOML ([`Effective::text`]) and given to the usual loader;
//! [`Effective::relocate`] then moves every error from its position in that
//! text to the same key or value in the file where it is written. Key paths in
//! errors name the merged scenario (`early_adopters[9]` is the tenth early
//! adopter after merging), which is what validation and `pioneer calibrate`
//! paths see.
//!
//! # Content hash
//!
//! A file without `extends` hashes as before: SHA-256 of its text. A chain
//! hashes a preimage that starts with a line no TOML file can start with,
//! followed by the text of every file of the chain in order (length-prefixed)
//! and the merged document. Any change to any file of a chain therefore
//! changes the hash, and a chain never shares a hash with a single file. File
//! names and directories are not hashed: the same files in another checkout
//! give the same hash.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use super::error::{self, InputKind, LoadError, ScenarioError};
use super::limits;
use super::locate::{KeyPath, Locator, Seg};
use super::{sha256_hex, DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME};

/// The top-level key naming the base scenario.
pub const EXTENDS: &str = "extends";
/// Prefix of `extends` values that name a scenario embedded in the binary.
pub const BUILTIN_PREFIX: &str = "builtin:";
/// Scenarios that `extends = "builtin:<name>"` can name: name, text, and the
/// name used in messages.
pub const BUILTINS: &[(&str, &str, &str)] =
    &[("nwl_wsic_2013", DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME)];

/// First line of the merged document written out by [`Effective::text`].
const MERGED_HEADER: &str =
    "# The effective scenario: an `extends` chain merged into one document.\n";
/// First line of the content-hash preimage of a chain; not valid TOML, so no
/// single scenario file can have the same preimage.
const HASH_PREAMBLE: &str = "pioneer scenario chain v1 (not TOML)\n";

/// One file of an inheritance chain.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name used in messages: the path as given for the file asked for,
    /// the resolved path for a base, `<embedded>/…` for a built-in scenario.
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// Where a key of the merged document is written: a file of the chain (0 is
/// the file asked for) and the key path in that file.
#[derive(Debug, Clone)]
struct Origin {
    file: usize,
    path: KeyPath,
}

/// The merged document, each node with its origin.
#[derive(Debug, Clone)]
enum Node {
    /// A table, `[section]` or inline; entries in the order first written.
    Table {
        entries: Vec<(String, Node)>,
        origin: Origin,
    },
    /// A non-empty array of tables, `[[section]]` or `[{ … }, …]`.
    Tables { items: Vec<Node>, origin: Origin },
    /// Any other value, taken whole.
    Leaf { value: Value, origin: Origin },
}

impl Node {
    fn origin(&self) -> &Origin {
        match self {
            Node::Table { origin, .. }
            | Node::Tables { origin, .. }
            | Node::Leaf { origin, .. } => origin,
        }
    }

    fn child(&self, seg: &Seg) -> Option<&Node> {
        match (self, seg) {
            (Node::Table { entries, .. }, Seg::Key(k)) => {
                entries.iter().find(|(name, _)| name == k).map(|(_, n)| n)
            }
            (Node::Tables { items, .. }, Seg::Index(i)) => items.get(*i),
            _ => None,
        }
    }

    /// The string `id` of a table, if it has one.
    fn id(&self) -> Option<&str> {
        match self.child(&Seg::Key("id".into()))? {
            Node::Leaf {
                value: Value::String(s),
                ..
            } => Some(s.value().as_str()),
            _ => None,
        }
    }
}

/// A scenario text with its `extends` chain resolved.
#[derive(Debug, Clone)]
pub struct Effective {
    files: Vec<SourceFile>,
    text: String,
    tree: Option<Node>,
}

/// What identifies a file of a chain, to find cycles.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Identity {
    File(PathBuf),
    Builtin(String),
}

/// A base scenario, read.
struct Base {
    name: String,
    text: String,
    identity: Identity,
    /// Directory against which the base's own `extends` is resolved.
    dir: PathBuf,
}

impl Effective {
    /// Resolves the `extends` chain of `text`. `name` is used in messages;
    /// `path`, when the text was read from a file, locates relative bases and
    /// identifies the file in cycles. A text without a top-level `extends` (or
    /// that is not valid TOML, which the loader then reports) is returned as
    /// it is.
    pub fn load(text: &str, name: &str, path: Option<&Path>) -> Result<Effective, LoadError> {
        let single = || Effective {
            files: vec![SourceFile {
                name: name.to_string(),
                text: text.to_string(),
            }],
            text: text.to_string(),
            tree: None,
        };
        let Ok(doc) = text.parse::<DocumentMut>() else {
            return Ok(single());
        };
        if !doc.as_table().contains_key(EXTENDS) {
            return Ok(single());
        }
        let mut files = vec![SourceFile {
            name: name.to_string(),
            text: text.to_string(),
        }];
        let mut docs = vec![doc];
        let mut seen = vec![path.and_then(|p| std::fs::canonicalize(p).ok().map(Identity::File))];
        let mut dir = path
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        loop {
            let i = files.len() - 1;
            let Some(item) = docs[i].as_table().get(EXTENDS) else {
                break;
            };
            let target = extends_target(item, &files[i])?;
            if i >= limits::MAX_EXTENDS_DEPTH {
                return Err(LoadError::Invalid(vec![at_extends(
                    &files[i],
                    format!(
                        "an `extends` chain of at most {} files after the first (limits::MAX_EXTENDS_DEPTH)",
                        limits::MAX_EXTENDS_DEPTH
                    ),
                    Some(format!("a chain longer than that, still extending `{target}`")),
                    Some("every file of a chain is read and merged: flatten the chain (`pioneer default` prints a self-contained scenario to start from)".into()),
                )]));
            }
            let base = read_base(&target, &dir, &files[i])?;
            if let Some(k) = seen.iter().position(|s| s.as_ref() == Some(&base.identity)) {
                return Err(cycle_error(&files, k, &base.name));
            }
            let base_doc = match base.text.parse::<DocumentMut>() {
                Ok(d) => d,
                // The loader's own message for a syntax error, in the base.
                Err(e) => {
                    return Err(match super::parse_raw(&base.text, &base.name) {
                        Err(err) => err,
                        Ok(_) => LoadError::Invalid(vec![at_extends(
                            &files[i],
                            "a base scenario in valid TOML".into(),
                            Some(format!("{}: {}", base.name, e.message().trim())),
                            None,
                        )]),
                    })
                }
            };
            files.push(SourceFile {
                name: base.name,
                text: base.text,
            });
            docs.push(base_doc);
            seen.push(Some(base.identity));
            dir = base.dir;
        }
        let mut tree: Option<Node> = None;
        for (i, doc) in docs.iter().enumerate().rev() {
            let node = table_node(doc.as_table(), i, &KeyPath::root(), true);
            tree = Some(match tree {
                None => node,
                Some(mut merged) => {
                    merge(&mut merged, node);
                    merged
                }
            });
        }
        let tree = tree.expect("a chain has at least one file");
        let text = emit(&tree);
        Ok(Effective {
            files,
            text,
            tree: Some(tree),
        })
    }

    /// Whether the text extends another scenario.
    pub fn extends(&self) -> bool {
        self.tree.is_some()
    }

    /// The files of the chain: the file asked for first, its base next, and so on.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The scenario as one TOML document: the text itself when it does not
    /// extend another, otherwise the merged document (without comments).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The merged document with a comment naming the files it comes from: a
    /// self-contained scenario (the text itself when it extends nothing).
    pub fn flattened(&self) -> String {
        if !self.extends() {
            return self.text.clone();
        }
        let mut out = String::from("# Flattened from ");
        let names: Vec<&str> = self.files.iter().map(|f| f.name.as_str()).collect();
        out.push_str(&names.join(", which extends "));
        out.push_str(".\n");
        out.push_str(&self.text);
        out
    }

    /// SHA-256 of the content (see the module documentation), hex.
    pub fn content_hash(&self) -> String {
        if !self.extends() {
            return sha256_hex(self.files[0].text.as_bytes());
        }
        let mut pre = String::from(HASH_PREAMBLE);
        for f in &self.files {
            let _ = write!(pre, "file {}\n{}\n", f.text.len(), f.text);
        }
        let _ = write!(pre, "merged {}\n{}", self.text.len(), self.text);
        sha256_hex(pre.as_bytes())
    }

    /// Moves the positions of errors found in [`Effective::text`] to the files
    /// where the keys are written. Errors of a text that extends nothing are
    /// returned as they are.
    pub fn relocate(&self, err: LoadError) -> LoadError {
        let (Some(tree), LoadError::Invalid(errors)) = (&self.tree, &err) else {
            return err;
        };
        let merged = Locator::new(&self.text);
        let locators: Vec<Locator> = self.files.iter().map(|f| Locator::new(&f.text)).collect();
        LoadError::Invalid(
            errors
                .iter()
                .map(|e| self.relocate_one(e.clone(), tree, &merged, &locators))
                .collect(),
        )
    }

    fn relocate_one(
        &self,
        mut e: ScenarioError,
        tree: &Node,
        merged: &Locator,
        locators: &[Locator],
    ) -> ScenarioError {
        let offset = merged.offset(e.line, e.column);
        let path = KeyPath::parse(&e.key_path);
        // The deepest prefix of the path whose key or value holds the position.
        let mut hit: Option<(KeyPath, bool, usize)> = None;
        for len in (1..=path.0.len()).rev() {
            let prefix = KeyPath(path.0[..len].to_vec());
            let Some((key, value)) = merged.spans(&prefix) else {
                continue;
            };
            let holds = |r: &Range<usize>| r.start <= offset && offset < r.end.max(r.start + 1);
            if let Some(r) = key.as_ref().filter(|r| holds(r)) {
                hit = Some((prefix, true, offset - r.start));
                break;
            }
            if let Some(r) = value.as_ref().filter(|r| holds(r)) {
                hit = Some((prefix, false, offset - r.start));
                break;
            }
        }
        let found = hit.is_some();
        let (at, key, delta) = hit.unwrap_or((path, false, 0));
        let origin = origin_of(tree, &at);
        let locator = &locators[origin.file];
        let spans = locator.spans(&origin.path);
        let span = spans.and_then(|(k, v)| if key { k.or(v) } else { v.or(k) });
        let (line, column) = match span {
            Some(r) if found => locator.line_col(r.start + delta.min(r.len().saturating_sub(1))),
            _ => locator.position(&origin.path, key),
        };
        e.file = self.files[origin.file].name.clone();
        e.line = line;
        e.column = column;
        e
    }
}

/// The file and key path where the merged `path` is written. Below a value
/// taken whole (an array of values), the rest of the path is the same in
/// that file.
fn origin_of(tree: &Node, path: &KeyPath) -> Origin {
    let mut node = tree;
    let mut depth = 0;
    for seg in &path.0 {
        match node.child(seg) {
            Some(child) => {
                node = child;
                depth += 1;
            }
            None => break,
        }
    }
    let mut origin = node.origin().clone();
    if matches!(node, Node::Leaf { .. }) {
        origin.path.0.extend(path.0[depth..].iter().cloned());
    }
    origin
}

/// The value of `extends`, which must be a string.
fn extends_target(item: &Item, file: &SourceFile) -> Result<String, LoadError> {
    match item.as_str() {
        Some(s) => Ok(s.to_string()),
        None => {
            let locator = Locator::new(&file.text);
            let (line, column) = locator.position(&KeyPath::root().key(EXTENDS), false);
            Err(LoadError::Invalid(vec![ScenarioError {
                file: file.name.clone(),
                line,
                column,
                key_path: EXTENDS.into(),
                expected: "the path of the base scenario, in quotes".into(),
                found: Some(format!("{} `{}`", item.type_name(), item.to_string().trim())),
                hint: Some(
                    "write e.g. extends = \"../nwl_wsic_2013.toml\" (relative to this file's directory) or extends = \"builtin:nwl_wsic_2013\"".into(),
                ),
                kind: InputKind::Scenario,
            }]))
        }
    }
}

/// An error at the `extends` key of `file`.
fn at_extends(
    file: &SourceFile,
    expected: String,
    found: Option<String>,
    hint: Option<String>,
) -> ScenarioError {
    let locator = Locator::new(&file.text);
    let (line, column) = locator.position(&KeyPath::root().key(EXTENDS), true);
    ScenarioError {
        file: file.name.clone(),
        line,
        column,
        key_path: EXTENDS.into(),
        expected,
        found,
        hint,
        kind: InputKind::Scenario,
    }
}

fn cycle_error(files: &[SourceFile], start: usize, again: &str) -> LoadError {
    let last = files.last().expect("a chain has at least one file");
    let mut names: Vec<&str> = files[start..].iter().map(|f| f.name.as_str()).collect();
    names.push(again);
    LoadError::Invalid(vec![at_extends(
        last,
        "a base scenario that does not lead back to this file".into(),
        Some(format!("a cycle: {}", names.join(" → "))),
        Some("remove `extends` from one of these files".into()),
    )])
}

/// Reads the base named by `target`, relative to `dir`.
fn read_base(target: &str, dir: &Path, from: &SourceFile) -> Result<Base, LoadError> {
    if let Some(wanted) = target.strip_prefix(BUILTIN_PREFIX) {
        return match BUILTINS.iter().find(|(n, _, _)| *n == wanted) {
            Some((n, text, name)) => Ok(Base {
                name: name.to_string(),
                text: text.to_string(),
                identity: Identity::Builtin(n.to_string()),
                dir: PathBuf::new(),
            }),
            None => {
                let known: Vec<String> = BUILTINS
                    .iter()
                    .map(|(n, _, _)| format!("{BUILTIN_PREFIX}{n}"))
                    .collect();
                Err(LoadError::Invalid(vec![at_extends(
                    from,
                    "a scenario built into pioneer".into(),
                    Some(format!("`{target}`")),
                    Some(error::did_you_mean(
                        target,
                        known.iter().map(String::as_str),
                    )),
                )]))
            }
        };
    }
    let joined = dir.join(target);
    let name = display_name(&joined);
    match super::read_input(&joined, InputKind::Scenario) {
        Ok(text) => Ok(Base {
            identity: Identity::File(std::fs::canonicalize(&joined).unwrap_or(joined.clone())),
            dir: joined.parent().map(Path::to_path_buf).unwrap_or_default(),
            name,
            text,
        }),
        Err(invalid @ LoadError::Invalid(_)) => Err(invalid),
        Err(LoadError::Io { source: e, .. }) => {
            let dir_text = if dir.as_os_str().is_empty() {
                ".".to_string()
            } else {
                dir.display().to_string()
            };
            let (found, mut hint) = if e.kind() == std::io::ErrorKind::NotFound {
                (
                    format!("`{target}`, but there is no file {name}"),
                    format!("the path is relative to the directory of this file ({dir_text})"),
                )
            } else {
                (
                    format!("`{target}`, but {name} cannot be read: {e}"),
                    "check that the path names a readable scenario file".to_string(),
                )
            };
            if let Some(s) = similar_file(&joined, target) {
                hint.push_str(&format!("; did you mean `{s}`?"));
            }
            Err(LoadError::Invalid(vec![at_extends(
                from,
                "an existing scenario file".into(),
                Some(found),
                Some(hint),
            )]))
        }
    }
}

/// A `.toml` file next to where `joined` points with a name close to it,
/// written the way `target` is.
fn similar_file(joined: &Path, target: &str) -> Option<String> {
    let wanted = joined.file_name()?.to_str()?;
    let parent = joined.parent()?;
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let names: Vec<String> = std::fs::read_dir(parent)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".toml") && n != wanted)
        .collect();
    let best = error::nearest(wanted, names.iter().map(String::as_str))?;
    let prefix = &target[..target.len() - wanted.len().min(target.len())];
    Some(format!("{prefix}{best}"))
}

/// `a/b/../c.toml` shown as `a/c.toml` when both name the same file.
fn display_name(path: &Path) -> String {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    // Compare where the two point: the files, or (for a file that does not
    // exist) their directories.
    let canonical = |p: &Path| {
        std::fs::canonicalize(p).ok().or_else(|| {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = std::fs::canonicalize(dir.unwrap_or(Path::new("."))).ok()?;
            Some(dir.join(p.file_name()?))
        })
    };
    let same = canonical(path).is_some_and(|a| Some(a) == canonical(&out));
    if same || out == path {
        out.display().to_string()
    } else {
        path.display().to_string()
    }
}

fn table_node(t: &Table, file: usize, path: &KeyPath, root: bool) -> Node {
    let entries = t
        .iter()
        .filter(|(k, _)| !(root && *k == EXTENDS))
        .filter_map(|(k, item)| Some((k.to_string(), item_node(item, file, &path.key(k))?)))
        .collect();
    Node::Table {
        entries,
        origin: Origin {
            file,
            path: path.clone(),
        },
    }
}

fn item_node(item: &Item, file: usize, path: &KeyPath) -> Option<Node> {
    match item {
        Item::None => None,
        Item::Table(t) => Some(table_node(t, file, path, false)),
        Item::ArrayOfTables(a) => Some(Node::Tables {
            items: a
                .iter()
                .enumerate()
                .map(|(i, t)| table_node(t, file, &path.index(i), false))
                .collect(),
            origin: Origin {
                file,
                path: path.clone(),
            },
        }),
        Item::Value(v) => Some(value_node(v, file, path)),
    }
}

fn value_node(v: &Value, file: usize, path: &KeyPath) -> Node {
    let origin = Origin {
        file,
        path: path.clone(),
    };
    match v {
        // `key = {}` empties an inherited table (merging nothing would be a no-op).
        Value::InlineTable(t) if t.is_empty() => Node::Leaf {
            value: v.clone(),
            origin,
        },
        Value::InlineTable(t) => Node::Table {
            entries: t
                .iter()
                .map(|(k, v)| (k.to_string(), value_node(v, file, &path.key(k))))
                .collect(),
            origin,
        },
        Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_inline_table) => Node::Tables {
            items: a
                .iter()
                .enumerate()
                .map(|(i, v)| value_node(v, file, &path.index(i)))
                .collect(),
            origin,
        },
        other => Node::Leaf {
            value: other.clone(),
            origin,
        },
    }
}

/// Lays `over` on `base` (see the module documentation).
fn merge(base: &mut Node, over: Node) {
    match (base, over) {
        (
            Node::Table { entries, origin },
            Node::Table {
                entries: new,
                origin: o,
            },
        ) => {
            *origin = o;
            for (k, n) in new {
                match entries.iter_mut().find(|(name, _)| *name == k) {
                    Some((_, b)) => merge(b, n),
                    None => entries.push((k, n)),
                }
            }
        }
        (
            Node::Tables { items, origin },
            Node::Tables {
                items: new,
                origin: o,
            },
        ) if items.iter().all(|n| n.id().is_some()) => {
            *origin = o;
            let inherited = items.len();
            let mut merged = vec![false; inherited];
            for n in new {
                let target = n.id().and_then(|id| {
                    (0..inherited).find(|&i| !merged[i] && items[i].id() == Some(id))
                });
                match target {
                    Some(i) => {
                        merged[i] = true;
                        merge(&mut items[i], n);
                    }
                    None => items.push(n),
                }
            }
        }
        (b, o) => *b = o,
    }
}

/// The merged tree as a TOML document.
fn emit(tree: &Node) -> String {
    let mut doc = DocumentMut::new();
    if let Node::Table { entries, .. } = tree {
        fill(doc.as_table_mut(), entries);
    }
    format!("{MERGED_HEADER}{doc}")
}

fn fill(t: &mut Table, entries: &[(String, Node)]) {
    for (k, n) in entries {
        let item = match n {
            Node::Leaf { value, .. } => {
                let mut v = value.clone();
                v.decor_mut().clear();
                Item::Value(v)
            }
            Node::Table { entries, .. } => {
                let mut sub = Table::new();
                fill(&mut sub, entries);
                // No `[organisations]` header above `[organisations.ccg]`.
                let only_tables = !entries.is_empty()
                    && entries.iter().all(|(_, n)| !matches!(n, Node::Leaf { .. }));
                sub.set_implicit(only_tables);
                Item::Table(sub)
            }
            Node::Tables { items, .. } => {
                let mut a = ArrayOfTables::new();
                for it in items {
                    let mut sub = Table::new();
                    if let Node::Table { entries, .. } = it {
                        fill(&mut sub, entries);
                    }
                    a.push(sub);
                }
                Item::ArrayOfTables(a)
            }
        };
        t.insert(k, item);
    }
}

/// The scenario in the file at `path` as one self-contained TOML text: the
/// file's own text when it extends nothing, otherwise its chain merged (see
/// [`Effective::flattened`]).
pub fn effective_text(path: &Path) -> Result<String, LoadError> {
    let text = super::read_input(path, InputKind::Scenario)?;
    let name = path.display().to_string();
    Ok(Effective::load(&text, &name, Some(path))?.flattened())
}

/// Adds "did you mean `extends`?" to an unknown top-level key close to it.
pub fn hint_extends(err: LoadError) -> LoadError {
    let LoadError::Invalid(mut errors) = err else {
        return err;
    };
    for e in &mut errors {
        let path = KeyPath::parse(&e.key_path);
        let unknown = e
            .found
            .as_deref()
            .is_some_and(|f| f.starts_with("unknown key"));
        if let (true, [Seg::Key(k)]) = (unknown, path.0.as_slice()) {
            if error::nearest(k, [EXTENDS]).is_some() {
                e.hint = Some(format!("did you mean `{EXTENDS}`?"));
            }
        }
    }
    LoadError::Invalid(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"top = 1
list = [1, 2, 3]
inline_items = [{ id = "p", v = 1 }, { id = "q", v = 2 }]

[t]
a = 1
b = { x = 1, y = 2 }

[[items]]
id = "a"
v = 1
[items.sub]
k = 1

[[items]]
id = "b"
v = 2

[[plain]]
v = 1

[[plain]]
v = 2
"#;

    const CHILD: &str = r#"extends = "base.toml"
list = [4]
inline_items = [{ id = "q", w = 3 }, { id = "r" }]

[t]
b = { y = 3 }
c = 1

[[items]]
id = "a"
[items.sub]
j = 2

[[items]]
id = "c"
v = 3

[[items]]
id = "c"
v = 4

[[plain]]
v = 9
"#;

    const MERGED: &str = r#"top = 1
list = [4]
inline_items = [{ id = "p", v = 1 }, { id = "q", v = 2, w = 3 }, { id = "r" }]

[t]
a = 1
b = { x = 1, y = 3 }
c = 1

[[items]]
id = "a"
v = 1
[items.sub]
k = 1
j = 2

[[items]]
id = "b"
v = 2

[[items]]
id = "c"
v = 3

[[items]]
id = "c"
v = 4

[[plain]]
v = 9
"#;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let tmp = tempfile::TempDir::new().unwrap();
        for (name, text) in files {
            let p = tmp.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        tmp
    }

    fn load_file(path: &Path) -> Result<Effective, LoadError> {
        let text = std::fs::read_to_string(path).unwrap();
        Effective::load(&text, &path.display().to_string(), Some(path))
    }

    fn value(text: &str) -> toml::Table {
        toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn merges_tables_deeply_arrays_by_id_and_replaces_the_rest() {
        let tmp = dir_with(&[("base.toml", BASE), ("child.toml", CHILD)]);
        let e = load_file(&tmp.path().join("child.toml")).unwrap();
        assert!(e.extends());
        assert_eq!(e.files().len(), 2);
        assert_eq!(value(e.text()), value(MERGED), "{}", e.text());
        assert!(e.text().starts_with(MERGED_HEADER));
    }

    #[test]
    fn a_text_without_extends_is_taken_as_it_is() {
        let e = Effective::load(BASE, "base.toml", None).unwrap();
        assert!(!e.extends());
        assert_eq!(e.text(), BASE);
        assert_eq!(e.content_hash(), sha256_hex(BASE.as_bytes()));
        // Invalid TOML too: the loader reports it.
        let e = Effective::load("a = \"", "x.toml", None).unwrap();
        assert_eq!(e.text(), "a = \"");
        // `extends` below the top level is an ordinary (unknown) key.
        let e = Effective::load("[meta]\nextends = \"x.toml\"\n", "x.toml", None).unwrap();
        assert!(!e.extends());
    }

    #[test]
    fn type_changes_replace_and_tables_extend_arrays_of_tables_without_ids() {
        let tmp = dir_with(&[
            ("base.toml", "a = 1\n[b]\nx = 1\n[[plain]]\nv = 1\n"),
            (
                "child.toml",
                "extends = \"base.toml\"\nplain = []\n[a]\nx = 2\n[[b]]\nid = \"z\"\n",
            ),
        ]);
        let e = load_file(&tmp.path().join("child.toml")).unwrap();
        assert_eq!(
            value(e.text()),
            value("plain = []\n[a]\nx = 2\n[[b]]\nid = \"z\"\n")
        );
    }

    #[test]
    fn chains_resolve_each_base_relative_to_its_own_file() {
        let tmp = dir_with(&[
            ("root.toml", "a = 1\nb = 1\nc = 1\n"),
            ("one/mid.toml", "extends = \"../root.toml\"\nb = 2\nc = 2\n"),
            (
                "two/three/top.toml",
                "extends = \"../../one/mid.toml\"\nc = 3\n",
            ),
        ]);
        let e = load_file(&tmp.path().join("two/three/top.toml")).unwrap();
        assert_eq!(value(e.text()), value("a = 1\nb = 2\nc = 3\n"));
        let names: Vec<&str> = e.files().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names.len(), 3);
        assert!(names[1].ends_with("one/mid.toml") && !names[1].contains(".."));
        assert!(names[2].ends_with("root.toml") && !names[2].contains(".."));
        let flat = e.flattened();
        assert!(flat.starts_with("# Flattened from "));
        assert!(flat.contains(", which extends "));
        assert_eq!(value(&flat), value(e.text()));
    }

    #[test]
    fn builtin_bases_need_no_file() {
        let e = Effective::load(
            "extends = \"builtin:nwl_wsic_2013\"\n[meta]\nname = \"x\"\n",
            "x",
            None,
        )
        .unwrap();
        assert_eq!(e.files()[1].name, DEFAULT_SCENARIO_NAME);
        let merged = value(e.text());
        assert_eq!(merged["meta"]["name"].as_str(), Some("x"));
        assert_eq!(
            merged["meta"]["description"],
            value(DEFAULT_SCENARIO)["meta"]["description"]
        );
    }

    #[test]
    fn errors_move_to_the_file_that_writes_the_key() {
        let tmp = dir_with(&[("base.toml", BASE), ("child.toml", CHILD)]);
        let e = load_file(&tmp.path().join("child.toml")).unwrap();
        let merged = Locator::new(e.text());
        let at = |path: &str, key: bool| {
            let (line, column) = merged.position(&KeyPath::parse(path), key);
            ScenarioError {
                file: "child".into(),
                line,
                column,
                key_path: path.into(),
                expected: "x".into(),
                found: None,
                hint: None,
                kind: InputKind::Scenario,
            }
        };
        let moved = |err: ScenarioError| match e.relocate(LoadError::Invalid(vec![err])) {
            LoadError::Invalid(v) => {
                let (f, l, c) = (&v[0].file, v[0].line, v[0].column);
                let name = if f.ends_with("child.toml") {
                    "child"
                } else {
                    "base"
                };
                (name, l, c)
            }
            other => panic!("{other}"),
        };
        // Written in the child: the key and the value.
        assert_eq!(moved(at("t.c", true)), ("child", 7, 1));
        assert_eq!(moved(at("t.b.y", false)), ("child", 6, 11));
        assert_eq!(moved(at("items[2].v", false)), ("child", 16, 5));
        // The second `c` (appended as a duplicate) is the child's second element.
        assert_eq!(moved(at("items[3].id", false)), ("child", 19, 6));
        // An element of an array taken whole.
        assert_eq!(moved(at("list[0]", false)), ("child", 2, 9));
        assert_eq!(moved(at("inline_items[2].id", false)), ("child", 3, 45));
        // Inherited: in the base.
        assert_eq!(moved(at("top", true)), ("base", 1, 1));
        assert_eq!(moved(at("t.b.x", false)), ("base", 7, 11));
        assert_eq!(moved(at("items[0].sub.k", true)), ("base", 13, 1));
        assert_eq!(moved(at("items[1].v", false)), ("base", 17, 5));
        assert_eq!(moved(at("inline_items[0].v", false)), ("base", 3, 33));
        // Merged from both: the key where the last file writes it.
        assert_eq!(moved(at("items[0].sub.j", true)), ("child", 12, 1));
        // A path the text lacks falls back to its nearest written ancestor.
        assert_eq!(moved(at("items[1].missing", true)), ("base", 15, 1));
        // The root: line 1 of the file asked for.
        assert_eq!(moved(at("", false)), ("child", 1, 1));
    }

    #[test]
    fn display_names_drop_dot_dot_only_when_that_names_the_same_file() {
        let tmp = dir_with(&[("a/b.toml", ""), ("c.toml", "")]);
        let p = tmp.path().join("a/../c.toml");
        assert_eq!(
            display_name(&p),
            tmp.path().join("c.toml").display().to_string()
        );
        // A file that does not exist, in a directory that does.
        let missing = tmp.path().join("a/../y.toml");
        assert_eq!(
            display_name(&missing),
            tmp.path().join("y.toml").display().to_string()
        );
        // Through a directory that does not exist: as written.
        let nowhere = tmp.path().join("x/../y.toml");
        assert_eq!(display_name(&nowhere), nowhere.display().to_string());
        assert_eq!(display_name(Path::new("../y.toml")), "../y.toml");
    }

    #[test]
    fn the_hash_of_a_chain_covers_every_file_and_cannot_be_a_files_hash() {
        let tmp = dir_with(&[("base.toml", BASE), ("child.toml", CHILD)]);
        let path = tmp.path().join("child.toml");
        let h1 = load_file(&path).unwrap().content_hash();
        assert_ne!(h1, sha256_hex(CHILD.as_bytes()));
        std::fs::write(
            tmp.path().join("base.toml"),
            BASE.replace("top = 1", "top = 2"),
        )
        .unwrap();
        let h2 = load_file(&path).unwrap().content_hash();
        assert_ne!(h1, h2);
        assert!(HASH_PREAMBLE.parse::<DocumentMut>().is_err());
    }
}
