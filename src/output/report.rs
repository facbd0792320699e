//! `report.html`: one self-contained page per run — no network, no external
//! files — with the summary tables, every chart inline (SVG), the
//! scenario's key assumptions and the manifest.

use super::chart::Chart;
use super::export::Manifest;
use super::summary::{count_of, count_range, latest_plan_text, Summary};
use crate::engine::plan::Plan;
use crate::model::ProgrammeMilestone;

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A date, or what an unreached quantile of replications means.
fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or("not reached by horizon".to_string(), |d| {
        d.format("%Y-%m-%d").to_string()
    })
}

/// Money, whole pounds; a rounding residue below zero shows as £0, not £-0.
fn gbp(x: f64) -> String {
    let x = if x.abs() < 0.5 { 0.0 } else { x };
    format!("£{x:.0}")
}

/// What a programme milestone means (the glossary).
fn programme_meaning(m: ProgrammeMilestone) -> &'static str {
    match m {
        ProgrammeMilestone::CodesignComplete => "every co-design working group has finished",
        ProgrammeMilestone::ToolkitPublished => "the toolkit is written up and published",
        ProgrammeMilestone::EaSignedOff => "every early adopter is signed off",
        ProgrammeMilestone::FirstPilotLive => {
            "the first early adopter is live (its pilot_live); not a promise of the bid, reported to compare with the published first go-live"
        }
        ProgrammeMilestone::BusinessPlanApproved => "every early adopter's business plan is approved",
        ProgrammeMilestone::WiderRollout => "enough early adopters are live for the wider roll-out",
    }
}

/// The glossary of milestones: every programme milestone with its meaning,
/// and every journey milestone with its kind, prerequisites, signers and
/// barrier, as the scenario defines them.
fn glossary(plan: &Plan, h: &mut String) {
    let params = plan.params();
    h.push_str("<h2>Milestones (glossary)</h2>\n<p>Programme milestones are reported for <code>programme</code>; journey milestones for each early adopter (go-live is <code>pilot_live</code>).</p>\n<table><tr><th>id</th><th>level</th><th>kind</th><th>what it means</th></tr>\n");
    for m in ProgrammeMilestone::ALL {
        h.push_str(&format!(
            "<tr><td><code>{}</code></td><td>programme</td><td>{}</td><td>{}</td></tr>\n",
            m.id(),
            m.kind(),
            escape(programme_meaning(m))
        ));
    }
    let journey = plan.scenario.journey();
    for m in journey {
        let mut parts = Vec::new();
        if m.id == "pilot_live" {
            parts.push("go-live: the first people receive care under the new model".to_string());
        }
        parts.push(format!("{:.0} hours of work", m.work_hours));
        if !m.requires.is_empty() {
            let ids: Vec<&str> = m.requires.iter().map(|&i| journey[i].id.as_str()).collect();
            parts.push(format!("after {}", ids.join(", ")));
        }
        if !m.signers.is_empty() {
            let ids: Vec<&str> = m.signers.iter().map(|k| k.id()).collect();
            parts.push(format!("signed by {}", ids.join(", ")));
        }
        if let Some(b) = m.barrier.and_then(|b| params.barriers.get(b)) {
            parts.push(format!("held by the national barrier {}", b.id));
        }
        if m.full_scope_only {
            parts.push("skipped by a scaled-back scope".to_string());
        }
        h.push_str(&format!(
            "<tr><td><code>{}</code></td><td>journey</td><td>{}</td><td>{}</td></tr>\n",
            escape(&m.id),
            crate::model::journey::kind_id(m.kind),
            escape(&parts.join("; "))
        ));
    }
    h.push_str("</table>\n");
}

/// The published facts the scenario declares (`[[observed]]`), with their sources.
fn observed_facts(plan: &Plan, h: &mut String) {
    let facts = plan.scenario.observed();
    if facts.is_empty() {
        return;
    }
    h.push_str("<h2>Observed (published) facts</h2>\n<p>Declared by the scenario and drawn on the charts as black diamonds; they change no simulated number.</p>\n<table><tr><th>quantity</th><th>fact</th><th>source</th></tr>\n");
    for o in facts {
        h.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
            o.quantity.id(),
            escape(&o.describe()),
            escape(&o.source)
        ));
    }
    h.push_str("</table>\n");
}

