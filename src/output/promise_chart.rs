//! The promise curve of `pioneer promise` (`promise_curve.svg`, `.png`):
//! for each promised milestone, the promised date (x) against the delivered
//! date (y: median line and 10–90% band across replications), the diagonal
//! "delivered as promised", the original promise, the promise with the
//! earliest median delivery and the honest promise at each confidence level;
//! under it, the probability of delivering by the promise with the
//! confidence levels as horizontal lines (the honest promise is where the
//! curve first reaches its line). Delivered dates past the horizon are drawn
//! at the horizon line and said so.
//!
//! The data come as plain panels (this layer knows nothing of the scan
//! above it). Without the `charts` feature there is no chart.

use chrono::NaiveDate;

use super::chart::{Chart, ChartError};

/// One evaluated promise.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePoint {
    /// The promised date.
    pub promise: NaiveDate,
    /// Share of replications delivering by it.
    pub p_delivered: f64,
    /// Delivered date at 10%, 50%, 90% (None: after the horizon).
    pub delivered: [Option<NaiveDate>; 3],
}

/// One milestone's curve.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePanel {
    /// The panel's heading.
    pub title: String,
    /// Evaluated promises, earliest first.
    pub points: Vec<CurvePoint>,
    /// The scenario's own promise.
    pub original: NaiveDate,
    /// The promise with the earliest median delivery.
    pub earliest_delivery: Option<NaiveDate>,
    /// (confidence, honest promise) per level.
    pub honest: Vec<(f64, Option<NaiveDate>)>,
}

/// The promise curve chart; None without the `charts` feature or panels.
/// Date axes have their ticks on calendar boundaries (months, quarters or
/// the first day of each financial year, which starts in
/// `year_start_month`), as the run charts' time axes.
pub fn promise_curve_chart(
    panels: &[CurvePanel],
    start: NaiveDate,
    horizon: NaiveDate,
    year_start_month: u32,
    replications: u32,
) -> Result<Option<Chart>, ChartError> {
    #[cfg(feature = "charts")]
    {
        if panels.iter().all(|p| p.points.is_empty()) {
            return Ok(None);
        }
        super::charts::render(&draw::PromiseCurve {
            panels,
            start,
            horizon,
            year_start_month,
            replications,
        })
        .map(Some)
    }
    #[cfg(not(feature = "charts"))]
    {
        let _ = (panels, start, horizon, year_start_month, replications);
        Ok(None)
    }
}

#[cfg(feature = "charts")]
mod draw {
    use chrono::NaiveDate;
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
    use plotters::coord::types::RangedCoordf64;

    use super::super::chart::calendar_ticks;
    use super::super::charts::{e, legend, Area, Figure, Key, FONT, PALETTE};
    use super::CurvePanel;

    const WIDTH: u32 = 1400;
    const LEGEND: u32 = 330;
    const MAIN: u32 = 560;
    const PROB: u32 = 240;
    const GREY: RGBColor = RGBColor(120, 120, 120);
    /// Colours of the confidence levels, in order.
    const LEVELS: [RGBColor; 4] = [PALETTE[3], PALETTE[5], PALETTE[1], PALETTE[2]];

