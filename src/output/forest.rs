//! The forest plot of a comparison (`compare_forest.svg`, `.png`): for every
//! compared scenario against the baseline (the first), per programme
//! milestone and per early adopter's go-live, the median paired difference
//! in the achieved date (weeks; replication r of both scenarios shares its
//! random numbers) with its 10–90% range across replications, a zero line,
//! one colour per scenario (the colours of the go-live chart) and a legend.
//! Identical scenarios give exact zeros (a point on the zero line, no range,
//! and `+0.0 [+0.0, +0.0]` beside it), so they cannot hide behind each other.
//!
//! A milestone not reached by the horizon in a replication is censored: its
//! date is the horizon, so the difference of that pair is a bound, not a
//! value. Such pairs stay in the quantiles (dropping them would keep only
//! the replications where both scenarios got there), and every row with
//! any says how many, beside the numbers: `· 3/40 censored`.
//!
//! Without the `charts` feature there is no forest plot (`forest_chart`
//! returns None).

use super::chart::{Chart, ChartError};
use super::comparison::{Comparison, ComparisonRow};

/// The label of a date row in the forest plot: `programme: <milestone>` or
/// `go-live: <early adopter>`.
pub fn forest_label(row: &ComparisonRow) -> String {
    if row.output == "first_go_live_date" {
        "programme: first_pilot_live".to_string()
    } else if let Some(m) = row.output.strip_prefix("programme_date:") {
        format!("programme: {m}")
    } else if let Some(ea) = row.output.strip_prefix("go_live_date:") {
        format!("go-live: {ea}")
    } else {
        row.output.clone()
    }
}

/// The text beside one scenario's range: median [p10, p90] in weeks and,
/// when some pairs involve a date not reached by the horizon, how many.
pub fn forest_note(row: &ComparisonRow, scenario: usize, replications: u32) -> Option<String> {
    let d = row.difference.get(scenario).copied().flatten()?;
    let mut s = format!("{:+.1} [{:+.1}, {:+.1}]", d[1], d[0], d[2]);
    if let Some(&n) = row.censored_pairs.get(scenario).filter(|&&n| n > 0) {
        s.push_str(&format!(" · {n}/{replications} censored"));
    }
    Some(s)
}

/// The forest plot of a comparison's date rows; None without the `charts`
/// feature or when there is no scenario to compare with the baseline.
pub fn forest_chart(c: &Comparison) -> Result<Option<Chart>, ChartError> {
    #[cfg(feature = "charts")]
    {
        if c.names.len() < 2 {
            return Ok(None);
        }
        super::charts::render(&draw::Forest::new(c)).map(Some)
    }
    #[cfg(not(feature = "charts"))]
    {
        let _ = c;
        Ok(None)
    }
}

#[cfg(feature = "charts")]
mod draw {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    use super::super::charts::{scenario_colour, text_px, wrap_text, Area, Figure, FONT};
    use super::{forest_label, forest_note, Comparison};

    /// Pixels per scenario line within a row.
    const LINE: u32 = 22;
    /// Extra pixels between rows.
    const GAP: u32 = 10;
    const LEFT: u32 = 270;
    const RIGHT: u32 = 290;
    const WIDTH: u32 = 1200;
    /// Pixels per line of the (wrapped) title.
    const TITLE_LINE: u32 = 27;
    /// Pixels per line of the legend.
    const LEGEND_LINE: u32 = 20;

    /// One legend entry placed: x, line, the scenario's colour, and whether
    /// the text continues an entry wrapped from the line above (no dot).
    type Placed = (i32, u32, RGBColor, bool, String);

    /// One row: label, then per compared scenario (index, colour, quantiles, note).
    type Row = (String, Vec<(RGBColor, [f64; 3], String)>);

    pub(super) struct Forest {
        title: String,
        names: Vec<(String, RGBColor)>,
        rows: Vec<Row>,
        x_desc: String,
    }

    impl Forest {
        pub(super) fn new(c: &Comparison) -> Forest {
            let rows = c
                .rows
                .iter()
                .filter(|r| r.is_date)
                .map(|r| {
                    let lines = (1..c.names.len())
                        .filter_map(|s| {
                            let d = r.difference[s]?;
                            Some((scenario_colour(s), d, forest_note(r, s, c.replications)?))
                        })
                        .collect();
                    (forest_label(r), lines)
                })
                .collect();
            Forest {
                title: format!(
                    "Paired difference from {} in achieved dates (median, 10–90% of {} replications)",
                    c.names[0], c.replications
                ),
                names: (1..c.names.len())
                    .map(|s| (format!("{} − {}", c.names[s], c.names[0]), scenario_colour(s)))
                    .collect(),
                rows,
                x_desc: "weeks (scenario − baseline in the same replication; below 0 = earlier)"
                    .into(),
            }
        }

        fn lines(&self) -> usize {
            self.names.len().max(1)
        }

        /// The title's lines, wrapped to the figure's width.
        fn title_lines(&self) -> Vec<String> {
            wrap_text(&self.title, &(FONT, 18).into_font(), WIDTH - 20)
        }

