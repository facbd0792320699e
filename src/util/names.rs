//! The one sanitiser for names that become file or directory names.
//!
//! Scenario, sweep and calibration names and output ids are written by
//! users (and shared between them): any of them that reaches a file or
//! directory name goes through [`file_stem`] first, so a name can never
//! leave the directory it is meant for (`../x`, `/abs`), hide a file (a
//! leading `.`), look like an option to a shell command (a leading `-`),
//! carry a NUL or a path separator, or exceed a file system's name length.
//!
//! The rules:
//!
//! - Allowed characters: ASCII letters and digits, `_` and `-`. Every other
//!   character (one Unicode scalar value: `.`, `/`, `\`, space, NUL, `é`, …)
//!   becomes one `_`.
//! - A leading `-` becomes `_` (so no name reads as an option, and, with `.`
//!   never allowed, no name is hidden and none is `.` or `..`).
//! - An empty name becomes [`EMPTY_NAME`].
//! - A result longer than [`MAX_NAME_BYTES`] is cut to
//!   `MAX_NAME_BYTES - 9` bytes and given the suffix `-` and the first 8 hex
//!   digits of the SHA-256 of the whole original name, so distinct long names
//!   stay distinct and the same name always gives the same stem.

use super::hash::sha256_hex;

/// The most bytes a sanitised name may have (ASCII, so also characters).
///
/// File systems allow 255 bytes per name; callers add suffixes to a stem
/// (`-calibration`, `-shardIofK`, `-NNN`, and the hidden staging names
/// `.STEM.partial-PID`, together well under 120 bytes), so 80 keeps every
/// name pioneer makes within that limit. What it protects: a very long
/// scenario name would otherwise fail with "file name too long" only when
/// the outputs are written, after the whole simulation.
pub const MAX_NAME_BYTES: usize = 80;

/// The hex digits of the hash suffix of a truncated name.
const HASH_DIGITS: usize = 8;

/// What an empty name (or one of no characters at all) becomes.
pub const EMPTY_NAME: &str = "unnamed";

/// `name` as a safe file or directory name stem (see the module documentation).
pub fn file_stem(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with('-') {
        s.replace_range(0..1, "_");
    }
    if s.is_empty() {
        return EMPTY_NAME.to_string();
    }
    if s.len() > MAX_NAME_BYTES {
        // ASCII only, so any byte index is a character boundary.
        s.truncate(MAX_NAME_BYTES - HASH_DIGITS - 1);
        s.push('-');
        s.push_str(&sha256_hex(name.as_bytes())[..HASH_DIGITS]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert_eq!(file_stem("nwl_wsic_2013"), "nwl_wsic_2013");
        assert_eq!(file_stem("North-West London"), "North-West_London");
        assert_eq!(file_stem("../../x"), "______x");
        assert_eq!(file_stem("/etc/passwd"), "_etc_passwd");
        assert_eq!(file_stem("a\\b"), "a_b");
        assert_eq!(file_stem("a\0b"), "a_b");
        assert_eq!(file_stem("."), "_");
        assert_eq!(file_stem(".."), "__");
        assert_eq!(file_stem(".hidden"), "_hidden");
        assert_eq!(file_stem("-rf"), "_rf");
        assert_eq!(file_stem("--"), "_-");
        assert_eq!(file_stem(""), EMPTY_NAME);
        // One `_` per character, not per byte.
        assert_eq!(file_stem("Évry café"), "_vry_caf_");
        assert_eq!(file_stem("日本"), "__");
        assert_eq!(file_stem("🙂"), "_");
    }

    #[test]
    fn long_names_are_cut_with_a_stable_hash_suffix() {
        let long = "a".repeat(10_000);
        let s = file_stem(&long);
        assert_eq!(s.len(), MAX_NAME_BYTES);
        // The prefix kept, then `-` and the first 8 hex digits of the SHA-256 of the name.
        let hash = sha256_hex(long.as_bytes());
        assert_eq!(s, format!("{}-{}", "a".repeat(71), &hash[..8]));
        assert_eq!(s, file_stem(&long), "stable");
        // Names that differ only past the cut stay distinct.
        let other = format!("{}b", "a".repeat(9_999));
        assert_ne!(file_stem(&other), s);
        assert_eq!(file_stem(&other).len(), MAX_NAME_BYTES);
        // Exactly at the limit: kept as it is.
        let edge = "z".repeat(MAX_NAME_BYTES);
        assert_eq!(file_stem(&edge), edge);
        // Multi-byte characters count once each, as `_`.
        assert_eq!(file_stem(&"é".repeat(MAX_NAME_BYTES)).len(), MAX_NAME_BYTES);
        assert_eq!(
            file_stem(&"é".repeat(MAX_NAME_BYTES + 1)).len(),
            MAX_NAME_BYTES
        );
    }

    #[test]
    fn every_stem_is_a_plain_name() {
        for name in [
            "", ".", "..", "-", "../", "/", "a/b", "\0", "x\ny", " ", "é/..", "-.-",
        ] {
            let s = file_stem(name);
            assert!(!s.is_empty() && s.len() <= MAX_NAME_BYTES, "{name:?}");
            assert!(s != "." && s != "..", "{name:?}");
            assert!(!s.starts_with('.') && !s.starts_with('-'), "{name:?}");
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                "{name:?}"
            );
        }
    }
}
