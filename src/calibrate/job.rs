//! A calibration as a job in an output directory, with the behaviour every
//! caller gets (the command line is one): the configuration hash that says
//! whether a directory holds the same calibration, resuming from its
//! checkpoint after an interruption, the outputs written after every
//! generation and at the end, and the seed of the final fit.
//!
//! Files: `checkpoint.json` and `generations.csv` (after every generation),
//! `posterior.csv`, `posterior_summary.csv`, `fit.csv` (at the end) and
//! `manifest.json` (at the start, and again at the end listing the others).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::abc::{self, AbcSettings, AbcState, Problem};
use super::priors::{self, Prior};
use super::report::{self, ParameterSummary, TargetFit};
use super::targets::{self, Target};
use crate::engine::plan::Plan;
use crate::output::export::ExportError;
use crate::output::inputs::Inputs;
use crate::output::manifest::Manifest;
use crate::output::target::{OpenDir, OutputDir, TargetError};
use crate::scenario::locate::KeyPath;
use crate::scenario::{overrides, LoadError, Scenario};
use crate::util::hash::sha256_hex;

/// The checkpoint file (the state after the last completed generation).
pub const CHECKPOINT_FILE: &str = "checkpoint.json";

/// The seed of the final fit of the best-supported parameters: independent
/// of the seeds the calibration simulated with.
pub fn fit_seed(seed: u64) -> u64 {
    crate::engine::rng::splitmix64(seed ^ 0xF17_F17)
}

/// A text input of a calibration (targets or priors) and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// Where it was read from (used in messages and the manifest).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// The calibration's part of `manifest.json` (after the core fields:
/// scenario, seed, replications per parameter set, generator, command line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRecord {
    /// Hash of everything that determines the result except the number of
    /// generations: a directory with the same hash is resumed.
    pub config_hash: String,
    /// Targets file.
    pub targets_path: String,
    /// SHA-256 of the targets file.
    pub targets_sha256: String,
    /// Priors file.
    pub priors_path: String,
    /// SHA-256 of the priors file.
    pub priors_sha256: String,
    /// The settings.
    pub settings: AbcSettings,
    /// Replications of the final fit.
    pub fit_replications: u32,
    /// Seed of the final fit.
    pub fit_seed: u64,
    /// Generations completed (the rejection step is generation 0).
    pub generations_done: usize,
    /// Whether the final outputs are written.
    pub complete: bool,
}

/// Why a calibration failed.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    /// The output directory cannot be used.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// Making an output file failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The checkpoint of the calibration being resumed cannot be read.
    #[error("{path} is damaged: {what}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// Saving after a generation failed.
    #[error("{0}")]
    Save(String),
    /// The best-supported parameters give an invalid scenario.
    #[error("best parameters give an invalid scenario")]
    InvalidBest,
    /// Writing the calibrated values into the scenario text failed.
    #[error("{0}")]
    WriteBack(String),
}

/// A loaded calibration: scenario, targets, priors and settings.
pub struct Calibration {
    /// Base scenario.
    pub scenario: Scenario,
    /// Targets.
    pub targets: Vec<Target>,
    /// Priors.
    pub priors: Vec<Prior>,
    /// ABC settings.
    pub settings: AbcSettings,
    /// Replications of the final fit.
    pub fit_replications: u32,
    targets_source: Source,
    priors_source: Source,
}

impl Calibration {
    /// Loads and validates the targets and priors against the scenario.
    pub fn new(
        scenario: Scenario,
        targets: Source,
        priors: Source,
        settings: AbcSettings,
        fit_replications: u32,
    ) -> Result<Calibration, LoadError> {
        let t = targets::load(&targets.text, &targets.name, &scenario);
        let p = priors::load(&priors.text, &priors.name, &scenario);
        let (t, p) = match (t, p) {
            (Ok(t), Ok(p)) => (t, p),
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        Ok(Calibration {
            scenario,
            targets: t,
            priors: p,
            settings,
            fit_replications: fit_replications.max(1),
            targets_source: targets,
            priors_source: priors,
        })
    }

    /// The problem ABC solves.
    pub fn problem(&self) -> Problem<'_> {
        Problem {
            scenario: &self.scenario,
            priors: &self.priors,
            targets: &self.targets,
        }
    }

