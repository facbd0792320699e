//! The EMA Workbench archive of a sweep, `ema/results.tar.gz`: the file
//! `ema_workbench.load_results(path)` opens as it opens what its own
//! `save_results` wrote (EMA Workbench 2.5: a gzip-compressed tar of
//! `experiments.csv`, one `<outcome>.cls` file per scalar outcome and
//! `metadata.json`).
//!
//! - `experiments.csv`: one row per run, in run order: the swept parameters
//!   (the uncertainties, exactly), then `scenario` (the design point: the
//!   replications of a point share it, so `groupby("scenario")` gathers
//!   them), `policy` (`None`, as EMA writes it when no policy was given) and
//!   `model` (`pioneer`).
//! - one `.cls` file per output (EMA's `ScalarOutcome` format: one value per
//!   line, no header), rows aligned with the experiments. The file name is
//!   the output id made safe (`crate::util::names::file_stem`); metadata maps
//!   each output id to its file, so `load_results` returns the outcomes under
//!   their ids as in `runs.csv`.
//! - `metadata.json`: the outcome classes and files and the experiments'
//!   column types: `float64` for a real parameter, `int64` for one whose
//!   scenario key holds an integer, `category` for scenario, policy, model.
//! - `pioneer_runs.csv` (not read by `load_results`): the bookkeeping of each
//!   row, `run,point,replication,seed`, kept out of the experiments so that
//!   EMA's analyses (feature scoring, PRIM, CART) never take them for
//!   uncertainties.
//!
//! The archive is byte-identical for identical runs (no times, owners or
//! names of this machine in it): a resumed or merged sweep gives the same bytes.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;

use super::runner::{csv_io, io, SweepError, SweepManifest};
use crate::output::target::AtomicFile;

/// The archive, relative to the sweep directory.
pub const ARCHIVE: &str = "ema/results.tar.gz";

/// The files of the older EMA layout that the archive replaced: removed
/// when it is written, so a resumed sweep keeps no stale copy.
pub const OLD_LAYOUT: [&str; 2] = ["ema/experiments.csv", "ema/outcomes.csv"];

/// The archive member holding each row's run, point, replication and seed.
pub const BOOKKEEPING: &str = "pioneer_runs.csv";

/// The experiments' columns after the uncertainties, as EMA writes them.
pub const EMA_COLUMNS: [&str; 3] = ["scenario", "policy", "model"];

/// The archive member of each output (`<stem>.cls`, EMA's scalar outcome
/// extension; stems as `super::results::output_stems`).
pub fn outcome_files(outputs: &[String]) -> Vec<String> {
    super::results::output_stems(outputs)
        .into_iter()
        .map(|s| format!("{s}.cls"))
        .collect()
}

/// The EMA column type (numpy dtype name) of each parameter.
pub fn parameter_dtypes(m: &SweepManifest) -> Vec<&'static str> {
    m.extension
        .parameters
        .iter()
        .map(|p| if p.integer { "int64" } else { "float64" })
        .collect()
}

/// `metadata.json` of the archive.
fn metadata(m: &SweepManifest, files: &[String]) -> Result<String, serde_json::Error> {
    let s = &m.extension;
    let mut outcomes = Vec::new();
    for (o, f) in s.outputs.iter().zip(files) {
        outcomes.push(serde_json::json!(["ScalarOutcome", o, f]));
    }
    // Column order kept (a JSON object's order is not significant to EMA,
    // but readers see the columns as in experiments.csv).
    let mut columns = Vec::new();
    let names = s.parameters.iter().map(|p| p.name.as_str());
    let types = parameter_dtypes(m);
    for (name, ty) in names
        .zip(types)
        .chain(EMA_COLUMNS.iter().map(|&c| (c, "category")))
    {
        columns.push(format!(
            "{}: {}",
            serde_json::to_string(name)?,
            serde_json::to_string(ty)?
        ));
    }
    Ok(format!(
        "{{\"version\": 0.1, \"outcomes\": {}, \"experiments\": {{{}}}}}",
        serde_json::to_string(&outcomes)?,
        columns.join(", ")
    ))
}

/// Staging files of the archive's members, removed when dropped.
struct Members(Vec<PathBuf>);

impl Drop for Members {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// A ustar header of a regular file (mode 0644, owner 0, time 0). Sizes of
/// 8 GiB and more use the base-256 size field (GNU tar, read by Python's
/// `tarfile`).
fn tar_header(name: &str, size: u64) -> [u8; 512] {
    let mut h = [0u8; 512];
    let put = |h: &mut [u8; 512], at: usize, text: &str| {
        h[at..at + text.len()].copy_from_slice(text.as_bytes());
    };
    debug_assert!(name.len() <= 100, "member names are short stems");
    put(&mut h, 0, name);
    put(&mut h, 100, "0000644\0");
    put(&mut h, 108, "0000000\0");
    put(&mut h, 116, "0000000\0");
    if size < 1 << 33 {
        put(&mut h, 124, &format!("{size:011o}\0"));
    } else {
        h[124] = 0x80;
        h[128..136].copy_from_slice(&size.to_be_bytes());
    }
    put(&mut h, 136, "00000000000\0");
    h[156] = b'0';
    put(&mut h, 257, "ustar\0");
    put(&mut h, 263, "00");
    // The checksum is taken with its own field as spaces.
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|&b| b as u32).sum();
    put(&mut h, 148, &format!("{sum:06o}\0 "));
    h
}

