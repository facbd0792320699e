//! Argument parsing and the commands.

mod calibrate;
mod compare;
mod promise;
mod sweep;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use pioneer::output::run::WriteError;
use pioneer::output::table;
use pioneer::output::target::{OutputDir, Policy, TargetError};
use pioneer::scenario::{InputKind, LoadError, DEFAULT_SCENARIO_NAME};
use pioneer::util::names::file_stem;
use pioneer::{Ensemble, Scenario};

/// `pioneer --version`: the version and the git commit of the build
/// (`0.1.0 (git abc1234, dirty)`, or `(git unknown)` outside a git checkout).
static VERSION: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(pioneer::output::manifest::version_line);

/// Exit code for bad input (scenario errors, refused output directory, bad arguments).
const EXIT_BAD_INPUT: i32 = 2;
/// Exit code for a failure while running.
const EXIT_FAILURE: i32 = 1;

/// pioneer: an agent-based simulator of how integrated health-and-care
/// programmes are implemented (calibrated case: North West London WSIC, 2013–2015).
///
/// With no command it runs the embedded North West London scenario.
#[derive(Debug, Parser)]
#[command(name = "pioneer", version = VERSION.as_str(), about, long_about = None, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario (the embedded default if none is given) and write its outputs.
    Run(RunArgs),
    /// Validate scenario, sweep, targets and priors files without running them; lists every problem found.
    Check {
        /// Files to check. Each is recognised by its top-level keys: `[sweep]` (a sweep file, checked with its base scenario), `[[targets]]` (calibration targets), `[[parameters]]` (calibration priors); anything else is a scenario.
        #[arg(required = true, value_name = "FILE")]
        scenarios: Vec<PathBuf>,
        /// The scenario whose milestones, early adopters and parameters targets and priors files are checked against (default: the embedded North West London scenario).
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Print each valid scenario as the one TOML document that is run: its `extends` chain merged and its `[generate]` section expanded.
        #[arg(long)]
        expanded: bool,
    },
    /// Print the scenario schema: the key reference as Markdown, or JSON Schema.
    Schema {
        /// Print JSON Schema instead of the Markdown reference.
        #[arg(long)]
        json: bool,
    },
    /// Print the embedded default scenario (a starting point for your own).
    Default,
    /// Calibrate scenario parameters to observed targets (ABC rejection + ABC-PMC); resumable.
    Calibrate(calibrate::CalibrateArgs),
    /// Compare scenarios under common random numbers: side-by-side go-live and delay, paired differences, chart and report.
    Compare(compare::CompareArgs),
    /// What can the programme honestly promise? Scan promised dates under common random numbers: the promise curve and the honest timetable.
    Promise(promise::PromiseArgs),
    /// Run a parameter sweep (grid, random, Latin hypercube, Sobol, Morris); streamed, resumable, shardable.
    Sweep(sweep::SweepArgs),
    /// Combine the shard directories of a sweep, checking every run appears exactly once.
    Merge(sweep::MergeArgs),
    /// Sensitivity analysis of a finished sweep: Sobol indices or Morris elementary effects.
    #[command(visible_alias = "analyse")]
    Analyze(sweep::AnalyzeArgs),
}

/// Most replications of one scenario on the command line (`run -n`,
/// `compare -n`). Unit: replications. Why: 10^7 replications are about 4.4
/// hours of CPU at 1.6 ms each, more than any summary needs. Protects: time.
pub(crate) const MAX_REPLICATIONS: u32 = 10_000_000;

/// Most worker threads of any command (`run`, `compare`, `sweep`,
/// `calibrate`: one shared limit). Unit: threads. Why: results never depend
/// on threads and no machine these runs are meant for has more than 1,024
/// cores; every thread reserves its own stack (2 MiB by default). Protects:
/// memory and the process table (`-j 100000000` tried to start 10^8 threads).
pub(crate) const MAX_THREADS: u32 = 1024;

