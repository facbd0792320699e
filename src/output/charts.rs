//! Charts of a run, drawn with plotters as SVG and PNG: promise vs delivery
//! (the signature chart), the go-live curve, engagement by agent kind,
//! relational vs transactional effort, and cumulative spend. Distributions
//! are across replications (median and 10–90% band). Colours are the
//! Okabe–Ito colour-blind-safe palette; text uses the embedded DejaVu Sans,
//! so charts look the same on every machine.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{calendar_ticks, day, Band, GoLiveAccumulator, PromiseRow, RunChartData};
pub use super::chart::{Chart, ChartError};
use crate::engine::plan::Plan;
use crate::model::AgentKind;
#[cfg(test)]
use crate::model::ProgrammeMilestone;
use crate::observe::SpendCategory;

/// Okabe & Ito (2008) colour-blind-safe palette.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

pub(super) const FONT: &str = "sans-serif";
/// Colours of compared scenarios, in order (the baseline first): the
/// palette reordered so that no two of the first five are a pair that is
/// hard to tell apart (orange and vermillion, blue and sky blue).
pub const SCENARIO_COLOURS: [RGBColor; 8] = [
    PALETTE[0], // blue
    PALETTE[1], // orange
    PALETTE[2], // bluish green
    PALETTE[5], // reddish purple
    PALETTE[7], // black
    PALETTE[3], // vermillion
    PALETTE[4], // sky blue
    PALETTE[6], // yellow
];

/// The colour of compared scenario `s` (0 = the baseline).
pub fn scenario_colour(s: usize) -> RGBColor {
    SCENARIO_COLOURS[s % SCENARIO_COLOURS.len()]
}

const GREY: RGBColor = RGBColor(120, 120, 120);

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font ships with the crate; registering cannot fail for valid bytes.
        let _ = plotters::style::register_font(
            FONT,
            FontStyle::Normal,
            include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
        );
    });
}

pub(super) type Area<'a, DB> = DrawingArea<DB, Shift>;

/// A chart that can be drawn on any plotters backend.
pub(super) trait Figure {
    fn name(&self) -> &'static str;
    fn title(&self) -> String;
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String>;
}

pub(super) fn render<F: Figure>(f: &F) -> Result<Chart, ChartError> {
    register_font();
    let err = |message: String| ChartError {
        chart: f.name(),
        message,
    };
    let (w, h) = f.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        f.draw(&root).map_err(err)?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        f.draw(&root).map_err(err)?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|e| err(e.to_string()))?;
        writer
            .write_image_data(&rgb)
            .map_err(|e| err(e.to_string()))?;
    }
    Ok(Chart {
        name: f.name(),
        title: f.title(),
        svg,
        png,
    })
}

pub(super) fn e<E: std::fmt::Display>(x: E) -> String {
    x.to_string()
}

/// The date `x` days after the calendar start.
fn date_at(plan: &Plan, x: f64) -> chrono::NaiveDate {
    plan.calendar.date(0) + chrono::Duration::days(x.round() as i64)
}

/// Colour of a shaded 10–90% band (the line's colour, light).
const BAND_ALPHA: f64 = 0.2;

/// The colour and dash of each agent kind, the same on every chart. Pairs
/// that colour-blind readers may confuse (blue and sky blue, orange and
/// vermillion) differ in dash too; the programme team, drawn in its own
/// panel where its hours would squash the rest, is grey.
fn kind_style(k: AgentKind) -> (RGBColor, bool) {
    match k {
        AgentKind::Ccg => (PALETTE[0], false),
        AgentKind::LocalAuthority => (PALETTE[1], false),
        AgentKind::AcuteTrust => (PALETTE[2], false),
        AgentKind::CommunityTrust => (PALETTE[3], true),
        AgentKind::GpPractice => (PALETTE[4], true),
        AgentKind::ThirdSector => (PALETTE[5], false),
        AgentKind::ProgrammeTeam => (GREY, true),
        AgentKind::LayPartner => (PALETTE[7], false),
    }
}

/// Draws the time axis of `chart` on calendar boundaries
/// (`chart::calendar_ticks`): vertical grid lines at the labelled ticks
/// (darker) and at unlabelled quarters (lighter), tick labels under the
/// plotting area and, when ticks are financial years, each year's label
/// (`2014/15`) in a second row. `x_end` (days) is the end of the calendar;
/// `(y_lo, y_hi)` the plotting area's y range. Drawn on `root`, the
/// figure's whole area, in its pixels.
fn time_axis<DB: DrawingBackend>(
    root: &Area<DB>,
    to_px: impl Fn((f64, f64)) -> (i32, i32),
    plan: &Plan,
    x_end: f64,
    (y_lo, y_hi): (f64, f64),
) -> Result<(), String> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let start = plan.calendar.date(0);
    let ticks = calendar_ticks(
        start,
        date_at(plan, x_end),
        plan.calendar.year_start_month(),
    );
    let px = |d: chrono::NaiveDate| to_px((day(plan, d), y_lo)).0;
    let top = to_px((0.0, y_hi)).1;
    let bottom = to_px((0.0, y_lo)).1;
    for &d in &ticks.minor {
        root.draw(&PathElement::new(
            vec![(px(d), top), (px(d), bottom)],
            RGBColor(238, 238, 238).stroke_width(1),
        ))
        .map_err(e)?;
    }
    let label = TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    for (d, text) in &ticks.major {
        let x = px(*d);
        root.draw(&PathElement::new(
            vec![(x, top), (x, bottom)],
            RGBColor(205, 205, 205).stroke_width(1),
        ))
        .map_err(e)?;
        root.draw(&PathElement::new(
            vec![(x, bottom), (x, bottom + 5)],
            BLACK.stroke_width(1),
        ))
        .map_err(e)?;
        root.draw(&Text::new(text.clone(), (x, bottom + 7), label.clone()))
            .map_err(e)?;
    }
    let year = (FONT, 13)
        .into_font()
        .color(&GREY)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (d, text) in &ticks.years {
        root.draw(&Text::new(
            text.clone(),
            (px(*d), bottom + 26),
            year.clone(),
        ))
        .map_err(e)?;
    }
    Ok(())
}

/// A legend entry: how its key is drawn and its text.
#[derive(Clone, Copy)]
pub(super) enum Key {
    Line(RGBColor, bool),
    Band(RGBColor),
    /// A dashed line over its band.
    DashedBand(RGBColor),
    /// A shaded band without a line (what a band means).
    Shade(RGBColor),
    Triangle(RGBColor),
    Tick(RGBColor),
    Dot(RGBColor),
    /// A filled diamond: an observed (published) fact.
    Diamond(RGBColor),
    /// Text only (a continuation line of the entry above).
    Note,
}

/// A filled diamond centred on a pixel.
fn diamond(at: (i32, i32), r: i32, c: RGBColor) -> Polygon<(i32, i32)> {
    let (x, y) = at;
    Polygon::new(
        vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)],
        c.filled(),
    )
}

/// The width in pixels of `text` in `font` (the embedded font, so the same
/// in SVG and PNG).
pub(super) fn text_px(text: &str, font: &FontDesc) -> u32 {
    register_font();
    font.box_size(text)
        .map(|(w, _)| w)
        .unwrap_or_else(|_| (font.get_size() * 0.6 * text.chars().count() as f64) as u32)
}

