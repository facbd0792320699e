//! General practice as it was (docs/ODD.md §7.17; C2, C3, C5, C6, B4, a.6):
//! awareness distinct from involvement, local working sessions, GP network
//! meetings and the board GPs' cascade. Paired designs (tests/common: same
//! seed and replications, only the switch or parameter differs) with the
//! house 3-SE tolerance of `assert_moves`.

mod common;
use common::*;

/// Index of the recording period containing `iso_date`.
fn period_of(r: &Run, iso_date: &str) -> usize {
    let w = week_of(iso_date);
    r.period_start_weeks
        .iter()
        .rposition(|&s| s <= w)
        .expect("date within the calendar")
}

/// Mean of a series over the periods starting before `iso_date`.
fn mean_before(r: &Run, series: &[f64], iso_date: &str) -> f64 {
    let end = period_of(r, iso_date);
    series[..end].iter().sum::<f64>() / end as f64
}

fn aware_at(r: &Run, iso_date: &str) -> f64 {
    r.gp_aware_share[period_of(r, iso_date)]
}

fn with_cascade_rate(rate: f64, off: &[&str]) -> String {
    scenario(off, |doc| {
        doc["general_practice"]["cascade_rate"] = toml_edit::value(rate);
    })
}

#[test]
fn switch_gp_awareness_off_gives_more_practice_desk_hours_and_earlier_pilots() {
    let on = default_on();
    let off = simulate(&default_without("gp_awareness"), REPS);
    // Off: every practice is aware from the start, so every practice of an
    // active early adopter gives it desk hours; on, unaware practices give
    // none (transactional hours are desk work only, meetings are relational).
    assert_moves(
        "gp_awareness",
        "practices' transactional hours before 2015",
        on,
        &off,
        Direction::Up,
        |r| {
            mean_before(
                r,
                &r.transactional_hours_by_kind["gp_practice"],
                "2015-01-01",
            )
        },
    );
    // ... and every practice is aware all along.
    for r in &off {
        assert!(r.gp_aware_share.iter().all(|&a| a == 1.0));
    }
    // On: fewer practices' hours and fewer aware volunteers for the pilot
    // (the pilot gate needs `pilot_practices` willing, aware practices) make
    // go-live later.
    assert_moves(
        "gp_awareness",
        "mean go-live week",
        on,
        &off,
        Direction::Down,
        mean_go_live,
    );
}

#[test]
fn contact_involves_practices_in_the_months_it_happens() {
    // Sessions and network meetings are programme hours of the practices
    // that come (ODD §7.17): with sessions, more practices are involved over
    // the sessions' window than without them.
    let on = default_on();
    let off = simulate(&default_without("gp_sessions"), REPS);
    let window = |r: &Run| {
        let (a, b) = (period_of(r, "2014-04-15"), period_of(r, "2014-05-15"));
        r.ea_gp_involved_share
            .iter()
            .map(|s| s[a..=b].iter().sum::<f64>())
            .sum::<f64>()
    };
    assert_moves(
        "gp_sessions",
        "practices involved in April–May 2014",
        on,
        &off,
        Direction::Down,
        window,
    );
}

#[test]
fn switch_gp_sessions_raise_awareness_in_their_window_only() {
    let on = default_on();
    let off = simulate(&default_without("gp_sessions"), REPS);
    // Before the window (March 2014) the sessions cannot have acted: the
    // arms are identical to the last bit.
    for (a, b) in on.iter().zip(&off) {
        assert_eq!(aware_at(a, "2014-03-15"), aware_at(b, "2014-03-15"));
    }
    // Over the window (end of March to end of May 2014) awareness jumps with
    // sessions and barely moves without them.
    assert_moves(
        "gp_sessions",
        "rise of the aware share from March to May 2014",
        on,
        &off,
        Direction::Down,
        |r| aware_at(r, "2014-05-20") - aware_at(r, "2014-03-15"),
    );
    for r in on {
        assert!(aware_at(r, "2014-05-20") > aware_at(r, "2014-03-15"));
    }
}

#[test]
fn switch_gp_networks_off_leaves_fewer_practices_aware() {
    let on = default_on();
    let off = simulate(&default_without("gp_networks"), REPS);
    assert_moves(
        "gp_networks",
        "aware share at the end of 2015",
        on,
        &off,
        Direction::Down,
        |r| aware_at(r, "2015-12-15"),
    );
}

#[test]
fn switch_gp_cascade_off_leaves_fewer_practices_aware_more_so_at_a_raised_rate() {
    let on = default_on();
    let off = simulate(&default_without("gp_cascade"), REPS);
    // The default (small) cascade still reaches some practices.
    assert_moves(
        "gp_cascade",
        "aware share at the end of 2014",
        on,
        &off,
        Direction::Down,
        |r| aware_at(r, "2014-12-15"),
    );
    // A cascade at the rate the leaders assumed (both arms raised; only the
    // switch differs) makes many more practices aware.
    let raised = 0.05;
    let on_r = simulate(&with_cascade_rate(raised, &[]), REPS);
    let off_r = simulate(&with_cascade_rate(raised, &["gp_cascade"]), REPS);
    let gain_default = paired(on, &off, |r| aware_at(r, "2014-12-15")).mean;
    let p = paired(&on_r, &off_r, |r| aware_at(r, "2014-12-15"));
    assert!(
        -p.mean > -gain_default + K * p.se,
        "a raised cascade should add more aware practices than the default: {:+.4} vs {:+.4}",
        -p.mean,
        -gain_default
    );
}

#[test]
fn the_assumed_cascade_rate_moves_only_the_expected_awareness() {
    let on = default_on();
    let raised = simulate(
        &scenario(&[], |doc| {
            doc["general_practice"]["assumed_cascade_rate"] = toml_edit::value(0.1);
        }),
        REPS,
    );
    for (a, b) in on.iter().zip(&raised) {
        // What the leaders assumed is not what happened: the simulation is unchanged ...
        assert_eq!(a.go_live_weeks, b.go_live_weeks);
        assert_eq!(a.gp_aware_share, b.gp_aware_share);
        // ... only their expectation is higher (never lower) once co-design started.
        assert!(a
            .gp_aware_share_assumed
            .iter()
            .zip(&b.gp_aware_share_assumed)
            .all(|(x, y)| y >= x));
        assert!(b.gp_aware_share_assumed.last() > a.gp_aware_share_assumed.last());
    }
}

#[test]
fn awareness_is_a_share_never_falls_and_bounds_involvement() {
    for r in default_on() {
        for w in r.gp_aware_share.windows(2) {
            assert!(w[1] >= w[0], "awareness fell: {w:?}");
        }
        assert!(r.gp_aware_share.iter().all(|&a| (0.0..=1.0).contains(&a)));
        // Awareness starts below one: only practices on a body are aware (C2, C5).
        assert!(r.gp_aware_share[0] < 1.0);
        for (aware, involved) in r.ea_gp_aware_share.iter().zip(&r.ea_gp_involved_share) {
            for (a, i) in aware.iter().zip(involved) {
                assert!(a >= i, "more practices involved ({i}) than aware ({a})");
            }
        }
    }
}
