//! Scenario generators: a `[generate]` section that writes many systems'
//! organisations and early adopters compactly ("42 systems, each with a share
//! of 6,300 practices, each with about seven early adopters").
//!
//! # Semantics
//!
//! A *system* is one commissioner's area: system `k` (1-based) is one `ccg`
//! agent named `<id_prefix><k>` (zero-padded to the digits of `systems`:
//! `ics01` … `ics42`). For each kind in `[generate.organisations]` the
//! section gives a number per system (`each`, a `list`, or a `total` split
//! over the systems); the generated agents are **appended** to the kind's
//! hand-written ones: `count` grows by the number generated, the named kinds
//! (`local_authority`, `acute_trust`, `community_trust`) get names
//! `<system>_la<j>`, `<system>_acute<j>`, `<system>_community<j>`, and the
//! area kinds (`gp_practice`, `third_sector`) get one `per_ccg` entry per
//! system. `[generate.early_adopters]` is a template: each system gets a
//! number of early adopters `<system>_ea<j>`, each naming its system's
//! commissioner and, in turn, its system's councils and trusts, with GP
//! practices and third-sector members from its system's area, and the other
//! fields of an `[[early_adopters]]` entry from the template (some drawn).
//!
//! A file that extends a base and wants only generated organisations empties
//! the inherited ones (`count = 0`, `names = []`, `per_ccg = {}`,
//! top-level `early_adopters = []`): see `scenarios/england.toml`.
//!
//! # Order and determinism
//!
//! Expansion runs on the raw scenario after the file (and its `extends`
//! chain) is read and before validation, so the expanded scenario is
//! validated exactly as a hand-written one; the section itself is removed
//! (`RawScenario::generate` is `None` afterwards) and
//! `Scenario::expanded_toml` writes the expanded scenario out. Every draw
//! comes from a ChaCha8 generator keyed by SHA-256 of
//! `"pioneer generate v1\0<seed>\0<purpose>"`, one stream per purpose
//! (`organisations.<kind>`, `early_adopters.count`, `early_adopters.<system
//! id>`), independent of the run's seed and of the engine's streams: the same
//! file always expands to the same scenario, on every platform, and changing
//! one part of the section does not reshuffle the draws of another.
//!
//! # Errors and limits
//!
//! The section is checked before anything is generated: shapes, ranges and
//! the sizes it asks for against `limits` (a section asking for 10^9
//! practices is an error before any allocation). Problems found later by the
//! validation of the expanded scenario in a generated entry are reported at
//! the template key that produced it ([`Provenance::relocate`]), naming the
//! generated entry.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::date::IsoDate;
use super::limits::*;
use super::locate::{KeyPath, Seg};
use super::raw::{EarlyAdopterSpec, OrgKindSpec, RawScenario};
use super::validate::Issue;
use crate::model::journey::Scope;
use crate::util::random::{draw_share, standard_normal};

/// Room left in an id after `id_prefix`: the system number and the longest
/// suffix (`_community` and a number). Unit: bytes.
const SUFFIX_ROOM: usize = 24;
/// Largest coefficient of variation accepted for a split or a draw. Unit:
/// ratio. Why: beyond it one system takes nearly everything; it is a typo.
const MAX_CV: f64 = 10.0;

/// The `[generate]` section: systems, their organisations and early adopters.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct GenerateSpec {
    /// Seed of the expansion's own random streams (not the run seed: the same file always expands to the same scenario). Unit: integer. Default: 0. Source: user.
    #[serde(default)]
    pub seed: u64,
    /// Number of systems; each is one commissioner (`ccg` agent) whose area holds the system's GP practices and third sector. Unit: systems. Source: user.
    pub systems: u32,
    /// Prefix of the system ids: system k is `<id_prefix><k>`, zero-padded to the digits of `systems` (`ics01` … `ics42`); the ids of its organisations and early adopters start with it. Unit: id (at most 40 bytes). Default: `system`. Source: user.
    #[serde(default = "default_prefix")]
    pub id_prefix: String,
    /// Organisations generated per system, by kind (appended to the kind's hand-written agents). Unit: see each kind. Default: none.
    #[serde(default)]
    pub organisations: GenOrganisations,
    /// Early adopters generated per system from one template (appended to the hand-written `[[early_adopters]]`). Default: none.
    #[serde(default)]
    pub early_adopters: Option<EaTemplate>,
}