/// Parses `--threads`/`-j` against `MAX_THREADS`.
pub(crate) fn threads(text: &str) -> Result<u32, String> {
    let n: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("expected a whole number of worker threads, found `{text}`"))?;
    if n == 0 {
        return Err("expected at least 1 worker thread (omit -j for one per core)".into());
    }
    if n > u64::from(MAX_THREADS) {
        return Err(format!(
            "expected at most MAX_THREADS = {MAX_THREADS} worker threads: {n} threads would reserve about {:.1} GiB of stacks, and results do not depend on threads",
            n as f64 * 2.0 / 1024.0
        ));
    }
    Ok(n as u32)
}

/// A parser of a count in `min..=max` named `limit` in messages; `cost`
/// says what a value above the limit would take.
pub(crate) fn count<T>(
    min: u64,
    max: u64,
    limit: &'static str,
    cost: fn(u64) -> String,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: TryFrom<u64>,
{
    move |text: &str| {
        let n: u64 = text
            .trim()
            .parse()
            .map_err(|_| format!("expected a whole number, found `{text}`"))?;
        if n < min {
            return Err(format!("expected at least {min}, found {n}"));
        }
        if n > max {
            return Err(format!(
                "expected at most {limit} = {max}, found {n}: {}",
                cost(n)
            ));
        }
        T::try_from(n).map_err(|_| format!("expected at most {limit} = {max}, found {n}"))
    }
}

/// What `n` replications would take, for limit messages.
pub(crate) fn replications_cost(n: u64) -> String {
    format!(
        "{n} replications would take {}",
        pioneer::calibrate::abc::cpu_time(n as f64)
    )
}

/// A rayon pool with `threads` workers (None: one per core).
pub(crate) fn pool(threads: Option<u32>) -> Result<rayon::ThreadPool, Failure> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.map_or(0, |t| t as usize))
        .build()
        .map_err(|e| Failure::Run(format!("cannot start worker threads: {e}")))
}

/// Replications, seed and threads: shared by the commands that run ensembles.
#[derive(Debug, Args, Clone)]
pub(crate) struct EnsembleArgs {
    /// Number of replications (per scenario).
    #[arg(short = 'n', long, default_value_t = 200, value_parser = count::<u32>(1, MAX_REPLICATIONS as u64, "MAX_REPLICATIONS", replications_cost))]
    pub(crate) replications: u32,
    /// Master seed; the same seed gives byte-identical outputs.
    #[arg(short, long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(short = 'j', long, value_parser = threads)]
    pub(crate) threads: Option<u32>,
}

impl EnsembleArgs {
    /// A rayon pool with the requested threads.
    pub(crate) fn pool(&self) -> Result<rayon::ThreadPool, Failure> {
        pool(self.threads)
    }
}

/// The failure for an output directory that cannot be used, with a hint.
pub(crate) fn target_failure(e: TargetError) -> Failure {
    match &e {
        TargetError::Io { .. } => Failure::Run(e.to_string()),
        TargetError::Exists(_) => Failure::BadInput(format!(
            "error: {e}\n  hint: choose another --out, or add --force to replace it"
        )),
        TargetError::Different { .. } => Failure::BadInput(format!(
            "error: {e}\n  hint: choose another --out, or add --force to start afresh there"
        )),
        _ => Failure::BadInput(format!("error: {e}\n  hint: choose another --out")),
    }
}

