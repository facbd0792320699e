//! ODD §7.17: general practice as it was. A GP practice must be *aware* of
//! the programme before it gives it hours or volunteers to pilot; awareness
//! is a state of its own, distinct from engagement and from involvement
//! (C2: only a core of GP leaders, mostly CCG governing-body members, was
//! engaged; frontline GPs were detached). Central co-design does not make
//! practices aware (C5). Practices become aware through contact:
//!
//! - the early adopters' **local working sessions** on the model of care
//!   (a.6: early April – mid-May 2014, four planned per early adopter, about
//!   six in ten held; 2–3 hours each): each member practice comes with
//!   probability `session_practice_share`;
//! - the early adopter's **GP network**, a group between its practices and
//!   the programme, which meets every `network_meeting_every_weeks` once
//!   `gp_network_formed` is achieved: each member practice comes with
//!   probability equal to its engagement. Networks were designed by the
//!   commissioners, not grown by general practice (B4), so a meeting gives
//!   only the ordinary contact gain of its hours to engagement;
//! - the **cascade** from the CCG's governing-body GPs (the CCG agents) to
//!   the practices of the CCG's early adopters: each week each link makes an
//!   unaware practice aware with probability `cascade_rate`. Leaders assumed
//!   the cascade would carry the programme to general practice; it did not
//!   (C3, C6), so the realised rate is small (assumption, not fitted). The
//!   rate they assumed, `assumed_cascade_rate`, drives only the expected
//!   awareness series `gp_aware_share_assumed`, the plan against which the
//!   realised awareness can be read.
//!
//! Practices that sit on a body (a co-design working group, a steering
//! committee as network lead) are aware from the start. Awareness never
//! decreases (no forgetting is modelled). Session and network hours are
//! meetings: they come first in the week and count as the practice's
//! programme hours (involvement) and as contact, not as milestone work.
//! Switches: `gp_awareness` (off: every practice aware from the start, no
//! sessions or network meetings — the model without this submodel),
//! `gp_sessions`, `gp_networks`, `gp_cascade`.

use rand::Rng;
use rand_distr::{Distribution, Geometric};

use super::meetings::MEETING_WINDOW_WEEKS;
use super::observation::is_involved;
use super::World;
use crate::engine::plan::Plan;
use crate::engine::rng::{replication_stream, Purpose, Stream, PROGRAMME};
use crate::model::calendar::Tick;
use crate::model::AgentKind;
use crate::observe::{Metric, SeriesLayout};

/// Milestone whose achievement forms an early adopter's GP network.
const NETWORK_MILESTONE: &str = "gp_network_formed";

/// General practice state of one replication.
pub(super) struct GpState {
    /// Planned local working sessions `(tick, early adopter)`, by tick.
    sessions: Vec<(Tick, usize)>,
    /// Index of the next session not yet due.
    next_session: usize,
    /// Journey index of `gp_network_formed`, if the journey has it.
    network_milestone: Option<usize>,
    /// Week from which board GPs cascade (co-design starts, C6).
    cascade_from: Tick,
    /// The cascade's reach, drawn at the start: `(week, practice)` for each
    /// practice that a board link reaches within the horizon, at the first
    /// week any of its links succeeds, by week.
    cascade: Vec<(Tick, usize)>,
    /// Index of the next cascade arrival not yet due.
    next_cascade: usize,
    /// Per practice (in agent order, offset by the first practice): number
    /// of board links and whether it was aware at the start.
    start: Vec<(u32, bool)>,
    sessions_rng: Stream,
    networks_rng: Stream,
    /// Practices' session and network hours this week, recorded after meetings.
    this_week: Vec<(usize, f64)>,
    /// The largest number of board links of a practice.
    max_links: u32,
    /// Scratch: the expected reach of the cascade by number of links.
    reach_by_links: Vec<f64>,
}

/// Weeks of the `n` sessions spread evenly over the window `[from, to]`
/// (ticks, inclusive): session k falls `k/n` of the way through it.
pub(super) fn session_ticks(from: Tick, to: Tick, n: u32) -> Vec<Tick> {
    let span = to.saturating_sub(from) + 1;
    (0..n)
        .map(|k| from + (k as u64 * span as u64 / n.max(1) as u64) as Tick)
        .collect()
}

/// Probability that a practice with `links` board links, unaware at the
/// start, is aware after `weeks` weeks of a cascade at `rate` a week.
pub(super) fn cascade_reach(rate: f64, links: u32, weeks: u32) -> f64 {
    1.0 - (1.0 - rate).powf(links as f64 * weeks as f64)
}