fn default_prefix() -> String {
    "system".into()
}

/// Organisations per system, by kind. A kind not given gets none.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct GenOrganisations {
    /// Local authorities per system, named `<system>_la<j>`. Unit: agents per system. Default: none. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_authority: Option<PerSystem>,
    /// Acute trusts per system, named `<system>_acute<j>`. Unit: agents per system. Default: none. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acute_trust: Option<PerSystem>,
    /// Community and mental health trusts per system, named `<system>_community<j>`. Unit: agents per system. Default: none. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community_trust: Option<PerSystem>,
    /// GP practices per system, laid out as the system's area (`per_ccg`). Unit: agents per system. Default: none. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gp_practice: Option<PerSystem>,
    /// Third-sector organisations per system, laid out as the system's area (`per_ccg`). Unit: agents per system. Default: none. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_sector: Option<PerSystem>,
    /// Lay partners per system (counted into the national pool; lay partners have no area). Unit: agents per system. Default: none. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lay_partner: Option<PerSystem>,
}

/// A number per system: exactly one of `each`, `list` or `total`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct PerSystem {
    /// The same number in every system. Unit: count per system. Default: unset. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each: Option<u32>,
    /// One number per system, in system order (as many entries as `systems`). Unit: counts. Default: unset. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<Vec<u32>>,
    /// A total over all systems, split by drawn shares: each system gets `min`, and the rest in proportion to a weight drawn from a log-normal with mean 1 and coefficient of variation `cv` (rounded by largest remainder, so the counts sum to `total` exactly). Unit: count. Default: unset. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u32>,
    /// With `total`: coefficient of variation of the systems' shares; 0 splits equally. Unit: ratio (0..10). Default: 0. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv: Option<f64>,
    /// With `total`: fewest per system. Unit: count per system. Default: 0. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
}

/// The template of the early adopters of each system.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct EaTemplate {
    /// Early adopters per system, ids `<system>_ea<j>`. Unit: early adopters per system. Source: user.
    pub count: PerSystem,
    /// Earliest date an application is ready (`early_adopters[].application_ready`). Unit: ISO date. Source: user.
    pub application_ready: IsoDate,
    /// Each system's early adopters are ready `application_ready` plus a whole number of weeks drawn uniformly from 0 to this, one draw per system (systems join in waves). Unit: weeks. Default: 0. Source: user.
    #[serde(default)]
    pub spread_weeks: u32,
    /// Probability that an early adopter starts with `scope = "full"` (otherwise `scaled_back`). Unit: probability. Default: 1. Source: user.
    #[serde(default = "one")]
    pub full_scope_share: f64,
    /// Mean target population of an early adopter; drawn log-normal with `population_cv`. Unit: people. Source: user.
    pub population: f64,
    /// Coefficient of variation of the population; 0 gives every early adopter `population`. Unit: ratio (0..10). Default: 0. Source: user.
    #[serde(default)]
    pub population_cv: f64,
    /// Mean strength of prior relationships; drawn normal with `prior_relationships_sd`, clipped to 0..1. Unit: 0..1. Source: user.
    pub prior_relationships: f64,
    /// Standard deviation of prior relationships. Unit: 0..1. Default: 0. Source: user.
    #[serde(default)]
    pub prior_relationships_sd: f64,
    /// Local authorities of its system each early adopter names, taken in turn (early adopter j of a system starts at its j-th council); at most all of the system's. Unit: agents. Default: 1. Source: user.
    #[serde(default = "one_u32")]
    pub local_authorities: u32,
    /// Acute trusts of its system each early adopter names, taken in turn as councils. Unit: agents. Default: 1. Source: user.
    #[serde(default = "one_u32")]
    pub acute_trusts: u32,
    /// Community and mental health trusts of its system each early adopter names, taken in turn. Unit: agents. Default: 1. Source: user.
    #[serde(default = "one_u32")]
    pub community_trusts: u32,
    /// Mean GP practice members (`members.gp_practice`, from its system's area); drawn normal with `gp_practices_sd`, rounded, clipped to `pilot_practices` … the practices of its system. Unit: practices. Source: user.
    pub gp_practices: u32,
    /// Standard deviation of GP practice members. Unit: practices. Default: 0. Source: user.
    #[serde(default)]
    pub gp_practices_sd: f64,
    /// Third-sector members (`members.third_sector`, from its system's area), at most the system's. Unit: agents. Default: 0. Source: user.
    #[serde(default)]
    pub third_sector: u32,
    /// As `early_adopters[].pilot_practices`. Unit: practices. Source: user.
    pub pilot_practices: u32,
    /// As `early_adopters[].rollout_step`. Unit: practices. Source: user.
    pub rollout_step: u32,
    /// As `early_adopters[].rollout_every_weeks`. Unit: weeks. Source: user.
    pub rollout_every_weeks: u32,
    /// The project manager arrives this many weeks after the early adopter's `application_ready` (`project_manager_from`); unset: no project manager. Unit: weeks. Default: unset. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_manager_after_weeks: Option<u32>,
    /// As `early_adopters[].project_manager_until`. Unit: ISO date. Default: unset. Source: user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_manager_until: Option<IsoDate>,
    /// Probability that a lay partner chairs an early adopter's steering committee (`lay_chair`). Unit: probability. Default: 0. Source: user.
    #[serde(default)]
    pub lay_chair_share: f64,
}

