//! `report.html` opens in a real browser: headless Chromium loads it with no
//! errors and draws the charts. `.ci/run` installs Chromium (Debian's
//! `chromium`); on a machine without it the test is skipped with a note
//! that shows in the test output (it is not captured), except in CI, where
//! a missing browser is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| {
            std::env::var_os("PATH")
                .map(|p| {
                    std::env::split_paths(&p)
                        .map(|d| d.join(name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .find(|p| p.is_file())
}

fn screenshot(browser: &Path, page: &Path, png: &Path) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1400,5200",
        ])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("running chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_report_loads_in_chromium_and_shows_its_charts() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Chromium: .ci/run installs Debian's `chromium`"
        );
        // Written to the process's stderr directly: libtest captures
        // `eprintln!`, so a note printed that way would not be seen.
        use std::io::Write;
        let _ = std::io::stderr().write_all(
            b"note: chromium not found on PATH (chromium, chromium-browser, google-chrome); \
SKIPPED the browser test of report.html (apt-get install chromium to run it)\n",
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    assert_cmd::Command::cargo_bin("pioneer")
        .unwrap()
        .args(["run", "-n", "20", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let page = out.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing to fetch.
    for needle in [
        "src=\"http",
        "href=\"http",
        "<script src",
        "<link ",
        "url(http",
        "@import",
    ] {
        assert!(
            !html.contains(needle),
            "report.html refers outside itself: {needle}"
        );
    }
    assert_eq!(html.matches("<svg").count(), 6, "every chart inline");

    let png = tmp.path().join("shot.png");
    let log = screenshot(&browser, &page, &png);
    for bad in ["Uncaught", "Failed to load resource", "net::ERR_"] {
        assert!(!log.contains(bad), "browser reported `{bad}`:\n{log}");
    }
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    // The charts use the Okabe–Ito blue (0, 114, 178) for simulated medians:
    // count such pixels in horizontal bands of the page. The tables come
    // first; the six charts below them must each put blue on the screen.
    let band = 400;
    let blue_in_band: Vec<usize> = (0..h / band)
        .map(|b| {
            (b * band..(b + 1) * band)
                .flat_map(|y| (0..w).map(move |x| (y * w + x) * channels))
                .filter(|&i| {
                    let (r, g, bl) = (buf[i] as i32, buf[i + 1] as i32, buf[i + 2] as i32);
                    r < 30 && (g - 114).abs() < 30 && (bl - 178).abs() < 30
                })
                .count()
        })
        .collect();
    let bands_with_charts = blue_in_band.iter().filter(|&&n| n > 200).count();
    assert!(
        bands_with_charts >= 6,
        "charts not drawn: blue pixels per {band}-px band {blue_in_band:?}"
    );
}