/// When the board GPs' cascade reaches each practice (C3, C6): each link
/// (a CCG's list of practices) succeeds with probability `rate` in each week
/// from `from`, independently of every other link and week, so the week of a
/// link's first success is `from` plus a geometric number of failures; a
/// practice is reached at the first success of any of its links. One draw
/// per (link, practice) pair, in link order, whatever the outcome; returns
/// `(week, practice)` for the practices reached by week `last`, by week and
/// then practice. Distributed as a weekly draw per link and unaware
/// practice (ODD §7.17), at one draw per pair instead of one per pair and
/// week.
pub(super) fn cascade_arrivals<'a, R: Rng>(
    links: impl Iterator<Item = &'a [usize]>,
    from: Tick,
    last: Tick,
    rate: f64,
    rng: &mut R,
) -> Vec<(Tick, usize)> {
    let Ok(failures) = Geometric::new(rate.clamp(0.0, 1.0)) else {
        return Vec::new();
    };
    let mut first: Vec<(usize, Tick)> = Vec::new();
    for practices in links {
        for &p in practices {
            let k = failures.sample(rng);
            let week = u64::from(from).saturating_add(k);
            if week <= u64::from(last) {
                first.push((p, week as Tick));
            }
        }
    }
    // The earliest success of each practice's links.
    first.sort_unstable();
    first.dedup_by_key(|&mut (p, _)| p);
    let mut arrivals: Vec<(Tick, usize)> = first.into_iter().map(|(p, w)| (w, p)).collect();
    arrivals.sort_unstable();
    arrivals
}

/// Whether a practice starts aware: it sits on a body of the programme.
fn starts_aware(plan: &Plan) -> Vec<bool> {
    let mut aware: Vec<bool> = plan.agents.iter().map(|a| a.codesign).collect();
    for b in &plan.bodies {
        for &m in &b.members {
            aware[m.index()] = true;
        }
    }
    aware
}

impl GpState {
    pub fn new(plan: &Plan, master_seed: u64, replication: u64) -> GpState {
        let params = plan.params();
        let g = &params.general_practice;
        let last = plan.calendar.weeks().saturating_sub(1) as Tick;
        let (from, to) = (plan.tick_of(g.sessions_from), plan.tick_of(g.sessions_to));
        let mut sessions: Vec<(Tick, usize)> = (0..plan.eas.len())
            .flat_map(|e| {
                session_ticks(from, to, g.sessions_per_ea)
                    .into_iter()
                    .filter(move |&t| t <= last)
                    .map(move |t| (t, e))
            })
            .collect();
        sessions.sort_unstable();
        let links: Vec<(usize, Vec<usize>)> = plan
            .agents
            .iter()
            .enumerate()
            .filter(|(_, a)| a.kind == AgentKind::Ccg)
            .map(|(i, a)| {
                let mut ps: Vec<usize> = a
                    .eas
                    .iter()
                    .flat_map(|e| plan.eas[e.index()].practices.iter().map(|p| p.index()))
                    .collect();
                ps.sort_unstable();
                ps.dedup();
                (i, ps)
            })
            .collect();
        let (first, n) = plan.kind_ranges[AgentKind::GpPractice.index()];
        let aware = starts_aware(plan);
        let mut start: Vec<(u32, bool)> =
            (first..first + n).map(|p| (0, aware[p as usize])).collect();
        for (_, ps) in &links {
            for &p in ps {
                start[p - first as usize].0 += 1;
            }
        }
        let cascade_from = plan.tick_of(params.codesign.start);
        let mut cascade_rng =
            replication_stream(master_seed, replication, PROGRAMME, Purpose::GpCascade);
        let cascade = cascade_arrivals(
            links.iter().map(|(_, ps)| ps.as_slice()),
            cascade_from,
            last,
            g.cascade_rate,
            &mut cascade_rng,
        );
        GpState {
            sessions,
            next_session: 0,
            network_milestone: plan.journey.iter().position(|m| m.id == NETWORK_MILESTONE),
            cascade_from,
            cascade,
            next_cascade: 0,
            sessions_rng: replication_stream(
                master_seed,
                replication,
                PROGRAMME,
                Purpose::GpSessions,
            ),
            networks_rng: replication_stream(
                master_seed,
                replication,
                PROGRAMME,
                Purpose::GpNetworks,
            ),
            this_week: Vec::new(),
            max_links: start.iter().map(|&(l, _)| l).max().unwrap_or(0),
            reach_by_links: Vec::new(),
            start,
        }
    }
}

