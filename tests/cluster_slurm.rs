//! Slurm, for real: a one-node cluster on this machine runs the job-array
//! script of docs/cluster.md (`scripts/cluster/sweep_array.sbatch`) on a small
//! sweep, then its merge script (`scripts/cluster/merge.sbatch`), both submitted
//! unchanged; the merged `runs.csv` must be byte-identical to the same sweep run
//! locally in one piece.
//!
//! `.ci/run` installs Debian's `slurm-wlm` and `munge`. Everything the cluster
//! writes (munge key, socket and seed, slurm.conf, controller state, spool, pid
//! files, logs) lives in a temporary directory; the daemons run in the
//! foreground as children of the test, on ports chosen free for this run, and
//! are stopped when the test ends, also when it fails. The daemons need root
//! (slurmd starts jobs as their owner).
//!
//! Without the programs, or not as root, the test is skipped with a note on
//! stderr, except in CI (`CI` set), where either is a failure. The programs are looked up
//! on `PATH` and in /usr/sbin, /sbin, /usr/local/sbin; setting
//! `PIONEER_SLURM_BIN_DIRS` (a PATH-like list) searches only those directories
//! instead, so `PIONEER_SLURM_BIN_DIRS=/nonexistent cargo test --release --test
//! cluster_slurm` shows the skip path (and, with `CI` set, the failure): it
//! cannot skip the test in CI.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PIONEER: &str = env!("CARGO_BIN_EXE_pioneer");
const SCRIPTS: [&str; 2] = ["sweep_array.sbatch", "merge.sbatch"];
/// Array tasks, so shards: 12 runs in 4 shards of 3.
const TASKS: usize = 4;

fn script(name: &str) -> PathBuf {
    Path::new(ROOT).join("scripts/cluster").join(name)
}