/// `text` split into lines no wider than `max_px` in `font`: breaks go after
/// a space, `_`, `-`, `/`, `,`, `;` or `=`, and a part wider than a line is
/// cut between characters. The lines joined give back the text, less the
/// spaces at the breaks. Nothing is left out: long scenario and series
/// names are wrapped, never cut.
pub(super) fn wrap_text(text: &str, font: &FontDesc, max_px: u32) -> Vec<String> {
    let fits = |s: &str| text_px(s.trim_end(), font) <= max_px;
    // Parts ending in a break character.
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, ' ' | '_' | '-' | '/' | ',' | ';' | '=') {
            parts.push(&text[start..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        parts.push(&text[start..]);
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for part in parts {
        if fits(&format!("{line}{part}")) {
            line.push_str(part);
            continue;
        }
        if !line.trim_end().is_empty() {
            lines.push(line.trim_end().to_string());
        }
        line = part.to_string();
        // A part wider than a line: cut it between characters, after the
        // longest prefix that fits (found by bisection: a prefix is never
        // wider than a longer one, and a long name must not cost a
        // measurement per character).
        while !fits(&line) && line.chars().count() > 1 {
            let chars: Vec<char> = line.chars().collect();
            let prefix = |n: usize| chars[..n].iter().collect::<String>();
            let (mut lo, mut hi) = (1, chars.len() - 1);
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                if fits(&prefix(mid)) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            lines.push(prefix(lo));
            line = chars[lo..].iter().collect();
        }
    }
    if !line.trim_end().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Draws `title` centred at the top of `area`, wrapped to its width (less
/// 20 pixels), one `titled` line after another; returns the area below.
/// A title that fits is drawn exactly as plotters' chart caption draws it.
pub(super) fn titled<DB: DrawingBackend>(
    area: &Area<DB>,
    title: &str,
    size: u32,
) -> Result<DrawingArea<DB, Shift>, String> {
    let font = (FONT, size).into_font();
    let width = area.dim_in_pixel().0.saturating_sub(20);
    let mut rest = area.clone();
    for line in wrap_text(title, &font, width) {
        rest = rest.titled(&line, font.clone()).map_err(e)?;
    }
    Ok(rest)
}

/// Draws a legend as a column of entries in its own area (never over data).
/// A text wider than the area is wrapped onto continuation lines (17 px
/// apart) under its entry.
pub(super) fn legend<DB: DrawingBackend>(
    area: &Area<DB>,
    entries: &[(Key, String)],
) -> Result<(), String> {
    let style = (FONT, 14).into_font();
    let x = 10;
    let width = (area.dim_in_pixel().0 as i32 - x - 34 - 4).max(40) as u32;
    let mut y = 50 - 24;
    for (key, text) in entries {
        y += 24;
        match *key {
            Key::Line(c, dashed) => {
                if dashed {
                    for k in 0..3 {
                        area.draw(&PathElement::new(
                            vec![(x + 9 * k, y), (x + 9 * k + 5, y)],
                            c.stroke_width(2),
                        ))
                        .map_err(e)?;
                    }
                } else {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + 24, y)],
                        c.stroke_width(3),
                    ))
                    .map_err(e)?;
                }
            }
            Key::Band(c) | Key::DashedBand(c) => {
                let dashed = matches!(key, Key::DashedBand(_));
                area.draw(&Rectangle::new(
                    [(x, y - 6), (x + 24, y + 6)],
                    c.mix(BAND_ALPHA).filled(),
                ))
                .map_err(e)?;
                let segments: &[(i32, i32)] = if dashed {
                    &[(0, 6), (9, 15), (18, 24)]
                } else {
                    &[(0, 24)]
                };
                for &(a, b) in segments {
                    area.draw(&PathElement::new(
                        vec![(x + a, y), (x + b, y)],
                        c.stroke_width(3),
                    ))
                    .map_err(e)?;
                }
            }
            Key::Shade(c) => area
                .draw(&Rectangle::new(
                    [(x, y - 6), (x + 24, y + 6)],
                    c.mix(0.35).filled(),
                ))
                .map_err(e)?,
            Key::Triangle(c) => area
                .draw(&TriangleMarker::new((x + 12, y), 7, c.filled()))
                .map_err(e)?,
            Key::Tick(c) => area
                .draw(&PathElement::new(
                    vec![(x + 12, y - 8), (x + 12, y + 8)],
                    c.stroke_width(2),
                ))
                .map_err(e)?,
            Key::Dot(c) => area
                .draw(&Circle::new((x + 12, y), 6, c.filled()))
                .map_err(e)?,
            Key::Diamond(c) => area.draw(&diamond((x + 12, y), 7, c)).map_err(e)?,
            Key::Note => {}
        }
        for (k, line) in wrap_text(text, &style, width).into_iter().enumerate() {
            if k > 0 {
                y += 17;
            }
            area.draw(&Text::new(line, (x + 34, y - 8), style.clone()))
                .map_err(e)?;
        }
    }
    Ok(())
}

/// A polyline in pixels without repeated points and without interior
/// points on a straight line between their neighbours. plotters widens a
/// line of odd width about such a point by truncating (elsewhere by
/// rounding), so in the PNG the segment next to it slanted by a pixel: the
/// last point of a flat series seemed to dip at the right edge, and a flat
/// stretch seemed to sag before every corner. The SVG was always right.
pub(super) fn pixel_path(points: impl IntoIterator<Item = (i32, i32)>) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::new();
    for p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if let [.., a, b] = out[..] {
            let (u, v) = (
                (i64::from(b.0 - a.0), i64::from(b.1 - a.1)),
                (i64::from(p.0 - b.0), i64::from(p.1 - b.1)),
            );
            let straight = u.0 * v.1 - u.1 * v.0 == 0 && u.0 * v.0 + u.1 * v.1 > 0;
            if straight {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// A share of replications as a whole percentage, e.g. `35%`.
fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

// ------------------------------------------------------- promise vs delivery

/// Colour of the latest-plan dots.
const LATEST: RGBColor = PALETTE[5];
/// Colour of observed (published) facts.
const OBSERVED: RGBColor = PALETTE[7];

struct PromiseVsDelivery<'a> {
    plan: &'a Plan,
    rows: &'a [PromiseRow],
    horizon: f64,
}

impl PromiseVsDelivery<'_> {
    /// Pixels right of the horizon kept for "not by horizon" labels.
    const BEYOND_PX: f64 = 250.0;
    const LEGEND_PX: u32 = 330;
    const LABELS_PX: u32 = 250;
}

