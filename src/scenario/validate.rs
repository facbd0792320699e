//! Raw scenario → validated scenario. Collects every problem instead of
//! stopping at the first.
//!
//! Checks are written `!(x > 0.0)` on purpose: NaN must fail them.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use std::collections::{BTreeMap, HashSet};

use super::date::IsoDate;
use super::error::did_you_mean;
use super::limits::*;
use super::locate::KeyPath;
use super::raw::*;
use crate::model::journey::{depths, find_cycle, Milestone, MilestoneKind, Scope};
use crate::model::params::{area_blocks, is_local_kind, is_nameable_member_kind};
use crate::model::programme::TrancheTrigger;
use crate::model::AgentKind;

/// Longest pilot test period accepted (weeks): ten years.
const MAX_TEST_PERIOD_WEEKS: u32 = 520;
/// More local working sessions than a weekly one for a year is a typo (a.6: four per early adopter).
const MAX_SESSIONS_PER_EA: u32 = 52;
/// Largest scale-back slip threshold accepted (weeks): ten years.
const MAX_SCALE_BACK_SLIP_WEEKS: u32 = 520;

/// A problem found by validation, before it is given a file position.
#[derive(Debug, Clone)]
pub struct Issue {
    /// Where.
    pub path: KeyPath,
    /// Point at the key (true) or its value (false).
    pub at_key: bool,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: Option<String>,
    /// A hint.
    pub hint: Option<String>,
}

#[derive(Default)]
struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    fn push(
        &mut self,
        path: KeyPath,
        expected: impl Into<String>,
        found: Option<String>,
        hint: Option<String>,
    ) {
        self.issues.push(Issue {
            path,
            at_key: false,
            expected: expected.into(),
            found,
            hint,
        });
    }
    fn range(&mut self, path: KeyPath, value: f64, lo: f64, hi: f64, what: &str) {
        if !(value >= lo && value <= hi) {
            let hint = if what == "a probability" || what == "a share" {
                Some("shares and probabilities are written as fractions: 0.25, not 25".to_string())
            } else {
                None
            };
            self.push(
                path,
                format!("{what} between {lo} and {hi}"),
                Some(value.to_string()),
                hint,
            );
        }
    }
    fn unit(&mut self, path: KeyPath, value: f64) {
        self.range(path, value, 0.0, 1.0, "a share");
    }
    fn probability(&mut self, path: KeyPath, value: f64) {
        self.range(path, value, 0.0, 1.0, "a probability");
    }
    fn non_negative(&mut self, path: KeyPath, value: f64, what: &str) {
        if !(value >= 0.0 && value.is_finite()) {
            self.push(
                path,
                format!("a non-negative {what}"),
                Some(value.to_string()),
                None,
            );
        }
    }
    fn positive_int(&mut self, path: KeyPath, value: u32) {
        if value == 0 {
            self.push(path, "a whole number of at least 1", Some("0".into()), None);
        }
    }
    fn order(&mut self, later: KeyPath, early: IsoDate, late: IsoDate, early_name: &str) {
        if late < early {
            self.push(
                later,
                format!("a date on or after {early_name} ({early})"),
                Some(late.to_string()),
                Some("dates must be in order".into()),
            );
        }
    }
    fn kind_counts(
        &mut self,
        path: &KeyPath,
        members: &BTreeMap<String, u32>,
        raw: &RawScenario,
        allow_team: bool,
    ) {
        for (k, &n) in members {
            match AgentKind::from_id(k) {
                None => self.issues.push(Issue {
                    path: path.key(k),
                    at_key: true,
                    expected: "an agent kind".into(),
                    found: Some(format!("`{k}`")),
                    hint: Some(did_you_mean(k, AgentKind::ALL.iter().map(|k| k.id()))),
                }),
                Some(AgentKind::ProgrammeTeam) if !allow_team => self.push(
                    path.key(k),
                    "an organisation kind (the programme team supports early adopters centrally)",
                    Some("`programme_team`".into()),
                    Some("remove this entry; set `programme.ea_support_share` instead".into()),
                ),
                Some(kind) => {
                    let pool = pool_size(raw, kind);
                    if n > pool {
                        self.push(
                            path.key(k),
                            format!("at most {pool} (the number of `{k}` agents)"),
                            Some(n.to_string()),
                            Some(format!(
                                "raise `organisations.{k}.count` or lower this count"
                            )),
                        );
                    }
                }
            }
        }
    }
}

/// Number of agents of a kind, before the typed parameters exist (the
/// engine uses `Parameters::pool_size`).
fn pool_size(raw: &RawScenario, kind: AgentKind) -> u32 {
    let o = &raw.organisations;
    match kind {
        AgentKind::Ccg => o.ccg.count,
        AgentKind::LocalAuthority => o.local_authority.count,
        AgentKind::AcuteTrust => o.acute_trust.count,
        AgentKind::CommunityTrust => o.community_trust.count,
        AgentKind::GpPractice => o.gp_practice.count,
        AgentKind::ThirdSector => o.third_sector.count,
        AgentKind::ProgrammeTeam => 1,
        AgentKind::LayPartner => o.lay_partner.count,
    }
}

/// The parameters of a kind's agents (the programme team has none here),
/// before the typed parameters exist (the engine uses
/// `Parameters::organisation`).
fn kind_spec(raw: &RawScenario, kind: AgentKind) -> Option<&OrgKindSpec> {
    org_kind_spec(&raw.organisations, kind)
}

fn unique_ids<'a>(c: &mut Checker, base: &KeyPath, ids: impl Iterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            c.push(
                base.index(i).key("id"),
                "a non-empty id",
                Some("\"\"".into()),
                None,
            );
        } else if !seen.insert(id) {
            c.push(
                base.index(i).key("id"),
                "a unique id",
                Some(format!("`{id}` again")),
                Some("each id may appear once".into()),
            );
        }
    }
}