#[derive(Debug, Args, Clone)]
struct RunArgs {
    /// Scenario TOML file (default: the embedded North West London scenario).
    scenario: Option<PathBuf>,
    #[command(flatten)]
    ensemble: EnsembleArgs,
    #[command(flatten)]
    set: SetArgs,
    /// Output directory (default: a new directory results/<scenario>-NNN).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Replace an existing --out directory (only one pioneer wrote).
    #[arg(long)]
    force: bool,
    /// Do not write any output files; print the summary only.
    #[arg(long)]
    no_output: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    if let Some(msg) = unknown_command(std::env::args_os().nth(1).as_deref()) {
        eprintln!("{msg}");
        return EXIT_BAD_INPUT;
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => run(&args),
        None => run(&cli.run),
        Some(Command::Check {
            scenarios,
            scenario,
            expanded,
        }) => check(&scenarios, scenario.as_deref(), expanded),
        Some(Command::Schema { json }) => {
            if json {
                say(
                    &(serde_json::to_string_pretty(&pioneer::scenario::schema::json_schema())
                        .unwrap_or_default()
                        + "\n"),
                );
            } else {
                say(&pioneer::scenario::schema::reference_markdown());
            }
            Ok(())
        }
        Some(Command::Calibrate(args)) => calibrate::calibrate(&args),
        Some(Command::Compare(args)) => compare::compare(&args),
        Some(Command::Promise(args)) => promise::promise(&args),
        Some(Command::Sweep(args)) => sweep::sweep(&args),
        Some(Command::Merge(args)) => sweep::merge(&args),
        Some(Command::Analyze(args)) => sweep::analyze(&args),
        Some(Command::Default) => {
            say(pioneer::scenario::DEFAULT_SCENARIO);
            Ok(())
        }
    };
    match result {
        Ok(()) => 0,
        Err(Failure::BadInput(msg)) => {
            eprintln!("{msg}");
            EXIT_BAD_INPUT
        }
        Err(Failure::Run(msg)) => {
            eprintln!("error: {msg}");
            EXIT_FAILURE
        }
    }
}

/// Writes to stdout; a closed pipe (`pioneer run | head`) is not an error.
pub(crate) fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

pub(crate) enum Failure {
    BadInput(String),
    Run(String),
}

pub(crate) fn load(path: Option<&Path>) -> Result<Scenario, Failure> {
    let loaded = match path {
        Some(p) => Scenario::from_file(p),
        None => Scenario::from_toml(pioneer::scenario::DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME),
    };
    loaded.map_err(|e| match e {
        LoadError::Io { .. } => Failure::BadInput(format!("error: {e}")),
        LoadError::Invalid(_) => Failure::BadInput(e.to_string()),
    })
}

/// The error for a mistyped command: `first` (the first argument) is
/// neither an option, a command, an existing file nor a `.toml` path (so not
/// meant as the scenario of `pioneer [SCENARIO]`), and is close to a command
/// name (`pioneer analyz`).
fn unknown_command(first: Option<&std::ffi::OsStr>) -> Option<String> {
    use clap::CommandFactory;
    let word = first?.to_str()?;
    let path = Path::new(word);
    if word.starts_with('-') || path.exists() || path.extension().is_some_and(|e| e == "toml") {
        return None;
    }
    let cli = Cli::command();
    let names: Vec<&str> = cli
        .get_subcommands()
        .flat_map(|c| std::iter::once(c.get_name()).chain(c.get_all_aliases()))
        .chain(["help"])
        .collect();
    if names.contains(&word) {
        return None;
    }
    let near = pioneer::scenario::error::nearest(word, names.iter().copied())?;
    Some(format!(
        "error: unknown command `{word}`\n  hint: did you mean `{near}`? (`pioneer --help` lists the commands; a scenario file is run as `pioneer FILE.toml`)"
    ))
}

/// What a file given to `check` is, by its top-level keys: a sweep file has
/// `[sweep]` (or `[design]`), a targets file `[[targets]]`, a priors file
/// `[[parameters]]` (and no `[sweep]`); anything else is a scenario. Text
/// that is not valid TOML is classified by its table headers, so that its
/// syntax error is reported by the right loader.
fn input_kind(text: &str) -> InputKind {
    let top: Vec<String> = match text.parse::<toml::Table>() {
        Ok(table) => table.keys().cloned().collect(),
        // Not TOML: the first name of every table header, and the keys
        // written before the first header.
        Err(_) => {
            let mut keys = Vec::new();
            let mut before_headers = true;
            for l in text.lines().map(str::trim) {
                if let Some(header) = l.strip_prefix('[') {
                    before_headers = false;
                    let name = header.trim_start_matches('[').split(['.', ']']).next();
                    keys.push(name.unwrap_or("").trim().to_string());
                } else if let Some((key, _)) = l.split_once('=').filter(|_| before_headers) {
                    keys.push(key.trim().to_string());
                }
            }
            keys
        }
    };
    let has = |key: &str| top.iter().any(|k| k == key);
    if has("sweep") || has("design") {
        InputKind::Sweep
    } else if has("targets") {
        InputKind::Targets
    } else if has("parameters") {
        InputKind::Priors
    } else {
        InputKind::Scenario
    }
}