fn one() -> f64 {
    1.0
}
fn one_u32() -> u32 {
    1
}

/// The kinds `[generate.organisations]` can make, with the suffix of their
/// names (`None`: unnamed).
const KINDS: [(&str, Option<&str>); 6] = [
    ("local_authority", Some("la")),
    ("acute_trust", Some("acute")),
    ("community_trust", Some("community")),
    ("gp_practice", None),
    ("third_sector", None),
    ("lay_partner", None),
];

impl GenOrganisations {
    fn get(&self, kind: &str) -> Option<&PerSystem> {
        match kind {
            "local_authority" => self.local_authority.as_ref(),
            "acute_trust" => self.acute_trust.as_ref(),
            "community_trust" => self.community_trust.as_ref(),
            "gp_practice" => self.gp_practice.as_ref(),
            "third_sector" => self.third_sector.as_ref(),
            "lay_partner" => self.lay_partner.as_ref(),
            _ => None,
        }
    }
}

fn kind_spec_mut<'a>(raw: &'a mut RawScenario, kind: &str) -> &'a mut OrgKindSpec {
    let o = &mut raw.organisations;
    match kind {
        "ccg" => &mut o.ccg,
        "local_authority" => &mut o.local_authority,
        "acute_trust" => &mut o.acute_trust,
        "community_trust" => &mut o.community_trust,
        "gp_practice" => &mut o.gp_practice,
        "third_sector" => &mut o.third_sector,
        _ => &mut o.lay_partner,
    }
}

/// The random stream of one purpose (see the module documentation).
fn stream(seed: u64, purpose: &str) -> ChaCha8Rng {
    let mut h = Sha256::new();
    h.update(b"pioneer generate v1\0");
    h.update(seed.to_string().as_bytes());
    h.update(b"\0");
    h.update(purpose.as_bytes());
    ChaCha8Rng::from_seed(h.finalize().into())
}

/// A log-normal draw with mean 1 and coefficient of variation `cv`.
fn lognormal_unit(rng: &mut ChaCha8Rng, cv: f64) -> f64 {
    let s2 = (1.0 + cv * cv).ln();
    (-s2 / 2.0 + s2.sqrt() * standard_normal(rng)).exp()
}

/// Where generated entries came from, to report validation problems in
/// them at the template key that produced them.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// Hand-written early adopters (the generated ones follow).
    hand_eas: usize,
    /// Ids of the generated early adopters, in order.
    ea_ids: Vec<String>,
    /// Per kind id: hand-written names, and whether any agent was generated.
    kinds: Vec<(String, usize, bool)>,
}

