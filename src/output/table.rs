//! The readable promised-vs-delivered table printed by `pioneer run`.

use std::fmt::Write;

use chrono::NaiveDate;

use super::summary::{count, count_of, count_range, latest_plan_text, MilestoneSummary, Summary};

/// A date, or `not by horizon` for a quantile of replications that had not
/// reached the milestone by the end of the simulated period.
fn d(x: Option<NaiveDate>) -> String {
    x.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "not by horizon".into())
}

fn pct(q: f64) -> String {
    format!("{}%", (q * 100.0).round())
}

/// The latest-plan cell: the date when replications agree, else a pointer
/// to the footnote listing every date with its share.
fn latest_cell(m: &MilestoneSummary) -> String {
    match m.latest_planned.as_slice() {
        [] => "—".into(),
        [(d, _)] => d.format("%Y-%m-%d").to_string(),
        _ => "split, see *".into(),
    }
}

fn row(out: &mut String, label: &str, m: &MilestoneSummary, lo: usize, mid: usize, hi: usize) {
    let range = format!(
        "{} – {}",
        d(m.achieved_quantiles[lo]),
        d(m.achieved_quantiles[hi])
    );
    let _ = writeln!(
        out,
        "  {:<26} {:<12} {:<13} {:<15} {:<33} {:>4.0}%",
        label,
        m.first_planned
            .map_or("—".into(), |d| d.format("%Y-%m-%d").to_string()),
        latest_cell(m),
        d(m.achieved_quantiles[mid]),
        range,
        m.achieved_share * 100.0
    );
}

/// The label of a milestone's row in a section, or None if it is not in it.
type RowLabel = dyn Fn(&MilestoneSummary) -> Option<&str>;

/// Renders the summary table.
pub fn render(summary: &Summary, seed: u64) -> String {
    let qs = &summary.quantiles;
    let (lo, hi) = (0, qs.len().saturating_sub(1));
    let mid = qs
        .iter()
        .position(|&q| (q - 0.5).abs() < 1e-9)
        .unwrap_or(qs.len() / 2);
    let eas = summary
        .milestones
        .iter()
        .filter(|m| m.early_adopter != "programme" && m.milestone == "pilot_live")
        .count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "pioneer: scenario `{}`, {} replications, seed {}",
        summary.scenario, summary.replications, seed
    );
    let _ = writeln!(out);
    let header = format!(
        "  {:<26} {:<12} {:<13} {:<15} {:<33} {:>5}",
        "",
        "promised",
        "latest plan",
        "median",
        format!("{}–{} of replications", pct(qs[lo]), pct(qs[hi])),
        "reached"
    );
    let sections: [(&str, Box<RowLabel>); 2] = [
        (
            "Programme milestones (first promised date, latest plan, simulated achievement)",
            Box::new(|m| (m.early_adopter == "programme").then_some(m.milestone.as_str())),
        ),
        (
            "Early adopters: first people receiving care under the new model (pilot_live)",
            Box::new(|m| {
                (m.early_adopter != "programme" && m.milestone == "pilot_live")
                    .then_some(m.early_adopter.as_str())
            }),
        ),
    ];
    for (title, label_of) in &sections {
        let _ = writeln!(out, "{title}");
        let _ = writeln!(out, "{header}");
        let mut split = Vec::new();
        for m in &summary.milestones {
            if let Some(label) = label_of(m) {
                row(&mut out, label, m, lo, mid, hi);
                if m.latest_planned.len() > 1 {
                    split.push((label, latest_plan_text(&m.latest_planned)));
                }
            }
        }
        let _ = writeln!(out);
        if !split.is_empty() {
            let _ = writeln!(
                out,
                "* Latest plans that differ between replications (share of replications):"
            );
            for (label, text) in split {
                let _ = writeln!(out, "  {label}: {text}");
            }
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(
        out,
        "Early adopters live (median, {}–{} of replications, mean)",
        pct(qs[lo]),
        pct(qs[hi])
    );
    for c in &summary.go_live {
        let _ = writeln!(
            out,
            "  by {}   {:<10} [{}]   mean {:.2}",
            c.date.format("%Y-%m-%d"),
            count_of(c.live_quantiles[mid], eas),
            count_range(c.live_quantiles[lo], c.live_quantiles[hi]),
            c.live_mean
        );
    }
    if !summary.replans_quantiles.is_empty() {
        let _ = writeln!(
            out,
            "\nRe-plans (reviews that moved the planned pilot start later): median {} [{}]",
            count(summary.replans_quantiles[mid]),
            count_range(summary.replans_quantiles[lo], summary.replans_quantiles[hi])
        );
    }
    if !summary.central_hours.is_empty() {
        let _ = write!(out, "\nCentral hours (mean share):");
        for c in &summary.central_hours {
            let _ = write!(out, " {} {:.0}%", c.category, c.share_mean * 100.0);
        }
        let _ = writeln!(out);
    }
    if !summary.general_practice.is_empty() {
        let _ = write!(
            out,
            "GP practices (mean share aware [leaders' assumption] / involved):"
        );
        for g in &summary.general_practice {
            let _ = write!(
                out,
                " {} {:.0}% [{:.0}%] / {:.0}%",
                g.date.format("%Y-%m-%d"),
                g.aware_mean * 100.0,
                g.aware_assumed_mean * 100.0,
                g.involved_mean * 100.0
            );
        }
        let _ = writeln!(out);
    }
    let f = &summary.funding;
    if let Some(d) = f.wound_down_from {
        let _ = writeln!(
            out,
            "Funding ends: no budget after {}; the programme winds down from {}",
            f.last_budget_year.as_deref().unwrap_or("-"),
            d.format("%Y-%m-%d")
        );
    } else if f.last_budget_carried_forward {
        let _ = writeln!(
            out,
            "Funding: the horizon runs past the last budget ({}); it is carried forward",
            f.last_budget_year.as_deref().unwrap_or("-")
        );
    }
    out
}
