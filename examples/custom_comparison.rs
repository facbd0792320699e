//! A custom comparison from code: the default scenario against two versions
//! changed in memory (national barriers removed; consultancy doubled but
//! still capped by the central budget), under common random numbers.
//!
//! `cargo run --release --example custom_comparison`

use pioneer::compare::{compare, format_value};
use pioneer::Scenario;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = Scenario::default_nwl();

    let mut raw = base.raw().clone();
    raw.meta.name = "no_barriers".into();
    raw.switches.national_barriers = false;
    let no_barriers = Scenario::from_raw(raw, "", "in memory")?;

    let mut raw = base.raw().clone();
    raw.meta.name = "double_consultancy".into();
    for c in &mut raw.consultancy.contracts {
        c.amount_gbp *= 2.0;
    }
    let double_consultancy = Scenario::from_raw(raw, "", "in memory")?;

    let c = compare(&[base, no_barriers, double_consultancy], 7, 100)?;
    for row in c
        .rows
        .iter()
        .filter(|r| r.output == "first_go_live_date" || r.output == "programme_slip_weeks")
    {
        println!("{}", row.output);
        for (i, name) in c.names.iter().enumerate() {
            let median = format_value(&c, row, row.quantiles[i][1]);
            match row.difference[i] {
                Some(d) => println!("  {name:<20} {median:>12}   {:+.1} weeks vs baseline", d[1]),
                None => println!("  {name:<20} {median:>12}   (baseline)"),
            }
        }
    }
    Ok(())
}