/// Checks `early_adopters[i].organisations` and returns the references that
/// resolve, as (kind, index within the kind).
fn ea_organisations(
    c: &mut Checker,
    p: &KeyPath,
    a: &EarlyAdopterSpec,
    raw: &RawScenario,
) -> Vec<(AgentKind, u32)> {
    let mut out = Vec::new();
    let nameable: Vec<&str> = AgentKind::ALL
        .into_iter()
        .filter(|&k| is_nameable_member_kind(k))
        .map(|k| k.id())
        .collect();
    for (j, r) in a.organisations.iter().enumerate() {
        let q = p.key("organisations").index(j);
        let Some((kind, id)) = split_org_ref(r) else {
            let k = r.split_once(':').map_or(r.as_str(), |(k, _)| k);
            c.push(
                q,
                "a reference `kind:id` with kind one of ccg, local_authority, acute_trust, community_trust",
                Some(format!("`{r}`")),
                Some(if r.contains(':') {
                    did_you_mean(k, nameable.iter().copied())
                } else {
                    "write e.g. \"ccg:brent\"".to_string()
                }),
            );
            continue;
        };
        if !is_nameable_member_kind(kind) {
            c.push(
                q,
                "a named kind: ccg, local_authority, acute_trust or community_trust",
                Some(format!("`{r}`")),
                Some(if is_local_kind(kind) {
                    format!(
                        "count `{}` in `members`: they come from the early adopter's CCG areas",
                        kind.id()
                    )
                } else {
                    "lay partners join through `lay_chair`; the programme team supports centrally"
                        .to_string()
                }),
            );
            continue;
        }
        let names = &kind_spec(raw, kind).expect("organisation kind").names;
        let Some(i) = names.iter().position(|n| n == id) else {
            c.push(
                q,
                format!("an id from `organisations.{}.names`", kind.id()),
                Some(format!("`{r}`")),
                Some(if names.is_empty() {
                    format!("name the agents in `organisations.{}.names`", kind.id())
                } else {
                    did_you_mean(id, names.iter().map(String::as_str))
                }),
            );
            continue;
        };
        if out.contains(&(kind, i as u32)) {
            c.push(
                q,
                "each organisation named once",
                Some(format!("`{r}` again")),
                None,
            );
            continue;
        }
        out.push((kind, i as u32));
    }
    if !a.organisations.is_empty() {
        for (k, &n) in &a.members {
            let kind = AgentKind::from_id(k);
            if n > 0 && kind.is_some_and(|k| !is_local_kind(k)) {
                c.issues.push(Issue {
                    path: p.key("members").key(k),
                    at_key: true,
                    expected: "only `gp_practice` and `third_sector` in `members` when `organisations` names the members".into(),
                    found: Some(format!("`{k}`")),
                    hint: Some(format!("name them in `organisations` as \"{k}:<id>\" instead")),
                });
            }
        }
    }
    out
}

/// Checks that early adopter `e`'s memberships can be made: the default
/// rule (`organisations` empty) does not run out of agents, and its local
/// members fit in its CCGs' areas.
fn ea_areas(
    c: &mut Checker,
    p: &KeyPath,
    e: usize,
    a: &EarlyAdopterSpec,
    named: &[(AgentKind, u32)],
    raw: &RawScenario,
) {
    let mut ccgs: Vec<u32> = named
        .iter()
        .filter(|(k, _)| *k == AgentKind::Ccg)
        .map(|&(_, i)| i)
        .collect();
    if a.organisations.is_empty() {
        for (k, &n) in &a.members {
            let Some(kind) = AgentKind::from_id(k) else {
                continue;
            };
            let pool = pool_size(raw, kind);
            if is_local_kind(kind) || kind == AgentKind::ProgrammeTeam || n > pool {
                continue; // local kinds below; the rest reported by kind_counts
            }
            let end = (e as u64 + 1) * u64::from(n);
            if end > u64::from(pool) {
                c.push(
                    p.key("members").key(k),
                    format!(
                        "a count the default rule can meet: early adopter {e} takes `{k}` agents {}…{} but there are {pool}",
                        e as u64 * u64::from(n),
                        end - 1
                    ),
                    Some(n.to_string()),
                    Some(format!(
                        "name its members in `early_adopters[{e}].organisations` (e.g. \"{k}:<id>\"), or raise `organisations.{k}.count`"
                    )),
                );
            } else if kind == AgentKind::Ccg {
                ccgs.extend(e as u32 * n..e as u32 * n + n);
            }
        }
    }
    let n_ccg = raw.organisations.ccg.count;
    for kind in AgentKind::ALL.into_iter().filter(|&k| is_local_kind(k)) {
        let n = a.members.get(kind.id()).copied().unwrap_or(0);
        let spec = kind_spec(raw, kind).expect("organisation kind");
        if n == 0 || n > spec.count {
            continue;
        }
        let blocks = area_blocks(
            &spec.per_ccg_in_order(&raw.organisations.ccg.names),
            spec.count,
            n_ccg,
        );
        let room: usize = ccgs
            .iter()
            .filter_map(|&c| blocks.get(c as usize))
            .map(Vec::len)
            .sum();
        if (n as usize) > room {
            c.push(
                p.key("members").key(kind.id()),
                format!(
                    "at most {room} (the `{}` agents in the areas of its {} CCG(s))",
                    kind.id(),
                    ccgs.len()
                ),
                Some(n.to_string()),
                Some(format!(
                    "these members come from its CCGs' areas: name its CCGs, lower the count, or enlarge the areas in `organisations.{}.per_ccg`",
                    kind.id()
                )),
            );
        }
    }
}

/// Checks that hold for every key of a kind, by a walk over the whole
/// scenario (so that no key can be missed, including keys added later): every
/// number is finite, every `*_weeks` count is at most `MAX_WEEKS`, every list
/// holds at most `MAX_LIST_ENTRIES` entries.
fn every_key(c: &mut Checker, raw: &RawScenario) {
    fn walk(c: &mut Checker, path: &KeyPath, value: &toml::Value) {
        match value {
            toml::Value::Float(x) if !x.is_finite() => c.push(
                path.clone(),
                "a finite number",
                Some(x.to_string()),
                Some("`nan` and `inf` are not values a scenario can use: write a number such as 0.5".into()),
            ),
            toml::Value::Integer(n)
                if *n > i64::from(MAX_WEEKS)
                    && path.last_key().is_some_and(|k| k.ends_with("_weeks")) =>
            {
                c.push(
                    path.clone(),
                    format!(
                        "at most {MAX_WEEKS} weeks (limits::MAX_WEEKS: the longest horizon, {MAX_HORIZON_YEARS} years)"
                    ),
                    Some(n.to_string()),
                    Some("a duration longer than the longest simulation never takes effect; its dates would lie beyond any calendar".into()),
                )
            }
            toml::Value::Array(items) => {
                if items.len() > MAX_LIST_ENTRIES {
                    c.push(
                        path.clone(),
                        format!("at most {MAX_LIST_ENTRIES} entries (limits::MAX_LIST_ENTRIES)"),
                        Some(format!("{} entries", items.len())),
                        Some("a list this long is generated by mistake; every entry is held and checked in memory".into()),
                    );
                }
                for (i, v) in items.iter().enumerate() {
                    walk(c, &path.index(i), v);
                }
            }
            toml::Value::Table(t) => {
                for (k, v) in t {
                    walk(c, &path.key(k), v);
                }
            }
            _ => {}
        }
    }
    match toml::Value::try_from(raw) {
        Ok(value) => walk(c, &KeyPath::root(), &value),
        Err(e) => c.push(
            KeyPath::root(),
            "a scenario that can be written as TOML",
            Some(e.to_string()),
            None,
        ),
    }
}

