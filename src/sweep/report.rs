//! `report.html` of a finished sweep: one self-contained page (styled as
//! the run report, charts inline as SVG) with the sweep's specification
//! (design, parameters with ranges and scale, outputs with units,
//! replications, seed), a summary of each output over the design, the
//! charts (a grid: one heatmap per output; other designs: each output
//! against each parameter), links to the exported files and, once
//! `pioneer analyze` has run, the sensitivity tables it wrote.
//!
//! Written by `sweep` and `merge` at the end ([`super::results::finish`]);
//! [`write_sweep_report`] rewrites it for a finished directory (so an
//! analysis can add its section).

use std::path::Path;

use super::outputs::describe;
use super::results::{self, output_stems};
use super::runner::{SweepError, SweepManifest, DESIGN_FILE, MANIFEST_FILE, RUNS_FILE};
use crate::output::chart::Chart;
use crate::output::export::fmt_num;
use crate::output::report::{escape, STYLE};
use crate::output::target::write_file_atomically;

/// The report's file name in the sweep directory.
pub const REPORT_FILE: &str = "report.html";

/// A chart of the sweep with the file stem it is written under.
#[derive(Debug, Clone)]
pub struct SweepChart {
    /// File stem (`grid_heatmap_<output>` or `sweep_scatter_<output>`).
    pub stem: String,
    /// The chart.
    pub chart: Chart,
}

/// The charts of a complete sweep directory: for a grid of two or more
/// parameters one heatmap per output (the first two parameters; the
/// others averaged over), otherwise one scatter per output against every
/// parameter. None in a build without the `charts` feature.
pub fn sweep_charts(dir: &Path, m: &SweepManifest) -> Result<Vec<SweepChart>, SweepError> {
    let s = &m.extension;
    let stems = output_stems(&s.outputs);
    let means = results::point_means(dir, m)?;
    let mut charts = Vec::new();
    if let Some(grids) = results::grid_cells_all(dir, m, &means)? {
        for (cells, stem) in grids.iter().zip(&stems) {
            if let Some(chart) = cells.heatmap()? {
                charts.push(SweepChart {
                    stem: format!("grid_heatmap_{stem}"),
                    chart,
                });
            }
        }
        return Ok(charts);
    }
    #[cfg(feature = "charts")]
    {
        use crate::output::sweep_charts::{output_scatter, ScatterPanel};
        let values = results::design_values(dir, m)?;
        for (j, (id, stem)) in s.outputs.iter().zip(&stems).enumerate() {
            let panels = s
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| ScatterPanel {
                    name: p.name.clone(),
                    log: p.scale == "log",
                    xs: values.iter().map(|row| row[i]).collect(),
                })
                .collect();
            let (_, unit) = describe(id);
            let chart = output_scatter(
                &format!(
                    "{id}: mean of {} replications per design point",
                    m.replications
                ),
                &with_unit(id, unit),
                panels,
                means.iter().map(|r| r[j]).collect(),
            )?;
            charts.push(SweepChart {
                stem: format!("sweep_scatter_{stem}"),
                chart,
            });
        }
    }
    Ok(charts)
}

/// `id (unit)`, or the id alone without a unit (chart captions).
#[cfg(feature = "charts")]
pub(crate) fn with_unit(id: &str, unit: &str) -> String {
    if unit.is_empty() {
        id.to_string()
    } else {
        format!("{id} ({unit})")
    }
}

/// Rewrites `report.html` of a finished, whole sweep directory from its
/// files (redrawing its charts), listing any `sensitivity_*` files an
/// analysis has written there.
pub fn write_sweep_report(dir: &Path, m: &SweepManifest) -> Result<(), SweepError> {
    let charts = sweep_charts(dir, m)?;
    write_report(dir, m, &charts)
}

/// Writes `report.html` with `charts` (already drawn and written beside it).
pub(crate) fn write_report(
    dir: &Path,
    m: &SweepManifest,
    charts: &[SweepChart],
) -> Result<(), SweepError> {
    let html = report_html(dir, m, charts)?;
    Ok(write_file_atomically(
        &dir.join(REPORT_FILE),
        html.as_bytes(),
    )?)
}

fn row(h: &mut String, cells: &[String]) {
    h.push_str("<tr>");
    for c in cells {
        h.push_str(&format!("<td>{c}</td>"));
    }
    h.push_str("</tr>\n");
}

fn num_cell(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else {
        "n/a".into()
    }
}