/// Writes `ema/results.tar.gz` of a complete sweep directory. Streams
/// `runs.csv` once into staging files (one per member, beside the archive),
/// then packs them: memory does not grow with the runs.
pub fn write_archive(dir: &Path, m: &SweepManifest) -> Result<(), SweepError> {
    let s = &m.extension;
    let k = s.parameters.len();
    let files = outcome_files(&s.outputs);
    let ema = dir.join("ema");
    std::fs::create_dir_all(&ema).map_err(io("creating", &ema))?;
    let mut names: Vec<String> = vec!["experiments.csv".into()];
    names.extend(files.iter().cloned());
    names.push(BOOKKEEPING.into());
    let staged = Members(
        (0..names.len())
            .map(|i| ema.join(format!(".results.member{i}-{}", std::process::id())))
            .collect(),
    );
    {
        let open = |p: &PathBuf| -> Result<csv::Writer<BufWriter<File>>, SweepError> {
            let f = File::create(p).map_err(io("creating", p))?;
            Ok(csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(BufWriter::new(f)))
        };
        let mut writers = staged.0.iter().map(open).collect::<Result<Vec<_>, _>>()?;
        let n = writers.len();
        let exp_path = &staged.0[0];
        let mut header: Vec<&str> = s.parameters.iter().map(|p| p.name.as_str()).collect();
        header.extend(EMA_COLUMNS);
        writers[0]
            .write_record(&header)
            .map_err(csv_io("writing", exp_path))?;
        writers[n - 1]
            .write_record(["run", "point", "replication", "seed"])
            .map_err(csv_io("writing", &staged.0[n - 1]))?;
        super::results::for_each_run(dir, m, |_, _, f| {
            let mut row: Vec<&str> = f.iter().skip(4).take(k).collect();
            row.extend([&f[1], "None", "pioneer"]);
            writers[0]
                .write_record(&row)
                .map_err(csv_io("writing", exp_path))?;
            for (j, v) in f.iter().skip(4 + k).enumerate() {
                writers[1 + j]
                    .write_record([v])
                    .map_err(csv_io("writing", &staged.0[1 + j]))?;
            }
            writers[n - 1]
                .write_record(f.iter().take(4))
                .map_err(csv_io("writing", &staged.0[n - 1]))
        })?;
        for (w, p) in writers.into_iter().zip(&staged.0) {
            w.into_inner()
                .map_err(|e| io("writing", p)(e.into_error()))?
                .flush()
                .map_err(io("writing", p))?;
        }
    }
    let path = dir.join(ARCHIVE);
    let meta = metadata(m, &files).map_err(|e| SweepError::Damaged {
        path: path.clone(),
        what: e.to_string(),
    })?;
    let mut gz = GzEncoder::new(AtomicFile::create(&path)?, Compression::default());
    let w = io("writing", &path);
    let pack = |gz: &mut GzEncoder<AtomicFile>, name: &str, body: &mut dyn Read, size: u64| {
        gz.write_all(&tar_header(name, size))?;
        let copied = std::io::copy(body, gz)?;
        debug_assert_eq!(copied, size);
        let pad = (512 - size % 512) % 512;
        gz.write_all(&vec![0u8; pad as usize])
    };
    // EMA's order: experiments, outcomes, metadata; then the bookkeeping.
    let n = names.len();
    for (i, (name, p)) in names.iter().zip(&staged.0).enumerate() {
        if i == n - 1 {
            pack(
                &mut gz,
                "metadata.json",
                &mut meta.as_bytes(),
                meta.len() as u64,
            )
            .map_err(io("writing", &path))?;
        }
        let size = std::fs::metadata(p).map_err(io("reading", p))?.len();
        let mut body = BufReader::new(File::open(p).map_err(io("opening", p))?);
        pack(&mut gz, name, &mut body, size).map_err(io("writing", &path))?;
    }
    gz.write_all(&[0u8; 1024]).map_err(io("writing", &path))?;
    let file = gz.finish().map_err(w)?;
    file.commit()?;
    drop(staged);
    for old in OLD_LAYOUT {
        let p = dir.join(old);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(io("removing", &p)(e))
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_files_are_safe_and_distinct() {
        let ids: Vec<String> = [
            "go_live_delay_weeks:brent",
            "go_live_delay_weeks_brent",
            "a/../b",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            outcome_files(&ids),
            [
                "go_live_delay_weeks_brent.cls",
                "go_live_delay_weeks_brent-2.cls",
                "a____b.cls"
            ]
        );
    }

    #[test]
    fn tar_headers_carry_a_valid_checksum_and_size() {
        let h = tar_header("x.cls", 1234);
        let stored =
            u32::from_str_radix(std::str::from_utf8(&h[148..154]).unwrap().trim(), 8).unwrap();
        let mut blank = h;
        blank[148..156].fill(b' ');
        assert_eq!(stored, blank.iter().map(|&b| b as u32).sum::<u32>());
        assert_eq!(&h[124..136], b"00000002322\0");
        assert_eq!(&h[257..263], b"ustar\0");
        // Base-256 past the octal field's 8 GiB.
        let big = tar_header("x", 1 << 34);
        assert_eq!(big[124], 0x80);
        assert_eq!(
            u64::from_be_bytes(big[128..136].try_into().unwrap()),
            1 << 34
        );
    }
}