        /// The legend laid out from the plot's left edge: entries side by side while they
        /// fit in the width, else on the next line; an entry wider than the
        /// whole line is wrapped (never cut).
        fn legend(&self) -> Vec<Placed> {
            let font = (FONT, 14).into_font();
            let (left, right) = (LEFT as i32, WIDTH as i32 - 10);
            let mut out = Vec::new();
            let (mut x, mut line) = (left, 0);
            for (name, colour) in &self.names {
                let width = 16 + text_px(name, &font) as i32;
                if x > left && x + width > right {
                    (x, line) = (left, line + 1);
                }
                let parts = wrap_text(name, &font, (right - x - 16) as u32);
                let last = parts.len() - 1;
                for (k, part) in parts.into_iter().enumerate() {
                    out.push((x, line + k as u32, *colour, k > 0, part));
                }
                line += last as u32;
                x = if last > 0 { right } else { x + width + 24 };
            }
            out
        }

        /// Height of the legend band in pixels.
        fn legend_px(&self) -> u32 {
            let lines = self.legend().iter().map(|p| p.1 + 1).max().unwrap_or(1);
            LEGEND_LINE * lines + 20
        }
    }

    fn e<E: std::fmt::Display>(x: E) -> String {
        x.to_string()
    }

    fn text<DB: DrawingBackend>(
        area: &Area<DB>,
        s: &str,
        at: (i32, i32),
        h: HPos,
        colour: RGBColor,
    ) -> Result<(), String> {
        let style = TextStyle::from((FONT, 14).into_font())
            .pos(Pos::new(h, VPos::Center))
            .color(&colour);
        area.draw(&Text::new(s.to_string(), at, style)).map_err(e)
    }

    impl Figure for Forest {
        fn name(&self) -> &'static str {
            "compare_forest"
        }
        fn title(&self) -> String {
            self.title.clone()
        }
        fn size(&self) -> (u32, u32) {
            let rows = self.rows.len() as u32;
            let extra = TITLE_LINE * (self.title_lines().len() as u32 - 1) + self.legend_px() - 40;
            (
                WIDTH,
                extra + 140 + rows * (LINE * self.lines() as u32 + GAP) + 60,
            )
        }
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
            root.fill(&WHITE).map_err(e)?;
            let mut titled = root.margin(10, 0, 0, 0);
            for line in self.title_lines() {
                titled = titled.titled(&line, (FONT, 18)).map_err(e)?;
            }
            let (legend, plot) = titled.split_vertically(self.legend_px());
            // Legend: one entry per compared scenario, wrapped to the width.
            for (x, line, colour, more, part) in self.legend() {
                let y = 20 + (LEGEND_LINE * line) as i32;
                if !more {
                    legend
                        .draw(&Circle::new((x + 6, y), 5, colour.filled()))
                        .map_err(e)?;
                }
                text(&legend, &part, (x + 16, y), HPos::Left, BLACK)?;
            }
            // y in pixels-per-line units: each row takes `lines` lines plus a gap.
            let per_row = self.lines() as f64 + GAP as f64 / LINE as f64;
            let height = per_row * self.rows.len().max(1) as f64;
            let (lo, hi) = self
                .rows
                .iter()
                .flat_map(|(_, l)| l.iter().flat_map(|(_, d, _)| d.iter().copied()))
                .filter(|v| v.is_finite())
                .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
            let pad = ((hi - lo) * 0.05).max(1.0);
            let mut chart = ChartBuilder::on(&plot)
                .margin_top(4)
                .margin_bottom(6)
                .set_label_area_size(LabelAreaPosition::Left, LEFT)
                .set_label_area_size(LabelAreaPosition::Right, RIGHT)
                .x_label_area_size(50)
                .build_cartesian_2d((lo - pad)..(hi + pad), 0.0..height)
                .map_err(e)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(0)
                .x_desc(self.x_desc.as_str())
                .axis_desc_style((FONT, 15))
                .label_style((FONT, 13))
                .light_line_style(WHITE)
                .draw()
                .map_err(e)?;
            // Zero line.
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.0), (0.0, height)],
                    BLACK.stroke_width(1),
                )))
                .map_err(e)?;
            let (x_lo, _) = chart.backend_coord(&(lo - pad, 0.0));
            let (x_hi, _) = chart.backend_coord(&(hi + pad, 0.0));
            for (j, (label, lines)) in self.rows.iter().enumerate() {
                let top = height - per_row * j as f64;
                // A faint separator above every row but the first.
                if j > 0 {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(lo - pad, top), (hi + pad, top)],
                            RGBColor(225, 225, 225).stroke_width(1),
                        )))
                        .map_err(e)?;
                }
                let mid = top - GAP as f64 / LINE as f64 / 2.0 - self.lines() as f64 / 2.0;
                let (_, py) = chart.backend_coord(&(0.0, mid));
                text(root, label, (x_lo - 10, py), HPos::Right, BLACK)?;
                for (i, (colour, d, note)) in lines.iter().enumerate() {
                    let y = top - GAP as f64 / LINE as f64 / 2.0 - (i as f64 + 0.5);
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(d[0], y), (d[2], y)],
                            colour.stroke_width(3),
                        )))
                        .map_err(e)?;
                    chart
                        .draw_series(std::iter::once(Circle::new((d[1], y), 5, colour.filled())))
                        .map_err(e)?;
                    let (_, py) = chart.backend_coord(&(0.0, y));
                    text(root, note, (x_hi + 10, py), HPos::Left, *colour)?;
                }
            }
            Ok(())
        }
    }
}
