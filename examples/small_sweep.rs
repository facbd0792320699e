//! A small parameter sweep from code: a Latin hypercube over two levers,
//! streamed to a temporary directory, then the per-point means read back.
//!
//! `cargo run --release --example small_sweep`

use pioneer::output::target::{OutputDir, Policy};
use pioneer::sweep::results::point_means;
use pioneer::sweep::runner::run;
use pioneer::sweep::{Design, Shard, Sweep};

const SWEEP: &str = r#"
[sweep]
name = "small"
replications = 10
seed = 3

[design]
kind = "latin_hypercube"
samples = 8

[[parameters]]
name = "consultancy_factor"
paths = ["consultancy.contracts[0].amount_gbp", "consultancy.contracts[1].amount_gbp"]
relative = true
min = 0.0
max = 1.5

[[parameters]]
path = "replanning.optimism"
min = 0.0
max = 0.8

[record]
outputs = ["programme_slip_weeks", "live_by:2015-04-01"]
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // No `scenario` key: the sweep varies the embedded North West London default.
    let sweep = Sweep::from_toml(SWEEP, "small_sweep.toml", std::path::Path::new("."))?;
    let design = Design::build(&sweep)?;
    let dir = std::env::temp_dir().join(format!("pioneer-small-sweep-{}", std::process::id()));
    let out = OutputDir::at(&dir, Policy::New)?;
    let outcome = run(&sweep, &design, &out, Shard::WHOLE, vec![], |_, _| {})?;
    let means = point_means(&dir, &outcome.manifest)?;
    println!(
        "{:>20} {:>10} {:>22} {:>18}",
        "consultancy_factor", "optimism", "programme slip (wk)", "live by Apr 2015"
    );
    for (values, m) in design.values.iter().zip(&means) {
        println!(
            "{:>20.2} {:>10.2} {:>22.1} {:>18.2}",
            values[0], values[1], m[0], m[1]
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