/// The failure for an input file that cannot be read or is invalid.
fn input_failure(e: LoadError) -> Failure {
    match e {
        LoadError::Io { .. } => Failure::BadInput(format!("error: {e}")),
        LoadError::Invalid(_) => Failure::BadInput(e.to_string()),
    }
}

/// Checks one file as what it is (`input_kind`) and says what was checked.
/// Targets and priors name milestones, early adopters and parameters, so they
/// are checked against `against` (`--scenario`, else the embedded default).
fn check_one(
    path: &Path,
    against: &mut Option<Scenario>,
    against_path: Option<&Path>,
    expanded: bool,
) -> Result<String, Failure> {
    let name = path.display().to_string();
    let Ok(text) = pioneer::scenario::read_input(path, InputKind::Scenario) else {
        // Unreadable or not text: the scenario loader says why.
        return load(Some(path)).map(|_| String::new());
    };
    let against_name = |s: &Scenario| match s.source_name() {
        DEFAULT_SCENARIO_NAME => {
            "the embedded default scenario; use --scenario for another".to_string()
        }
        other => format!("scenario {other}"),
    };
    match input_kind(&text) {
        InputKind::Scenario => {
            let s = load(Some(path))?;
            Ok(if expanded {
                s.expanded_toml()
            } else {
                format!("{name}: ok\n")
            })
        }
        InputKind::Sweep => {
            let sweep = pioneer::sweep::Sweep::from_file(path).map_err(input_failure)?;
            Ok(format!(
                "{name}: ok (sweep file: {} parameters; base scenario {} is valid)\n",
                sweep.parameters.len(),
                sweep.base.source_name()
            ))
        }
        InputKind::Targets => {
            let s = loaded(against, against_path)?;
            let t = pioneer::calibrate::targets::load(&text, &name, s).map_err(input_failure)?;
            Ok(format!(
                "{name}: ok (targets file: {} targets, checked against {})\n",
                t.len(),
                against_name(s)
            ))
        }
        InputKind::Priors => {
            let s = loaded(against, against_path)?;
            let p = pioneer::calibrate::priors::load(&text, &name, s).map_err(input_failure)?;
            Ok(format!(
                "{name}: ok (priors file: {} parameters, checked against {})\n",
                p.len(),
                against_name(s)
            ))
        }
    }
}

/// The scenario at `path` (None: the embedded default), loaded on first use.
fn loaded<'a>(
    cache: &'a mut Option<Scenario>,
    path: Option<&Path>,
) -> Result<&'a Scenario, Failure> {
    if cache.is_none() {
        *cache = Some(load(path)?);
    }
    Ok(cache.as_ref().expect("loaded above"))
}

fn check(paths: &[PathBuf], scenario: Option<&Path>, expanded: bool) -> Result<(), Failure> {
    // Loaded when the first targets or priors file needs it.
    let mut against: Option<Scenario> = None;
    let mut failed = Vec::new();
    for p in paths {
        match check_one(p, &mut against, scenario, expanded) {
            Ok(said) => say(&said),
            Err(Failure::BadInput(m)) | Err(Failure::Run(m)) => failed.push(m),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::BadInput(failed.join("\n")))
    }
}

