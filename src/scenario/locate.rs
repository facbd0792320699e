//! Maps key paths to positions in the TOML text and back, so that every error
//! can name its line, column and key path whichever side found it (serde
//! reports a byte span; semantic validation knows a key path).

use std::fmt;
use std::ops::Range;

use toml_edit::{ArrayOfTables, ImDocument, InlineTable, Item, Table, Value};

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// A key path such as `early_adopters[2].scope`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// The empty (root) path.
    pub fn root() -> KeyPath {
        KeyPath(Vec::new())
    }
    /// This path extended by a key.
    pub fn key(&self, k: &str) -> KeyPath {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        KeyPath(v)
    }
    /// This path extended by an index.
    pub fn index(&self, i: usize) -> KeyPath {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        KeyPath(v)
    }
    /// Parses `a.b[2].c`.
    pub fn parse(text: &str) -> KeyPath {
        let mut segs = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                if open > 0 {
                    segs.push(Seg::Key(rest[..open].to_string()));
                }
                rest = &rest[open..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let close = stripped.find(']').unwrap_or(stripped.len());
                    if let Ok(i) = stripped[..close].parse() {
                        segs.push(Seg::Index(i));
                    }
                    rest = stripped.get(close + 1..).unwrap_or("");
                }
            } else {
                segs.push(Seg::Key(rest.to_string()));
            }
        }
        KeyPath(segs)
    }
    /// The last key of the path, if it ends in a key.
    pub fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }
    /// The path without its last step.
    pub fn parent(&self) -> KeyPath {
        let mut v = self.0.clone();
        v.pop();
        KeyPath(v)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Table(&'a Table),
    Inline(&'a InlineTable),
    Tables(&'a ArrayOfTables),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    fn from_item(item: &'a Item) -> Option<Node<'a>> {
        match item {
            Item::Table(t) => Some(Node::Table(t)),
            Item::ArrayOfTables(a) => Some(Node::Tables(a)),
            Item::Value(Value::InlineTable(t)) => Some(Node::Inline(t)),
            Item::Value(v) => Some(Node::Value(v)),
            Item::None => None,
        }
    }
    fn from_value(v: &'a Value) -> Node<'a> {
        match v {
            Value::InlineTable(t) => Node::Inline(t),
            other => Node::Value(other),
        }
    }
    fn span(&self) -> Option<Range<usize>> {
        match self {
            Node::Table(t) => t.span(),
            Node::Inline(t) => t.span(),
            Node::Tables(a) => a.span(),
            Node::Value(v) => v.span(),
        }
    }
    fn child(&self, seg: &Seg) -> Option<(Node<'a>, Option<Range<usize>>)> {
        match (self, seg) {
            (Node::Table(t), Seg::Key(k)) => {
                let (key, item) = t.get_key_value(k)?;
                Some((Node::from_item(item)?, key.span()))
            }
            (Node::Inline(t), Seg::Key(k)) => {
                let key_span = t.key(k).and_then(|k| k.span());
                Some((Node::from_value(t.get(k)?), key_span))
            }
            (Node::Tables(a), Seg::Index(i)) => Some((Node::Table(a.get(*i)?), None)),
            (Node::Value(Value::Array(a)), Seg::Index(i)) => {
                Some((Node::from_value(a.get(*i)?), None))
            }
            _ => None,
        }
    }
    fn children(&self) -> Vec<(KeyPathSeg<'a>, Node<'a>, Option<Range<usize>>)> {
        let mut out = Vec::new();
        match self {
            Node::Table(t) => {
                for (k, item) in t.iter() {
                    let key_span = t.key(k).and_then(|k| k.span());
                    if let Some(n) = Node::from_item(item) {
                        out.push((KeyPathSeg::Key(k), n, key_span));
                    }
                }
            }
            Node::Inline(t) => {
                for (k, v) in t.iter() {
                    let key_span = t.key(k).and_then(|k| k.span());
                    out.push((KeyPathSeg::Key(k), Node::from_value(v), key_span));
                }
            }
            Node::Tables(a) => {
                for (i, t) in a.iter().enumerate() {
                    out.push((KeyPathSeg::Index(i), Node::Table(t), None));
                }
            }
            Node::Value(Value::Array(a)) => {
                for (i, v) in a.iter().enumerate() {
                    out.push((KeyPathSeg::Index(i), Node::from_value(v), None));
                }
            }
            Node::Value(_) => {}
        }
        out
    }
}

enum KeyPathSeg<'a> {
    Key(&'a str),
    Index(usize),
}

/// A parsed TOML text that answers "where is this key" and "which key is here".
pub struct Locator<'t> {
    text: &'t str,
    doc: Option<ImDocument<&'t str>>,
}

impl<'t> Locator<'t> {
    /// Parses the text; a text that does not parse still gives line and column
    /// for byte offsets.
    pub fn new(text: &'t str) -> Locator<'t> {
        Locator {
            text,
            doc: ImDocument::parse(text).ok(),
        }
    }

    /// Whether the text is valid TOML.
    pub fn parsed(&self) -> bool {
        self.doc.is_some()
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let col = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
        (line, col)
    }

    /// 1-based line and column → byte offset (the inverse of [`Locator::line_col`];
    /// positions past the end of a line or of the text are clamped).
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let mut start = 0;
        for _ in 1..line.max(1) {
            match self.text[start..].find('\n') {
                Some(nl) => start += nl + 1,
                None => return self.text.len(),
            }
        }
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |nl| start + nl + 1);
        (start + column.max(1) - 1).min(end)
    }

    /// Byte spans of the key and of the value at exactly `path`, or `None`
    /// when the text has no such path. Array elements have no key span; tables
    /// written with a `[header]` have the header as their value span.
    #[allow(clippy::type_complexity)]
    pub fn spans(&self, path: &KeyPath) -> Option<(Option<Range<usize>>, Option<Range<usize>>)> {
        let doc = self.doc.as_ref()?;
        let mut node = Node::Table(doc.as_table());
        let mut key_span = None;
        for seg in &path.0 {
            let (child, key) = node.child(seg)?;
            key_span = key;
            node = child;
        }
        Some((key_span, node.span()))
    }

    /// Position of the key or value at `path` (the key itself for `key = true`),
    /// falling back to the nearest ancestor that exists.
    pub fn position(&self, path: &KeyPath, key: bool) -> (usize, usize) {
        let Some(doc) = &self.doc else {
            return (1, 1);
        };
        let mut node = Node::Table(doc.as_table());
        let mut best: Option<Range<usize>> = None;
        for seg in &path.0 {
            match node.child(seg) {
                Some((child, key_span)) => {
                    let span = if key {
                        key_span.clone().or_else(|| child.span())
                    } else {
                        child.span().or(key_span)
                    };
                    if span.is_some() {
                        best = span;
                    }
                    node = child;
                }
                None => break,
            }
        }
        match best {
            Some(r) => self.line_col(r.start),
            None => (1, 1),
        }
    }

    /// The deepest key path whose key or value contains the byte offset.
    /// Among tables (which have no end in the text) the one that starts last
    /// before the offset is taken.
    pub fn path_at(&self, offset: usize) -> KeyPath {
        let Some(doc) = &self.doc else {
            return KeyPath::root();
        };
        let mut path = KeyPath::root();
        let mut node = Node::Table(doc.as_table());
        loop {
            let mut chosen: Option<(usize, KeyPath, Node)> = None;
            for (seg, child, key_span) in node.children() {
                let covers = child
                    .span()
                    .is_some_and(|r| r.start <= offset && offset < r.end.max(r.start + 1))
                    || key_span
                        .as_ref()
                        .is_some_and(|r| r.start <= offset && offset < r.end);
                let open_ended = matches!(child, Node::Table(_) | Node::Tables(_));
                let start = key_span
                    .as_ref()
                    .map(|r| r.start)
                    .into_iter()
                    .chain(first_start(&child))
                    .min();
                let Some(start) = start else { continue };
                if start > offset || !(covers || open_ended) {
                    continue;
                }
                if chosen.as_ref().is_none_or(|(s, _, _)| start >= *s) {
                    let p = match seg {
                        KeyPathSeg::Key(k) => path.key(k),
                        KeyPathSeg::Index(i) => path.index(i),
                    };
                    chosen = Some((start, p, child));
                }
            }
            match chosen {
                Some((_, p, child)) => {
                    path = p;
                    node = child;
                    if matches!(node, Node::Value(v) if !matches!(v, Value::Array(_))) {
                        return path;
                    }
                }
                None => return path,
            }
        }
    }
}