/// Fenced code blocks of a markdown text: (info string, body).
fn code_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.trim().to_string(), String::new())),
            (Some(_), Some("")) => blocks.push(open.take().unwrap()),
            (Some((_, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

#[test]
fn the_documented_slurm_scripts_are_the_files_the_test_submits() {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/cluster.md")).unwrap();
    let blocks = code_blocks(&doc);
    let files: Vec<(&str, String)> = SCRIPTS
        .iter()
        .map(|name| (*name, std::fs::read_to_string(script(name)).unwrap()))
        .collect();
    for (name, text) in &files {
        assert!(
            blocks.iter().any(|(_, body)| body == text),
            "docs/cluster.md must show scripts/cluster/{name} verbatim in a code block \
             (copy the file into the doc)"
        );
        assert!(
            doc.contains(&format!("scripts/cluster/{name}")),
            "docs/cluster.md must name scripts/cluster/{name}"
        );
    }
    // Every Slurm batch script shown in the doc is one of the tested files.
    for (_, body) in blocks.iter().filter(|(_, b)| b.contains("#SBATCH")) {
        assert!(
            files.iter().any(|(_, text)| text == body),
            "a batch script in docs/cluster.md is not a file under scripts/cluster/ \
             (so no test runs it):\n{body}"
        );
    }
}

/// Directories searched for the Slurm and munge programs.
fn search_dirs() -> Vec<PathBuf> {
    if let Some(dirs) = std::env::var_os("PIONEER_SLURM_BIN_DIRS") {
        return std::env::split_paths(&dirs).collect();
    }
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from));
    dirs
}

/// Full paths of the programs the test runs, or the names of those missing.
struct Programs {
    sbatch: PathBuf,
    sinfo: PathBuf,
    squeue: PathBuf,
    scancel: PathBuf,
    scontrol: PathBuf,
    slurmctld: PathBuf,
    slurmd: PathBuf,
    munged: PathBuf,
}

impl Programs {
    fn find() -> Result<Programs, Vec<&'static str>> {
        let dirs = search_dirs();
        let mut missing = Vec::new();
        let mut find = |name: &'static str| {
            let found = dirs.iter().map(|d| d.join(name)).find(|p| p.is_file());
            if found.is_none() {
                missing.push(name);
            }
            found.unwrap_or_default()
        };
        let programs = Programs {
            sbatch: find("sbatch"),
            sinfo: find("sinfo"),
            squeue: find("squeue"),
            scancel: find("scancel"),
            scontrol: find("scontrol"),
            slurmctld: find("slurmctld"),
            slurmd: find("slurmd"),
            munged: find("munged"),
        };
        // srun is called by the batch script itself, from the job's PATH.
        find("srun");
        if missing.is_empty() {
            Ok(programs)
        } else {
            Err(missing)
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Two different ports nobody listens on now (the OS picks them; a clash in
/// the moment between closing them and the daemons binding them is unlikely).
fn free_ports() -> (u16, u16) {
    let bind = || std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (a, b) = (bind(), bind());
    let port = |l: &std::net::TcpListener| l.local_addr().unwrap().port();
    (port(&a), port(&b))
}

/// The one-node cluster: daemons (children of the test) and their directory.
/// Dropping it cancels any job left and stops the daemons, newest first.
struct Cluster {
    programs: Programs,
    dir: tempfile::TempDir,
    conf: PathBuf,
    /// PATH for commands and jobs: the Slurm programs' directory first.
    path: std::ffi::OsString,
    daemons: Vec<(&'static str, Child)>,
}

impl Cluster {
    fn start(programs: Programs) -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("pioneer-slurm")
            .tempdir()
            .unwrap();
        let d = dir.path().to_path_buf();
        // munged wants its key private and the socket's directory searchable.
        std::fs::set_permissions(&d, std::os::unix::fs::PermissionsExt::from_mode(0o711)).unwrap();
        let mut key = [0u8; 1024];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut key))
            .unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(d.join("munge.key"))
            .and_then(|mut f| f.write_all(&key))
            .unwrap();
        for sub in ["state", "spool", "work/logs"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        let mut path = std::ffi::OsString::from(programs.sbatch.parent().unwrap());
        if let Some(p) = std::env::var_os("PATH") {
            path.push(":");
            path.push(p);
        }
        let mut cluster = Cluster {
            conf: d.join("slurm.conf"),
            programs,
            dir,
            path,
            daemons: Vec::new(),
        };
        let socket = d.join("munge.sock");
        let mut munged = Command::new(&cluster.programs.munged);
        munged
            .arg("--foreground")
            .arg("--force") // root, and a socket outside /run/munge
            .arg(format!("--socket={}", socket.display()))
            .arg(format!("--key-file={}", d.join("munge.key").display()))
            .arg(format!("--log-file={}", d.join("munged.log").display()))
            .arg(format!("--pid-file={}", d.join("munged.pid").display()))
            .arg(format!("--seed-file={}", d.join("munged.seed").display()));
        cluster.spawn("munged", &mut munged);
        cluster.wait_until("munged's socket", 20, |_| socket.exists());

        // The node as slurmd sees this machine (name, CPUs, sockets, memory).
        let probe = cluster
            .command(&cluster.programs.slurmd)
            .arg("-C")
            .output()
            .unwrap();
        let probe = String::from_utf8_lossy(&probe.stdout).into_owned();
        let node_line = probe
            .lines()
            .find(|l| l.starts_with("NodeName="))
            .unwrap_or_else(|| panic!("`slurmd -C` printed no NodeName line:\n{probe}"))
            .trim()
            .to_string();
        let node = node_line["NodeName=".len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        let (ctld_port, d_port) = free_ports();
        let conf = format!(
            "# One-node cluster of tests/cluster_slurm.rs (all state in this directory).
ClusterName=pioneertest
SlurmctldHost={node}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={socket}
SlurmUser=root
SlurmdUser=root
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# A job whose dependency can never be met (a failed array task) is cancelled,
# so `sbatch --wait` on the merge job returns instead of waiting forever.
DependencyParameters=kill_invalid_depend
{node_line} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes={node} Default=YES MaxTime=INFINITE State=UP
",
            socket = socket.display(),
            d = d.display(),
        );
        std::fs::write(&cluster.conf, conf).unwrap();
        for (name, program) in [
            ("slurmctld", cluster.programs.slurmctld.clone()),
            ("slurmd", cluster.programs.slurmd.clone()),
        ] {
            let mut daemon = cluster.command(&program);
            daemon.arg("-D").arg("-f").arg(&cluster.conf);
            cluster.spawn(name, &mut daemon);
        }
        cluster.wait_until("the node to be idle in sinfo", 60, |c| {
            let out = c
                .command(&c.programs.sinfo)
                .args(["--noheader", "--Node", "--format=%T"])
                .output();
            out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "idle")
        });
        cluster
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// A command of the cluster: its slurm.conf, the Slurm programs first on
    /// PATH, and no Slurm variables inherited from an enclosing job (the test
    /// itself may run inside one).
    fn command(&self, program: &Path) -> Command {
        let mut c = Command::new(program);
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if k.starts_with("SLURM_") || k.starts_with("SBATCH_") || k.starts_with("SRUN_") {
                c.env_remove(&key);
            }
        }
        c.env("SLURM_CONF", &self.conf)
            .env("PATH", &self.path)
            .current_dir(self.work());
        c
    }

    fn spawn(&mut self, name: &'static str, command: &mut Command) {
        let out = std::fs::File::create(self.dir.path().join(format!("{name}.out"))).unwrap();
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        self.daemons.push((name, child));
    }

    /// Waits up to `secs` seconds for `ready`; fails early, with the logs, when
    /// a daemon exits.
    fn wait_until(&mut self, what: &str, secs: u64, ready: impl Fn(&Cluster) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if ready(self) {
                return;
            }
            for (name, child) in &mut self.daemons {
                if let Ok(Some(status)) = child.try_wait() {
                    let name = *name;
                    panic!(
                        "{name} exited ({status}) while waiting for {what}\n{}",
                        self.logs()
                    );
                }
            }
            if Instant::now() > deadline {
                panic!(
                    "no {what} after {secs} s\n{}\n{}",
                    self.queue(),
                    self.logs()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `squeue`, for failure messages.
    fn queue(&self) -> String {
        match self
            .command(&self.programs.squeue)
            .args(["--all", "--format=%i %j %T %r"])
            .output()
        {
            Ok(o) => format!(
                "squeue:\n{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => format!("squeue failed: {e}"),
        }
    }

    /// State and exit code of each task of a job (one for a plain job), from
    /// the controller (no accounting needed: it keeps finished jobs for
    /// MinJobAge, 300 s).
    fn job_states(&self, id: &str) -> Vec<(String, String)> {
        let out = self
            .command(&self.programs.scontrol)
            .args(["--oneliner", "show", "job", id])
            .output()
            .unwrap();
        let field = |line: &str, key: &str| {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .unwrap_or("?")
                .to_string()
        };
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| (field(l, "JobState="), field(l, "ExitCode=")))
            .collect()
    }

    /// Every log of the daemons and jobs, for failure messages.
    fn logs(&self) -> String {
        let mut text = String::new();
        for dir in [self.work().join("logs"), self.dir.path().to_path_buf()] {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map(|r| r.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            files.sort();
            for f in files {
                let is_log = f
                    .extension()
                    .is_some_and(|e| e == "log" || e == "out" || e == "conf");
                if is_log {
                    let body = std::fs::read_to_string(&f).unwrap_or_default();
                    let tail: Vec<&str> = body.lines().rev().take(60).collect();
                    text.push_str(&format!("==> {} (last 60 lines) <==\n", f.display()));
                    for line in tail.iter().rev() {
                        text.push_str(line);
                        text.push('\n');
                    }
                }
            }
        }
        text
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Jobs first (a failed test may leave some), then the daemons, newest first.
        let _ = self
            .command(&self.programs.scancel)
            .arg("--partition=debug")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        while let Some((_, mut child)) = self.daemons.pop() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
/// A small sweep of the North West London scenario: a Morris design of 2
/// trajectories over 2 parameters (6 points) × 2 replications = 12 runs.
fn sweep_file() -> String {
    format!(
        r#"[sweep]
name = "cluster_test"
scenario = '{ROOT}/scenarios/nwl_wsic_2013.toml'
replications = 2
seed = 2026

[design]
kind = "morris"
samples = 2
levels = 4

[[parameters]]
name = "consultancy_spend"
paths = ["consultancy.contracts[0].amount_gbp", "consultancy.contracts[1].amount_gbp"]
relative = true
min = 0.0
max = 2.0

[[parameters]]
name = "preparation_weeks_promised"
path = "timetable.assumed_preparation_weeks"
min = 2
max = 26

[record]
outputs = ["programme_slip_weeks", "replans"]
"#
    )
}

/// Runs `pioneer` in `dir` outside any Slurm job, so it runs the whole sweep.
fn pioneer_locally(dir: &Path, args: &[&str]) {
    let mut c = Command::new(PIONEER);
    for key in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_COUNT",
    ] {
        c.env_remove(key);
    }
    let out = c.args(args).current_dir(dir).output().unwrap();
    assert!(
        out.status.success(),
        "pioneer {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Files of a directory (not recursive), by name.
fn files(dir: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_slurm_job_array_sweep_merges_to_the_runs_of_a_local_sweep() {
    let programs = match Programs::find() {
        Ok(p) => p,
        Err(missing) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the Slurm test, but {missing:?} are missing: .ci/run installs \
                 Debian's slurm-wlm and munge"
            );
            // Written past the test harness's capture, so the skip shows in `cargo test`.
            let _ = writeln!(
                std::io::stderr(),
                "note: Slurm not installed ({} missing); skipping the Slurm cluster test \
                 (apt-get install slurm-wlm munge, as .ci/run does)",
                missing.join(", ")
            );
            return;
        }
    };
    if !is_root() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the Slurm test, but its daemons need root (slurmd starts jobs as \
             their owner): run .ci/run as root"
        );
        let _ = writeln!(
            std::io::stderr(),
            "note: not root; skipping the Slurm cluster test (its daemons need root)"
        );
        return;
    }
    let cluster = Cluster::start(programs);
    let work = cluster.work();
    std::fs::write(work.join("sweep.toml"), sweep_file()).unwrap();

    // As docs/cluster.md submits them, with the array's size giving the shard
    // count and a node of this machine's size (one CPU and a little memory per
    // task; the scripts' defaults are for a real cluster node).
    let pioneer = format!("PIONEER={PIONEER}");
    let array = cluster
        .command(&cluster.programs.sbatch)
        .arg("--parsable")
        .arg(format!("--array=0-{}", TASKS - 1))
        .args(["--cpus-per-task=1", "--mem=200M"])
        .arg(format!(
            "--export=ALL,{pioneer},SWEEP=sweep.toml,SHARDS=shards"
        ))
        .arg(script("sweep_array.sbatch"))
        .output()
        .unwrap();
    assert!(
        array.status.success(),
        "sbatch sweep_array.sbatch: {}\n{}",
        String::from_utf8_lossy(&array.stderr),
        cluster.logs()
    );
    let array_id = String::from_utf8_lossy(&array.stdout).trim().to_string();
    let mut merge = cluster
        .command(&cluster.programs.sbatch)
        .args(["--parsable", "--wait", "--mem=200M"])
        .arg(format!("--dependency=afterok:{array_id}"))
        .arg(format!(
            "--export=ALL,{pioneer},SHARDS=shards,RESULTS=results,METHOD=morris"
        ))
        .arg(script("merge.sbatch"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `sbatch --wait` returns when the merge job ends (or is cancelled because
    // an array task failed); the deadline only guards against a hang.
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = merge.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = merge.kill();
            panic!(
                "the jobs did not finish in 180 s\n{}\n{}",
                cluster.queue(),
                cluster.logs()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut err = String::new();
    let _ = std::io::Read::read_to_string(&mut merge.stderr.take().unwrap(), &mut err);
    let mut merge_out = String::new();
    let _ = std::io::Read::read_to_string(&mut merge.stdout.take().unwrap(), &mut merge_out);
    // `sbatch --wait` exits 0 also for a job cancelled because its dependency
    // failed: ask the controller how every task ended.
    let tasks = cluster.job_states(&array_id);
    let done = ("COMPLETED".to_string(), "0:0".to_string());
    assert!(
        tasks.len() == TASKS && tasks.iter().all(|t| *t == done),
        "array tasks (state, exit code): {tasks:?}\n{}",
        cluster.logs()
    );
    let merged = cluster.job_states(merge_out.trim());
    assert!(
        status.success() && merged == [done],
        "the merge job failed (sbatch: {status}, job: {merged:?}): {err}\n{}",
        cluster.logs()
    );

    // One shard directory per array task, named by its task id.
    let shards: std::collections::BTreeSet<String> = std::fs::read_dir(work.join("shards"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let expected: std::collections::BTreeSet<String> = (0..TASKS).map(|i| i.to_string()).collect();
    assert_eq!(shards, expected, "{}", cluster.logs());

    // The same sweep on this machine, in one piece, then the same analysis.
    pioneer_locally(&work, &["sweep", "sweep.toml", "--out", "local", "--quiet"]);
    let local = work.join("local");
    let results = work.join("results");
    let merged_runs = std::fs::read(results.join("runs.csv")).unwrap();
    let local_runs = std::fs::read(local.join("runs.csv")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&merged_runs).lines().count(),
        1 + 12,
        "a header and 6 points × 2 replications"
    );
    assert!(
        merged_runs == local_runs,
        "the merged runs.csv differs from the local sweep's:\n--- merged\n{}\n--- local\n{}",
        String::from_utf8_lossy(&merged_runs),
        String::from_utf8_lossy(&local_runs)
    );
    // The merge job's analysis equals the local one (same data, same seed).
    let before = files(&local);
    pioneer_locally(&local, &["analyze", ".", "--method", "morris"]);
    let tables: Vec<String> = files(&local)
        .difference(&before)
        .filter(|f| f.ends_with(".csv"))
        .cloned()
        .collect();
    assert!(!tables.is_empty(), "analyze wrote no table");
    for table in &tables {
        assert!(
            std::fs::read(results.join(table)).ok() == std::fs::read(local.join(table)).ok(),
            "{table} of the merge job differs from the local analysis's"
        );
    }
    drop(cluster);
}
