//! Named random streams, each keyed by (master seed, replication, agent,
//! purpose), so no draw depends on which thread ran what or on any other
//! stream. Every generator here is portable: the same numbers on every
//! platform and at any thread count.
//!
//! * A replication draws from [`Stream`]s (xoshiro256++: 32 bytes of state,
//!   no set-up cost, about 1 ns a number) made by [`replication_stream`],
//!   one per (agent or programme slot, purpose), consumed in a fixed order.
//! * The weekly availability shock is drawn from a [`WeeklyKey`]: a
//!   counter-based draw, the generator for (key, week) is made afresh from
//!   the two (SplitMix64), so an agent draws only in the weeks it uses the
//!   shock and the draw of week t is the same whatever happened before —
//!   two scenarios compared with common random numbers see the same shock
//!   in the same week even when one agent is busy in one and idle in the
//!   other.
//! * Sweep designs and calibration particles draw from ChaCha8 [`stream`]s
//!   (cryptographic quality, set-up cost irrelevant there).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_xoshiro::{SplitMix64, Xoshiro256PlusPlus};

/// The generator of a replication's sequential streams.
pub type Stream = Xoshiro256PlusPlus;

/// What a stream is for. The numeric codes are part of the reproducibility
/// contract: changing one changes every result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Initial agent attributes.
    Init = 1,
    /// Weekly availability in the decide phase (a counter-based
    /// [`WeeklyKey`]: one generator per agent and week).
    Decide = 2,
    /// Meeting attendance.
    Attend = 3,
    /// National barrier removal.
    Barrier = 4,
    /// Leadership departures.
    Leadership = 5,
    /// Calibration: prior draws and perturbations of one particle slot.
    Calibrate = 6,
    /// Sampling a sweep design (random, Latin hypercube, Morris, bootstrap).
    Sweep = 7,
    /// General practice: which practices come to local working sessions
    /// and whether a session is held.
    GpSessions = 8,
    /// General practice: which practices come to GP network meetings.
    GpNetworks = 9,
    /// General practice: the board GPs' cascade.
    GpCascade = 10,
    /// Early adopters' scope decisions (one stream per early adopter, keyed
    /// by its index in the agent slot).
    Scope = 11,
}

/// The agent slot used for programme-level streams.
pub const PROGRAMME: u64 = u64::MAX;

/// SplitMix64 finaliser: a bijective mix of 64 bits.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The four 64-bit words that key (master seed, replication, agent, purpose).
fn key_words(master: u64, replication: u64, agent: u64, purpose: Purpose) -> [u64; 4] {
    [
        splitmix64(master),
        splitmix64(replication ^ 0x5EED_0000_0000_0001),
        splitmix64(agent ^ 0xA6E7_0000_0000_0002),
        splitmix64(purpose as u64 ^ 0x9E12_0000_0000_0003),
    ]
}

