//! The scenario schema, derived from the serde types in `raw.rs` (so it cannot
//! drift from them). It answers "which keys are valid here" for typo hints and
//! renders `docs/scenario-reference.md`.

use serde_json::Value;

use super::locate::{KeyPath, Seg};
use super::raw::RawScenario;

/// The JSON schema of a scenario file, with every sub-schema inlined.
pub fn json_schema() -> Value {
    json_schema_for::<RawScenario>()
}

/// The inlined JSON schema of any input file type (scenarios, targets, priors).
pub fn json_schema_for<T: schemars::JsonSchema>() -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12().with(|s| {
        s.inline_subschemas = true;
    });
    let schema = settings.into_generator().into_root_schema_for::<T>();
    schema.as_value().clone()
}

/// Skips `Option` wrappers (`anyOf [T, null]`) to the schema of `T`.
fn unwrap_optional(v: &Value) -> &Value {
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alts)) = v.get(key) {
            let non_null: Vec<&Value> = alts
                .iter()
                .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if non_null.len() == 1 && non_null[0].get("const").is_none() {
                return non_null[0];
            }
        }
    }
    v
}

fn child<'a>(v: &'a Value, seg: &Seg) -> Option<&'a Value> {
    let v = unwrap_optional(v);
    match seg {
        Seg::Key(k) => v
            .get("properties")
            .and_then(|p| p.get(k))
            .or_else(|| v.get("additionalProperties").filter(|a| a.is_object())),
        Seg::Index(_) => v.get("items"),
    }
}

/// Keys allowed in the table at `path`, or `None` if that table takes any key.
pub fn valid_keys(schema: &Value, path: &KeyPath) -> Option<Vec<String>> {
    let mut node = schema;
    for seg in &path.0 {
        node = child(node, seg)?;
    }
    let node = unwrap_optional(node);
    node.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
}

fn type_name(v: &Value) -> String {
    let v = unwrap_optional(v);
    if let Some(alts) = v.get("oneOf").and_then(Value::as_array) {
        let names: Vec<String> = alts
            .iter()
            .filter_map(|a| {
                a.get("const")
                    .or_else(|| a.get("enum").and_then(|e| e.get(0)))
            })
            .filter_map(Value::as_str)
            .map(|s| format!("`{s}`"))
            .collect();
        if !names.is_empty() {
            return format!("one of {}", names.join(", "));
        }
    }
    if let Some(e) = v.get("enum").and_then(Value::as_array) {
        let names: Vec<String> = e
            .iter()
            .filter_map(Value::as_str)
            .map(|s| format!("`{s}`"))
            .collect();
        return format!("one of {}", names.join(", "));
    }
    if v.get("format").and_then(Value::as_str) == Some("date") {
        return "date".into();
    }
    match v.get("type") {
        Some(Value::String(t)) => match t.as_str() {
            "number" => "number".into(),
            "integer" => "integer".into(),
            "boolean" => "boolean".into(),
            "string" => "string".into(),
            "array" => format!(
                "array of {}",
                v.get("items").map(type_name).unwrap_or_default()
            ),
            "object" if v.get("properties").is_none() => "table of kind = count".into(),
            "object" => "table".into(),
            other => other.into(),
        },
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "value".into(),
    }
}

fn render_default(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => format!("`\"{s}\"`"),
        Value::Object(o) if o.is_empty() => "`{}`".into(),
        Value::Array(a) if a.is_empty() => "`[]`".into(),
        Value::Object(_) => "see below".into(),
        other => format!("`{other}`"),
    }
}

fn describe(v: &Value) -> String {
    v.get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .replace('\n', " ")
        .replace('|', "\\|")
}

/// One documented key of the schema.
#[derive(Debug, Clone)]
pub struct KeyDoc {
    /// Key path with `[]` for array elements.
    pub path: String,
    /// Human-readable type.
    pub type_name: String,
    /// Default, or "required".
    pub default: String,
    /// The doc comment.
    pub description: String,
    /// Whether it is a leaf (a value rather than a table).
    pub leaf: bool,
}

/// Every key of the schema, depth first, in declaration order.
pub fn key_docs(schema: &Value) -> Vec<KeyDoc> {
    let mut out = Vec::new();
    walk(schema, "", None, &mut out);
    out
}

