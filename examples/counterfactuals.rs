//! Every mechanism switched off in turn, with common random numbers: which
//! mechanisms carry the delay in the default scenario?
//!
//! `cargo run --release --example counterfactuals [REPLICATIONS]`

use chrono::NaiveDate;
use pioneer::scenario::raw::RawScenario;
use pioneer::scenario::DEFAULT_SCENARIO;
use pioneer::{run_ensemble, EnsembleSpec, Plan, Scenario};

struct Outcome {
    first_live: f64,
    live_apr_2015: f64,
    mean_go_live: f64,
    codesign: f64,
}

fn measure(s: &Scenario, reps: u32) -> Outcome {
    let plan = Plan::new(s);
    let results = run_ensemble(
        &plan,
        EnsembleSpec {
            seed: 2024,
            replications: reps,
        },
        || {},
    );
    let weeks = plan.calendar.weeks() as f64;
    let apr = NaiveDate::from_ymd_opt(2015, 4, 30).expect("valid date");
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let codesign_ix = plan.journey.len();
    Outcome {
        first_live: median(
            results
                .iter()
                .map(|r| {
                    r.go_live
                        .iter()
                        .flatten()
                        .min()
                        .map_or(weeks, |&t| t as f64)
                })
                .collect(),
        ),
        live_apr_2015: results
            .iter()
            .map(|r| r.live_by(&plan.calendar, apr) as f64)
            .sum::<f64>()
            / reps as f64,
        mean_go_live: results
            .iter()
            .map(|r| {
                r.go_live
                    .iter()
                    .map(|g| g.map_or(weeks, |t| t as f64))
                    .sum::<f64>()
                    / r.go_live.len() as f64
            })
            .sum::<f64>()
            / reps as f64,
        codesign: median(
            results
                .iter()
                .map(|r| {
                    r.milestones
                        .iter()
                        .find(|m| m.ea.is_none() && m.milestone == codesign_ix)
                        .and_then(|m| m.achieved)
                        .map_or(weeks, |d| plan.calendar.tick_of(d) as f64)
                })
                .collect(),
        ),
    }
}

fn with_switch_off(base: &RawScenario, name: &str) -> Scenario {
    let mut value = toml::Value::try_from(base).expect("serialisable");
    value["switches"][name] = toml::Value::Boolean(false);
    let raw: RawScenario = value.try_into().expect("still a scenario");
    Scenario::from_raw(raw, DEFAULT_SCENARIO, name).expect("still valid")
}

fn main() {
    let reps: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let base = Scenario::default_nwl();
    let start = Plan::new(&base).calendar.date(0);
    let date = |w: f64| (start + chrono::Duration::days((w * 7.0).round() as i64)).to_string();
    let b = measure(&base, reps);
    println!("{reps} replications per arm, common random numbers (seed 2024)\n");
    println!(
        "{:<28} {:>12} {:>12} {:>14} {:>16}",
        "switched off", "co-design", "first live", "live Apr 2015", "mean go-live Δ"
    );
    println!(
        "{:<28} {:>12} {:>12} {:>14.2} {:>16}",
        "(baseline)",
        date(b.codesign),
        date(b.first_live),
        b.live_apr_2015,
        ""
    );
    let names: Vec<String> = toml::Value::try_from(&base.raw().switches)
        .expect("serialisable")
        .as_table()
        .expect("a table")
        .keys()
        .cloned()
        .collect();
    for name in names {
        let o = measure(&with_switch_off(base.raw(), &name), reps);
        println!(
            "{:<28} {:>12} {:>12} {:>14.2} {:>+13.1} wk",
            name,
            date(o.codesign),
            date(o.first_live),
            o.live_apr_2015,
            o.mean_go_live - b.mean_go_live
        );
    }
}
