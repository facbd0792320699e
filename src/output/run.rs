//! What an ensemble's [`Runs`] can do with themselves: summarise, and write
//! the standard output directory of `pioneer run` (data, charts, report and
//! manifest, atomically).

use std::path::{Path, PathBuf};

use super::export::{all_files, ExportError};
use super::manifest::{Manifest, NoExtension};
use super::summary::Summary;
use super::target::{OutputDir, Policy, TargetError};
use crate::engine::ensemble::Runs;

/// Why writing a run's outputs failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Building the files failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The directory was refused or could not be written.
    #[error(transparent)]
    Target(#[from] TargetError),
}

impl Runs {
    /// Quantiles and counts across the replications.
    pub fn summary(&self) -> Summary {
        Summary::new(&self.plan, &self.results)
    }

    /// Every output file as (name, bytes), the manifest last; `summary` is
    /// this ensemble's [`Runs::summary`] (computed once by the caller, who
    /// usually shows it too); `command_line` is recorded in the manifest.
    pub fn files(
        &self,
        summary: &Summary,
        command_line: Vec<String>,
    ) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
        let manifest = Manifest::new(
            self.spec.seed,
            self.spec.replications,
            command_line,
            NoExtension {},
        )
        .with_scenario(&self.plan.scenario);
        all_files(&self.plan, &self.results, summary, manifest)
    }

    /// Writes the output directory `dir` atomically. With `replace`, an
    /// existing directory is replaced only if pioneer wrote it.
    pub fn write(&self, dir: &Path, replace: bool) -> Result<PathBuf, WriteError> {
        let out = OutputDir::new(Some(dir), Path::new("."), "", Policy::one_shot(replace))?;
        Ok(out.write(&self.files(&self.summary(), Vec::new())?)?)
    }
}