/// Every agent's awareness at the start: with `gp_awareness` on, a practice
/// is aware only if it sits on a body; every other agent is aware.
pub(super) fn initial_awareness(plan: &Plan) -> Vec<bool> {
    if !plan.params().switches.gp_awareness {
        return vec![true; plan.agents.len()];
    }
    starts_aware(plan)
        .into_iter()
        .zip(&plan.agents)
        .map(|(aware, a)| aware || a.kind != AgentKind::GpPractice)
        .collect()
}

impl World<'_> {
    /// Phase 2, after meeting attendance (sequential): this week's local
    /// working sessions, GP network meetings and cascade. Attending practices
    /// become aware and their hours are reserved like meeting hours.
    pub(super) fn gp_contact(&mut self) {
        let plan = self.plan;
        let params = plan.params();
        let sw = &params.switches;
        let g = &params.general_practice;
        let t = self.tick;
        let slot = t as usize % MEETING_WINDOW_WEEKS;
        self.gp.this_week.clear();
        if !sw.gp_awareness {
            return;
        }
        // Local working sessions (a.6).
        while let Some(&(st, e)) = self.gp.sessions.get(self.gp.next_session) {
            if st > t {
                break;
            }
            self.gp.next_session += 1;
            if st < t || !sw.gp_sessions {
                continue;
            }
            // Every draw is made whether or not the session is held, so
            // changing the held share does not shift the attendance draws.
            let held = self.gp.sessions_rng.random::<f64>() < g.session_held_share;
            for &p in &plan.eas[e].practices {
                let comes = self.gp.sessions_rng.random::<f64>() < g.session_practice_share;
                if held && comes {
                    self.gp_attend(p.index(), g.session_hours, slot);
                }
            }
        }
        // GP network meetings (B4).
        if let (true, Some(m)) = (sw.gp_networks, self.gp.network_milestone) {
            let every = g.network_meeting_every_weeks;
            for e in 0..self.eas.len() {
                let meets =
                    self.eas[e].achieved[m].is_some_and(|a| t > a && (t - a).is_multiple_of(every));
                if !meets {
                    continue;
                }
                for &p in &plan.eas[e].practices {
                    let u = self.gp.networks_rng.random::<f64>();
                    if u < self.agents[p.index()].engagement {
                        self.gp_attend(p.index(), g.network_meeting_hours, slot);
                    }
                }
            }
        }
        // The board GPs' cascade (C3, C6), drawn at the start.
        while let Some(&(week, p)) = self.gp.cascade.get(self.gp.next_cascade) {
            if week > t {
                break;
            }
            self.gp.next_cascade += 1;
            if sw.gp_cascade {
                self.aware[p] = true;
            }
        }
    }

    /// Practice `p` comes to a session or network meeting of `hours`.
    fn gp_attend(&mut self, p: usize, hours: f64, slot: usize) {
        self.aware[p] = true;
        let a = &mut self.agents[p];
        a.meeting_hours += hours;
        a.recent_meeting_hours[slot] += hours;
        self.gp.this_week.push((p, hours));
    }

    /// Phase 4, after the bodies' meetings: this week's session and network
    /// hours become the practices' programme hours and recorded meeting hours.
    pub(super) fn record_gp_contact(&mut self) {
        for &(p, h) in &self.gp.this_week {
            self.agents[p].period_hours += h;
            self.record.add_meeting(AgentKind::GpPractice, h);
        }
    }

    /// End of a recording period (before programme hours are reset): the
    /// shares of practices aware, expected aware and involved.
    pub(super) fn record_gp_period(&mut self, base: usize, weeks: f64) {
        let plan = self.plan;
        let params = plan.params();
        let (first, n) = plan.kind_ranges[AgentKind::GpPractice.index()];
        if n == 0 {
            return;
        }
        let range = first as usize..(first + n) as usize;
        let aware = self.aware[range].iter().filter(|&&a| a).count() as f64 / n as f64;
        let assumed = if params.switches.gp_awareness {
            let weeks_cascading = (self.tick + 1).saturating_sub(self.gp.cascade_from);
            let r = params.general_practice.assumed_cascade_rate;
            // Practices share a few link counts: one reach per count.
            let reach = &mut self.gp.reach_by_links;
            reach.clear();
            reach.extend((0..=self.gp.max_links).map(|l| cascade_reach(r, l, weeks_cascading)));
            self.gp
                .start
                .iter()
                .map(|&(links, a)| if a { 1.0 } else { reach[links as usize] })
                .sum::<f64>()
                / n as f64
        } else {
            1.0
        };
        let share = params.effort.involvement_share;
        let per_ea: Vec<(f64, f64)> = plan
            .eas
            .iter()
            .map(|ea| {
                let np = ea.practices.len().max(1) as f64;
                let (mut aw, mut inv) = (0.0, 0.0);
                for &p in &ea.practices {
                    let a = &self.agents[p.index()];
                    if self.aware[p.index()] {
                        aw += 1.0;
                    }
                    if is_involved(a.period_hours, a.programme_capacity * weeks, share) {
                        inv += 1.0;
                    }
                }
                (aw / np, inv / np)
            })
            .collect();
        let n_series = plan.series.len();
        let row = &mut self.record.result.series[base..base + n_series];
        row[SeriesLayout::programme_metric(Metric::GpAwareShare)] = aware;
        row[SeriesLayout::programme_metric(Metric::GpAwareShareAssumed)] = assumed;
        for (e, (aw, inv)) in per_ea.into_iter().enumerate() {
            row[SeriesLayout::ea_metric(e, Metric::GpAwareShare)] = aw;
            row[SeriesLayout::ea_metric(e, Metric::GpInvolvedShare)] = inv;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{cascade_arrivals, cascade_reach, session_ticks};
    use crate::engine::rng::{replication_stream, Purpose};

    #[test]
    fn cascade_arrivals_reach_practices_as_the_weekly_cascade_would() {
        // 20,000 practices, half with one board link and half with two (the
        // second link lists the second half again), rate 0.03 from week 5 to
        // week 60. The share reached by week t must be the weekly cascade's
        // reach, 1 - (1 - rate)^(links x weeks cascading); each share is a
        // mean of 10,000 Bernoulli trials, standard error at most 0.005, so
        // 0.025 is five of them.
        let n = 20_000;
        let first: Vec<usize> = (0..n).collect();
        let second: Vec<usize> = (n / 2..n).collect();
        let links = [first.as_slice(), second.as_slice()];
        let mut rng = replication_stream(3, 0, 0, Purpose::GpCascade);
        let arrivals = cascade_arrivals(links.into_iter(), 5, 60, 0.03, &mut rng);
        assert!(
            arrivals.windows(2).all(|w| w[0] < w[1]),
            "by week, once each"
        );
        assert!(arrivals.iter().all(|&(w, _)| (5..=60).contains(&w)));
        for t in [5, 10, 30, 60] {
            for (links, range) in [(1, 0..n / 2), (2, n / 2..n)] {
                let reached = arrivals
                    .iter()
                    .filter(|&&(w, p)| w <= t && range.contains(&p))
                    .count() as f64
                    / (n / 2) as f64;
                let expected = cascade_reach(0.03, links, t - 5 + 1);
                assert!(
                    (reached - expected).abs() < 0.025,
                    "week {t}, {links} links: {reached} against {expected}"
                );
            }
        }
        // Rate 0 reaches no one; rate 1 reaches every practice in the first week.
        let none = cascade_arrivals(links.into_iter(), 5, 60, 0.0, &mut rng);
        assert!(none.is_empty());
        let all = cascade_arrivals(links.into_iter(), 5, 60, 1.0, &mut rng);
        assert_eq!(all.len(), n);
        assert!(all.iter().all(|&(w, _)| w == 5));
    }

    #[test]
    fn sessions_spread_over_the_window_from_its_first_week() {
        assert_eq!(session_ticks(40, 45, 4), vec![40, 41, 43, 44]);
        assert_eq!(session_ticks(40, 40, 2), vec![40, 40]);
        assert!(session_ticks(40, 45, 0).is_empty());
    }

    #[test]
    fn cascade_reach_grows_with_weeks_and_links_and_stays_a_share() {
        assert_eq!(cascade_reach(0.1, 1, 0), 0.0);
        assert_eq!(cascade_reach(0.0, 3, 100), 0.0);
        assert!((cascade_reach(0.1, 1, 1) - 0.1).abs() < 1e-12);
        assert!(cascade_reach(0.1, 2, 5) > cascade_reach(0.1, 1, 5));
        assert!(cascade_reach(0.5, 3, 1000) <= 1.0);
    }
}
