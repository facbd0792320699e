//! `pioneer compare` with long scenario names: the go-live chart's title
//! and legend and the forest plot's title and legend hold every name whole
//! (wrapped onto further lines where a line is full, never cut), and every
//! text lies inside its canvas. Text widths are measured with the font the
//! charts embed, as plotters lays it out.
#![cfg(all(feature = "charts", feature = "cli"))]

mod common;

use std::path::Path;
use std::sync::Once;

use assert_cmd::Command;
use common::read_text;
use plotters::style::{FontStyle, IntoFont};

/// A `<text>` element of an SVG: anchor point, font size as plotters was
/// given it, anchor and content.
struct SvgText {
    x: f64,
    y: f64,
    size: f64,
    anchor: String,
    text: String,
}

fn attr(element: &str, name: &str) -> Option<String> {
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = element[start..].find('"')?;
    Some(element[start..start + len].to_string())
}

/// Every unrotated `<text>` of an SVG.
fn texts(svg: &str) -> Vec<SvgText> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let (head, rest) = t.split_once('>')?;
            if head.contains("transform") {
                return None;
            }
            let num = |n: &str| attr(head, n)?.parse::<f64>().ok();
            Some(SvgText {
                x: num("x")?,
                y: num("y")?,
                // plotters writes sizes in SVG units, 1/1.24 of its own.
                size: (num("font-size")? * 1.24).round(),
                anchor: attr(head, "text-anchor").unwrap_or_else(|| "start".into()),
                text: rest[..rest.find("</text>")?].trim().to_string(),
            })
        })
        .collect()
}

/// The width and height of an SVG's canvas.
fn canvas(svg: &str) -> (f64, f64) {
    let head = &svg[..svg.find('>').unwrap()];
    let num = |n: &str| attr(head, n).unwrap().parse::<f64>().unwrap();
    (num("width"), num("height"))
}

/// The width of a text in the charts' embedded font.
fn text_width(text: &str, size: f64) -> f64 {
    static FONT: Once = Once::new();
    FONT.call_once(|| {
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../assets/fonts/DejaVuSans.ttf"),
        );
    });
    let font = ("sans-serif", size).into_font();
    f64::from(font.box_size(text).expect("the font lays the text out").0)
}

/// Every text of `svg` lies inside the canvas: its whole width, and its
/// anchor point in height.
fn assert_inside(name: &str, svg: &str) {
    let (w, h) = canvas(svg);
    let all = texts(svg);
    assert!(!all.is_empty(), "{name} has texts");
    for t in all {
        let width = text_width(&t.text, t.size);
        let left = match t.anchor.as_str() {
            "middle" => t.x - width / 2.0,
            "end" => t.x - width,
            _ => t.x,
        };
        assert!(
            left >= 0.0 && left + width <= w && (0.0..h).contains(&t.y),
            "{name}: `{}` at x {left:.0}..{:.0}, y {} is outside the {w} × {h} canvas",
            t.text,
            left + width,
            t.y
        );
    }
}

fn write_scenario(dir: &Path, file: &str, extends: &str, name: &str) -> std::path::PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = dir.join(file);
    std::fs::write(
        &path,
        format!(
            "extends = \"{}\"\n[meta]\nname = \"{name}\"\ndescription = \"a long name\"\n",
            repo.join(extends).display()
        ),
    )
    .unwrap();
    path
}

#[test]
fn long_scenario_names_are_wrapped_whole_inside_the_canvas() {
    let tmp = tempfile::tempdir().unwrap();
    let names = [
        "north_west_london_whole_systems_integrated_care_baseline_as_published",
        "north_west_london_whole_systems_integrated_care_baseline_identical_copy",
        "north_west_london_whole_systems_integrated_care_without_national_barriers",
    ];
    let files = [
        write_scenario(
            tmp.path(),
            "a.toml",
            "scenarios/nwl_wsic_2013.toml",
            names[0],
        ),
        write_scenario(
            tmp.path(),
            "b.toml",
            "scenarios/nwl_wsic_2013.toml",
            names[1],
        ),
        write_scenario(
            tmp.path(),
            "c.toml",
            "scenarios/variants/nwl_no_barriers.toml",
            names[2],
        ),
    ];
    let out = tmp.path().join("cmp");
    Command::cargo_bin("pioneer")
        .unwrap()
        .arg("compare")
        .args(&files)
        .args(["-n", "3", "--seed", "2", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    for chart in ["compare_go_live", "compare_forest"] {
        let svg = read_text(&out.join(format!("{chart}.svg")));
        assert_inside(chart, &svg);
        // Wrapped lines follow each other: joined, they hold every name.
        let joined: String = texts(&svg).into_iter().map(|t| t.text).collect();
        for name in names {
            assert!(joined.contains(name), "{chart} names {name} whole");
        }
    }
    // The identical copy is drawn over the baseline and the title says so.
    let go_live: String = texts(&read_text(&out.join("compare_go_live.svg")))
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert!(
        go_live.contains(&format!("{}={}", names[1], names[0]))
            || go_live.contains(&format!("{} = {}", names[1], names[0])),
        "the title names the identical pair"
    );
}