/// The key words as 32 little-endian bytes (a generator seed).
fn key_bytes(master: u64, replication: u64, agent: u64, purpose: Purpose) -> [u8; 32] {
    let mut key = [0u8; 32];
    for (i, w) in key_words(master, replication, agent, purpose)
        .iter()
        .enumerate()
    {
        key[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
    }
    key
}

/// The ChaCha8 generator for (master seed, replication, slot, purpose): sweep
/// designs and calibration particles.
pub fn stream(master: u64, replication: u64, agent: u64, purpose: Purpose) -> ChaCha8Rng {
    ChaCha8Rng::from_seed(key_bytes(master, replication, agent, purpose))
}

/// One 64-bit key mixing (master seed, replication, agent, purpose): each
/// word goes through SplitMix64 before the next is folded in.
fn mixed_key(master: u64, replication: u64, agent: u64, purpose: Purpose) -> u64 {
    let [a, b, c, d] = key_words(master, replication, agent, purpose);
    splitmix64(a ^ splitmix64(b ^ splitmix64(c ^ d)))
}

/// A replication's sequential stream for (master seed, replication, agent,
/// purpose): xoshiro256++ whose 256-bit state is expanded from the mixed key
/// by SplitMix64 (`seed_from_u64`, the seeding its authors recommend). The
/// key words are not used as the state directly: xoshiro's first output
/// depends on two state words only, so streams differing in one word would
/// start alike.
pub fn replication_stream(master: u64, replication: u64, agent: u64, purpose: Purpose) -> Stream {
    Stream::seed_from_u64(mixed_key(master, replication, agent, purpose))
}

/// The key of a counter-based weekly draw for (master seed, replication,
/// agent, purpose): the week's generator is [`WeeklyKey::week`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyKey(u64);

impl WeeklyKey {
    /// The key for (master seed, replication, agent, purpose).
    pub fn new(master: u64, replication: u64, agent: u64, purpose: Purpose) -> WeeklyKey {
        WeeklyKey(mixed_key(master, replication, agent, purpose))
    }

    /// The generator of week `week`: SplitMix64 started at a mix of the key
    /// and the week (one or two numbers are drawn from it).
    pub fn week(self, week: u32) -> SplitMix64 {
        self.at(WeekMix::new(week))
    }

    /// The generator of the week whose mix is `week`: the same generator as
    /// [`WeeklyKey::week`], with the week's half of the mixing done once for
    /// every key drawing that week.
    pub fn at(self, week: WeekMix) -> SplitMix64 {
        SplitMix64::seed_from_u64(splitmix64(self.0 ^ week.0))
    }
}

/// A week's part of the key of every counter-based weekly draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekMix(u64);

impl WeekMix {
    /// The mix of week `week`.
    pub fn new(week: u32) -> WeekMix {
        WeekMix(splitmix64(week as u64 ^ 0x3EE7_0000_0000_0004))
    }
}

/// The seed reported for a replication in outputs (for re-running one alone).
pub fn replication_seed(master: u64, replication: u64) -> u64 {
    splitmix64(master ^ splitmix64(replication))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn splitmix_matches_reference_values() {
        // Reference: SplitMix64 seeded with 0 yields 0xE220A8397B1DCDAF first.
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: u64 = stream(42, 3, 7, Purpose::Decide).random();
        let b: u64 = stream(42, 3, 7, Purpose::Decide).random();
        let c: u64 = stream(42, 3, 7, Purpose::Attend).random();
        let d: u64 = stream(42, 4, 7, Purpose::Decide).random();
        let e: u64 = stream(43, 3, 7, Purpose::Decide).random();
        assert_eq!(a, b);
        assert!(a != c && a != d && a != e && c != d);
    }

    #[test]
    fn replication_streams_are_reproducible_and_distinct() {
        let a: u64 = replication_stream(42, 3, 7, Purpose::Attend).random();
        let b: u64 = replication_stream(42, 3, 7, Purpose::Attend).random();
        let c: u64 = replication_stream(42, 3, 7, Purpose::Init).random();
        let d: u64 = replication_stream(42, 3, 8, Purpose::Attend).random();
        let e: u64 = replication_stream(42, 4, 7, Purpose::Attend).random();
        assert_eq!(a, b);
        assert!(a != c && a != d && a != e && c != d);
    }

    #[test]
    fn first_draws_of_neighbouring_streams_are_independent() {
        // The first uniform of 20,000 agents' streams: mean 0.5 (standard
        // error 0.29/141 = 0.002; 0.01 is 5 of them), variance 1/12, and
        // neighbouring agents uncorrelated (standard error 1/141 = 0.007;
        // 0.035 is 5). Seeding xoshiro with the key words directly fails
        // this: agents' first draws would all be equal.
        for (replication, purpose) in [(0, Purpose::Init), (9, Purpose::Attend)] {
            let xs: Vec<f64> = (0..20_000)
                .map(|a| replication_stream(1, replication, a, purpose).random::<f64>())
                .collect();
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
            let cov = xs
                .windows(2)
                .map(|w| (w[0] - mean) * (w[1] - mean))
                .sum::<f64>()
                / (n - 1.0);
            assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
            assert!((var - 1.0 / 12.0).abs() < 0.005, "variance {var}");
            assert!(
                (cov / var).abs() < 0.035,
                "neighbour correlation {}",
                cov / var
            );
        }
    }

    #[test]
    fn weekly_draws_depend_on_key_and_week_only() {
        let k = WeeklyKey::new(42, 3, 7, Purpose::Decide);
        let w5: u64 = k.week(5).random();
        // Drawing other weeks first changes nothing: counter-based.
        let _: u64 = k.week(4).random();
        assert_eq!(
            w5,
            WeeklyKey::new(42, 3, 7, Purpose::Decide)
                .week(5)
                .random::<u64>()
        );
        assert_eq!(w5, k.at(WeekMix::new(5)).random::<u64>());
        let w6: u64 = k.week(6).random();
        let other: u64 = WeeklyKey::new(42, 3, 8, Purpose::Decide).week(5).random();
        assert!(w5 != w6 && w5 != other);
    }

    #[test]
    fn weekly_draws_are_uniform_over_agents_and_weeks() {
        // 500 agents x 200 weeks of a uniform: the mean of 100,000 uniforms
        // has standard error 0.29/316 = 0.0009; 0.005 is over 5 of them.
        // Neighbouring weeks of one agent are uncorrelated: the lag-1
        // correlation of 99,500 pairs has standard error 0.0032; 0.02 is 6.
        let mut xs = Vec::new();
        for agent in 0..500 {
            let k = WeeklyKey::new(1, 0, agent, Purpose::Decide);
            for w in 0..200 {
                xs.push(k.week(w).random::<f64>());
            }
        }
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        let (mut num, mut den) = (0.0, 0.0);
        for agent in 0..500 {
            let row = &xs[agent * 200..agent * 200 + 200];
            for w in 1..200 {
                num += (row[w] - mean) * (row[w - 1] - mean);
            }
            for x in row {
                den += (x - mean) * (x - mean);
            }
        }
        let rho = num / den;
        assert!(rho.abs() < 0.02, "lag-1 correlation {rho}");
    }
}