    pub(super) struct PromiseCurve<'a> {
        pub(super) panels: &'a [CurvePanel],
        pub(super) start: NaiveDate,
        pub(super) horizon: NaiveDate,
        pub(super) year_start_month: u32,
        pub(super) replications: u32,
    }

    /// A date axis in days since the chart's start whose ticks lie on
    /// calendar boundaries (`chart::calendar_ticks`): labelled ticks
    /// (`major`) and unlabelled grid lines (`minor`).
    pub(super) struct DateAxis {
        days: RangedCoordf64,
        major: Vec<f64>,
        minor: Vec<f64>,
    }

    impl Ranged for DateAxis {
        type FormatOption = DefaultFormatting;
        type ValueType = f64;
        fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
            self.days.map(value, limit)
        }
        fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
            if hint.weight().allow_light_points() {
                self.minor.clone()
            } else {
                self.major.clone()
            }
        }
        fn range(&self) -> std::ops::Range<f64> {
            self.days.range()
        }
    }

    fn level_colour(i: usize) -> RGBColor {
        LEVELS[i % LEVELS.len()]
    }

    fn pct(c: f64) -> String {
        format!("{:.0}%", 100.0 * c)
    }

    impl PromiseCurve<'_> {
        fn day(&self, d: NaiveDate) -> f64 {
            (d - self.start).num_days() as f64
        }
        fn date(&self, x: f64) -> NaiveDate {
            self.start + chrono::Duration::days(x.round() as i64)
        }
        /// An axis label: `Apr 2014` (ticks are on firsts of months).
        fn label(&self, x: f64) -> String {
            let d = self.date(x);
            d.format("%b %Y").to_string()
        }

        /// The axis `lo..hi` (days) with its ticks on calendar boundaries:
        /// months, quarters or financial-year starts with quarter lines.
        fn date_axis(&self, lo: f64, hi: f64) -> DateAxis {
            let ticks = calendar_ticks(self.date(lo), self.date(hi), self.year_start_month);
            DateAxis {
                days: (lo..hi).into(),
                major: ticks.major.iter().map(|(d, _)| self.day(*d)).collect(),
                minor: ticks.minor.iter().map(|d| self.day(*d)).collect(),
            }
        }

        fn panel<DB: DrawingBackend>(&self, area: &Area<DB>, p: &CurvePanel) -> Result<(), String> {
            let h = self.day(self.horizon);
            let xs: Vec<f64> = p.points.iter().map(|q| self.day(q.promise)).collect();
            let (x_lo, x_hi) = xs
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
            let x_pad = ((x_hi - x_lo) * 0.03).max(7.0);
            let (x_lo, x_hi) = (x_lo - x_pad, x_hi + x_pad);
            // y: from the first promise (so the diagonal enters bottom left)
            // to the latest delivered date; up to the horizon only when some
            // quantile is not reached by then.
            let delivered = p.points.iter().flat_map(|q| q.delivered.iter().flatten());
            let (d_lo, d_hi) = delivered
                .map(|d| self.day(*d))
                .fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
            let censored = p
                .points
                .iter()
                .any(|q| q.delivered.iter().any(Option::is_none));
            let y_lo = x_lo.min(d_lo);
            let top = if censored { h } else { d_hi.max(y_lo + 28.0) };
            let y_hi = top + (top - y_lo) * 0.06;
            let (main, prob) = area.split_vertically(MAIN);
            let (main, side) = main.split_horizontally(WIDTH - LEGEND);
            let (prob, prob_side) = prob.split_horizontally(WIDTH - LEGEND);
            let mut c = ChartBuilder::on(&main)
                .caption(&p.title, (FONT, 18))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(90)
                .build_cartesian_2d(self.date_axis(x_lo, x_hi), self.date_axis(y_lo, y_hi))
                .map_err(e)?;
            c.configure_mesh()
                .x_labels(40)
                .y_labels(40)
                .x_label_formatter(&|x| self.label(*x))
                .y_label_formatter(&|y| self.label(*y))
                .x_desc("promised date")
                .y_desc("delivered date")
                .label_style((FONT, 13))
                .axis_desc_style((FONT, 15))
                .light_line_style(RGBColor(240, 240, 240))
                .draw()
                .map_err(e)?;
            let clip = |d: Option<NaiveDate>| d.map_or(h, |d| self.day(d));
            // The band and the median.
            let blue = PALETTE[0];
            let mut band: Vec<(f64, f64)> = p
                .points
                .iter()
                .map(|q| (self.day(q.promise), clip(q.delivered[2])))
                .collect();
            band.extend(
                p.points
                    .iter()
                    .rev()
                    .map(|q| (self.day(q.promise), clip(q.delivered[0]))),
            );
            c.draw_series(std::iter::once(Polygon::new(band, blue.mix(0.35).filled())))
                .map_err(e)?;
            // Delivered as promised.
            let (a, b) = (x_lo.max(y_lo), x_hi.min(y_hi));
            c.draw_series(DashedLineSeries::new(
                vec![(a, a), (b, b)],
                8,
                5,
                BLACK.stroke_width(1),
            ))
            .map_err(e)?;
            // The horizon, when some quantile is not reached by then.
            if censored {
                c.draw_series(DashedLineSeries::new(
                    vec![(x_lo, h), (x_hi, h)],
                    4,
                    4,
                    GREY.stroke_width(1),
                ))
                .map_err(e)?;
                c.draw_series(std::iter::once(Text::new(
                    "horizon: not delivered by then",
                    (x_lo + (x_hi - x_lo) * 0.01, h),
                    (FONT, 12)
                        .into_font()
                        .color(&GREY)
                        .pos(Pos::new(HPos::Left, VPos::Bottom)),
                )))
                .map_err(e)?;
            }
            let median: Vec<(f64, f64)> = p
                .points
                .iter()
                .map(|q| (self.day(q.promise), clip(q.delivered[1])))
                .collect();
            c.draw_series(LineSeries::new(median.clone(), blue.stroke_width(3)))
                .map_err(e)?;
            c.draw_series(
                median
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 3, blue.filled())),
            )
            .map_err(e)?;
            // Original promise, earliest delivery, honest promises.
            let vline = |x: f64, colour: RGBColor, width: u32| {
                PathElement::new(vec![(x, y_lo), (x, y_hi)], colour.stroke_width(width))
            };
            c.draw_series(std::iter::once(vline(self.day(p.original), GREY, 2)))
                .map_err(e)?;
            if let Some(d) = p.earliest_delivery {
                if let Some(q) = p.points.iter().find(|q| q.promise == d) {
                    let at = (self.day(d), clip(q.delivered[1]));
                    c.draw_series(std::iter::once(TriangleMarker::new(
                        at,
                        9,
                        PALETTE[2].filled(),
                    )))
                    .map_err(e)?;
                }
            }
            for (i, (_, d)) in p.honest.iter().enumerate() {
                if let Some(d) = d {
                    c.draw_series(DashedLineSeries::new(
                        vec![(self.day(*d), y_lo), (self.day(*d), y_hi)],
                        6,
                        4,
                        level_colour(i).stroke_width(2),
                    ))
                    .map_err(e)?;
                }
            }
            // Legend.
            let mut entries: Vec<(Key, String)> = vec![
                (Key::Line(blue, false), "delivered: median".into()),
                (
                    Key::Shade(blue),
                    format!("10–90% of {} replications", self.replications),
                ),
                (Key::Line(BLACK, true), "delivered as promised".into()),
                (
                    Key::Line(GREY, false),
                    format!("original promise {}", p.original),
                ),
            ];
            if let Some(d) = p.earliest_delivery {
                entries.push((
                    Key::Triangle(PALETTE[2]),
                    "earliest median delivery:".into(),
                ));
                entries.push((Key::Note, format!("when promising {d}")));
            }
            for (i, (c, d)) in p.honest.iter().enumerate() {
                entries.push((
                    Key::Line(level_colour(i), true),
                    match d {
                        Some(d) => format!("honest at {}: {d}", pct(*c)),
                        None => format!("honest at {}: none in grid", pct(*c)),
                    },
                ));
            }
            legend(&side, &entries)?;
            // The probability panel.
            let mut pc = ChartBuilder::on(&prob)
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(90)
                .build_cartesian_2d(self.date_axis(x_lo, x_hi), 0.0..1.0)
                .map_err(e)?;
            pc.configure_mesh()
                .x_labels(40)
                .y_labels(6)
                .x_label_formatter(&|x| self.label(*x))
                .y_label_formatter(&|y| pct(*y))
                .x_desc("promised date")
                .y_desc("P(delivered by promise)")
                .label_style((FONT, 13))
                .axis_desc_style((FONT, 14))
                .light_line_style(RGBColor(240, 240, 240))
                .draw()
                .map_err(e)?;
            for (i, (c, d)) in p.honest.iter().enumerate() {
                pc.draw_series(DashedLineSeries::new(
                    vec![(x_lo, *c), (x_hi, *c)],
                    6,
                    4,
                    level_colour(i).stroke_width(1),
                ))
                .map_err(e)?;
                if let Some(d) = d {
                    if let Some(q) = p.points.iter().find(|q| q.promise == *d) {
                        pc.draw_series(std::iter::once(Circle::new(
                            (self.day(*d), q.p_delivered),
                            6,
                            level_colour(i).filled(),
                        )))
                        .map_err(e)?;
                    }
                }
            }
            let curve: Vec<(f64, f64)> = p
                .points
                .iter()
                .map(|q| (self.day(q.promise), q.p_delivered))
                .collect();
            pc.draw_series(LineSeries::new(curve.clone(), BLACK.stroke_width(2)))
                .map_err(e)?;
            pc.draw_series(curve.iter().map(|&p| Circle::new(p, 2, BLACK.filled())))
                .map_err(e)?;
            legend(
                &prob_side,
                &[
                    (Key::Line(BLACK, false), "P(delivered by promise)".into()),
                    (Key::Dot(PALETTE[3]), "honest promise: first".into()),
                    (Key::Note, "to reach its confidence".into()),
                ],
            )?;
            Ok(())
        }
    }

    impl Figure for PromiseCurve<'_> {
        fn name(&self) -> &'static str {
            "promise_curve"
        }
        fn title(&self) -> String {
            "The promise curve: promised vs delivered date, and the honest promise at each confidence"
                .into()
        }
        fn size(&self) -> (u32, u32) {
            let n = self.panels.iter().filter(|p| !p.points.is_empty()).count() as u32;
            (WIDTH, 50 + n * (MAIN + PROB + 20))
        }
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
            root.fill(&WHITE).map_err(e)?;
            let titled = root
                .margin(10, 0, 0, 0)
                .titled(&self.title(), (FONT, 20))
                .map_err(e)?;
            let panels: Vec<&CurvePanel> = self
                .panels
                .iter()
                .filter(|p| !p.points.is_empty())
                .collect();
            let mut rest = titled;
            for p in panels {
                let (this, below) = rest.split_vertically(MAIN + PROB + 20);
                self.panel(&this, p)?;
                rest = below;
            }
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use chrono::Datelike;

        #[test]
        fn date_axes_tick_on_calendar_boundaries() {
            let start = NaiveDate::from_ymd_opt(2013, 6, 28).unwrap();
            let curve = PromiseCurve {
                panels: &[],
                start,
                horizon: NaiveDate::from_ymd_opt(2017, 3, 31).unwrap(),
                year_start_month: 4,
                replications: 1,
            };
            let date = |x: f64| start + chrono::Duration::days(x as i64);
            // About three and a half years: labelled financial-year starts
            // (1 April), quarter lines between.
            let long = curve.date_axis(180.0, 1370.0);
            assert!(!long.major.is_empty());
            assert!(long
                .major
                .iter()
                .all(|&x| date(x).day() == 1 && date(x).month() == 4));
            assert!(long
                .minor
                .iter()
                .all(|&x| date(x).day() == 1 && [7, 10, 1].contains(&date(x).month())));
            // Under two years: quarters, labelled.
            let short = curve.date_axis(180.0, 700.0);
            assert!(short
                .major
                .iter()
                .all(|&x| date(x).day() == 1 && [1, 4, 7, 10].contains(&date(x).month())));
            assert!(short.major.len() >= 5);
            // The mapping is the plain linear one of the day range.
            assert_eq!(short.map(&180.0, (0, 100)), 0);
            assert_eq!(short.map(&700.0, (0, 100)), 100);
        }
    }
}