impl Figure for PromiseVsDelivery<'_> {
    fn name(&self) -> &'static str {
        "promise_vs_delivery"
    }
    fn title(&self) -> String {
        "Promised vs delivered: first promise, latest plans and simulated dates".into()
    }
    fn size(&self) -> (u32, u32) {
        (1500, 190 + 40 * self.rows.len() as u32)
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        root.fill(&WHITE).map_err(e)?;
        let n = self.rows.len();
        let (plot, side) = root.split_horizontally(self.size().0 - Self::LEGEND_PX);
        let any_observed = self.rows.iter().any(|r| !r.observed.is_empty());
        let mut entries = vec![
            (Key::Triangle(PALETTE[3]), "first promise".to_string()),
            (Key::Tick(GREY), "intermediate plan".to_string()),
            (Key::Note, "(in ≥10% of replications)".to_string()),
            (Key::Dot(LATEST), "latest plan, with the share".to_string()),
            (Key::Note, "of replications if they differ".to_string()),
            (Key::Dot(PALETTE[0]), "simulated median".to_string()),
            (Key::Note, "(when over half reached it)".to_string()),
            (Key::Shade(PALETTE[0]), "10–90% of replications".to_string()),
        ];
        if any_observed {
            entries.push((Key::Diamond(OBSERVED), "observed (published)".to_string()));
        }
        entries.push((Key::Note, "right of the horizon line: share".to_string()));
        entries.push((Key::Note, "of replications not reaching it".to_string()));
        legend(&side, &entries)?;
        // The x range runs past the horizon to leave room for the labels of
        // replications that never reach a milestone.
        let plot_px = (self.size().0 - Self::LEGEND_PX - Self::LABELS_PX - 28) as f64;
        let beyond = self.horizon * Self::BEYOND_PX / (plot_px - Self::BEYOND_PX);
        let mut chart = ChartBuilder::on(&plot)
            .caption(self.title(), (FONT, 22))
            .margin(14)
            .x_label_area_size(64)
            .y_label_area_size(Self::LABELS_PX)
            .build_cartesian_2d(0.0..self.horizon + beyond, -0.5..n as f64 - 0.5)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_y_mesh()
            .x_labels(0)
            .y_labels(0)
            .x_desc("date (ticks on the first day of each financial year; grey: the years)")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(e)?;
        let (y_lo, y_hi) = (-0.5, n as f64 - 0.5);
        time_axis(
            root,
            |c| chart.backend_coord(&c),
            self.plan,
            self.horizon,
            (y_lo, y_hi),
        )?;
        // The horizon.
        chart
            .draw_series(DashedLineSeries::new(
                vec![(self.horizon, y_lo), (self.horizon, y_hi)],
                6,
                4,
                BLACK.stroke_width(1),
            ))
            .map_err(e)?;
        let (hx, hy) = chart.backend_coord(&(self.horizon, y_hi));
        root.draw(&Text::new(
            "horizon".to_string(),
            (hx + 4, hy + 2),
            (FONT, 12)
                .into_font()
                .color(&GREY)
                .pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(e)?;
        let small = TextStyle::from((FONT, 12).into_font());
        let row_label =
            TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (i, r) in self.rows.iter().enumerate() {
            let y = n as f64 - 1.0 - i as f64;
            // A light guide line along the row, to read it across.
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, y), (self.horizon + beyond, y)],
                    RGBColor(225, 225, 225).stroke_width(1),
                )))
                .map_err(e)?;
            let (lx, ly) = chart.backend_coord(&(0.0, y));
            root.draw(&Text::new(
                r.label.clone(),
                (lx - 10, ly),
                row_label.clone(),
            ))
            .map_err(e)?;
            if let Some([lo, mid, hi]) = r.achieved {
                if r.share > 0.0 {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(lo, y - 0.16), (hi.min(self.horizon), y + 0.16)],
                            PALETTE[0].mix(0.35).filled(),
                        )))
                        .map_err(e)?;
                }
                // The median only where more than half the replications
                // reached the milestone (otherwise it is "not by horizon").
                if r.share > 0.5 {
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            (mid, y),
                            6,
                            PALETTE[0].filled(),
                        )))
                        .map_err(e)?;
                }
            }
            if r.share < 1.0 {
                let (px, py) = chart.backend_coord(&(self.horizon, y));
                let mut text = format!("{} not by horizon", percent(1.0 - r.share));
                if r.share <= 0.5 {
                    text.push_str(" (median too)");
                }
                root.draw(&Text::new(
                    text,
                    (px + 8, py),
                    small.clone().pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(e)?;
            }
            for &d in &r.replans {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(d, y - 0.3), (d, y + 0.3)],
                        GREY.stroke_width(2),
                    )))
                    .map_err(e)?;
            }
            if let Some(f) = r.first {
                chart
                    .draw_series(std::iter::once(TriangleMarker::new(
                        (f, y),
                        8,
                        PALETTE[3].filled(),
                    )))
                    .map_err(e)?;
            }
            // Latest plans sit just above the row's line, labelled with
            // their share when replications disagree.
            let split = r.latest.len() > 1;
            for &(d, share) in &r.latest {
                let (px, py) = chart.backend_coord(&(d, y + 0.24));
                let radius = if split {
                    (3.0 + 4.0 * share.sqrt()).round() as i32
                } else {
                    5
                };
                root.draw(&Circle::new((px, py), radius, LATEST.filled()))
                    .map_err(e)?;
                if split {
                    root.draw(&Text::new(
                        percent(share),
                        (px + radius + 2, py),
                        small.clone().pos(Pos::new(HPos::Left, VPos::Center)),
                    ))
                    .map_err(e)?;
                }
            }
            for &d in &r.observed {
                let at = chart.backend_coord(&(d, y));
                root.draw(&diamond(at, 7, OBSERVED)).map_err(e)?;
            }
        }
        Ok(())
    }
}

// ------------------------------------------------------------ time series

/// One series of points with an optional band.
struct Line {
    label: String,
    colour: RGBColor,
    points: Vec<(f64, [f64; 3])>,
    band: bool,
    dashed: bool,
}

/// The lines of one panel, on their own y scale.
struct Panel {
    /// Caption above the panel (the figure's title for the first).
    caption: String,
    y_desc: String,
    lines: Vec<Line>,
    y_max: Option<f64>,
}

struct TimeChart<'a> {
    plan: &'a Plan,
    name: &'static str,
    title: String,
    y_desc: String,
    lines: Vec<Line>,
    markers: Vec<(f64, String)>,
    y_max: Option<f64>,
    y_decimals: usize,
    size: (u32, u32),
    /// Observed (published) points: x (days), y and a label.
    observed: Vec<(f64, f64, String)>,
    /// Extra legend lines after the lines' own (what lines and bands mean).
    notes: Vec<(Key, String)>,
    /// A second panel below, on its own scale (a few large agents that
    /// would squash the rest).
    second: Option<Panel>,
}

impl TimeChart<'_> {
    /// Draws one panel on `area` (`root` is the figure's whole area).
    #[allow(clippy::too_many_arguments)]
    fn panel<DB: DrawingBackend>(
        &self,
        root: &Area<DB>,
        area: &Area<DB>,
        caption: &str,
        y_desc: &str,
        lines: &[Line],
        y_max: Option<f64>,
        markers: &[(f64, String)],
        observed: &[(f64, f64, String)],
    ) -> Result<(), String> {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        let x_max = day(self.plan, self.plan.params().calendar.horizon);
        let y_max = y_max.unwrap_or_else(|| {
            lines
                .iter()
                .flat_map(|l| {
                    l.points
                        .iter()
                        .map(|p| if l.band { p.1[2] } else { p.1[1] })
                })
                .chain(observed.iter().map(|o| o.1))
                .fold(0.0, f64::max)
                * 1.08
        });
        let y_max = if y_max > 0.0 { y_max } else { 1.0 };
        let inner = titled(&area.margin(14, 14, 14, 14), caption, 20)?;
        let mut chart = ChartBuilder::on(&inner)
            .x_label_area_size(64)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .light_line_style(RGBColor(240, 240, 240))
            .y_label_formatter(&|y| format!("{y:.*}", self.y_decimals))
            .x_desc("date (ticks on the first day of each financial year; grey: the years)")
            .y_desc(y_desc)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(e)?;
        time_axis(
            root,
            |c| chart.backend_coord(&c),
            self.plan,
            x_max,
            (0.0, y_max),
        )?;
        for (i, (x, label)) in markers.iter().enumerate() {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*x, 0.0), (*x, y_max)],
                    GREY.mix(0.6).stroke_width(1),
                )))
                .map_err(e)?;
            // Staggered so that neighbouring labels do not overlap.
            chart
                .draw_series(std::iter::once(Text::new(
                    format!(" {label}"),
                    (*x, y_max * (0.995 - 0.045 * (i % 3) as f64)),
                    (FONT, 12).into_font().color(&GREY),
                )))
                .map_err(e)?;
        }
        for l in lines {
            if l.band && !l.points.is_empty() {
                let mut poly: Vec<(f64, f64)> = l.points.iter().map(|p| (p.0, p.1[2])).collect();
                poly.extend(l.points.iter().rev().map(|p| (p.0, p.1[0])));
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        poly,
                        l.colour.mix(BAND_ALPHA).filled(),
                    )))
                    .map_err(e)?;
            }
        }
        for l in lines {
            let style = l.colour.stroke_width(if l.dashed { 2 } else { 3 });
            let pts: Vec<(f64, f64)> = l.points.iter().map(|p| (p.0, p.1[1])).collect();
            if l.dashed {
                chart
                    .draw_series(DashedLineSeries::new(pts, 8, 5, style))
                    .map_err(e)?;
            } else {
                let px = pixel_path(pts.iter().map(|p| chart.backend_coord(p)));
                root.draw(&PathElement::new(px, style)).map_err(e)?;
            }
        }
        let small = TextStyle::from((FONT, 12).into_font());
        for (x, y, label) in observed {
            let (px, py) = chart.backend_coord(&(*x, *y));
            root.draw(&diamond((px, py), 7, OBSERVED)).map_err(e)?;
            root.draw(&Text::new(
                label.clone(),
                (px - 10, py),
                small.clone().pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(e)?;
        }
        Ok(())
    }
}

