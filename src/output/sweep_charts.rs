//! Charts of a sweep's report: an output against each swept parameter
//! (one panel per parameter, one dot per design point at the mean of its
//! replications). A log-scale parameter gets a logarithmic axis. The grid
//! heatmaps are `charts::grid_heatmap_with_bar`.

use plotters::prelude::*;

use super::charts::{e, render, short_number, Area, Chart, ChartError, Figure, FONT, PALETTE};

/// Most dots drawn per panel. Unit: design points. Why: every dot is an
/// SVG element, inline in `report.html`; 2,000 keep the page light and
/// still show a pattern. Protects: the report's size (a 10^6-point design
/// would write some 100 MB of SVG). Larger designs are thinned evenly and
/// the title says so.
pub const MAX_DOTS: usize = 2_000;

/// One parameter's panel: its name, whether its axis is logarithmic, and
/// the x value of every point.
#[derive(Debug, Clone)]
pub struct ScatterPanel {
    /// Parameter name (the x axis).
    pub name: String,
    /// Log-scale axis.
    pub log: bool,
    /// Parameter value per design point.
    pub xs: Vec<f64>,
}

struct Scatter {
    title: String,
    y_label: String,
    panels: Vec<ScatterPanel>,
    ys: Vec<f64>,
    step: usize,
}

const COLUMNS: usize = 3;
const PANEL: (u32, u32) = (440, 330);

impl Figure for Scatter {
    fn name(&self) -> &'static str {
        "sweep_scatter"
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn size(&self) -> (u32, u32) {
        let cols = self.panels.len().clamp(1, COLUMNS) as u32;
        let rows = self.panels.len().div_ceil(COLUMNS).max(1) as u32;
        let w = (cols * PANEL.0).max(10 * self.title.chars().count() as u32 + 40);
        (w, 50 + rows * PANEL.1)
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        root.fill(&WHITE).map_err(e)?;
        let body = root.titled(&self.title, (FONT, 20)).map_err(e)?;
        let cols = self.panels.len().clamp(1, COLUMNS);
        let rows = self.panels.len().div_ceil(COLUMNS).max(1);
        let areas = body.split_evenly((rows, cols));
        let finite = |v: &[f64]| -> (f64, f64) {
            let (lo, hi) = v
                .iter()
                .filter(|x| x.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                });
            if !lo.is_finite() {
                (0.0, 1.0)
            } else if hi > lo {
                let pad = 0.05 * (hi - lo);
                (lo - pad, hi + pad)
            } else {
                (lo - 0.5, hi + 0.5)
            }
        };
        let (ylo, yhi) = finite(&self.ys);
        for (panel, area) in self.panels.iter().zip(&areas) {
            let xs: Vec<f64> = panel
                .xs
                .iter()
                .map(|&x| if panel.log { x.log10() } else { x })
                .collect();
            let (xlo, xhi) = finite(&xs);
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .x_label_area_size(46)
                .y_label_area_size(70)
                .build_cartesian_2d(xlo..xhi, ylo..yhi)
                .map_err(e)?;
            let log = panel.log;
            let x_fmt =
                move |x: &f64| short_number(&(if log { 10f64.powf(*x) } else { *x }).to_string());
            let y_fmt = |y: &f64| short_number(&y.to_string());
            let x_desc = if log {
                format!("{} (log scale)", panel.name)
            } else {
                panel.name.clone()
            };
            chart
                .configure_mesh()
                .light_line_style(RGBColor(235, 235, 235))
                .x_labels(if log { 0 } else { 5 })
                .y_labels(6)
                .x_label_formatter(&x_fmt)
                .y_label_formatter(&y_fmt)
                .x_desc(x_desc)
                .y_desc(self.y_label.as_str())
                .axis_desc_style((FONT, 14))
                .label_style((FONT, 13))
                .draw()
                .map_err(e)?;
            if log {
                // Ticks at 1, 2 and 5 times the powers of ten in range.
                let plot = chart.plotting_area();
                for v in log_ticks(10f64.powf(xlo), 10f64.powf(xhi)) {
                    let (px, py) = chart.backend_coord(&(v.log10(), ylo));
                    // Backend coordinates: drawn on the whole figure.
                    root.draw(&PathElement::new(
                        vec![(px, py), (px, py + 5)],
                        BLACK.stroke_width(1),
                    ))
                    .map_err(e)?;
                    root.draw(&Text::new(
                        short_number(&v.to_string()),
                        (px, py + 8),
                        TextStyle::from((FONT, 13).into_font()).pos(
                            plotters::style::text_anchor::Pos::new(
                                plotters::style::text_anchor::HPos::Center,
                                plotters::style::text_anchor::VPos::Top,
                            ),
                        ),
                    ))
                    .map_err(e)?;
                    plot.draw(&PathElement::new(
                        vec![(v.log10(), ylo), (v.log10(), yhi)],
                        RGBColor(200, 200, 200).stroke_width(1),
                    ))
                    .map_err(e)?;
                }
            }
            chart
                .draw_series(
                    xs.iter()
                        .zip(&self.ys)
                        .step_by(self.step)
                        .filter(|(x, y)| x.is_finite() && y.is_finite())
                        .map(|(&x, &y)| Circle::new((x, y), 3, PALETTE[0].mix(0.7).filled())),
                )
                .map_err(e)?;
        }
        Ok(())
    }
}