/// Checks an id or name against the one character set ids use
/// (`limits::is_valid_id`): they reach output ids such as
/// `early_adopter:milestone`, CSV cells and file names.
fn id_chars(c: &mut Checker, path: KeyPath, id: &str) {
    if !is_valid_id(id) {
        let found = if id.len() > MAX_ID_LEN {
            format!("{} bytes", id.len())
        } else {
            format!("{id:?}")
        };
        c.push(
            path,
            format!("an id of 1 to {MAX_ID_LEN} {ID_CHARSET}"),
            Some(found),
            Some("ids appear in output ids (`early_adopter:milestone`), CSV cells and file names; write e.g. \"hammersmith_fulham\"".into()),
        );
    }
}

/// A list longer than its own limit (`limit`, named `name` in `limits`).
fn at_most(c: &mut Checker, path: KeyPath, len: usize, limit: usize, name: &str, cost: &str) {
    if len > limit {
        c.push(
            path,
            format!("at most {limit} entries (limits::{name})"),
            Some(format!("{len} entries")),
            Some(cost.into()),
        );
    }
}

/// The sizes a scenario controls (`limits`) and the character set of every
/// id that reaches output ids, CSV cells or file names.
fn sizes_and_ids(c: &mut Checker, raw: &RawScenario) {
    let root = KeyPath::root();
    at_most(
        c,
        root.key("codesign").key("working_groups"),
        raw.codesign.working_groups.len(),
        MAX_WORKING_GROUPS,
        "MAX_WORKING_GROUPS",
        "every working group is a body with members, a meeting roster and weekly records: memory and time grow faster than the number of groups",
    );
    at_most(
        c,
        root.key("early_adopters"),
        raw.early_adopters.len(),
        MAX_EARLY_ADOPTERS,
        "MAX_EARLY_ADOPTERS",
        "every early adopter has a steering committee, a roster and weekly records in every replication",
    );
    at_most(
        c,
        root.key("journey"),
        raw.journey.len(),
        MAX_MILESTONES,
        "MAX_MILESTONES",
        "progress is tracked for every milestone of every early adopter every week",
    );
    at_most(
        c,
        root.key("bodies"),
        raw.bodies.len(),
        MAX_BODIES,
        "MAX_BODIES",
        "every body has a meeting roster over the whole horizon",
    );
    let ids = [
        (
            "early_adopters",
            raw.early_adopters
                .iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "journey",
            raw.journey.iter().map(|m| m.id.as_str()).collect(),
        ),
        (
            "barriers",
            raw.barriers.iter().map(|b| b.id.as_str()).collect(),
        ),
        ("bodies", raw.bodies.iter().map(|b| b.id.as_str()).collect()),
    ];
    for (list, ids) in ids {
        for (i, id) in ids.into_iter().enumerate() {
            // Empty ids are reported by `unique_ids`; the reserved body
            // prefixes by their own rule.
            let reserved = list == "bodies"
                && (id.starts_with("working_group:") || id.starts_with("steering_committee:"));
            if !id.is_empty() && !reserved {
                id_chars(c, root.key(list).index(i).key("id"), id);
            }
        }
    }
    for (i, l) in raw.leadership.leaders.iter().enumerate() {
        if !l.id.is_empty() {
            id_chars(
                c,
                root.key("leadership").key("leaders").index(i).key("id"),
                &l.id,
            );
        }
    }
    for (i, t) in raw.funding.tranches.iter().enumerate() {
        if !t.id.is_empty() {
            id_chars(
                c,
                root.key("funding").key("tranches").index(i).key("id"),
                &t.id,
            );
        }
    }
    for (i, wg) in raw.codesign.working_groups.iter().enumerate() {
        if !wg.is_empty() {
            id_chars(c, root.key("codesign").key("working_groups").index(i), wg);
        }
    }
    for kind in AgentKind::ALL {
        if let Some(spec) = kind_spec(raw, kind) {
            for (i, n) in spec.names.iter().enumerate() {
                id_chars(
                    c,
                    root.key("organisations")
                        .key(kind.id())
                        .key("names")
                        .index(i),
                    n,
                );
            }
        }
    }
    for (i, b) in raw.budget.iter().enumerate() {
        if !(MIN_YEAR..=MAX_YEAR).contains(&b.starts) {
            c.push(
                root.key("budget").index(i).key("starts"),
                format!(
                    "a year from {MIN_YEAR} to {MAX_YEAR} (limits::MIN_YEAR, limits::MAX_YEAR)"
                ),
                Some(b.starts.to_string()),
                Some(
                    "the calendar year in which the financial year starts, e.g. 2014 for 2014/15"
                        .into(),
                ),
            );
        }
    }
    for (i, a) in raw.early_adopters.iter().enumerate() {
        if a.rollout_step > MAX_AGENTS_PER_KIND {
            c.push(
                root.key("early_adopters").index(i).key("rollout_step"),
                format!("at most {MAX_AGENTS_PER_KIND} practices (limits::MAX_AGENTS_PER_KIND)"),
                Some(a.rollout_step.to_string()),
                Some("a step larger than the early adopter's practices rolls out all of them at once".into()),
            );
        }
    }
}