impl Provenance {
    /// Every issue moved by [`Provenance::relocate`]; a problem repeated in
    /// many generated entries (at the same template key) is reported once, naming the first entry and how many others share it.
    pub fn relocate_all(&self, issues: Vec<Issue>) -> Vec<Issue> {
        let mut out: Vec<(Issue, usize)> = Vec::new();
        for issue in issues {
            let generated = self.is_generated(&issue.path);
            let issue = self.relocate(issue);
            let same = out
                .iter_mut()
                .find(|(o, _)| generated && o.path == issue.path);
            match same {
                Some((_, n)) => *n += 1,
                None => out.push((issue, 0)),
            }
        }
        out.into_iter()
            .map(|(mut issue, more)| {
                if more > 0 {
                    let f = issue.found.take().unwrap_or_default();
                    issue.found = Some(format!(
                        "{f}, and the same in {more} more generated entr{}",
                        if more == 1 { "y" } else { "ies" }
                    ));
                }
                issue
            })
            .collect()
    }

    /// Whether `path` lies in a generated early adopter.
    fn is_generated(&self, path: &KeyPath) -> bool {
        matches!(path.0.as_slice(), [Seg::Key(k), Seg::Index(i), ..] if k == "early_adopters" && *i >= self.hand_eas)
    }

    /// The issue moved to the generator key that produced the entry it is
    /// about (unchanged if it is about a hand-written key).
    pub fn relocate(&self, mut issue: Issue) -> Issue {
        let segs = issue.path.0.clone();
        let gen = KeyPath::root().key("generate");
        let note = |issue: &mut Issue, what: String| {
            issue.found = Some(match issue.found.take() {
                Some(f) => format!("{f} (in {what})"),
                None => format!("in {what}"),
            });
        };
        match segs.as_slice() {
            [Seg::Key(k), Seg::Index(i), rest @ ..]
                if k == "early_adopters" && *i >= self.hand_eas =>
            {
                let id = self
                    .ea_ids
                    .get(i - self.hand_eas)
                    .cloned()
                    .unwrap_or_default();
                let field = match rest.first() {
                    Some(Seg::Key(f)) => match f.as_str() {
                        "id" => None,
                        "scope" => Some("full_scope_share"),
                        "members" => match rest.get(1) {
                            Some(Seg::Key(m)) if m == "third_sector" => Some("third_sector"),
                            _ => Some("gp_practices"),
                        },
                        "organisations" => Some("local_authorities"),
                        "project_manager_from" => Some("project_manager_after_weeks"),
                        "lay_chair" => Some("lay_chair_share"),
                        other => Some(other),
                    },
                    _ => None,
                };
                issue.path = match field {
                    Some(f) => gen.key("early_adopters").key(f),
                    None => gen.key("id_prefix"),
                };
                note(
                    &mut issue,
                    format!("generated `early_adopters[{i}]`, `{id}`"),
                );
            }
            [Seg::Key(k)] if k == "early_adopters" && !self.ea_ids.is_empty() => {
                issue.path = gen.key("early_adopters").key("count");
            }
            [Seg::Key(o), Seg::Key(kind), Seg::Key(what), rest @ ..] if o == "organisations" => {
                let Some((_, hand, generated)) = self.kinds.iter().find(|(k, _, _)| k == kind)
                else {
                    return issue;
                };
                let at = if kind == "ccg" {
                    gen.key("systems")
                } else {
                    gen.key("organisations").key(kind)
                };
                match (what.as_str(), rest.first()) {
                    ("names", Some(Seg::Index(j))) if j >= hand => {
                        issue.path = gen.key("id_prefix");
                        note(
                            &mut issue,
                            format!("generated `organisations.{kind}.names[{j}]`"),
                        );
                    }
                    ("per_ccg", _) if *generated => issue.path = at,
                    ("names", None) if *generated => issue.path = at,
                    _ => {}
                }
            }
            _ => {}
        }
        issue
    }
}

/// Issues in the section, collected.
#[derive(Default)]
struct Problems(Vec<Issue>);

impl Problems {
    fn push(
        &mut self,
        path: KeyPath,
        expected: impl Into<String>,
        found: Option<String>,
        hint: &str,
    ) {
        self.0.push(Issue {
            path,
            at_key: false,
            expected: expected.into(),
            found,
            hint: (!hint.is_empty()).then(|| hint.to_string()),
        });
    }
    fn range(&mut self, path: KeyPath, v: f64, lo: f64, hi: f64, what: &str) {
        if !(v >= lo && v <= hi) {
            self.push(
                path,
                format!("{what} from {lo} to {hi}"),
                Some(v.to_string()),
                if hi == 1.0 {
                    "shares and probabilities are written as fractions: 0.25, not 25"
                } else {
                    ""
                },
            );
        }
    }
}