    /// Hash of the scenario (with its `--set` overrides, when it has any),
    /// targets, priors and settings except the number of generations (so a
    /// finished calibration can be continued with more).
    pub fn config_hash(&self) -> String {
        let mut hashed = self.settings.clone();
        hashed.generations = 0;
        let mut scenario = self.scenario.content_hash().to_string();
        for o in self.scenario.overrides() {
            scenario.push_str(&format!(" --set {o}"));
        }
        sha256_hex(
            format!(
                "{}\n{}\n{}\n{}",
                scenario,
                sha256_hex(self.targets_source.text.as_bytes()),
                sha256_hex(self.priors_source.text.as_bytes()),
                serde_json::to_string(&hashed).unwrap_or_default()
            )
            .as_bytes(),
        )
    }

    fn manifest(&self, command_line: Vec<String>) -> Manifest<CalibrationRecord> {
        let record = CalibrationRecord {
            config_hash: self.config_hash(),
            targets_path: self.targets_source.name.clone(),
            targets_sha256: sha256_hex(self.targets_source.text.as_bytes()),
            priors_path: self.priors_source.name.clone(),
            priors_sha256: sha256_hex(self.priors_source.text.as_bytes()),
            settings: self.settings.clone(),
            fit_replications: self.fit_replications,
            fit_seed: fit_seed(self.settings.seed),
            generations_done: 0,
            complete: false,
        };
        let mut m = Manifest::new(
            self.settings.seed,
            self.settings.replications,
            command_line,
            record,
        )
        .with_scenario(&self.scenario);
        m.inputs = self.inputs().records();
        m
    }

    /// The input files: the scenario's files, the targets and the priors.
    pub fn inputs(&self) -> Inputs {
        let mut i = Inputs::of_scenario(&self.scenario);
        i.add(
            "targets",
            &self.targets_source.name,
            &self.targets_source.text,
        );
        i.add("priors", &self.priors_source.name, &self.priors_source.text);
        i
    }