fn walk(node: &Value, prefix: &str, inherited_default: Option<&Value>, out: &mut Vec<KeyDoc>) {
    let node = unwrap_optional(node);
    let node = if node.get("type").and_then(Value::as_str) == Some("array") {
        node.get("items").map(unwrap_optional).unwrap_or(node)
    } else {
        node
    };
    let Some(props) = node.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let order = property_order(node);
    for key in order {
        let Some(sub) = props.get(&key) else { continue };
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let inner = unwrap_optional(sub);
        let is_array = inner.get("type").and_then(Value::as_str) == Some("array");
        let elem = if is_array {
            inner.get("items").map(unwrap_optional)
        } else {
            None
        };
        let is_table = inner.get("properties").is_some()
            || elem.is_some_and(|e| e.get("properties").is_some());
        let default = sub
            .get("default")
            .or_else(|| inherited_default.and_then(|d| d.get(&key)));
        let default_text = match default {
            Some(d) if is_table && d.is_object() => "see below".into(),
            Some(d) => render_default(d),
            None if required.contains(&key.as_str()) => "required".into(),
            None => "none".into(),
        };
        out.push(KeyDoc {
            path: if is_array && is_table {
                format!("{path}[]")
            } else {
                path.clone()
            },
            type_name: if is_table {
                if is_array {
                    "array of tables".into()
                } else {
                    "table".into()
                }
            } else {
                type_name(sub)
            },
            default: default_text,
            description: describe(sub),
            leaf: !is_table,
        });
        if is_table {
            let child_prefix = if is_array { format!("{path}[]") } else { path };
            walk(sub, &child_prefix, default.filter(|d| d.is_object()), out);
        }
    }
}

fn property_order(node: &Value) -> Vec<String> {
    // serde_json keeps insertion order only with `preserve_order`; schemars
    // emits properties in declaration order, which the default map sorts.
    // The reference is therefore alphabetical within each table: stable and
    // easy to scan.
    node.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The hand-written section of the reference on `extends`, which is not a
/// key of `RawScenario` (it is resolved before deserialisation, in `inherit`).
const INHERITANCE: &str = "## Inheritance: `extends`

A scenario file may start with a top-level `extends = \"<path>\"` (before its first `[section]`) and then \
write only the keys it changes; the files in `scenarios/variants/` are examples. The path is relative to the \
directory of the file that writes it; `extends = \"builtin:nwl_wsic_2013\"` names the default scenario built \
into `pioneer`. A base may itself extend another; a cycle is an error. The file's keys are laid over its base:

- tables merge key by key, at any depth (inline `{ … }` tables too);
- arrays of tables whose elements have an `id` (`early_adopters[]`, `journey[]`, `bodies[]`, `barriers[]`, \
`leadership.leaders[]`, `funding.tranches[]`) merge element by element: an element with an inherited `id` is \
merged into that element, one with a new `id` is appended (so is a second element with the same `id` in one \
file, which validation then reports as a duplicate);
- everything else is replaced whole: numbers, dates, text, arrays of values (`requires`, `quantiles`) and \
arrays of tables without ids (`budget[]`, `consultancy.contracts[]`, `bodies[].schedule[]`); `key = []` \
empties an inherited list.

Nothing inherited can be removed otherwise. Errors name the file, line and column where the offending key \
or value is written, in the file itself or in the base it comes from. The keys below are those of the merged \
scenario.

";

/// The scenario reference in Markdown (the content of `docs/scenario-reference.md`).
pub fn reference_markdown() -> String {
    let schema = json_schema();
    let mut out = String::new();
    out.push_str("# Scenario file reference\n\n");
    out.push_str(
        "Generated from the schema by `cargo run --release -- schema > docs/scenario-reference.md` \
(`pioneer schema` prints the same); a test fails when this file and the code disagree. Every scenario key is listed with its type, default and meaning; the meaning names the unit \
and the source of the default (a source tag or claim id explained in `docs/evidence.md`, or *assumption*). \
`[]` marks an array of tables (`[[key]]` in TOML). Dates are ISO `YYYY-MM-DD`, either bare TOML dates or strings. \
Unknown keys are errors.\n\n",
    );
    out.push_str(INHERITANCE);
    let docs = key_docs(&schema);
    let mut current_top = String::new();
    for d in &docs {
        let top = d.path.split(['.', '[']).next().unwrap_or("").to_string();
        if top != current_top {
            current_top = top.clone();
            out.push_str(&format!("\n## `{top}`\n\n"));
            out.push_str("| key | type | default | meaning |\n|---|---|---|---|\n");
        }
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            d.path, d.type_name, d.default, d.description
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_keys_follow_arrays_and_options() {
        let s = json_schema();
        let keys = valid_keys(&s, &KeyPath::parse("early_adopters[3]")).unwrap();
        assert!(keys.contains(&"prior_relationships".to_string()));
        let keys = valid_keys(&s, &KeyPath::parse("consultancy.contracts[0]")).unwrap();
        assert_eq!(keys, vec!["amount_gbp", "end", "start"]);
        // A kind = count table takes any key: checked semantically instead.
        assert!(valid_keys(&s, &KeyPath::parse("early_adopters[0].members")).is_none());
    }

    #[test]
    fn every_leaf_key_documents_unit_and_source() {
        let missing: Vec<String> = key_docs(&json_schema())
            .into_iter()
            .filter(|d| {
                d.leaf && !(d.description.contains("Unit:") && d.description.contains("Source:"))
            })
            .map(|d| d.path)
            .collect();
        assert!(
            missing.is_empty(),
            "keys without `Unit:` and `Source:` in their doc comment: {missing:?}"
        );
    }
}