/// Checks one `PerSystem` (shape, ranges, the total against `limit`) and
/// returns the most it can make in all (None when it is unusable).
fn check_per_system(
    p: &mut Problems,
    path: &KeyPath,
    n: &PerSystem,
    systems: u32,
    (limit, limit_name, cost): (u64, &str, &str),
) -> Option<u64> {
    let forms = [n.each.is_some(), n.list.is_some(), n.total.is_some()];
    if forms.iter().filter(|&&f| f).count() != 1 {
        p.push(
            path.clone(),
            "exactly one of `each`, `list` or `total`",
            Some(format!("{} of them", forms.iter().filter(|&&f| f).count())),
            "write e.g. { each = 10 }, { total = 6300, cv = 0.5 } or { list = [3, 4] }",
        );
        return None;
    }
    if n.total.is_none() {
        for (key, set) in [("cv", n.cv.is_some()), ("min", n.min.is_some())] {
            if set {
                p.push(
                    path.key(key),
                    "`cv` and `min` only with `total`",
                    Some(format!("`{key}` without `total`")),
                    "remove it, or split a `total` over the systems",
                );
            }
        }
    }
    let sum = if let Some(e) = n.each {
        u64::from(e) * u64::from(systems)
    } else if let Some(list) = &n.list {
        if list.len() != systems as usize {
            p.push(
                path.key("list"),
                format!("one number per system ({systems})"),
                Some(format!("{} numbers", list.len())),
                "the list is in system order; `systems` sets how many",
            );
            return None;
        }
        list.iter().map(|&x| u64::from(x)).sum()
    } else {
        let total = n.total.unwrap_or(0);
        let min = n.min.unwrap_or(0);
        p.range(
            path.key("cv"),
            n.cv.unwrap_or(0.0),
            0.0,
            MAX_CV,
            "a coefficient of variation",
        );
        if u64::from(min) * u64::from(systems) > u64::from(total) {
            p.push(
                path.key("min"),
                format!("at most {} (`total` / `systems`)", total / systems.max(1)),
                Some(min.to_string()),
                "every system gets `min` first: lower it or raise `total`",
            );
            return None;
        }
        u64::from(total)
    };
    if sum > limit {
        p.push(
            path.clone(),
            format!("at most {limit} in all (limits::{limit_name})"),
            Some(format!("{sum} in all")),
            &format!("checked before anything is generated: {cost}"),
        );
        return None;
    }
    Some(sum)
}

/// The numbers per system of a checked `PerSystem`.
fn per_system(n: &PerSystem, systems: u32, rng: &mut ChaCha8Rng) -> Vec<u32> {
    if let Some(e) = n.each {
        return vec![e; systems as usize];
    }
    if let Some(list) = &n.list {
        return list.clone();
    }
    let (total, min, cv) = (
        n.total.unwrap_or(0),
        n.min.unwrap_or(0),
        n.cv.unwrap_or(0.0),
    );
    let rest = total - min * systems;
    let weights: Vec<f64> = (0..systems).map(|_| lognormal_unit(rng, cv)).collect();
    let sum: f64 = weights.iter().sum();
    let quotas: Vec<f64> = weights.iter().map(|w| f64::from(rest) * w / sum).collect();
    let mut out: Vec<u32> = quotas.iter().map(|q| min + q.floor() as u32).collect();
    let given: u32 = out.iter().sum::<u32>() - min * systems;
    // Largest remainders first; ties in system order.
    let mut order: Vec<usize> = (0..systems as usize).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (quotas[a] - quotas[a].floor(), quotas[b] - quotas[b].floor());
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &s in order.iter().take(rest.saturating_sub(given) as usize) {
        out[s] += 1;
    }
    out
}