    /// Opens the output directory, before anything is simulated: a directory
    /// holding this calibration (same [`Calibration::config_hash`]) is
    /// resumed from its checkpoint; one holding anything else is refused or
    /// replaced as `out`'s policy says.
    pub fn open(
        &self,
        out: &OutputDir,
        command_line: Vec<String>,
    ) -> Result<Job<'_>, CalibrateError> {
        let hash = self.config_hash();
        let mut manifest = self.manifest(command_line);
        // A new directory appears with this manifest in it: killed at any
        // point after, it holds this calibration and resumes.
        let mut dir = out.open_job(
            |m: &Manifest<CalibrationRecord>| {
                if m.extension.config_hash == hash {
                    Ok(())
                } else {
                    Err(
                        "a different calibration (other scenario, targets, priors or settings)"
                            .into(),
                    )
                }
            },
            &manifest,
        )?;
        let resumed = dir.take_previous().is_some();
        let mut state = AbcState {
            config_hash: hash.clone(),
            generations: Vec::new(),
        };
        if resumed {
            let path = dir.path().join(CHECKPOINT_FILE);
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let saved: AbcState =
                        serde_json::from_slice(&bytes).map_err(|e| CalibrateError::Damaged {
                            path: path.clone(),
                            what: e.to_string(),
                        })?;
                    if saved.config_hash != hash {
                        return Err(CalibrateError::Damaged {
                            path,
                            what: "it belongs to another calibration".into(),
                        });
                    }
                    state = saved;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(CalibrateError::Damaged {
                        path,
                        what: e.to_string(),
                    })
                }
            }
        }
        manifest.extension.generations_done = state.generations.len();
        // Resumed only with the same config hash: the same input files.
        for (name, bytes) in self.inputs().files() {
            dir.write_file(&name, &bytes)?;
        }
        dir.write_manifest(&manifest)?;
        Ok(Job {
            calibration: self,
            dir,
            state,
            manifest,
            resumed,
        })
    }

    /// The scenario text `source` (the scenario file as written) with the
    /// best-supported parameter values of `outcome` written in, checked to
    /// load. Comments and layout are kept, except that each calibrated
    /// value's trailing comment is replaced by one naming this calibration's
    /// targets file, the statistic written (the best-supported particle) and
    /// the posterior median and 90% interval; and the file starts with
    /// [`HEADER_MARK`] lines naming the calibration (targets and priors with
    /// their SHA-256, particles, generations, seed, pioneer version and
    /// commit), replacing those of an earlier `--write-scenario`.
    pub fn write_back(
        &self,
        source: &str,
        outcome: &Outcome,
        name: &str,
    ) -> Result<String, CalibrateError> {
        let targets = &self.targets_source.name;
        let assignments: Vec<(KeyPath, f64, Option<String>)> = self
            .priors
            .iter()
            .zip(&outcome.best)
            .enumerate()
            .map(|(k, (p, &x))| {
                let rounded = overrides::is_integer(self.scenario.raw(), &p.path);
                let written = if rounded {
                    format!("best-supported particle ({}, rounded)", sig(x))
                } else {
                    "best-supported particle".to_string()
                };
                let posterior = outcome.summary.get(k).map_or(String::new(), |r| {
                    format!(
                        "; posterior median {}, 90% [{}, {}]",
                        sig(r.median),
                        sig(r.p05),
                        sig(r.p95)
                    )
                });
                (
                    p.path.clone(),
                    x,
                    Some(format!("calibrated to {targets}: {written}{posterior}")),
                )
            })
            .collect();
        let body = overrides::write_into_text_annotated(source, &assignments)
            .map_err(CalibrateError::WriteBack)?;
        let body = mark_stale_comments(source, &body);
        let text = self.header(outcome) + &strip_header(&body);
        Scenario::from_toml(&text, name).map_err(|e| CalibrateError::WriteBack(e.to_string()))?;
        Ok(text)
    }

    /// The [`HEADER_MARK`] lines of a written scenario.
    fn header(&self, outcome: &Outcome) -> String {
        let (t, p) = (&self.targets_source, &self.priors_source);
        format!(
            "{HEADER_MARK} targets {} (SHA-256 {}), priors {} (SHA-256 {}), {} particles, {} generation(s) after the rejection step, {} replications per parameter set, seed {}; pioneer {}.\n{HEADER_MARK} each value it wrote says so in its comment: the best-supported particle, with the posterior median and 90% interval.\n",
            t.name,
            sha256_hex(t.text.as_bytes()),
            p.name,
            sha256_hex(p.text.as_bytes()),
            self.settings.particles,
            outcome.state.generations.len().saturating_sub(1),
            self.settings.replications,
            self.settings.seed,
            crate::output::manifest::version_line(),
        )
    }
}

/// Start of the header lines `--write-scenario` writes.
pub const HEADER_MARK: &str = "# pioneer calibrate:";

/// The text without the [`HEADER_MARK`] lines of an earlier calibration at its top.
fn strip_header(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut top = true;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if top && t.starts_with(HEADER_MARK) {
            continue;
        }
        if !t.is_empty() && !t.starts_with('#') {
            top = false;
        }
        out.push_str(line);
    }
    out
}

/// What `mark_stale_comments` appends to a comment that states a replaced value.
pub const STALE_MARK: &str = "[pioneer calibrate: this states the value before calibration,";