impl Figure for TimeChart<'_> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn size(&self) -> (u32, u32) {
        match &self.second {
            Some(_) => (self.size.0, self.size.1 + 320),
            None => self.size,
        }
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        root.fill(&WHITE).map_err(e)?;
        let (plot, side) = root.split_horizontally(self.size.0 - 300);
        let key = |l: &Line| {
            let key = if l.band && l.dashed {
                Key::DashedBand(l.colour)
            } else if l.band {
                Key::Band(l.colour)
            } else {
                Key::Line(l.colour, l.dashed)
            };
            (key, l.label.clone())
        };
        let mut entries: Vec<(Key, String)> = self.lines.iter().map(key).collect();
        if let Some(p) = &self.second {
            entries.extend(p.lines.iter().map(key));
        }
        if !self.observed.is_empty() {
            entries.push((Key::Diamond(OBSERVED), "observed (published)".to_string()));
        }
        entries.extend(self.notes.iter().cloned());
        legend(&side, &entries)?;
        match &self.second {
            None => self.panel(
                root,
                &plot,
                &self.title,
                &self.y_desc,
                &self.lines,
                self.y_max,
                &self.markers,
                &self.observed,
            ),
            Some(p) => {
                let (upper, lower) = plot.split_vertically(self.size.1);
                self.panel(
                    root,
                    &upper,
                    &self.title,
                    &self.y_desc,
                    &self.lines,
                    self.y_max,
                    &self.markers,
                    &self.observed,
                )?;
                self.panel(
                    root,
                    &lower,
                    &p.caption,
                    &p.y_desc,
                    &p.lines,
                    p.y_max,
                    &[],
                    &[],
                )
            }
        }
    }
}

fn kinds_present(plan: &Plan) -> Vec<AgentKind> {
    AgentKind::ALL
        .into_iter()
        .filter(|k| plan.kind_ranges[k.index()].1 > 0)
        .collect()
}

/// What a chart's lines and bands are, as legend lines.
fn statistic_notes(band: bool) -> Vec<(Key, String)> {
    let mut notes = vec![
        (Key::Note, String::new()),
        (Key::Line(GREY, false), "median of replications".to_string()),
    ];
    if band {
        notes.push((Key::Shade(GREY), "10–90% of replications".to_string()));
    }
    notes
}

fn go_live_curve<'a>(plan: &'a Plan, data: &RunChartData) -> TimeChart<'a> {
    let points = data.go_live.clone();
    let n = plan.eas.len() as f64;
    let promised = day(plan, plan.params().timetable.pilot_start);
    let x_end = day(plan, plan.params().calendar.horizon);
    let planned = vec![
        (0.0, [0.0; 3]),
        (promised, [0.0; 3]),
        (promised, [n; 3]),
        (x_end, [n; 3]),
    ];
    // Published counts of early adopters live: the n-th live on a date, or
    // a count live by a date.
    let observed = plan
        .scenario
        .observed()
        .iter()
        .filter_map(|o| {
            let count = o.live_count()?;
            Some((
                day(plan, o.date.0),
                f64::from(count),
                format!("{count} live by {}", o.date.0.format("%Y-%m-%d")),
            ))
        })
        .collect();
    TimeChart {
        plan,
        name: "go_live_curve",
        title: "Early adopters live over time (median and 10–90% of replications)".into(),
        y_desc: format!("early adopters live (count, of {})", plan.eas.len()),
        lines: vec![
            Line {
                label: "first promise".into(),
                colour: PALETTE[3],
                points: planned,
                band: false,
                dashed: true,
            },
            Line {
                label: "simulated median".into(),
                colour: PALETTE[0],
                points,
                band: true,
                dashed: false,
            },
        ],
        markers: Vec::new(),
        y_max: Some(n + 0.5),
        y_decimals: 0,
        size: (1260, 560),
        observed,
        notes: vec![(Key::Shade(PALETTE[0]), "10–90% of replications".into())],
        second: None,
    }
}

/// Re-plan dates of the pilot start in at least half the replications, and
/// scheduled leadership departures.
fn event_markers(plan: &Plan, data: &RunChartData) -> Vec<(f64, String)> {
    let mut out: Vec<(f64, String)> = data
        .replan_days
        .iter()
        .map(|&x| (x, "re-plan".to_string()))
        .collect();
    out.extend(
        plan.leader_departs
            .iter()
            .flatten()
            .map(|&t| (t as f64 * 7.0, "leader leaves".to_string())),
    );
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// One line per agent kind of `kinds`, from per-kind bands.
fn kind_lines(kinds: &[AgentKind], bands: &[Vec<Band>], band: bool) -> Vec<Line> {
    kinds
        .iter()
        .map(|&k| {
            let (colour, dashed) = kind_style(k);
            Line {
                label: k.id().to_string(),
                colour,
                points: bands.get(k.index()).cloned().unwrap_or_default(),
                band,
                dashed,
            }
        })
        .collect()
}

fn engagement_chart<'a>(plan: &'a Plan, data: &RunChartData) -> TimeChart<'a> {
    let mut notes = statistic_notes(true);
    notes.push((Key::Note, String::new()));
    notes.push((Key::Tick(GREY), "re-plan: the pilot start".into()));
    notes.push((Key::Note, "moved later, in ≥50% of".into()));
    notes.push((Key::Note, "replications; leader leaves:".into()));
    notes.push((Key::Note, "a scheduled departure".into()));
    TimeChart {
        plan,
        name: "engagement",
        title: "Engagement by agent kind (median and 10–90% of replications)".into(),
        y_desc: "engagement (0–1), mean over the kind's agents".into(),
        lines: kind_lines(&kinds_present(plan), &data.engagement, true),
        markers: event_markers(plan, data),
        // Head room above 1 for the event labels.
        y_max: Some(1.15),
        y_decimals: 1,
        size: (1260, 560),
        observed: Vec::new(),
        notes,
        second: None,
    }
}

fn effort_chart<'a>(plan: &'a Plan, data: &RunChartData, relational: bool) -> TimeChart<'a> {
    let bands = if relational {
        &data.relational
    } else {
        &data.transactional
    };
    let which = if relational {
        "Relational"
    } else {
        "Transactional"
    };
    let y_desc = format!("{} hours per week, all of a kind", which.to_lowercase());
    // The programme team's hours are several times any other kind's: on
    // one scale they would flatten every other line, so it has its own panel.
    let (team, others): (Vec<AgentKind>, Vec<AgentKind>) = kinds_present(plan)
        .into_iter()
        .partition(|&k| k == AgentKind::ProgrammeTeam);
    let second = (!team.is_empty()).then(|| Panel {
        caption: "Programme team (its own scale)".into(),
        y_desc: y_desc.clone(),
        lines: kind_lines(&team, bands, false),
        y_max: None,
    });
    TimeChart {
        plan,
        name: if relational {
            "effort_relational"
        } else {
            "effort_transactional"
        },
        title: format!("{which} hours per week by agent kind (median of replications)"),
        y_desc,
        lines: kind_lines(&others, bands, false),
        markers: Vec::new(),
        y_max: None,
        y_decimals: 0,
        size: (1260, 520),
        observed: Vec::new(),
        notes: {
            let mut n = statistic_notes(false);
            n.push((Key::Note, "(each period's mean week)".into()));
            n
        },
        second,
    }
}