/// Checks every rule and resolves the journey. Returns all problems found.
pub fn validate(raw: &RawScenario) -> Result<Vec<Milestone>, Vec<Issue>> {
    let mut c = Checker::default();
    let root = KeyPath::root();
    every_key(&mut c, raw);
    sizes_and_ids(&mut c, raw);
    // A key reported as not finite is not reported again by a rule of its own.
    let not_finite: Vec<KeyPath> = c
        .issues
        .iter()
        .filter(|i| i.expected == "a finite number")
        .map(|i| i.path.clone())
        .collect();

    // Calendar.
    let cal = root.key("calendar");
    c.order(
        cal.key("horizon"),
        raw.calendar.start,
        raw.calendar.horizon,
        "calendar.start",
    );
    if raw.calendar.financial_year_start_month().is_none() {
        c.push(
            cal.key("financial_year_start"),
            "the first day of a month as \"MM-01\", e.g. \"04-01\" for 1 April",
            Some(format!("{:?}", raw.calendar.financial_year_start)),
            Some(
                "spend is booked by calendar month, so a financial year must start on the first of a month".into(),
            ),
        );
    }
    let years = (raw.calendar.horizon.0 - raw.calendar.start.0).num_days() as f64 / 365.25;
    if years > f64::from(MAX_HORIZON_YEARS) {
        c.push(
            cal.key("horizon"),
            format!("a horizon at most {MAX_HORIZON_YEARS} years after the start (limits::MAX_HORIZON_YEARS)"),
            Some(raw.calendar.horizon.to_string()),
            Some(format!("every replication simulates and records every week: {years:.0} years is {:.0} weeks", years * 365.25 / 7.0)),
        );
    }

    // Organisations.
    let orgs = root.key("organisations");
    for kind in AgentKind::ALL {
        let Some(spec) = kind_spec(raw, kind) else {
            continue;
        };
        let p = orgs.key(kind.id());
        c.non_negative(
            p.key("capacity_hours"),
            spec.capacity_hours,
            "number of hours",
        );
        c.unit(p.key("engagement"), spec.engagement);
        c.unit(p.key("engagement_sd"), spec.engagement_sd);
        c.unit(p.key("relational_bias"), spec.relational_bias);
        c.unit(p.key("workload"), spec.workload);
        if spec.count > MAX_AGENTS_PER_KIND {
            c.push(
                p.key("count"),
                format!("at most {MAX_AGENTS_PER_KIND} agents of a kind (limits::MAX_AGENTS_PER_KIND)"),
                Some(spec.count.to_string()),
                Some(format!(
                    "every agent decides every week of every replication: {} agents over {:.0} weeks are {:.1e} agent-weeks per replication",
                    spec.count,
                    years.max(0.0) * 365.25 / 7.0,
                    f64::from(spec.count) * years.max(0.0) * 365.25 / 7.0
                )),
            );
        }
    }

    // Memberships: names and areas (docs/ODD.md, "Memberships").
    let ccg_names = &raw.organisations.ccg.names;
    for kind in AgentKind::ALL {
        let Some(spec) = kind_spec(raw, kind) else {
            continue;
        };
        let p = orgs.key(kind.id());
        if spec.names.len() > spec.count as usize {
            c.push(
                p.key("names"),
                format!("at most {} names (its `count`)", spec.count),
                Some(format!("{} names", spec.names.len())),
                Some(format!(
                    "raise `organisations.{}.count` or remove names",
                    kind.id()
                )),
            );
        }
        let mut seen = HashSet::new();
        for (i, n) in spec.names.iter().enumerate() {
            if !is_valid_id(n) {
                // reported by `sizes_and_ids`
            } else if !seen.insert(n.as_str()) {
                c.push(
                    p.key("names").index(i),
                    "a name not already used for this kind",
                    Some(format!("`{n}` again")),
                    Some("each agent of a kind needs its own name".into()),
                );
            }
        }
        if spec.per_ccg.is_empty() {
            continue;
        }
        if !is_local_kind(kind) {
            c.push(
                p.key("per_ccg"),
                "`per_ccg` only under `gp_practice` or `third_sector` (the kinds that lie in CCG areas)",
                Some(format!("`organisations.{}.per_ccg`", kind.id())),
                Some("remove it; early adopters name these organisations in `organisations`".into()),
            );
            continue;
        }
        for k in spec.per_ccg.keys() {
            if !ccg_names.contains(k) {
                let hint = if ccg_names.is_empty() {
                    "name the CCGs first in `organisations.ccg.names`".to_string()
                } else {
                    did_you_mean(k, ccg_names.iter().map(String::as_str))
                };
                c.issues.push(Issue {
                    path: p.key("per_ccg").key(k),
                    at_key: true,
                    expected: "a CCG named in `organisations.ccg.names`".into(),
                    found: Some(format!("`{k}`")),
                    hint: Some(hint),
                });
            }
        }
        let sum: u64 = spec.per_ccg.values().map(|&n| u64::from(n)).sum();
        if sum > u64::from(spec.count) {
            c.push(
                p.key("per_ccg"),
                format!(
                    "areas holding at most {} agents in all (`organisations.{}.count`)",
                    spec.count,
                    kind.id()
                ),
                Some(format!("{sum} in all")),
                Some(format!(
                    "lower the counts or raise `organisations.{}.count`",
                    kind.id()
                )),
            );
        }
    }

    // Programme.
    let prog = root.key("programme");
    c.non_negative(
        prog.key("team_size"),
        raw.programme.team_size,
        "number of people",
    );
    c.range(
        prog.key("hours_per_person"),
        raw.programme.hours_per_person,
        0.0,
        168.0,
        "hours per week",
    );
    c.non_negative(
        prog.key("cost_per_person_gbp"),
        raw.programme.cost_per_person_gbp,
        "amount of money",
    );
    c.unit(prog.key("relational_bias"), raw.programme.relational_bias);
    c.unit(prog.key("ea_support_share"), raw.programme.ea_support_share);
    c.non_negative(
        prog.key("spread_penalty"),
        raw.programme.spread_penalty,
        "number",
    );

    // Consultancy.
    let cons = root.key("consultancy");
    if !(raw.consultancy.day_rate_gbp > 0.0) {
        c.push(
            cons.key("day_rate_gbp"),
            "a positive day rate",
            Some(raw.consultancy.day_rate_gbp.to_string()),
            None,
        );
    }
    c.range(
        cons.key("hours_per_day"),
        raw.consultancy.hours_per_day,
        0.5,
        24.0,
        "hours",
    );
    c.unit(cons.key("relational_bias"), raw.consultancy.relational_bias);
    c.unit(
        cons.key("handover_fraction"),
        raw.consultancy.handover_fraction,
    );
    c.unit(
        cons.key("local_support_effectiveness"),
        raw.consultancy.local_support_effectiveness,
    );
    for (i, k) in raw.consultancy.contracts.iter().enumerate() {
        let p = cons.key("contracts").index(i);
        c.order(p.key("end"), k.start, k.end, "its start");
        c.non_negative(p.key("amount_gbp"), k.amount_gbp, "amount of money");
    }

    // Budget.
    let mut years_seen = HashSet::new();
    for (i, b) in raw.budget.iter().enumerate() {
        let p = root.key("budget").index(i);
        if !years_seen.insert(b.starts) {
            c.push(
                p.key("starts"),
                "each financial year once",
                Some(format!("{} again", b.starts)),
                None,
            );
        }
        c.non_negative(p.key("central_gbp"), b.central_gbp, "amount of money");
        c.non_negative(p.key("local_gbp"), b.local_gbp, "amount of money");
    }

    // Co-design.
    let cd = root.key("codesign");
    if raw.codesign.working_groups.is_empty() {
        c.push(
            cd.key("working_groups"),
            "at least one working group",
            Some("[]".into()),
            None,
        );
    }
    let mut wg_seen = HashSet::new();
    for (i, wg) in raw.codesign.working_groups.iter().enumerate() {
        if wg.is_empty() || !wg_seen.insert(wg) {
            c.push(
                cd.key("working_groups").index(i),
                "a unique, non-empty name",
                Some(format!("`{wg}`")),
                None,
            );
        }
    }
    c.positive_int(
        cd.key("meeting_every_weeks"),
        raw.codesign.meeting_every_weeks,
    );
    c.kind_counts(&cd.key("members"), &raw.codesign.members, raw, true);
    if !(raw.codesign.work_per_group > 0.0) {
        c.push(
            cd.key("work_per_group"),
            "a positive amount of work",
            Some(raw.codesign.work_per_group.to_string()),
            None,
        );
    }
    c.range(
        cd.key("meeting_hours"),
        raw.codesign.meeting_hours,
        0.0,
        40.0,
        "hours",
    );
    c.non_negative(
        cd.key("central_hours_per_group"),
        raw.codesign.central_hours_per_group,
        "number of hours",
    );
    c.non_negative(
        cd.key("toolkit_work_hours"),
        raw.codesign.toolkit_work_hours,
        "number of hours",
    );
    c.unit(cd.key("toolkit_reduction"), raw.codesign.toolkit_reduction);
    if raw.codesign.start < raw.calendar.start {
        c.push(
            cd.key("start"),
            format!("a date on or after calendar.start ({})", raw.calendar.start),
            Some(raw.codesign.start.to_string()),
            None,
        );
    }

    // Bodies.
    unique_ids(
        &mut c,
        &root.key("bodies"),
        raw.bodies.iter().map(|b| b.id.as_str()),
    );
    let mut signing_bodies = 0;
    for (i, b) in raw.bodies.iter().enumerate() {
        let p = root.key("bodies").index(i);
        if b.id.starts_with("working_group:") || b.id.starts_with("steering_committee:") {
            c.push(
                p.key("id"),
                "an id that does not start with `working_group:` or `steering_committee:`",
                Some(format!("`{}`", b.id)),
                Some("those bodies are made from `codesign` and `early_adopters`".into()),
            );
        }
        c.kind_counts(&p.key("members"), &b.members, raw, true);
        for (j, s) in b.schedule.iter().enumerate() {
            let q = p.key("schedule").index(j);
            c.order(q.key("to"), s.from, s.to, "`from`");
            c.positive_int(q.key("every_weeks"), s.every_weeks);
        }
        c.range(p.key("meeting_hours"), b.meeting_hours, 0.0, 40.0, "hours");
        if b.signs_off_early_adopters {
            signing_bodies += 1;
            if signing_bodies > 1 {
                c.push(
                    p.key("signs_off_early_adopters"),
                    "exactly one body that signs off early adopters",
                    Some("a second one".into()),
                    None,
                );
            }
            if b.schedule.is_empty() && b.dates.is_empty() {
                c.push(
                    p.key("schedule"),
                    "a meeting schedule for the body that signs off early adopters",
                    Some("no meetings".into()),
                    Some("add a [[bodies.schedule]] period".into()),
                );
            }
        }
    }
    if signing_bodies == 0 {
        c.push(
            root.key("bodies"),
            "one body with `signs_off_early_adopters = true`",
            Some("none".into()),
            Some("mark the programme executive (or your equivalent) as the sign-off body".into()),
        );
    }

    // Timetable.
    let tt = root.key("timetable");
    let t = &raw.timetable;
    c.order(
        tt.key("codesign_complete"),
        raw.codesign.start,
        t.codesign_complete,
        "codesign.start",
    );
    c.order(
        tt.key("toolkit_published"),
        t.codesign_complete,
        t.toolkit_published,
        "timetable.codesign_complete",
    );
    c.order(
        tt.key("business_plan_approved"),
        t.ea_signed_off,
        t.business_plan_approved,
        "timetable.ea_signed_off",
    );
    c.order(
        tt.key("wider_rollout"),
        t.pilot_start,
        t.wider_rollout,
        "timetable.pilot_start",
    );
    c.unit(tt.key("wider_rollout_share"), t.wider_rollout_share);
    for (key, d) in [
        ("ea_signed_off", t.ea_signed_off),
        ("pilot_start", t.pilot_start),
    ] {
        if d < raw.calendar.start || d > raw.calendar.horizon {
            c.push(
                tt.key(key),
                format!(
                    "a date within the calendar ({} to {})",
                    raw.calendar.start, raw.calendar.horizon
                ),
                Some(d.to_string()),
                None,
            );
        }
    }

    // Re-planning.
    let rp = root.key("replanning");
    c.positive_int(
        rp.key("review_every_weeks"),
        raw.replanning.review_every_weeks,
    );
    c.positive_int(rp.key("slip_weeks"), raw.replanning.slip_weeks);
    c.range(
        rp.key("optimism"),
        raw.replanning.optimism,
        0.0,
        0.95,
        "a share",
    );
    c.positive_int(
        rp.key("projection_window_weeks"),
        raw.replanning.projection_window_weeks,
    );
    if raw.replanning.reference_rank as usize > raw.early_adopters.len() {
        c.push(
            rp.key("reference_rank"),
            format!(
                "a rank from 0 to {} (the number of early adopters)",
                raw.early_adopters.len()
            ),
            Some(raw.replanning.reference_rank.to_string()),
            Some("0 means the median early adopter".into()),
        );
    }

    // Scope decisions.
    let sp = root.key("scope");
    c.probability(
        sp.key("scale_back_propensity"),
        raw.scope.scale_back_propensity,
    );
    if raw.scope.scale_back_slip_weeks > MAX_SCALE_BACK_SLIP_WEEKS {
        c.push(
            sp.key("scale_back_slip_weeks"),
            format!("at most {MAX_SCALE_BACK_SLIP_WEEKS} weeks (ten years)"),
            Some(raw.scope.scale_back_slip_weeks.to_string()),
            Some("to keep every early adopter's initial scope, set `switches.scope_decisions = false`".into()),
        );
    }

    // Effort.
    let ef = root.key("effort");
    let e = &raw.effort;
    c.unit(ef.key("availability_noise"), e.availability_noise);
    c.unit(ef.key("bias_adaptation_rate"), e.bias_adaptation_rate);
    c.unit(ef.key("signer_complementarity"), e.signer_complementarity);
    c.unit(ef.key("provider_wait_factor"), e.provider_wait_factor);
    c.range(
        ef.key("support_leverage"),
        e.support_leverage,
        0.0,
        100.0,
        "a ratio",
    );
    c.range(
        ef.key("project_manager_hours"),
        e.project_manager_hours,
        0.0,
        80.0,
        "hours per week",
    );
    c.unit(
        ef.key("project_manager_relational_bias"),
        e.project_manager_relational_bias,
    );
    if !(e.local_hour_cost_gbp > 0.0) {
        c.push(
            ef.key("local_hour_cost_gbp"),
            "a positive cost per hour",
            Some(e.local_hour_cost_gbp.to_string()),
            None,
        );
    }
    c.unit(
        ef.key("local_funding_efficiency"),
        e.local_funding_efficiency,
    );
    c.range(
        ef.key("absorption_share"),
        e.absorption_share,
        0.0,
        100.0,
        "bought hours per own programme hour",
    );
    c.unit(ef.key("involvement_share"), e.involvement_share);
    c.unit(
        ef.key("pilot_willing_engagement"),
        e.pilot_willing_engagement,
    );
    c.range(
        ef.key("prior_relationship_weight"),
        e.prior_relationship_weight,
        0.0,
        2.0,
        "a weight",
    );

    // Engagement.
    let en = root.key("engagement");
    let g = &raw.engagement;
    for (k, v) in [
        ("progress_gain", g.progress_gain),
        ("contact_gain", g.contact_gain),
        ("burden_loss", g.burden_loss),
        ("deadline_loss", g.deadline_loss),
        ("promise_gap_loss", g.promise_gap_loss),
        ("leadership_loss", g.leadership_loss),
    ] {
        c.unit(en.key(k), v);
    }
    c.non_negative(
        en.key("deadline_escalation"),
        g.deadline_escalation,
        "number",
    );
    c.unit(en.key("reversion_rate"), g.reversion_rate);
    c.non_negative(
        en.key("lay_deadline_multiplier"),
        g.lay_deadline_multiplier,
        "multiplier",
    );
    c.non_negative(en.key("momentum_gain"), g.momentum_gain, "number");
    c.unit(en.key("credibility_loss"), g.credibility_loss);

    // Meetings.
    let mt = root.key("meetings");
    c.unit(mt.key("churn_penalty"), raw.meetings.churn_penalty);
    c.non_negative(
        mt.key("lay_quality_bonus"),
        raw.meetings.lay_quality_bonus,
        "multiplier",
    );
    c.positive_int(
        mt.key("steering_every_weeks"),
        raw.meetings.steering_every_weeks,
    );
    c.range(
        mt.key("steering_meeting_hours"),
        raw.meetings.steering_meeting_hours,
        0.0,
        40.0,
        "hours",
    );
    c.unit(
        mt.key("steering_output_share"),
        raw.meetings.steering_output_share,
    );
    c.unit(mt.key("delegate_weight"), raw.meetings.delegate_weight);
    for (i, k) in raw.meetings.delegating_kinds.iter().enumerate() {
        let path = mt.key("delegating_kinds").index(i);
        match AgentKind::from_id(k) {
            None => c.push(
                path,
                "an agent kind",
                Some(format!("`{k}`")),
                Some(did_you_mean(k, AgentKind::ALL.iter().map(|k| k.id()))),
            ),
            Some(AgentKind::ProgrammeTeam | AgentKind::LayPartner) => c.push(
                path,
                "an organisation kind with staff to delegate to",
                Some(format!("`{k}`")),
                Some(
                    "lay partners and the programme team attend in person; remove this entry"
                        .into(),
                ),
            ),
            Some(_) if raw.meetings.delegating_kinds[..i].contains(k) => c.push(
                path,
                "each kind listed once",
                Some(format!("`{k}` again")),
                Some("remove the duplicate".into()),
            ),
            Some(_) => {}
        }
    }

    // Barriers.
    unique_ids(
        &mut c,
        &root.key("barriers"),
        raw.barriers.iter().map(|b| b.id.as_str()),
    );
    for (i, b) in raw.barriers.iter().enumerate() {
        let p = root.key("barriers").index(i);
        c.non_negative(
            p.key("removal_hazard_per_year"),
            b.removal_hazard_per_year,
            "hazard",
        );
        c.unit(p.key("efficiency"), b.efficiency);
        c.non_negative(
            p.key("workaround_hours"),
            b.workaround_hours,
            "number of hours",
        );
        c.non_negative(
            p.key("workaround_hours_per_party"),
            b.workaround_hours_per_party,
            "number of hours per party",
        );
    }

    // Leadership.
    let ld = root.key("leadership");
    c.unit(ld.key("capacity_loss"), raw.leadership.capacity_loss);
    c.unit(ld.key("decision_loss"), raw.leadership.decision_loss);
    unique_ids(
        &mut c,
        &ld.key("leaders"),
        raw.leadership.leaders.iter().map(|l| l.id.as_str()),
    );
    for (i, l) in raw.leadership.leaders.iter().enumerate() {
        c.non_negative(
            ld.key("leaders").index(i).key("hazard_per_year"),
            l.hazard_per_year,
            "hazard",
        );
    }

    // Funding.
    let fd = root.key("funding").key("tranches");
    unique_ids(
        &mut c,
        &fd,
        raw.funding.tranches.iter().map(|t| t.id.as_str()),
    );
    for (i, t) in raw.funding.tranches.iter().enumerate() {
        let p = fd.index(i);
        c.non_negative(p.key("amount_gbp"), t.amount_gbp, "amount of money");
        c.unit(p.key("capacity_share"), t.capacity_share);
        c.positive_int(p.key("spread_weeks"), t.spread_weeks);
        if t.trigger == TrancheTrigger::Date && t.date.is_none() {
            c.push(
                p.key("date"),
                "a release date for a tranche with trigger = \"date\"",
                None,
                Some("add `date = 2014-10-01` or change the trigger".into()),
            );
        }
    }

    // Outcomes.
    let oc = root.key("outcomes");
    let o = &raw.outcomes;
    c.unit(oc.key("promised_reduction"), o.promised_reduction);
    c.unit(oc.key("effect_size"), o.effect_size);
    c.non_negative(
        oc.key("admission_risk_ratio"),
        o.admission_risk_ratio,
        "ratio",
    );
    if !(o.population > 0.0) {
        c.push(
            oc.key("population"),
            "a positive population",
            Some(o.population.to_string()),
            None,
        );
    }
    if o.promised_reduction > 0.0 && o.promised_by.is_none() {
        c.push(
            oc.key("promised_by"),
            "the date by which the promised reduction is due",
            None,
            Some("add `promised_by = 2015-03-31`, or set promised_reduction = 0".into()),
        );
    }

    // Enrolment.
    let en = root.key("enrolment");
    if !(raw.enrolment.per_practice_per_week > 0.0
        && raw.enrolment.per_practice_per_week.is_finite())
    {
        c.push(
            en.key("per_practice_per_week"),
            "a positive, finite number of people per week",
            Some(raw.enrolment.per_practice_per_week.to_string()),
            Some("to let practices enrol their whole list at once, set `switches.enrolment_capacity = false`".into()),
        );
    }
    if raw.enrolment.test_period_weeks > MAX_TEST_PERIOD_WEEKS {
        c.push(
            en.key("test_period_weeks"),
            format!("at most {MAX_TEST_PERIOD_WEEKS} weeks (ten years)"),
            Some(raw.enrolment.test_period_weeks.to_string()),
            None,
        );
    }

    // General practice.
    let gp = root.key("general_practice");
    let g = &raw.general_practice;
    c.order(
        gp.key("sessions_to"),
        g.sessions_from,
        g.sessions_to,
        "general_practice.sessions_from",
    );
    if g.sessions_per_ea > MAX_SESSIONS_PER_EA {
        c.push(
            gp.key("sessions_per_ea"),
            format!("at most {MAX_SESSIONS_PER_EA} sessions per early adopter"),
            Some(g.sessions_per_ea.to_string()),
            Some("to run no local working sessions, set `switches.gp_sessions = false`".into()),
        );
    }
    c.probability(gp.key("session_held_share"), g.session_held_share);
    c.non_negative(gp.key("session_hours"), g.session_hours, "number of hours");
    c.probability(gp.key("session_practice_share"), g.session_practice_share);
    c.positive_int(
        gp.key("network_meeting_every_weeks"),
        g.network_meeting_every_weeks,
    );
    c.non_negative(
        gp.key("network_meeting_hours"),
        g.network_meeting_hours,
        "number of hours",
    );
    c.probability(gp.key("cascade_rate"), g.cascade_rate);
    c.probability(gp.key("assumed_cascade_rate"), g.assumed_cascade_rate);
    // Coordination costs.
    let co = root.key("coordination");
    let k = &raw.coordination;
    c.range(
        co.key("partner_elasticity"),
        k.partner_elasticity,
        0.0,
        2.0,
        "an elasticity",
    );
    if !(k.body_reference_size >= 1.0 && k.body_reference_size.is_finite()) {
        c.push(
            co.key("body_reference_size"),
            "a finite number of attendees of at least 1",
            Some(k.body_reference_size.to_string()),
            Some("to switch the body-size loss off, set `body_size_elasticity = 0`".into()),
        );
    }
    c.range(
        co.key("body_size_elasticity"),
        k.body_size_elasticity,
        0.0,
        1.0,
        "an elasticity",
    );
    c.non_negative(co.key("diversity_penalty"), k.diversity_penalty, "number");

    // Journey.
    let jp = root.key("journey");
    unique_ids(&mut c, &jp, raw.journey.iter().map(|m| m.id.as_str()));
    let ids: Vec<String> = raw.journey.iter().map(|m| m.id.clone()).collect();
    let barrier_ids: Vec<&str> = raw.barriers.iter().map(|b| b.id.as_str()).collect();
    let mut requires: Vec<Vec<usize>> = Vec::new();
    let mut signers: Vec<Vec<AgentKind>> = Vec::new();
    let mut barriers: Vec<Option<usize>> = Vec::new();
    for (i, m) in raw.journey.iter().enumerate() {
        let p = jp.index(i);
        c.non_negative(p.key("work_hours"), m.work_hours, "number of hours");
        let mut req = Vec::new();
        for (j, r) in m.requires.iter().enumerate() {
            match ids.iter().position(|x| x == r) {
                Some(ix) => req.push(ix),
                None => c.push(
                    p.key("requires").index(j),
                    "the id of a milestone in the journey",
                    Some(format!("`{r}`")),
                    Some(did_you_mean(r, ids.iter().map(String::as_str))),
                ),
            }
        }
        requires.push(req);
        let mut sg = Vec::new();
        for (j, s) in m.signers.iter().enumerate() {
            match AgentKind::from_id(s) {
                Some(k) => sg.push(k),
                None => c.push(
                    p.key("signers").index(j),
                    "an agent kind",
                    Some(format!("`{s}`")),
                    Some(did_you_mean(s, AgentKind::ALL.iter().map(|k| k.id()))),
                ),
            }
        }
        if m.kind != MilestoneKind::Relational && m.signers.is_empty() {
            c.push(
                p.key("signers"),
                "at least one signing agent kind for a transactional or mixed milestone",
                Some("[]".into()),
                Some("e.g. signers = [\"ccg\", \"acute_trust\"]".into()),
            );
        }
        signers.push(sg);
        let b = match &m.barrier {
            None => None,
            Some(b) => {
                let ix = barrier_ids.iter().position(|x| x == b);
                if ix.is_none() {
                    c.push(
                        p.key("barrier"),
                        "the id of a barrier in [[barriers]]",
                        Some(format!("`{b}`")),
                        Some(did_you_mean(b, barrier_ids.iter().copied())),
                    );
                }
                ix
            }
        };
        barriers.push(b);
    }
    if !ids.iter().any(|i| i == "pilot_live") {
        c.push(
            jp.clone(),
            "a milestone with id `pilot_live` (go-live is measured by it)",
            None,
            Some("add a [[journey]] entry with id = \"pilot_live\"".into()),
        );
    } else if let Some(pl) = raw.journey.iter().position(|m| m.id == "pilot_live") {
        if raw.journey[pl].full_scope_only {
            c.push(
                jp.index(pl).key("full_scope_only"),
                "`false` for `pilot_live` (every scope goes live)",
                Some("true".into()),
                None,
            );
        }
    }
    let cycle = if c
        .issues
        .iter()
        .any(|i| i.path.to_string().starts_with("journey"))
    {
        None
    } else {
        find_cycle(&requires, &ids)
    };
    if let Some(cycle) = &cycle {
        let first = ids.iter().position(|x| *x == cycle[0]).unwrap_or(0);
        c.push(
            jp.index(first).key("requires"),
            "prerequisites without cycles",
            Some(format!("the cycle {}", cycle.join(" → "))),
            Some("remove one of these prerequisites".into()),
        );
    }

    for (j, r) in raw.funding.business_plan_requires.iter().enumerate() {
        if !ids.contains(r) {
            c.push(
                root.key("funding").key("business_plan_requires").index(j),
                "the id of a milestone in the journey",
                Some(format!("`{r}`")),
                Some(did_you_mean(r, ids.iter().map(String::as_str))),
            );
        }
    }

    // Early adopters.
    let ea = root.key("early_adopters");
    if raw.early_adopters.is_empty() {
        c.push(
            ea.clone(),
            "at least one early adopter",
            Some("none".into()),
            None,
        );
    }
    unique_ids(
        &mut c,
        &ea,
        raw.early_adopters.iter().map(|e| e.id.as_str()),
    );
    for (i, a) in raw.early_adopters.iter().enumerate() {
        let p = ea.index(i);
        if a.id == "programme" {
            c.push(
                p.key("id"),
                "an id other than `programme` (reserved for programme-level rows)",
                Some("`programme`".into()),
                None,
            );
        }
        c.non_negative(p.key("population"), a.population, "number of people");
        c.unit(p.key("prior_relationships"), a.prior_relationships);
        c.kind_counts(&p.key("members"), &a.members, raw, false);
        let named = ea_organisations(&mut c, &p, a, raw);
        ea_areas(&mut c, &p, i, a, &named, raw);
        let gps = a.members.get("gp_practice").copied().unwrap_or(0);
        if gps == 0 {
            c.push(
                p.key("members"),
                "at least one `gp_practice` member (pilots run in practices)",
                None,
                Some("add gp_practice = <count> to members".into()),
            );
        } else if a.pilot_practices > gps {
            c.push(
                p.key("pilot_practices"),
                format!("at most {gps} (its gp_practice members)"),
                Some(a.pilot_practices.to_string()),
                None,
            );
        }
        c.positive_int(p.key("pilot_practices"), a.pilot_practices);
        c.positive_int(p.key("rollout_every_weeks"), a.rollout_every_weeks);
        if let (Some(from), Some(until)) = (a.project_manager_from, a.project_manager_until) {
            c.order(
                p.key("project_manager_until"),
                from,
                until,
                "project_manager_from",
            );
        }
        // Sign-off needs the signers an early adopter has (ODD §7.7): a
        // milestone in its scope must have at least one of its signing
        // kinds among the members.
        for (m, ms) in raw.journey.iter().enumerate() {
            let skipped = ms.full_scope_only && a.scope == Scope::ScaledBack;
            if ms.kind == MilestoneKind::Relational || skipped || signers[m].is_empty() {
                continue;
            }
            let present = signers[m].iter().any(|&k| {
                a.members.get(k.id()).copied().unwrap_or(0) > 0
                    || named.iter().any(|&(nk, _)| nk == k)
            });
            if !present {
                let kinds: Vec<&str> = signers[m].iter().map(|k| k.id()).collect();
                c.push(
                    p.key("members"),
                    format!(
                        "a member of at least one kind that signs `{}` (journey[{m}].signers: {})",
                        ms.id,
                        kinds.join(", ")
                    ),
                    Some(format!("no member of any signing kind of `{}`", ms.id)),
                    Some(format!(
                        "add one of {} to members or organisations, or give the milestone a signer this early adopter has",
                        kinds.join(", ")
                    )),
                );
            }
        }
        if a.application_ready < raw.calendar.start {
            c.push(
                p.key("application_ready"),
                format!("a date on or after calendar.start ({})", raw.calendar.start),
                Some(a.application_ready.to_string()),
                None,
            );
        }
    }

    // Record.
    let rc = root.key("record").key("quantiles");
    for (i, q) in raw.record.quantiles.iter().enumerate() {
        c.range(rc.index(i), *q, 0.0, 1.0, "a probability");
    }
    if raw.record.quantiles.windows(2).any(|w| w[0] >= w[1]) {
        c.push(
            rc.clone(),
            "quantiles in increasing order",
            Some(format!("{:?}", raw.record.quantiles)),
            None,
        );
    }

    if raw.record.quantiles.is_empty() {
        c.push(
            rc.clone(),
            "at least one quantile",
            Some("[]".into()),
            Some(
                "aggregated outputs report these quantiles; write e.g. quantiles = [0.1, 0.5, 0.9]"
                    .into(),
            ),
        );
    }
    at_most(
        &mut c,
        rc,
        raw.record.quantiles.len(),
        MAX_QUANTILES,
        "MAX_QUANTILES",
        "each quantile is a column of several output tables",
    );

    observed_facts(&mut c, raw);

    if !c.issues.is_empty() {
        let mut issues = c.issues;
        issues.retain(|i| i.expected == "a finite number" || !not_finite.contains(&i.path));
        return Err(issues);
    }
    let depth = depths(&requires);
    Ok(raw
        .journey
        .iter()
        .enumerate()
        .map(|(i, m)| Milestone {
            id: m.id.clone(),
            kind: m.kind,
            work_hours: m.work_hours,
            requires: requires[i].clone(),
            signers: signers[i].clone(),
            barrier: barriers[i],
            full_scope_only: m.full_scope_only,
            toolkit_covered: m.toolkit_covered,
            depth: depth[i],
        })
        .collect())
}