fn first_start(node: &Node) -> Option<usize> {
    let own = node.span().map(|r| r.start);
    let inner = match node {
        Node::Table(t) => t
            .iter()
            .filter_map(|(k, _)| t.key(k).and_then(|k| k.span()))
            .map(|r| r.start)
            .min(),
        Node::Tables(a) => a.iter().filter_map(|t| first_start(&Node::Table(t))).min(),
        _ => None,
    };
    own.into_iter().chain(inner).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[meta]\nname = \"x\"\n\n[[early_adopters]]\nid = \"a\"\nscope = \"full\"\n\n[[early_adopters]]\nid = \"b\"\nscope = \"partial\"\n";

    #[test]
    fn key_paths_round_trip_through_text() {
        for p in ["a.b[2].c", "early_adopters[3].members.ccg", "x"] {
            assert_eq!(KeyPath::parse(p).to_string(), p);
        }
    }

    #[test]
    fn position_finds_keys_inside_arrays_of_tables() {
        let loc = Locator::new(TEXT);
        assert_eq!(
            loc.position(&KeyPath::parse("early_adopters[1].scope"), true),
            (10, 1)
        );
        assert_eq!(
            loc.position(&KeyPath::parse("early_adopters[1].scope"), false),
            (10, 9)
        );
        assert_eq!(loc.position(&KeyPath::parse("meta.name"), true), (2, 1));
    }

    #[test]
    fn path_at_names_the_key_under_an_offset() {
        let loc = Locator::new(TEXT);
        let offset = TEXT.find("\"partial\"").unwrap() + 2;
        assert_eq!(loc.path_at(offset).to_string(), "early_adopters[1].scope");
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn path_at_finds_values_in_nested_arrays_of_tables() {
        let text = "[codesign]\nx = 1\n\n[[bodies]]\nid = \"a\"\n[[bodies.schedule]]\nfrom = 1\n\n[[bodies]]\nid = \"b\"\n[[bodies.schedule]]\nevery_weeks = \"3\"\n\n[timetable]\ny = 2\n";
        let loc = Locator::new(text);
        let offset = text.find("\"3\"").unwrap();
        assert_eq!(
            loc.path_at(offset).to_string(),
            "bodies[1].schedule[0].every_weeks"
        );
        let offset = text.find("y = 2").unwrap();
        assert_eq!(loc.path_at(offset).to_string(), "timetable.y");
    }

    #[test]
    fn path_at_finds_values_in_standard_tables() {
        let text = "[meta]\nname = \"x\"\n\n[codesign]\nstart = 2013-10-07\nmeeting_every_weeks = \"3\"\nwork = 1\n";
        let loc = Locator::new(text);
        let offset = text.find("\"3\"").unwrap();
        assert_eq!(
            loc.path_at(offset).to_string(),
            "codesign.meeting_every_weeks"
        );
    }
}

#[cfg(test)]
mod offset_tests {
    use super::*;

    #[test]
    fn offset_inverts_line_col_and_spans_find_keys_and_values() {
        let text = "[a]\nb = 12\n\n[[c]]\nd = { e = \"x\" }\n";
        let loc = Locator::new(text);
        for off in 0..text.len() {
            let (l, c) = loc.line_col(off);
            assert_eq!(loc.offset(l, c), off, "offset {off}");
        }
        assert_eq!(loc.offset(99, 1), text.len());
        let (key, value) = loc.spans(&KeyPath::parse("a.b")).unwrap();
        assert_eq!(&text[key.unwrap()], "b");
        assert_eq!(&text[value.unwrap()].trim(), &"12");
        let (key, value) = loc.spans(&KeyPath::parse("c[0].d.e")).unwrap();
        assert_eq!(&text[key.unwrap()], "e");
        assert!(text[value.unwrap()].contains("\"x\""));
        assert!(loc.spans(&KeyPath::parse("a.z")).is_none());
    }
}