fn spend_chart<'a>(plan: &'a Plan, data: &RunChartData) -> TimeChart<'a> {
    // Blue, orange, bluish green and reddish purple: no pair a colour-blind
    // reader confuses (orange and vermillion would be).
    const COLOURS: [RGBColor; 4] = [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[5]];
    let lines = SpendCategory::ALL
        .iter()
        .enumerate()
        .map(|(c, cat)| Line {
            label: cat.id().replace('_', " "),
            colour: COLOURS[c % COLOURS.len()],
            points: data.spend.get(cat.index()).cloned().unwrap_or_default(),
            band: true,
            dashed: false,
        })
        .collect();
    TimeChart {
        plan,
        name: "spend",
        title: "Cumulative spend by category (median and 10–90% of replications)".into(),
        y_desc: "£ million, cumulative".into(),
        lines,
        markers: Vec::new(),
        y_max: None,
        y_decimals: 0,
        size: (1260, 520),
        observed: Vec::new(),
        notes: statistic_notes(true),
        second: None,
    }
}

/// Go-live curves of several scenarios on one chart (median and 10–90%
/// band each), on the first scenario's calendar.
pub fn comparison_chart(
    plans: &[&Plan],
    names: &[String],
    go_live: &[GoLiveAccumulator],
) -> Result<Chart, ChartError> {
    let base = plans[0];
    // A scenario whose curve (median and band) equals an earlier one's would
    // be drawn exactly over it: it is drawn dashed without its band (the
    // earlier one shows between the dashes) and the title says whose curve
    // it repeats. Paired differences are in the forest plot (`output::forest`).
    let mut lines: Vec<Line> = Vec::with_capacity(plans.len());
    let mut same_as = Vec::new();
    for (i, ((plan, name), go_live)) in plans.iter().zip(names).zip(go_live).enumerate() {
        let points = go_live.points(base, plan);
        let same = lines.iter().find(|l: &&Line| l.points == points);
        if let Some(l) = same {
            same_as.push(format!("{name} = {}", l.label));
        }
        lines.push(Line {
            label: name.clone(),
            colour: scenario_colour(i),
            dashed: same.is_some(),
            band: same.is_none(),
            points,
        });
    }
    let title = if same_as.is_empty() {
        "Early adopters live: scenarios compared (median, 10–90% band)".to_string()
    } else {
        format!(
            "Early adopters live (median, 10–90% band); dashed, same curve: {}",
            same_as.join(", ")
        )
    };
    let n = plans.iter().map(|p| p.eas.len()).max().unwrap_or(1) as f64;
    render(&TimeChart {
        plan: base,
        name: "compare_go_live",
        title,
        y_desc: "early adopters live (count)".into(),
        lines,
        markers: Vec::new(),
        y_max: Some(n + 0.5),
        y_decimals: 0,
        size: (1200, 560),
        observed: Vec::new(),
        notes: Vec::new(),
        second: None,
    })
}

/// Viridis (a perceptually uniform, colour-blind-safe sequential map) at t in [0, 1].
fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (68, 1, 84),
        (59, 82, 139),
        (33, 145, 140),
        (94, 201, 98),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + f * (b as f64 - a as f64)).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Writes a category label at a pixel position, aligned as asked (drawn on
/// the whole area, so labels sit outside the plotting area).
fn category_label<DB: DrawingBackend>(
    root: &Area<DB>,
    text: &str,
    at: (i32, i32),
    h: plotters::style::text_anchor::HPos,
    v: plotters::style::text_anchor::VPos,
) -> Result<(), String> {
    use plotters::style::text_anchor::Pos;
    let style = TextStyle::from((FONT, 14).into_font()).pos(Pos::new(h, v));
    root.draw(&Text::new(text.to_string(), at, style))
        .map_err(e)
}

/// A number as a short label: at most 4 significant digits, thousands and
/// millions as `k` and `M` (`1250000` → `1.25M`); text that is not a number
/// is kept.
pub(super) fn short_number(text: &str) -> String {
    let Ok(v) = text.trim().parse::<f64>() else {
        return text.to_string();
    };
    if !v.is_finite() {
        return "n/a".into();
    }
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    let sig = |x: f64| {
        let digits = if x == 0.0 {
            0
        } else {
            (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize
        };
        trim(format!("{x:.digits$}"))
    };
    match v.abs() {
        a if a >= 1e6 => format!("{}M", sig(v / 1e6)),
        a if a >= 1e4 => format!("{}k", sig(v / 1e3)),
        _ => sig(v),
    }
}

struct Heatmap {
    title: String,
    x_name: String,
    y_name: String,
    xs: Vec<String>,
    ys: Vec<String>,
    values: Vec<Vec<f64>>,
    /// The colour bar's caption (the output and its unit).
    bar_label: String,
}

impl Heatmap {
    /// Pixels for the row labels (left of the cells).
    fn row_label_px(&self) -> u32 {
        let chars = self
            .ys
            .iter()
            .map(|y| short_number(y).chars().count())
            .max()
            .unwrap_or(1) as u32;
        (9 * chars + 50).max(80)
    }
    fn cell_px(&self) -> u32 {
        let chars = self
            .xs
            .iter()
            .map(|x| short_number(x).chars().count())
            .max()
            .unwrap_or(1) as u32;
        (9 * chars + 20).max(90)
    }
}

const BAR_PX: u32 = 200;

impl Figure for Heatmap {
    fn name(&self) -> &'static str {
        "grid_heatmap"
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn size(&self) -> (u32, u32) {
        let w = self.row_label_px() + self.cell_px() * self.xs.len() as u32 + BAR_PX + 40;
        // Wide enough for the title (about 10 px per character at 20 px).
        let title = 10 * self.title.chars().count() as u32 + 40;
        (
            w.max(title).max(560),
            170 + 56 * self.ys.len().max(4) as u32,
        )
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        use plotters::style::text_anchor::{HPos, VPos};
        root.fill(&WHITE).map_err(e)?;
        // The title over the whole width, the colour bar right of the cells.
        let body = root.titled(&self.title, (FONT, 20)).map_err(e)?;
        let (w, _) = body.dim_in_pixel();
        let (main, bar) = body.split_horizontally(w - BAR_PX);
        let (nx, ny) = (self.xs.len(), self.ys.len());
        let finite = self
            .values
            .iter()
            .flatten()
            .copied()
            .filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let span = if hi > lo { hi - lo } else { 1.0 };
        let mut chart = ChartBuilder::on(&main)
            .margin(14)
            .x_label_area_size(56)
            .y_label_area_size(self.row_label_px())
            .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .x_desc(self.x_name.as_str())
            .y_desc(self.y_name.as_str())
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(e)?;
        for (i, x) in self.xs.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
            category_label(
                root,
                &short_number(x),
                (px, py + 8),
                HPos::Center,
                VPos::Top,
            )?;
        }
        for (j, y) in self.ys.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(0.0, j as f64 + 0.5));
            category_label(
                root,
                &short_number(y),
                (px - 8, py),
                HPos::Right,
                VPos::Center,
            )?;
        }
        for (j, row) in self.values.iter().enumerate() {
            for (i, &v) in row.iter().enumerate() {
                let t = (v - lo) / span;
                let (x, y) = (i as f64, j as f64);
                let fill = if v.is_finite() {
                    viridis(t)
                } else {
                    RGBColor(220, 220, 220)
                };
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y), (x + 1.0, y + 1.0)],
                        fill.filled(),
                    )))
                    .map_err(e)?;
                let ink = if !v.is_finite() || t > 0.6 {
                    BLACK
                } else {
                    WHITE
                };
                let (px, py) = chart.backend_coord(&(x + 0.5, y + 0.5));
                root.draw(&Text::new(
                    short_number(&v.to_string()),
                    (px, py),
                    TextStyle::from((FONT, 15).into_font()).color(&ink).pos(
                        plotters::style::text_anchor::Pos::new(HPos::Center, VPos::Center),
                    ),
                ))
                .map_err(e)?;
            }
        }
        // Colour bar: low at the bottom, high at the top, ticks at both ends
        // and the middle, labelled in the cells' format.
        let (top, bottom) = (
            chart.backend_coord(&(0.0, ny as f64)).1,
            chart.backend_coord(&(0.0, 0.0)).1,
        );
        let (bx, bh) = (30, (bottom - top).max(1));
        let steps = 100;
        for s in 0..steps {
            let ya = top + s * bh / steps;
            let yb = top + (s + 1) * bh / steps;
            bar.draw(&Rectangle::new(
                [(bx, ya), (bx + 22, yb)],
                viridis(1.0 - s as f64 / (steps - 1) as f64).filled(),
            ))
            .map_err(e)?;
        }
        bar.draw(&Rectangle::new(
            [(bx, top), (bx + 22, top + bh)],
            GREY.stroke_width(1),
        ))
        .map_err(e)?;
        let ticks: Vec<f64> = if hi > lo {
            vec![0.0, 0.5, 1.0]
        } else {
            vec![0.5]
        };
        for t in ticks {
            let y = bottom - (t * bh as f64).round() as i32;
            bar.draw(&PathElement::new(
                vec![(bx + 22, y), (bx + 28, y)],
                BLACK.stroke_width(1),
            ))
            .map_err(e)?;
            let v = if hi > lo { lo + t * span } else { lo };
            category_label(
                &bar,
                &short_number(&v.to_string()),
                (bx + 32, y),
                HPos::Left,
                VPos::Center,
            )?;
        }
        // The caption, rotated beside the bar.
        bar.draw(&Text::new(
            self.bar_label.clone(),
            (bx - 8, top + bh / 2),
            TextStyle::from((FONT, 14).into_font().transform(FontTransform::Rotate270)).pos(
                plotters::style::text_anchor::Pos::new(HPos::Center, VPos::Bottom),
            ),
        ))
        .map_err(e)?;
        Ok(())
    }
}