/// Checks the template's own values.
fn check_template(p: &mut Problems, path: &KeyPath, t: &EaTemplate) {
    p.range(
        path.key("full_scope_share"),
        t.full_scope_share,
        0.0,
        1.0,
        "a probability",
    );
    p.range(
        path.key("lay_chair_share"),
        t.lay_chair_share,
        0.0,
        1.0,
        "a probability",
    );
    p.range(
        path.key("prior_relationships"),
        t.prior_relationships,
        0.0,
        1.0,
        "a share",
    );
    p.range(
        path.key("prior_relationships_sd"),
        t.prior_relationships_sd,
        0.0,
        1.0,
        "a standard deviation",
    );
    p.range(
        path.key("population_cv"),
        t.population_cv,
        0.0,
        MAX_CV,
        "a coefficient of variation",
    );
    if !(t.population > 0.0 && t.population.is_finite()) {
        p.push(
            path.key("population"),
            "a positive number of people",
            Some(t.population.to_string()),
            "",
        );
    }
    let cap = f64::from(MAX_AGENTS_PER_KIND);
    p.range(
        path.key("gp_practices_sd"),
        t.gp_practices_sd,
        0.0,
        cap,
        "a standard deviation in practices",
    );
    if t.gp_practices == 0 {
        p.push(
            path.key("gp_practices"),
            "at least 1 practice (pilots run in practices)",
            Some("0".into()),
            "",
        );
    }
    for (key, v) in [
        ("spread_weeks", Some(t.spread_weeks)),
        ("project_manager_after_weeks", t.project_manager_after_weeks),
    ] {
        if v.is_some_and(|w| w > MAX_WEEKS) {
            p.push(
                path.key(key),
                format!("at most {MAX_WEEKS} weeks (limits::MAX_WEEKS)"),
                v.map(|w| w.to_string()),
                "a duration longer than the longest simulation never takes effect",
            );
        }
    }
}