fn report_html(dir: &Path, m: &SweepManifest, charts: &[SweepChart]) -> Result<String, SweepError> {
    let s = &m.extension;
    let means = results::point_means(dir, m)?;
    let values = results::design_values(dir, m)?;
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str(&format!(
        "<title>pioneer sweep: {}</title><style>{STYLE}</style></head><body>\n",
        escape(&s.sweep_name)
    ));
    h.push_str(&format!(
        "<h1>Sweep {}</h1>\n<p>{} design of {} points × {} replications = {} runs on the base scenario <b>{}</b>; seed {}, {}; pioneer {}.</p>\n",
        escape(&s.sweep_name),
        escape(&s.design.kind),
        s.design.points,
        m.replications,
        s.total_runs,
        escape(m.scenario_name.as_deref().unwrap_or("(embedded default)")),
        m.seed,
        if s.common_random_numbers {
            "common random numbers (every point uses the same replication seeds)"
        } else {
            "each design point with seeds of its own"
        },
        escape(&m.tool_version)
    ));

    // The specification.
    h.push_str("<h2>Design</h2>\n<table><tr><th>kind</th><th>samples</th><th>Morris levels</th><th>Sobol second order</th><th>Sobol skip</th><th>points</th><th>replications per point</th><th>seed</th></tr>\n");
    row(
        &mut h,
        &[
            escape(&s.design.kind),
            s.design.samples.map_or("—".into(), |n| n.to_string()),
            if s.design.kind == "morris" {
                s.design.levels.to_string()
            } else {
                "—".into()
            },
            if s.design.kind == "sobol" {
                s.design.second_order.to_string()
            } else {
                "—".into()
            },
            s.design.skip.to_string(),
            s.design.points.to_string(),
            m.replications.to_string(),
            m.seed.to_string(),
        ],
    );
    h.push_str("</table>\n<h2>Parameters</h2>\n<table><tr><th>name</th><th>scenario key(s)</th><th>min</th><th>max</th><th>scale</th><th>values</th></tr>\n");
    for (i, p) in s.parameters.iter().enumerate() {
        let mut distinct: Vec<f64> = Vec::new();
        for v in values.iter().map(|r| r[i]) {
            if !distinct.iter().any(|d| d.to_bits() == v.to_bits()) {
                distinct.push(v);
            }
        }
        let kind = format!(
            "{}{}{}",
            p.scale,
            if p.integer { ", integer (rounded)" } else { "" },
            if p.relative {
                ", factor on the base value"
            } else {
                ""
            }
        );
        let shown = if s.design.kind == "grid" {
            distinct
                .iter()
                .map(|&v| fmt_num(v))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            format!("{} distinct", distinct.len())
        };
        row(
            &mut h,
            &[
                format!("<code>{}</code>", escape(&p.name)),
                escape(&p.path),
                fmt_num(p.min),
                fmt_num(p.max),
                escape(&kind),
                escape(&shown),
            ],
        );
    }
    h.push_str("</table>\n<h2>Outputs</h2>\n<p>Each design point's value is the mean over its replications; the columns summarise those means over the design's points.</p>\n<table><tr><th>output</th><th>meaning</th><th>unit</th><th>min</th><th>10%</th><th>median</th><th>90%</th><th>max</th><th>mean</th></tr>\n");
    for (j, id) in s.outputs.iter().enumerate() {
        let (meaning, unit) = describe(id);
        let mut col: Vec<f64> = means
            .iter()
            .map(|r| r[j])
            .filter(|v| v.is_finite())
            .collect();
        col.sort_by(f64::total_cmp);
        let q = |p: f64| {
            if col.is_empty() {
                f64::NAN
            } else {
                crate::util::stats::quantile_sorted(&col, p)
            }
        };
        let mut cells = vec![
            format!("<code>{}</code>", escape(id)),
            escape(&meaning),
            escape(unit),
        ];
        for x in [q(0.0), q(0.1), q(0.5), q(0.9), q(1.0)] {
            cells.push(num_cell(x));
        }
        cells.push(num_cell(crate::util::stats::mean(&col)));
        row(&mut h, &cells);
    }
    h.push_str("</table>\n");

    if !charts.is_empty() {
        h.push_str("<h2>Charts</h2>\n");
        if s.design.kind == "grid" && s.parameters.len() > 2 {
            h.push_str("<p>Each heatmap shows the first two parameters; every cell is the mean over the other parameters' values and the replications.</p>\n");
        }
        for c in charts {
            h.push_str(&format!(
                "<figure id=\"{}\">{}<figcaption>{} (<a href=\"{}.svg\">SVG</a>, <a href=\"{}.png\">PNG</a>)</figcaption></figure>\n",
                escape(&c.stem),
                c.chart.svg.trim(),
                escape(&c.chart.title),
                escape(&c.stem),
                escape(&c.stem)
            ));
        }
    }

    // The files.
    h.push_str("<h2>Files</h2>\n<table><tr><th>file</th><th>what it holds</th></tr>\n");
    let files: [(&str, &str); 8] = [
        (
            RUNS_FILE,
            "every run: run, point, replication, seed, the parameters, the outputs",
        ),
        (
            DESIGN_FILE,
            "the design: point, parameter values, unit-cube coordinates",
        ),
        (
            super::runner::TIMESERIES_FILE,
            "every run's monthly time series",
        ),
        (
            MANIFEST_FILE,
            "how the sweep was run (versions, seeds, hashes)",
        ),
        (
            "salib/params.txt",
            "SALib parameter file (name, bounds, group, distribution)",
        ),
        (
            "salib/X.txt",
            "SALib: the design's parameter values, one point per row",
        ),
        ("salib/Y.txt", "SALib: per point the mean of each output"),
        (
            super::ema::ARCHIVE,
            "EMA Workbench archive: ema_workbench.load_results(path)",
        ),
    ];
    for (f, what) in files {
        if dir.join(f).exists() {
            row(
                &mut h,
                &[format!("<a href=\"{0}\">{0}</a>", escape(f)), escape(what)],
            );
        }
    }
    h.push_str("</table>\n");

    // Analyses written into the directory by `pioneer analyze`.
    let mut analyses: Vec<String> = std::fs::read_dir(dir)
        .map_err(super::runner::io("reading", dir))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("sensitivity_") && (n.ends_with(".csv") || n.ends_with(".json")))
        .collect();
    analyses.sort();
    if !analyses.is_empty() {
        h.push_str("<h2>Sensitivity analyses</h2>\n<p>Written by <code>pioneer analyze</code> in this directory (its charts are beside them as <code>sensitivity_*.svg</code>/<code>.png</code>).</p>\n<ul>\n");
        for a in &analyses {
            h.push_str(&format!("<li><a href=\"{0}\">{0}</a></li>\n", escape(a)));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</body></html>\n");
    Ok(h)
}