/// `--set key.path=value`: shared by `run`, `compare`, `sweep` and `calibrate`.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct SetArgs {
    /// Set a value of the scenario (in `compare`: of every scenario compared; in `sweep`: of its base scenario) by its key path, as sweeps name parameters (repeatable, applied in order): --set effort.support_leverage=0.3 --set 'journey[11].work_hours=120'. The value is TOML: texts in quotes ('meta.name="x"'), dates as 2014-01-06. The manifest records every --set; inputs/ holds the files as given.
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub(crate) set: Vec<String>,
}

impl SetArgs {
    /// The overrides, parsed (before anything is loaded or written).
    pub(crate) fn parse(&self) -> Result<Vec<pioneer::scenario::overrides::Override>, Failure> {
        use pioneer::scenario::overrides::Override;
        self.set
            .iter()
            .map(|arg| {
                Override::parse(arg).map_err(|p| set_failure(arg, &p.expected, &p.found, p.hint))
            })
            .collect()
    }

    /// `scenario` with the overrides applied (`scenario` itself when there are none).
    pub(crate) fn apply(
        &self,
        scenario: Scenario,
        overrides: &[pioneer::scenario::overrides::Override],
    ) -> Result<Scenario, Failure> {
        use pioneer::scenario::overrides::{apply, OverrideError};
        if overrides.is_empty() {
            return Ok(scenario);
        }
        apply(&scenario, overrides).map_err(|e| match e {
            OverrideError::Path { index, problem } => set_failure(
                &self.set[index],
                &problem.expected,
                &problem.found,
                problem.hint,
            ),
            OverrideError::Invalid(e) => Failure::BadInput(format!(
                "error: {} with {} is not valid:\n{e}",
                scenario.source_name(),
                self.set
                    .iter()
                    .map(|s| format!("--set {s}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        })
    }
}

/// A bad `--set`: the flag, the key path, what was expected, a hint.
fn set_failure(arg: &str, expected: &str, found: &str, hint: Option<String>) -> Failure {
    let mut m = format!("error: --set {arg}: expected {expected}, found {found}");
    if let Some(h) = hint {
        m.push_str(&format!("\n  hint: {h}"));
    }
    Failure::BadInput(m)
}

fn run(args: &RunArgs) -> Result<(), Failure> {
    let overrides = args.set.parse()?;
    let scenario = args
        .set
        .apply(load(args.scenario.as_deref())?, &overrides)?;
    // Refuse an unusable --out before spending any time.
    let out = OutputDir::new(
        args.out.as_deref(),
        Path::new("results"),
        &file_stem(&scenario.raw().meta.name),
        Policy::one_shot(args.force),
    )
    .map_err(target_failure)?;
    let pool = args.ensemble.pool()?;
    let bar = progress_bar(
        args.quiet,
        Some(args.ensemble.replications as u64),
        "{spinner} {pos}/{len} replications [{elapsed_precise}<{eta_precise}] {wide_bar}",
    );
    let tick = || bar.inc(1);
    let ensemble = Ensemble::new(&scenario)
        .seed(args.ensemble.seed)
        .replications(args.ensemble.replications)
        .progress(&tick);
    // Streamed: replications in blocks, each written while the next runs.
    let written = pool.install(|| {
        if args.no_output {
            ensemble
                .summarise_in(&std::env::temp_dir())
                .map(|(summary, _)| (summary, None))
        } else {
            ensemble
                .write_to(&out, std::env::args().collect())
                .map(|(summary, dir, _)| (summary, Some(dir)))
        }
    });
    bar.finish_and_clear();
    let (summary, dir) = written.map_err(|e| match e {
        WriteError::Target(e) => target_failure(e),
        WriteError::Export(e) => Failure::Run(e.to_string()),
    })?;
    say(&table::render(&summary, args.ensemble.seed));
    if let Some(dir) = dir {
        say(&format!("\nOutputs written to {}\n", dir.display()));
    }
    Ok(())
}

/// A progress bar on stderr, hidden when quiet or when stderr is not a terminal.
pub(crate) fn progress_bar(
    quiet: bool,
    len: Option<u64>,
    template: &str,
) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = match len {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}