/// Expands `raw.generate` into the scenario (and removes it). Returns where
/// the generated entries came from, or every problem of the section.
pub fn expand(raw: &mut RawScenario) -> Result<Provenance, Vec<Issue>> {
    let Some(spec) = raw.generate.take() else {
        return Ok(Provenance {
            hand_eas: raw.early_adopters.len(),
            ..Provenance::default()
        });
    };
    let g = KeyPath::root().key("generate");
    let mut p = Problems::default();
    let max_systems = MAX_LIST_ENTRIES as u32;
    if spec.systems == 0 || spec.systems > max_systems {
        p.push(
            g.key("systems"),
            format!("1 to {max_systems} systems (limits::MAX_LIST_ENTRIES: each is a name in `organisations.ccg.names`)"),
            Some(spec.systems.to_string()),
            "one system is one commissioner and its area",
        );
        return Err(p.0);
    }
    let systems = spec.systems;
    if !is_valid_id(&spec.id_prefix) || spec.id_prefix.len() > MAX_ID_LEN - SUFFIX_ROOM {
        p.push(
            g.key("id_prefix"),
            format!("an id of 1 to {} {ID_CHARSET}", MAX_ID_LEN - SUFFIX_ROOM),
            Some(format!("{:?}", spec.id_prefix)),
            "generated ids are the prefix, the system number and a suffix, at most limits::MAX_ID_LEN bytes",
        );
    }
    // Sizes first, before anything is drawn or allocated.
    let o = g.key("organisations");
    let mut sizes = Vec::new();
    for (kind, named) in KINDS {
        if let Some(n) = spec.organisations.get(kind) {
            let limit = if named.is_some() {
                (
                    MAX_LIST_ENTRIES as u64,
                    "MAX_LIST_ENTRIES",
                    "every agent of this kind is named, and a list holds at most this many entries",
                )
            } else {
                (
                    u64::from(MAX_AGENTS_PER_KIND),
                    "MAX_AGENTS_PER_KIND",
                    "every agent decides every week of every replication",
                )
            };
            sizes.push(check_per_system(&mut p, &o.key(kind), n, systems, limit));
        }
    }
    // Generated agents follow the hand-written ones: names and areas name
    // the first agents of a kind, so the hand-written ones must all have them.
    let orgs = KeyPath::root().key("organisations");
    for (kind, named) in std::iter::once(("ccg", Some(""))).chain(KINDS) {
        let generated = kind == "ccg" || spec.organisations.get(kind).is_some();
        let hand = kind_spec_mut(raw, kind);
        let (count, names, areas) = (hand.count, hand.names.len(), hand.per_ccg.is_empty());
        if generated && named.is_some() && names != count as usize {
            p.push(
                orgs.key(kind).key("count"),
                format!("as many hand-written `{kind}` agents as names ({names}), since generated agents are named after them"),
                Some(count.to_string()),
                "name every hand-written agent of this kind, or set `count` to the number of names (`count = 0`, `names = []` for generated agents only)",
            );
        }
        if generated && named.is_none() && kind != "lay_partner" && count > 0 && areas {
            p.push(
                orgs.key(kind).key("per_ccg"),
                format!("the areas of the {count} hand-written `{kind}` agents, since generated agents get areas"),
                Some("none".into()),
                "give `per_ccg` for the hand-written agents, or `count = 0` for generated agents only",
            );
        }
    }
    let ea_path = g.key("early_adopters");
    if let Some(t) = &spec.early_adopters {
        let room = MAX_EARLY_ADOPTERS.saturating_sub(raw.early_adopters.len()) as u64;
        let limit = (room, "MAX_EARLY_ADOPTERS, less the hand-written ones", "every early adopter has a steering committee, a roster and weekly records in every replication");
        check_per_system(&mut p, &ea_path.key("count"), &t.count, systems, limit);
        check_template(&mut p, &ea_path, t);
    }
    if !p.0.is_empty() || sizes.iter().any(Option::is_none) {
        return Err(p.0);
    }

    let width = systems.to_string().len();
    let system_ids: Vec<String> = (1..=systems)
        .map(|k| format!("{}{k:0width$}", spec.id_prefix))
        .collect();
    let mut provenance = Provenance {
        hand_eas: raw.early_adopters.len(),
        ..Provenance::default()
    };
    // Commissioners: one per system.
    let ccg = kind_spec_mut(raw, "ccg");
    provenance.kinds.push(("ccg".into(), ccg.names.len(), true));
    ccg.count = ccg.count.saturating_add(systems);
    ccg.names.extend(system_ids.iter().cloned());
    // Other kinds.
    let mut by_kind: Vec<(&str, Vec<u32>)> = Vec::new();
    for (kind, named) in KINDS {
        let Some(n) = spec.organisations.get(kind) else {
            continue;
        };
        let counts = per_system(
            n,
            systems,
            &mut stream(spec.seed, &format!("organisations.{kind}")),
        );
        let org = kind_spec_mut(raw, kind);
        provenance.kinds.push((kind.into(), org.names.len(), true));
        let added: u32 = counts.iter().sum();
        org.count = org.count.saturating_add(added);
        match named {
            Some(suffix) => {
                // Names must cover the hand-written unnamed agents first.
                for (s, &c) in counts.iter().enumerate() {
                    org.names
                        .extend((1..=c).map(|j| format!("{}_{suffix}{j}", system_ids[s])));
                }
            }
            None if kind != "lay_partner" => {
                for (s, &c) in counts.iter().enumerate() {
                    org.per_ccg.insert(system_ids[s].clone(), c);
                }
            }
            None => {}
        }
        by_kind.push((kind, counts));
    }
    let count_of = |kind: &str, s: usize| {
        by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, c)| c[s])
    };
    // Early adopters.
    if let Some(t) = &spec.early_adopters {
        let counts = per_system(
            &t.count,
            systems,
            &mut stream(spec.seed, "early_adopters.count"),
        );
        for (s, sys) in system_ids.iter().enumerate() {
            let mut rng = stream(spec.seed, &format!("early_adopters.{sys}"));
            let offset = rng.random_range(0..=t.spread_weeks);
            let ready = IsoDate(t.application_ready.0 + chrono::Duration::weeks(i64::from(offset)));
            for j in 0..counts[s] {
                let id = format!("{sys}_ea{}", j + 1);
                let mut organisations = vec![format!("ccg:{sys}")];
                for (kind, suffix, per_ea) in [
                    ("local_authority", "la", t.local_authorities),
                    ("acute_trust", "acute", t.acute_trusts),
                    ("community_trust", "community", t.community_trusts),
                ] {
                    let n = count_of(kind, s);
                    for m in 0..per_ea.min(n) {
                        let which =
                            (u64::from(j) * u64::from(per_ea) + u64::from(m)) % u64::from(n);
                        organisations.push(format!("{kind}:{sys}_{suffix}{}", which + 1));
                    }
                }
                let full = rng.random::<f64>() < t.full_scope_share;
                let population = t.population * lognormal_unit(&mut rng, t.population_cv);
                let prior = draw_share(&mut rng, t.prior_relationships, t.prior_relationships_sd);
                let area = count_of("gp_practice", s);
                let gps = (f64::from(t.gp_practices)
                    + t.gp_practices_sd * standard_normal(&mut rng))
                .round();
                let gps = (gps.max(0.0) as u32)
                    .max(t.pilot_practices)
                    .max(1)
                    .min(area);
                let lay_chair = rng.random::<f64>() < t.lay_chair_share;
                let mut members = std::collections::BTreeMap::new();
                members.insert("gp_practice".to_string(), gps);
                let third = t.third_sector.min(count_of("third_sector", s));
                if third > 0 {
                    members.insert("third_sector".to_string(), third);
                }
                provenance.ea_ids.push(id.clone());
                raw.early_adopters.push(EarlyAdopterSpec {
                    id,
                    application_ready: ready,
                    scope: if full { Scope::Full } else { Scope::ScaledBack },
                    population: population.round(),
                    prior_relationships: (prior * 1000.0).round() / 1000.0,
                    members,
                    pilot_practices: t.pilot_practices,
                    rollout_step: t.rollout_step,
                    rollout_every_weeks: t.rollout_every_weeks,
                    project_manager_from: t
                        .project_manager_after_weeks
                        .map(|w| IsoDate(ready.0 + chrono::Duration::weeks(i64::from(w)))),
                    project_manager_until: t.project_manager_until,
                    lay_chair,
                    organisations,
                });
            }
        }
    }
    Ok(provenance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(total: u32, cv: f64, min: u32, systems: u32, seed: u64) -> Vec<u32> {
        let n = PerSystem {
            total: Some(total),
            cv: Some(cv),
            min: Some(min),
            ..PerSystem::default()
        };
        per_system(&n, systems, &mut stream(seed, "test"))
    }

    #[test]
    fn a_split_total_sums_exactly_and_respects_the_minimum() {
        for (total, cv, min, systems) in [
            (6300, 0.5, 20, 42),
            (153, 2.0, 1, 42),
            (7, 0.0, 0, 3),
            (5, 9.0, 0, 5),
        ] {
            let c = split(total, cv, min, systems, 1);
            assert_eq!(c.len(), systems as usize);
            assert_eq!(c.iter().sum::<u32>(), total);
            assert!(c.iter().all(|&x| x >= min), "{c:?}");
        }
    }

    #[test]
    fn cv_zero_splits_equally_and_cv_spreads_the_shares() {
        let even = split(100, 0.0, 0, 4, 1);
        assert_eq!(even, vec![25; 4]);
        let spread = split(6300, 0.5, 0, 42, 1);
        let (lo, hi) = (spread.iter().min().unwrap(), spread.iter().max().unwrap());
        assert!(hi > lo, "{spread:?}");
    }

    #[test]
    fn streams_differ_by_seed_and_purpose_and_repeat() {
        let a: u64 = stream(1, "x").random();
        assert_eq!(a, stream(1, "x").random::<u64>());
        assert_ne!(a, stream(2, "x").random::<u64>());
        assert_ne!(a, stream(1, "y").random::<u64>());
    }

    #[test]
    fn per_system_shape_errors_are_reported() {
        let mut p = Problems::default();
        let path = KeyPath::parse("generate.organisations.gp_practice");
        let both = PerSystem {
            each: Some(1),
            total: Some(3),
            ..PerSystem::default()
        };
        assert!(check_per_system(&mut p, &path, &both, 2, (10, "X", "")).is_none());
        let huge = PerSystem {
            each: Some(u32::MAX),
            ..PerSystem::default()
        };
        assert!(check_per_system(
            &mut p,
            &path,
            &huge,
            10_000,
            (u64::from(MAX_AGENTS_PER_KIND), "X", "")
        )
        .is_none());
        let short = PerSystem {
            list: Some(vec![1]),
            ..PerSystem::default()
        };
        assert!(check_per_system(&mut p, &path, &short, 2, (10, "X", "")).is_none());
        assert_eq!(p.0.len(), 3);
    }
}
