//! Run the default scenario from code and print each early adopter's median go-live.
//!
//! `cargo run --release --example run_scenario`

use pioneer::output::summary::Summary;
use pioneer::{run_ensemble, EnsembleSpec, Plan, Scenario};

fn main() {
    let scenario = Scenario::default_nwl();
    let plan = Plan::new(&scenario);
    let results = run_ensemble(
        &plan,
        EnsembleSpec {
            seed: 42,
            replications: 100,
        },
        || {},
    );
    let summary = Summary::new(&plan, &results);
    println!(
        "{:<20} {:>12} {:>8}",
        "early adopter", "median live", "reached"
    );
    for m in summary
        .milestones
        .iter()
        .filter(|m| m.milestone == "pilot_live")
    {
        let median = m.achieved_quantiles[1].map_or("not reached".to_string(), |d| d.to_string());
        println!(
            "{:<20} {:>12} {:>7.0}%",
            m.early_adopter,
            median,
            m.achieved_share * 100.0
        );
    }
}