/// Ticks of a logarithmic axis from `lo` to `hi` (both positive): 1, 2
/// and 5 times the powers of ten in range (every digit when that gives
/// fewer than three), only the powers when there are more than 8; at least
/// the two ends.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo) {
        return vec![];
    }
    let within = |mantissas: &[f64]| {
        let mut ticks = Vec::new();
        for p in lo.log10().floor() as i32..=hi.log10().ceil() as i32 {
            for m in mantissas {
                let v = m * 10f64.powi(p);
                if v >= lo && v <= hi {
                    ticks.push(v);
                }
            }
        }
        ticks
    };
    let mut ticks = within(&[1.0, 2.0, 5.0]);
    if ticks.len() < 3 {
        // Less than a decade: every digit.
        ticks = within(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    }
    if ticks.len() > 8 {
        ticks.retain(|v| (v.log10() - v.log10().round()).abs() < 1e-9);
    }
    if ticks.len() < 2 {
        ticks = vec![lo, hi];
    }
    ticks
}

/// An output (`ys`, one value per design point) against each parameter's
/// values, one panel each; `y_label` names the output and its unit.
/// Designs with more than [`MAX_DOTS`] points are thinned evenly (every
/// n-th point) and the title says how many are drawn.
pub fn output_scatter(
    title: &str,
    y_label: &str,
    panels: Vec<ScatterPanel>,
    ys: Vec<f64>,
) -> Result<Chart, ChartError> {
    let step = ys.len().div_ceil(MAX_DOTS).max(1);
    let title = if step > 1 {
        format!(
            "{title} ({} of {} points, every {step}th)",
            ys.len().div_ceil(step),
            ys.len()
        )
    } else {
        title.to_string()
    };
    render(&Scatter {
        title,
        y_label: y_label.to_string(),
        panels,
        ys,
        step,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_keep_four_significant_digits() {
        assert_eq!(short_number("0.30000000000000004"), "0.3");
        assert_eq!(short_number("1250000"), "1.25M");
        assert_eq!(short_number("-20000"), "-20k");
        assert_eq!(short_number("12.3456"), "12.35");
        assert_eq!(short_number("0"), "0");
        assert_eq!(short_number("NaN"), "n/a");
        assert_eq!(short_number("brent"), "brent");
    }

    #[test]
    fn log_ticks_are_round_numbers_in_range() {
        assert_eq!(log_ticks(0.95, 4.2), [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(log_ticks(1.0, 60.0), [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]);
        assert_eq!(
            log_ticks(1e-3, 1e6),
            [1e-3, 1e-2, 1e-1, 1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6]
        );
        assert_eq!(log_ticks(3.0, 4.0), [3.0, 4.0]);
    }

    #[test]
    fn large_designs_are_thinned_and_say_so() {
        let n = 5 * MAX_DOTS + 1;
        let panel = ScatterPanel {
            name: "a".into(),
            log: true,
            xs: (1..=n).map(|i| i as f64).collect(),
        };
        let c = output_scatter("y", "y (weeks)", vec![panel], vec![1.0; n]).unwrap();
        assert!(
            c.title.contains(&format!("of {n} points, every 6th")),
            "{}",
            c.title
        );
        // 1,668 dots (every 6th of 10,001), each an SVG circle.
        assert_eq!(c.svg.matches("<circle").count(), n.div_ceil(6));
        assert!(c.svg.contains("a (log scale)"));
    }
}
