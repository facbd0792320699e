//! A counterfactual from code: switch national barriers off and compare the
//! number of early adopters live by the end of April 2015, with the same
//! seeds in both arms (common random numbers).
//!
//! `cargo run --release --example counterfactual`

use chrono::NaiveDate;
use pioneer::scenario::DEFAULT_SCENARIO;
use pioneer::{run_ensemble, EnsembleSpec, Plan, Scenario};

fn live_by(plan: &Plan, date: NaiveDate) -> f64 {
    let results = run_ensemble(
        plan,
        EnsembleSpec {
            seed: 7,
            replications: 200,
        },
        || {},
    );
    results
        .iter()
        .map(|r| r.live_by(&plan.calendar, date) as f64)
        .sum::<f64>()
        / results.len() as f64
}

fn main() {
    let date = NaiveDate::from_ymd_opt(2015, 4, 30).expect("valid date");
    let base = Scenario::default_nwl();
    let mut raw = base.raw().clone();
    raw.switches.national_barriers = false;
    let no_barriers =
        Scenario::from_raw(raw, DEFAULT_SCENARIO, "no national barriers").expect("still valid");
    let a = live_by(&Plan::new(&base), date);
    let b = live_by(&Plan::new(&no_barriers), date);
    println!("early adopters live by {date}: baseline {a:.2}, no national barriers {b:.2}, difference {:+.2}", b - a);
}