/// `[[observed]]`: each fact names milestones and early adopters the
/// scenario has, carries the fields its quantity needs (and no others), and
/// lies within the calendar.
fn observed_facts(c: &mut Checker, raw: &RawScenario) {
    use super::observed::ObservedQuantity as Q;
    let journey: Vec<&str> = raw.journey.iter().map(|m| m.id.as_str()).collect();
    let programme: Vec<&str> = crate::model::ProgrammeMilestone::ALL
        .iter()
        .map(|m| m.id())
        .collect();
    let eas: Vec<&str> = raw.early_adopters.iter().map(|e| e.id.as_str()).collect();
    let n_eas = raw.early_adopters.len() as u32;
    for (i, o) in raw.observed.iter().enumerate() {
        let p = KeyPath::root().key("observed").index(i);
        let q = o.quantity.id();
        // Which early adopter (None: the programme), for milestone_date.
        let mut at_programme = false;
        match (o.quantity, o.early_adopter.as_deref()) {
            (Q::MilestoneDate, None) => c.push(
                p.clone(),
                "`early_adopter` for quantity `milestone_date`",
                None,
                Some("early_adopter = \"programme\" or the id of an early adopter".into()),
            ),
            (Q::MilestoneDate, Some("programme")) => at_programme = true,
            (Q::MilestoneDate, Some(e)) if !eas.contains(&e) => c.push(
                p.key("early_adopter"),
                "`programme` or the id of an early adopter in [[early_adopters]]",
                Some(format!("`{e}`")),
                Some(did_you_mean(e, eas.iter().copied().chain(["programme"]))),
            ),
            (Q::MilestoneDate, Some(_)) => {}
            (_, Some(_)) => c.push(
                p.key("early_adopter"),
                format!("no `early_adopter` for quantity `{q}` (it counts every early adopter)"),
                None,
                Some("remove the key, or use quantity = \"milestone_date\"".into()),
            ),
            (_, None) => {}
        }
        let (ids, what) = if at_programme {
            (&programme, "a programme milestone")
        } else {
            (&journey, "the id of a milestone in [[journey]]")
        };
        if !ids.contains(&o.milestone.as_str()) {
            c.push(
                p.key("milestone"),
                what,
                Some(format!("`{}`", o.milestone)),
                Some(did_you_mean(&o.milestone, ids.iter().copied())),
            );
        }
        match (o.quantity, o.n) {
            (Q::NthAchieved, None) => c.push(
                p.clone(),
                "`n` (the rank, 1 = first) for quantity `nth_achieved`",
                None,
                Some("e.g. n = 1".into()),
            ),
            (Q::NthAchieved, Some(n)) if n == 0 || n > n_eas => c.push(
                p.key("n"),
                format!("a rank from 1 to the number of early adopters ({n_eas})"),
                Some(n.to_string()),
                None,
            ),
            (Q::NthAchieved, Some(_)) | (_, None) => {}
            (_, Some(_)) => c.push(
                p.key("n"),
                format!("no `n` for quantity `{q}`"),
                None,
                Some("`n` is the rank of quantity `nth_achieved`".into()),
            ),
        }
        match (o.quantity, o.count) {
            (Q::CountAchievedBy, None) => c.push(
                p.clone(),
                "`count` (early adopters) for quantity `count_achieved_by`",
                None,
                Some("e.g. count = 2".into()),
            ),
            (Q::CountAchievedBy, Some(k)) if k > n_eas => c.push(
                p.key("count"),
                format!("at most the number of early adopters ({n_eas})"),
                Some(k.to_string()),
                None,
            ),
            (Q::CountAchievedBy, Some(_)) | (_, None) => {}
            (_, Some(_)) => c.push(
                p.key("count"),
                format!("no `count` for quantity `{q}`"),
                None,
                Some("`count` is the number of quantity `count_achieved_by`".into()),
            ),
        }
        // (A calendar that ends before it starts is reported once, at its horizon.)
        let calendar_ok = raw.calendar.start <= raw.calendar.horizon;
        if calendar_ok && (o.date < raw.calendar.start || o.date > raw.calendar.horizon) {
            c.push(
                p.key("date"),
                format!(
                    "a date within the calendar ({} to {})",
                    raw.calendar.start, raw.calendar.horizon
                ),
                Some(o.date.to_string()),
                Some("a fact outside the simulated period cannot be drawn beside it".into()),
            );
        }
    }
}