/// The pages' style sheet (shared with the sweep report).
pub(crate) const STYLE: &str = "body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1400px;color:#222}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}\
th{background:#f3f3f3}td.n{text-align:right}figure{margin:1em 0}figcaption{color:#555;font-size:.9em}\
svg{max-width:100%;height:auto}pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:.85em}";

/// The report page.
pub fn report_html(
    plan: &Plan,
    summary: &Summary,
    charts: &[Chart],
    manifest: &Manifest,
) -> String {
    let params = plan.params();
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str(&format!(
        "<title>pioneer report: {}</title><style>{STYLE}</style></head><body>\n",
        escape(&params.meta.name)
    ));
    h.push_str(&format!(
        "<h1>{}</h1><p>{}</p><p>{} replications, seed {}, pioneer {}. Achieved dates are the median across replications and the range from 10% to 90% of replications; a replication that had not reached a milestone by the horizon counts as later than any date (\"not reached by horizon\"). Re-plans are the reviews at which the programme moved its planned pilot start later.</p>\n",
        escape(&params.meta.name),
        escape(&params.meta.description),
        summary.replications,
        manifest.seed,
        escape(&manifest.tool_version)
    ));

    // Promised vs delivered.
    h.push_str("<h2>Promised vs delivered</h2>\n<table><tr><th>early adopter</th><th>milestone</th><th>first promised</th><th>latest plan (share of replications when they differ)</th><th>achieved (median)</th><th>10%–90% of replications</th><th>reached by horizon</th></tr>\n");
    for m in summary
        .milestones
        .iter()
        .filter(|m| m.early_adopter == "programme" || m.milestone == "pilot_live")
    {
        let q = &m.achieved_quantiles;
        let (lo, mid, hi) = (
            q.first().copied().flatten(),
            q.get(q.len() / 2).copied().flatten(),
            q.last().copied().flatten(),
        );
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} – {}</td><td class=\"n\">{:.0}%</td></tr>\n",
            escape(&m.early_adopter),
            escape(&m.milestone),
            m.first_planned
                .map_or("—".to_string(), |d| d.format("%Y-%m-%d").to_string()),
            escape(&latest_plan_text(&m.latest_planned)),
            date(mid),
            date(lo),
            date(hi),
            m.achieved_share * 100.0
        ));
    }
    let eas = plan.eas.len();
    h.push_str("</table>\n<h2>Early adopters live at checkpoints</h2>\n<table><tr><th>date</th><th>median (early adopters)</th><th>10%–90% of replications</th><th>mean</th></tr>\n");
    for c in &summary.go_live {
        let q = &c.live_quantiles;
        let at = |i: usize| q.get(i).copied().unwrap_or(f64::NAN);
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}</td></tr>\n",
            c.date,
            count_of(at(q.len() / 2), eas),
            count_range(at(0), at(q.len().saturating_sub(1))),
            c.live_mean
        ));
    }
    h.push_str("</table>\n<h2>Central hours</h2>\n<table><tr><th>use</th><th>mean hours</th><th>mean share</th></tr>\n");
    for c in &summary.central_hours {
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{:.0}</td><td class=\"n\">{:.1}%</td></tr>\n",
            escape(&c.category),
            c.hours_mean,
            c.share_mean * 100.0
        ));
    }
    h.push_str("</table>\n<h2>Money</h2>\n");
    let f = &summary.funding;
    h.push_str(&format!(
        "<p>Last budget year: {}. {}</p>\n",
        escape(f.last_budget_year.as_deref().unwrap_or("none given")),
        match (f.wound_down_from, f.last_budget_carried_forward) {
            (Some(d), _) => format!("No budget after it: the programme winds down from {d} (no team, consultancy or local money); later results show the wind-down, not inputs."),
            (None, true) => "The horizon runs past it: the last budget is carried forward (an assumption, switch <code>wind_down</code> off).".to_string(),
            (None, false) => "Funded to the horizon.".to_string(),
        }
    ));
    h.push_str("<table><tr><th>financial year</th><th>central unspent (mean)</th><th>local unspent (mean)</th></tr>\n");
    for u in &summary.unspent {
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            escape(&u.financial_year),
            gbp(u.central_gbp_mean),
            gbp(u.local_gbp_mean)
        ));
    }
    h.push_str("</table>\n");
    observed_facts(plan, &mut h);
    h.push_str("<h2>Charts</h2>\n");
    for c in charts {
        h.push_str(&format!(
            "<figure id=\"{}\">{}<figcaption>{}</figcaption></figure>\n",
            c.name,
            // The SVG document, inline (its XML prolog-free root element).
            c.svg.trim(),
            escape(&c.title)
        ));
    }

    glossary(plan, &mut h);

    // Key assumptions.
    let tt = &params.timetable;
    h.push_str("<h2>Key assumptions</h2>\n<table>\n");
    let mut row = |k: &str, v: String| {
        h.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            escape(k),
            escape(&v)
        ))
    };
    row(
        "timetable (first promise)",
        format!(
            "co-design {}, toolkit {}, sign-off {}, pilot start {}, wider roll-out {}",
            tt.codesign_complete,
            tt.toolkit_published,
            tt.ea_signed_off,
            tt.pilot_start,
            tt.wider_rollout
        ),
    );
    row(
        "re-planning",
        format!(
            "{:?} policy, every {} weeks, optimism {}",
            params.replanning.policy,
            params.replanning.review_every_weeks,
            params.replanning.optimism
        ),
    );
    let consultancy: f64 = params
        .consultancy
        .contracts
        .iter()
        .map(|c| c.amount_gbp)
        .sum();
    row(
        "consultancy",
        format!(
            "£{:.1}m in {} contract(s) at £{}/day",
            consultancy / 1e6,
            params.consultancy.contracts.len(),
            params.consultancy.day_rate_gbp
        ),
    );
    for b in &params.budget {
        row(
            &format!("budget {}/{}", b.starts, (b.starts + 1) % 100),
            format!(
                "central £{:.2}m, local £{:.2}m",
                b.central_gbp / 1e6,
                b.local_gbp / 1e6
            ),
        );
    }
    row(
        "national barriers",
        params
            .barriers
            .iter()
            .map(|b| {
                format!(
                    "{} (removal {}/year, efficiency {})",
                    b.id, b.removal_hazard_per_year, b.efficiency
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    );
    row(
        "outcome promise",
        if params.outcomes.promised_reduction > 0.0 {
            format!(
                "{:.0}% fewer emergency admissions by {}",
                params.outcomes.promised_reduction * 100.0,
                params
                    .outcomes
                    .promised_by
                    .map_or("—".to_string(), |d| d.to_string())
            )
        } else {
            "none".into()
        },
    );
    // In alphabetical order, as the report has always listed them.
    let mut off: Vec<&str> = params
        .switches
        .named()
        .into_iter()
        .filter(|&(_, on)| !on)
        .map(|(k, _)| k)
        .collect();
    off.sort_unstable();
    row(
        "mechanisms switched off",
        if off.is_empty() {
            "none".into()
        } else {
            off.join(", ")
        },
    );
    // The manifest without the command line (which varies with, e.g.,
    // --threads and --out, while the report must not: same scenario and seed,
    // same bytes); manifest.json beside the report has it.
    h.push_str("</table>\n<h2>Manifest</h2>\n<pre>");
    let mut shown = serde_json::to_value(manifest).unwrap_or_default();
    if let Some(o) = shown.as_object_mut() {
        o.remove("command_line");
        o.remove("files");
    }
    h.push_str(&escape(
        &serde_json::to_string_pretty(&shown).unwrap_or_default(),
    ));
    h.push_str("</pre>\n</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup() {
        assert_eq!(
            escape("a<b & \"c\">'"),
            "a&lt;b &amp; &quot;c&quot;&gt;&#39;"
        );
    }
}