/// `body` (the scenario text `source` with calibrated values written in,
/// line for line) with every own-line comment directly above a changed
/// value line that states the old value marked: `[pioneer calibrate: this
/// states the value before calibration, OLD; now NEW]` is appended to it,
/// once. Other comments are left as written.
fn mark_stale_comments(source: &str, body: &str) -> String {
    let old: Vec<&str> = source.split_inclusive('\n').collect();
    let mut new: Vec<String> = body.split_inclusive('\n').map(str::to_string).collect();
    if old.len() != new.len() {
        return body.to_string();
    }
    // The value text of a `key = value  # comment` line.
    let value = |line: &str| -> Option<String> {
        let code = line.split('#').next()?;
        let (_, v) = code.split_once('=')?;
        Some(v.trim().to_string()).filter(|v| !v.is_empty())
    };
    // A whole token of `comment` equal to `v` (not part of a longer number).
    let states = |comment: &str, v: &str| {
        comment.match_indices(v).any(|(i, _)| {
            let number = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '_';
            let before = comment[..i].chars().next_back().is_none_or(|c| !number(c));
            let after = comment[i + v.len()..].chars().next().is_none_or(|c| {
                !number(c)
                    || c == '.'
                        && comment[i + v.len() + 1..]
                            .chars()
                            .next()
                            .is_none_or(|c| !c.is_ascii_digit())
            });
            before && after
        })
    };
    for i in 0..old.len() {
        if old[i] == new[i] {
            continue;
        }
        let (Some(was), Some(now)) = (value(old[i]), value(&new[i])) else {
            continue;
        };
        if was == now {
            continue;
        }
        let mut j = i;
        while j > 0 && new[j - 1].trim_start().starts_with('#') {
            j -= 1;
            let line = &new[j];
            if line.trim_start().starts_with(HEADER_MARK) || line.contains(STALE_MARK) {
                continue;
            }
            if states(line, &was) {
                let (text, end) = match line.strip_suffix('\n') {
                    Some(t) => (t.trim_end().to_string(), "\n"),
                    None => (line.trim_end().to_string(), ""),
                };
                new[j] = format!("{text} {STALE_MARK} {was}; now {now}]{end}");
            }
        }
    }
    new.concat()
}

/// `x` to 4 significant digits, without trailing zeros.
fn sig(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A calibration opened in its output directory, ready to run (or continue).
pub struct Job<'a> {
    calibration: &'a Calibration,
    dir: OpenDir<CalibrationRecord>,
    state: AbcState,
    manifest: Manifest<CalibrationRecord>,
    resumed: bool,
}

/// What a finished calibration gives.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The output directory.
    pub dir: PathBuf,
    /// Every generation.
    pub state: AbcState,
    /// Posterior summary per parameter.
    pub summary: Vec<ParameterSummary>,
    /// The best-supported parameter values (priors order).
    pub best: Vec<f64>,
    /// Fit of the best-supported parameters to each target.
    pub fits: Vec<TargetFit>,
}