/// A heatmap of a two-parameter grid: `values[row][column]` for the rows'
/// (y) and columns' (x) parameter values, with a colour bar captioned
/// `bar_label` (empty: the title). Cells and ticks show values as
/// `short_number` writes them; a missing cell (NaN) is grey, `n/a`.
pub fn grid_heatmap_with_bar(
    title: &str,
    x_name: &str,
    y_name: &str,
    xs: Vec<String>,
    ys: Vec<String>,
    values: Vec<Vec<f64>>,
    bar_label: &str,
) -> Result<Chart, ChartError> {
    render(&Heatmap {
        title: title.to_string(),
        x_name: x_name.to_string(),
        y_name: y_name.to_string(),
        xs,
        ys,
        values,
        bar_label: if bar_label.is_empty() {
            title.to_string()
        } else {
            bar_label.to_string()
        },
    })
}

/// A heatmap of a two-parameter grid (see [`grid_heatmap_with_bar`]; the
/// colour bar is captioned with the title).
pub fn grid_heatmap(
    title: &str,
    x_name: &str,
    y_name: &str,
    xs: Vec<String>,
    ys: Vec<String>,
    values: Vec<Vec<f64>>,
) -> Result<Chart, ChartError> {
    grid_heatmap_with_bar(title, x_name, y_name, xs, ys, values, "")
}

/// One bar series of an index chart: label, values per parameter, confidence half-widths.
pub type IndexSeries = (String, Vec<f64>, Vec<f64>);

struct IndexBars {
    title: String,
    y_desc: String,
    params: Vec<String>,
    series: Vec<IndexSeries>,
    /// Legend entry of the interval whiskers (e.g. "95% interval").
    interval: String,
}

impl Figure for IndexBars {
    fn name(&self) -> &'static str {
        "sensitivity"
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn size(&self) -> (u32, u32) {
        (
            1200,
            220 + 32 * self.params.len() as u32 * self.series.len().max(1) as u32,
        )
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        root.fill(&WHITE).map_err(e)?;
        let (plot, side) = root.split_horizontally(self.size().0 - 300);
        let entries: Vec<(Key, String)> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| (Key::Band(PALETTE[i]), s.0.clone()))
            .chain(std::iter::once((
                Key::Tick(PALETTE[7]),
                self.interval.clone(),
            )))
            .collect();
        legend(&side, &entries)?;
        let x_max = self
            .series
            .iter()
            .flat_map(|s| s.1.iter().zip(&s.2).map(|(v, c)| v + c))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .max(1e-9)
            * 1.1;
        let n = self.params.len();
        let k = self.series.len().max(1);
        let mut chart = ChartBuilder::on(&plot)
            .caption(&self.title, (FONT, 20))
            .margin(14)
            .x_label_area_size(45)
            .y_label_area_size(260)
            .build_cartesian_2d(0.0..x_max, 0.0..n as f64)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .y_labels(0)
            .x_desc(self.y_desc.as_str())
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(e)?;
        {
            use plotters::style::text_anchor::{HPos, VPos};
            for (i, p) in self.params.iter().enumerate() {
                let (px, py) = chart.backend_coord(&(0.0, (n - 1 - i) as f64 + 0.5));
                category_label(&plot, p, (px - 8, py), HPos::Right, VPos::Center)?;
            }
        }
        let h = 0.8 / k as f64;
        for (si, (_, values, conf)) in self.series.iter().enumerate() {
            for (pi, (&v, &c)) in values.iter().zip(conf).enumerate() {
                if !v.is_finite() {
                    continue;
                }
                let y0 = (n - 1 - pi) as f64 + 0.1 + h * (k - 1 - si) as f64;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y0), (v.max(0.0), y0 + h * 0.9)],
                        PALETTE[si].filled(),
                    )))
                    .map_err(e)?;
                if c.is_finite() && c > 0.0 {
                    let ym = y0 + h * 0.45;
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![((v - c).max(0.0), ym), (v + c, ym)],
                            PALETTE[7].stroke_width(2),
                        )))
                        .map_err(e)?;
                }
            }
        }
        Ok(())
    }
}

/// A horizontal bar chart of sensitivity indices per parameter, one bar per
/// series (e.g. S1 and ST, or μ*), with confidence intervals at `confidence`
/// (a share, e.g. 0.95; named in the legend).
pub fn index_bars(
    title: &str,
    x_desc: &str,
    params: Vec<String>,
    series: Vec<IndexSeries>,
    confidence: f64,
) -> Result<Chart, ChartError> {
    render(&IndexBars {
        title: title.to_string(),
        y_desc: x_desc.to_string(),
        params,
        series,
        interval: format!("{}% interval", (confidence * 1000.0).round() / 10.0),
    })
}

// ------------------------------------------------- second-order Sobol matrix

/// A diverging colour for `t` in −1..1: Okabe–Ito blue (negative), white
/// (zero), vermillion (positive).
fn diverging(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let end = if t < 0.0 { PALETTE[0] } else { PALETTE[3] };
    let a = t.abs();
    let mix = |c: u8| (255.0 + a * (c as f64 - 255.0)).round() as u8;
    RGBColor(mix(end.0), mix(end.1), mix(end.2))
}

/// Smallest half-range of the S2 colour scale: estimates that are all
/// noise near zero stay pale instead of filling the scale.
const S2_MIN_SCALE: f64 = 0.1;

struct SecondOrder {
    title: String,
    params: Vec<String>,
    s2: Vec<Vec<f64>>,
    conf: Vec<Vec<f64>>,
    confidence: f64,
}

impl SecondOrder {
    const CELL: i32 = 96;
    /// Pixels of the longest label at 14 px (DejaVu Sans averages under 8 px a character).
    fn label_px(&self) -> i32 {
        let chars = self
            .params
            .iter()
            .map(|p| p.chars().count())
            .max()
            .unwrap_or(1);
        (chars as i32 * 8 + 20).clamp(80, 420)
    }
    fn n(&self) -> i32 {
        (self.params.len() as i32 - 1).max(1)
    }
}