impl Job<'_> {
    /// The output directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Whether the directory held this calibration already (it is continued).
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    /// Generations already done.
    pub fn generations_done(&self) -> usize {
        self.state.generations.len()
    }

    /// Runs the remaining generations, saving the checkpoint and
    /// `generations.csv` after each, then fits the best-supported parameters
    /// and writes the final outputs. `on_evaluation` is called after every
    /// simulated parameter set, `on_generation` after every saved generation.
    pub fn run<E, G>(
        self,
        on_evaluation: E,
        mut on_generation: G,
    ) -> Result<Outcome, CalibrateError>
    where
        E: Fn() + Sync,
        G: FnMut(&AbcState),
    {
        let Job {
            calibration: c,
            dir,
            state,
            mut manifest,
            ..
        } = self;
        let problem = c.problem();
        let state = abc::run(&problem, &c.settings, state, on_evaluation, |s| {
            let bytes = serde_json::to_vec(s).map_err(|e| e.to_string())?;
            dir.write_file(CHECKPOINT_FILE, &bytes)
                .map_err(|e| e.to_string())?;
            let gens = report::generations_csv(s).map_err(|e| e.to_string())?;
            dir.write_file("generations.csv", &gens)
                .map_err(|e| e.to_string())?;
            on_generation(s);
            Ok(())
        })
        .map_err(CalibrateError::Save)?;

        let summary = report::posterior_summary(&state, &c.priors);
        let best = report::best_particle(&state).unwrap_or_default();
        let fit = problem.fit(&best, c.fit_replications, fit_seed(c.settings.seed));
        let best_scenario = problem
            .scenario_with(&best)
            .ok_or(CalibrateError::InvalidBest)?;
        let plan = Plan::new(&best_scenario);
        let fits = report::target_fits(&plan, &c.targets, &fit);
        // generations.csv again: a process killed after saving the last
        // checkpoint but before writing it resumes with no generation to run.
        let files = [
            ("generations.csv", report::generations_csv(&state)?),
            ("posterior.csv", report::posterior_csv(&state, &c.priors)?),
            (
                "posterior_summary.csv",
                report::posterior_summary_csv(&summary, &c.priors)?,
            ),
            ("fit.csv", report::fit_csv(&fits)?),
        ];
        for (name, bytes) in &files {
            dir.write_file(name, bytes)?;
        }
        let checkpoint = serde_json::to_vec(&state).map_err(ExportError::from)?;
        manifest.extension.generations_done = state.generations.len();
        manifest.extension.complete = true;
        manifest.list_files(
            [(CHECKPOINT_FILE, checkpoint.as_slice())]
                .into_iter()
                .chain(files.iter().map(|(n, b)| (*n, b.as_slice()))),
        );
        dir.write_manifest(&manifest)?;
        Ok(Outcome {
            dir: dir.path().to_path_buf(),
            state,
            summary,
            best,
            fits,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn comments_above_a_calibrated_value_that_state_the_old_value_are_marked() {
        let source = "[effort]\n# Leverage 4.59: hand-tuned in 2015.\n# Support multiplies effort (14.59 is not it).\nsupport_leverage = 4.59   # calibrated\n# 4.59 again, but above another key\nbias = 0.02\n";
        let body = source.replace(
            "support_leverage = 4.59   # calibrated",
            "support_leverage = 3.1   # calibrated to t.toml",
        );
        let marked = super::mark_stale_comments(source, &body);
        let lines: Vec<&str> = marked.lines().collect();
        assert_eq!(
            lines[1],
            format!(
                "# Leverage 4.59: hand-tuned in 2015. {} 4.59; now 3.1]",
                super::STALE_MARK
            )
        );
        // No whole token 4.59 (14.59 is another number): left alone.
        assert_eq!(lines[2], "# Support multiplies effort (14.59 is not it).");
        assert_eq!(lines[3], "support_leverage = 3.1   # calibrated to t.toml");
        // Not directly above the calibrated key: left alone.
        assert_eq!(lines[4], "# 4.59 again, but above another key");
        // Written again over a marked file: marked once.
        let again = super::mark_stale_comments(&marked, &marked.replace("= 3.1 ", "= 2.0 "));
        assert_eq!(again.matches(super::STALE_MARK).count(), 1);
    }

    use super::*;

    #[test]
    fn an_earlier_header_is_replaced_and_nothing_else_goes() {
        let text = format!(
            "{HEADER_MARK} old 1\n{HEADER_MARK} old 2\n# kept\n\n[meta]\n# {HEADER_MARK} not at the top: kept\nname = \"x\"\n"
        );
        assert_eq!(
            strip_header(&text),
            format!("# kept\n\n[meta]\n# {HEADER_MARK} not at the top: kept\nname = \"x\"\n")
        );
    }

    #[test]
    fn significant_digits() {
        assert_eq!(sig(1825.4), "1825");
        assert_eq!(sig(0.42137), "0.4214");
        assert_eq!(sig(4.0), "4");
        assert_eq!(sig(123456.0), "123456");
    }
}