impl Figure for SecondOrder {
    fn name(&self) -> &'static str {
        "sensitivity_s2"
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn size(&self) -> (u32, u32) {
        let l = self.label_px();
        let w = (l + self.n() * Self::CELL + 200).max(720);
        // Below the matrix the rotated labels; beside it the colour bar (at
        // least 200 px) and its three lines of explanation.
        let h = (70 + self.n() * Self::CELL + l + 20).max(70 + 200 + 90);
        (w as u32, h as u32)
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        root.fill(&WHITE).map_err(e)?;
        let (w, _) = self.size();
        root.draw(&Text::new(
            self.title.clone(),
            (w as i32 / 2, 16),
            TextStyle::from((FONT, 20).into_font()).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(e)?;
        let (c, n, l) = (Self::CELL, self.n(), self.label_px());
        let (x0, y0) = (l, 70);
        let finite = self.s2.iter().flatten().filter(|v| v.is_finite());
        let scale = finite.fold(S2_MIN_SCALE, |m, v| m.max(v.abs()));
        let k = self.params.len();
        // Rows: the first parameter of a pair (all but the last); columns:
        // the second (all but the first); only the upper triangle is filled.
        for i in 0..k.saturating_sub(1) {
            let y = y0 + i as i32 * c;
            category_label(
                root,
                &self.params[i],
                (x0 - 8, y + c / 2),
                HPos::Right,
                VPos::Center,
            )?;
            for j in i + 1..k {
                let x = x0 + (j as i32 - 1) * c;
                let v = self.s2[i][j];
                let fill = if v.is_finite() {
                    diverging(v / scale)
                } else {
                    RGBColor(220, 220, 220)
                };
                root.draw(&Rectangle::new([(x, y), (x + c, y + c)], fill.filled()))
                    .map_err(e)?;
                root.draw(&Rectangle::new(
                    [(x, y), (x + c, y + c)],
                    GREY.stroke_width(1),
                ))
                .map_err(e)?;
                let ink = if v.is_finite() && v.abs() / scale > 0.6 {
                    WHITE
                } else {
                    BLACK
                };
                let centre = |dy: i32, size: u32, text: String| {
                    root.draw(&Text::new(
                        text,
                        (x + c / 2, y + c / 2 + dy),
                        TextStyle::from((FONT, size).into_font())
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
                    .map_err(e)
                };
                if v.is_finite() {
                    centre(-9, 16, format!("{v:.3}"))?;
                    let h = self.conf[i][j];
                    if h.is_finite() {
                        centre(11, 13, format!("± {h:.3}"))?;
                    }
                } else {
                    centre(0, 14, "n/a".into())?;
                }
            }
        }
        // Column labels, rotated, under the columns.
        for (j, p) in self.params.iter().enumerate().skip(1) {
            let x = x0 + (j as i32 - 1) * c + c / 2;
            root.draw(&Text::new(
                p.clone(),
                (x, y0 + n * c + 8),
                TextStyle::from((FONT, 14).into_font().transform(FontTransform::Rotate90))
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(e)?;
        }
        // Colour bar.
        let (bx, bh) = (x0 + n * c + 50, (n * c).max(200));
        let steps = 100;
        for s in 0..steps {
            let t = 1.0 - 2.0 * s as f64 / (steps - 1) as f64;
            let ya = y0 + s * bh / steps;
            let yb = y0 + (s + 1) * bh / steps;
            root.draw(&Rectangle::new(
                [(bx, ya), (bx + 22, yb)],
                diverging(t).filled(),
            ))
            .map_err(e)?;
        }
        root.draw(&Rectangle::new(
            [(bx, y0), (bx + 22, y0 + bh)],
            GREY.stroke_width(1),
        ))
        .map_err(e)?;
        for t in [1.0, 0.5, 0.0, -0.5, -1.0] {
            let y = y0 + ((1.0 - t) / 2.0 * bh as f64).round() as i32;
            root.draw(&PathElement::new(
                vec![(bx + 22, y), (bx + 28, y)],
                BLACK.stroke_width(1),
            ))
            .map_err(e)?;
            category_label(
                root,
                &format!("{:.2}", t * scale),
                (bx + 32, y),
                HPos::Left,
                VPos::Center,
            )?;
        }
        category_label(root, "S2", (bx + 11, y0 - 10), HPos::Center, VPos::Bottom)?;
        for (l, line) in [
            "cells: S2 and its".to_string(),
            format!("± {:.0}% bootstrap", self.confidence * 100.0),
            "half-width".to_string(),
        ]
        .iter()
        .enumerate()
        {
            category_label(
                root,
                line,
                (bx - 10, y0 + bh + 20 + 18 * l as i32),
                HPos::Left,
                VPos::Top,
            )?;
        }
        Ok(())
    }
}

/// A matrix of second-order Sobol indices `s2[i][j]` (i < j; the rest is
/// not drawn) with their confidence half-widths written in each cell and a
/// diverging colour bar (blue below zero, vermillion above, symmetric about
/// zero, at least ±0.1 wide). Rows are the first parameter of a pair,
/// columns the second.
pub fn sobol_s2_matrix(
    title: &str,
    params: Vec<String>,
    s2: Vec<Vec<f64>>,
    conf: Vec<Vec<f64>>,
    confidence: f64,
) -> Result<Chart, ChartError> {
    render(&SecondOrder {
        title: title.to_string(),
        params,
        s2,
        conf,
        confidence,
    })
}

// ------------------------------------------------------- Morris μ*–σ scatter

struct MuSigma {
    title: String,
    unit: String,
    params: Vec<String>,
    mu_star: Vec<f64>,
    mu_star_conf: Vec<f64>,
    sigma: Vec<f64>,
    confidence: f64,
}

impl Figure for MuSigma {
    fn name(&self) -> &'static str {
        "sensitivity_morris_scatter"
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn size(&self) -> (u32, u32) {
        (1200, 800)
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        root.fill(&WHITE).map_err(e)?;
        let max = |xs: &mut dyn Iterator<Item = f64>| {
            xs.filter(|v| v.is_finite()).fold(0.0, f64::max).max(1e-9)
        };
        let x_max = max(&mut self
            .mu_star
            .iter()
            .zip(&self.mu_star_conf)
            .map(|(m, c)| m + c.max(0.0)))
            * 1.1;
        let y_max = max(&mut self.sigma.iter().copied()) * 1.1;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (FONT, 20))
            .margin(20)
            .margin_right(180)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)
            .map_err(e)?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .x_desc(format!("μ* (mean |elementary effect|, {})", self.unit))
            .y_desc(format!("σ of the elementary effects ({})", self.unit))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(e)?;
        // σ = μ*: above it, a factor's effects change a lot with the other
        // factors (interactions or non-linearity) relative to their size.
        let d = x_max.min(y_max);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, 0.0), (d, d)],
                6,
                4,
                GREY.stroke_width(1),
            ))
            .map_err(e)?;
        let (dx, dy) = chart.backend_coord(&(0.95 * d, 0.95 * d));
        root.draw(&Text::new(
            "σ = μ*".to_string(),
            (dx + 8, dy),
            (FONT, 14)
                .into_font()
                .color(&GREY)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(e)?;
        let (nx, ny) = chart.backend_coord(&(0.0, y_max));
        root.draw(&Text::new(
            format!(
                "whiskers: {:.0}% bootstrap interval of μ*",
                self.confidence * 100.0
            ),
            (nx + 10, ny + 6),
            TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(e)?;
        for (i, p) in self.params.iter().enumerate() {
            let (m, s, h) = (self.mu_star[i], self.sigma[i], self.mu_star_conf[i]);
            if !(m.is_finite() && s.is_finite()) {
                continue;
            }
            if h.is_finite() && h > 0.0 {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![((m - h).max(0.0), s), (m + h, s)],
                        PALETTE[0].stroke_width(2),
                    )))
                    .map_err(e)?;
            }
            chart
                .draw_series(std::iter::once(Circle::new((m, s), 5, PALETTE[0].filled())))
                .map_err(e)?;
            let (px, py) = chart.backend_coord(&(m, s));
            root.draw(&Text::new(
                p.clone(),
                (px + 8, py - 4),
                TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))
            .map_err(e)?;
        }
        Ok(())
    }
}

/// A Morris μ*–σ chart: one point per parameter, labelled with its name,
/// with the μ* confidence half-width (at level `confidence`) as a
/// horizontal whisker and the line σ = μ* for reference. `unit` names the
/// effects' unit.
pub fn morris_scatter(
    title: &str,
    unit: &str,
    params: Vec<String>,
    mu_star: (Vec<f64>, Vec<f64>),
    sigma: Vec<f64>,
    confidence: f64,
) -> Result<Chart, ChartError> {
    render(&MuSigma {
        title: title.to_string(),
        unit: unit.to_string(),
        params,
        mu_star: mu_star.0,
        mu_star_conf: mu_star.1,
        sigma,
        confidence,
    })
}

/// Every chart of a run, drawn in parallel on the current rayon pool (each
/// chart's bytes do not depend on the others), in this order.
pub fn run_charts(plan: &Plan, data: &RunChartData) -> Result<Vec<Chart>, ChartError> {
    use rayon::prelude::*;
    let horizon = day(plan, plan.params().calendar.horizon);
    type Job<'a> = Box<dyn Fn() -> Result<Chart, ChartError> + Send + Sync + 'a>;
    let jobs: Vec<Job<'_>> = vec![
        Box::new(|| {
            render(&PromiseVsDelivery {
                plan,
                rows: &data.promise,
                horizon,
            })
        }),
        Box::new(|| render(&go_live_curve(plan, data))),
        Box::new(|| render(&engagement_chart(plan, data))),
        Box::new(|| render(&effort_chart(plan, data, true))),
        Box::new(|| render(&effort_chart(plan, data, false))),
        Box::new(|| render(&spend_chart(plan, data))),
    ];
    jobs.par_iter().map(|job| job()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ensemble, Scenario};

    /// The text content of every `<text>` element, trimmed.
    fn svg_texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let body = &t[t.find('>')? + 1..];
                Some(body[..body.find("</text>")?].trim().to_string())
            })
            .collect()
    }

    #[test]
    fn wrapped_lines_fit_and_give_back_the_text_even_for_a_very_long_name() {
        let font = (FONT, 18).into_font();
        let text = format!("{}_short_tail and words", "x".repeat(10_000));
        let lines = wrap_text(&text, &font, 400);
        // Every line fits, and each cut line is as long as fits: one more
        // character of the text would not.
        assert!(lines.iter().all(|l| text_px(l, &font) <= 400));
        // Only the spaces at breaks go.
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        let first_next = lines[1].chars().next().unwrap();
        assert!(text_px(&format!("{}{first_next}", lines[0]), &font) > 400);
    }

    #[test]
    fn charts_show_every_early_adopter_and_are_not_blank() {
        let s = Scenario::default_nwl();
        let runs = Ensemble::new(&s).seed(3).replications(20).run();
        let plan = &runs.plan;
        let charts = run_charts(plan, &runs.chart_data()).unwrap();
        let names: Vec<&str> = charts.iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "promise_vs_delivery",
                "go_live_curve",
                "engagement",
                "effort_relational",
                "effort_transactional",
                "spend"
            ]
        );
        let pvd = &charts[0].svg;
        let texts = svg_texts(pvd);
        for ea in &s.parameters().early_adopters {
            let label = format!("{}: go-live", ea.id);
            assert_eq!(
                texts.iter().filter(|t| **t == label).count(),
                1,
                "{} row",
                ea.id
            );
        }
        for m in ProgrammeMilestone::ALL {
            assert!(
                texts.contains(&format!("programme: {}", m.id())),
                "{}",
                m.id()
            );
        }
        // One median marker (circle) per row.
        assert!(
            pvd.matches("<circle").count() >= 15,
            "{}",
            pvd.matches("<circle").count()
        );
        for c in &charts {
            let texts = svg_texts(&c.svg);
            assert!(texts.contains(&c.title), "{} title", c.name);
            assert!(
                texts.iter().any(|t| t.starts_with("date (ticks")),
                "{} x axis",
                c.name
            );
            assert!(
                texts.iter().any(|t| t == "Apr 2015"),
                "{} has dates on its axis",
                c.name
            );
            // A PNG whose pixels are not all the same colour.
            assert_eq!(&c.png[..8], b"\x89PNG\r\n\x1a\n");
            let decoder = png::Decoder::new(std::io::Cursor::new(&c.png));
            let mut reader = decoder.read_info().unwrap();
            let mut buf = vec![0; reader.output_buffer_size()];
            let info = reader.next_frame(&mut buf).unwrap();
            let px = &buf[..info.buffer_size()];
            let non_white = px.chunks(3).filter(|p| p != &[255, 255, 255]).count();
            assert!(
                non_white * 20 > px.len() / 3,
                "{}: only {non_white} non-white pixels",
                c.name
            );
        }
        let engagement = svg_texts(&charts[2].svg);
        for k in ["ccg", "gp_practice", "lay_partner"] {
            assert!(engagement.iter().any(|t| t == k), "legend has {k}");
        }
        assert!(engagement.iter().any(|t| t == "re-plan"));
        assert!(engagement.iter().any(|t| t == "leader leaves"));
    }

    /// Rows of the PNG where a column has exactly colour `c`.
    fn rows_of(png: &[u8], x: u32, c: RGBColor) -> Vec<u32> {
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        (0..info.height)
            .filter(|&y| {
                let i = 3 * (y * info.width + x) as usize;
                buf[i..i + 3] == [c.0, c.1, c.2]
            })
            .collect()
    }

    #[test]
    fn pixel_paths_keep_corners_and_ends_only() {
        let path = pixel_path([
            (0, 5),
            (4, 5),
            (4, 5),
            (8, 5),
            (9, 7),
            (10, 9),
            (12, 9),
            (10, 9),
        ]);
        // (4, 5) lies on the flat run and (9, 7) on the slope; the turn
        // back at (12, 9) is kept.
        assert_eq!(path, [(0, 5), (8, 5), (10, 9), (12, 9), (10, 9)]);
        assert_eq!(pixel_path([(3, 3)]), [(3, 3)]);
    }

    /// A series flat over its last weeks is drawn flat to its last point in
    /// the PNG too: every column of the last flat stretch has the line on
    /// the same rows (before, the PNG's last segment slanted by a pixel and
    /// the curve seemed to dip at the right edge, as at every corner).
    #[test]
    fn a_flat_end_is_drawn_flat_in_the_png() {
        let s = Scenario::default_nwl();
        let plan = crate::engine::plan::Plan::new(&s);
        let x_end = day(&plan, plan.params().calendar.horizon);
        let mut points: Vec<Band> = Vec::new();
        let mut x = 0.0;
        while x <= x_end {
            let y = if x < x_end / 2.0 { 2.0 } else { 5.0 };
            points.push((x, [y; 3]));
            x += 14.0;
        }
        let colour = PALETTE[0];
        let chart = render(&TimeChart {
            plan: &plan,
            name: "flat",
            title: "flat".into(),
            y_desc: "y".into(),
            lines: vec![Line {
                label: "line".into(),
                colour,
                points,
                band: false,
                dashed: false,
            }],
            markers: Vec::new(),
            y_max: Some(7.0),
            y_decimals: 0,
            size: (1260, 520),
            observed: Vec::new(),
            notes: Vec::new(),
            second: None,
        })
        .unwrap();
        // The line's pixels from the SVG: its last point and the first of
        // the flat stretch that ends there.
        let line = chart
            .svg
            .split("<polyline")
            .filter_map(|p| p.split_once("/>").map(|(element, _)| element))
            .filter(|p| p.contains("stroke-width=\"3\"") && p.contains("#0072B2"))
            .max_by_key(|p| p.len())
            .unwrap();
        let pts: Vec<(u32, u32)> = line
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .split_whitespace()
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        let &(last_x, last_y) = pts.last().unwrap();
        let first_x = pts.iter().find(|p| p.1 == last_y).unwrap().0;
        assert!(last_x > first_x + 100, "{pts:?}");
        let middle = rows_of(&chart.png, (first_x + last_x) / 2, colour);
        assert!(!middle.is_empty());
        // The corner's own columns (a few pixels) are the join.
        for x in first_x + 4..last_x {
            assert_eq!(rows_of(&chart.png, x, colour), middle, "column {x}");
        }
    }
}
