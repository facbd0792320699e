//! The browser explorer (explorer/, docs/explorer.md) in a real browser:
//! headless Chromium, driven through WebDriver (Debian's `chromium-driver`),
//! opens the built page from disk, changes two controls with the keyboard
//! and the mouse, and the test checks that the charts change, that the
//! numbers are exactly those `pioneer run` gives for the downloaded
//! scenario file with the same seed and replications, that a bad scenario
//! file is refused with the messages of `pioneer check`, and that the
//! browser console shows no error.
//!
//! Needs the page built (`scripts/build-explorer.sh`, into target/explorer
//! or `PIONEER_EXPLORER_DIR`), `chromedriver` and Chromium. `.ci/run`
//! provides all three; without them the test is skipped with a note that
//! shows in the test output, except under CI, where it fails.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

fn skip(why: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the explorer's browser test: {why} (.ci/run builds the page and installs chromium and chromium-driver)"
    );
    // Written to the process's stderr directly: libtest captures `eprintln!`.
    let _ = std::io::stderr().write_all(
        format!("note: {why}; SKIPPED the browser test of the explorer (see docs/explorer.md)\n")
            .as_bytes(),
    );
}

/// One WebDriver session on a chromedriver this test started.
struct Driver {
    port: u16,
    session: String,
    child: Child,
}

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connecting to chromedriver");
    s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // The headers, then Content-Length bytes of body (chromedriver may keep
    // the connection open).
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let (head_end, length) = loop {
        let n = s.read(&mut buf).expect("reading chromedriver's answer");
        assert!(n > 0, "chromedriver closed the connection early");
        raw.extend_from_slice(&buf[..n]);
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..i]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .expect("a Content-Length header");
            break (i + 4, length);
        }
    };
    while raw.len() < head_end + length {
        let n = s.read(&mut buf).expect("reading chromedriver's answer");
        assert!(n > 0, "chromedriver closed the connection early");
        raw.extend_from_slice(&buf[..n]);
    }
    let payload = String::from_utf8_lossy(&raw[head_end..head_end + length]);
    serde_json::from_str(&payload).unwrap_or_else(|e| panic!("not JSON ({e}): {payload}"))
}

impl Driver {
    fn start(chromedriver: &Path, chromium: &Path, profile: &Path, downloads: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let t0 = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium.to_str().unwrap(),
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--window-size=1400,2600",
                    format!("--user-data-dir={}", profile.display())],
                "prefs": {"download.default_directory": downloads.to_str().unwrap(),
                    "download.prompt_for_download": false},
            }
        }}});
        let mut d = Driver {
            port,
            session: String::new(),
            child,
        };
        let v = http(port, "POST", "/session", Some(&caps));
        d.session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_string();
        d
    }
    fn call(&self, method: &str, what: &str, body: Option<Value>) -> Value {
        let v = http(
            self.port,
            method,
            &format!("/session/{}{what}", self.session),
            body.as_ref(),
        );
        assert!(
            v["value"].get("error").is_none(),
            "WebDriver {method} {what}: {v}"
        );
        v["value"].clone()
    }
    fn js(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }
    fn element(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("an element reference")
            .to_string()
    }
    fn keys(&self, css: &str, text: &str) {
        let e = self.element(css);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }
    fn click(&self, css: &str) {
        let e = self.element(css);
        self.call("POST", &format!("/element/{e}/click"), Some(json!({})));
    }
    /// Waits until the page has finished `updates` updates and is idle.
    fn settle(&self, updates: u64) {
        let t0 = Instant::now();
        loop {
            let v = self.js(
                "const e = window.explorer; return e ? [e.ready, e.updates, e.busy, e.error] : null;",
            );
            if v[0] == json!(true) && v[1].as_u64().unwrap_or(0) >= updates && v[2] == json!(false)
            {
                assert!(v[3].is_null(), "the explorer reported an error: {}", v[3]);
                return;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(300),
                "the explorer did not finish updating: {v}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    fn updates(&self) -> u64 {
        self.js("return window.explorer.updates;").as_u64().unwrap()
    }
    fn charts(&self) -> Vec<String> {
        serde_json::from_value(self.js(
            "return ['#chart-promise', '#chart-golive', '#chart-engagement'].map(s => document.querySelector(s).innerHTML);",
        ))
        .unwrap()
    }
    fn console(&self) -> Vec<Value> {
        // chromedriver's log endpoint (Selenium's get_log("browser")).
        let v = http(
            self.port,
            "POST",
            &format!("/session/{}/se/log", self.session),
            Some(&json!({"type": "browser"})),
        );
        v["value"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for_file(dir: &Path, ext: &str) -> PathBuf {
    let t0 = Instant::now();
    loop {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == ext));
        if let Some(p) = found {
            return p;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "no .{ext} downloaded"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_explorer_runs_in_chromium_and_gives_the_clis_numbers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page_dir = std::env::var_os("PIONEER_EXPLORER_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/explorer"));
    let page = page_dir.join("index.html");
    if !page.is_file() {
        return skip(&format!(
            "{} not built (scripts/build-explorer.sh)",
            page.display()
        ));
    }
    let Some(chromium) = on_path(&["chromium", "chromium-browser", "google-chrome"]) else {
        return skip("chromium not found on PATH");
    };
    let Some(chromedriver) = on_path(&["chromedriver"]) else {
        return skip("chromedriver not found on PATH (apt-get install chromium-driver)");
    };
    let tmp = tempfile::tempdir().unwrap();
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir(&downloads).unwrap();
    let d = Driver::start(
        &chromedriver,
        &chromium,
        &tmp.path().join("profile"),
        &downloads,
    );
    // From disk: no server, no network.
    d.call(
        "POST",
        "/url",
        Some(json!({ "url": format!("file://{}", page.canonicalize().unwrap().display()) })),
    );
    d.settle(1);
    let before = d.charts();
    assert!(
        before
            .iter()
            .all(|svg| svg.contains("<polyline") || svg.contains("<circle")),
        "every chart drawn"
    );

    // Two controls: the national barriers switch (a click) and the early
    // adopters' application dates, four weeks earlier (arrow keys on the
    // slider: keyboard-operable).
    let n = d.updates();
    d.click("#ctl-switch_national_barriers");
    d.settle(n + 1);
    let n = d.updates();
    d.keys("#ctl-apply_earlier", "\u{E014}\u{E014}\u{E014}\u{E014}");
    d.settle(n + 1);
    let state = d.js(
        "return [document.querySelector('#ctl-switch_national_barriers').checked, document.querySelector('#ctl-apply_earlier').value];",
    );
    assert_eq!(state, json!([false, "4"]), "the controls moved");
    let after = d.charts();
    for (name, (a, b)) in ["promise", "go-live", "engagement"]
        .iter()
        .zip(before.iter().zip(&after))
    {
        assert_ne!(a, b, "the {name} chart did not change");
    }
    // The comparison with the baseline: common random numbers, a row per output.
    let cmp = d.js("return window.explorer.lastCompare;");
    let rows = cmp["rows"].as_array().expect("comparison rows");
    assert!(rows.len() > 5, "{cmp}");
    assert!(
        d.js("return document.querySelectorAll('#compare-table tbody tr').length;")
            .as_u64()
            .unwrap()
            == rows.len() as u64
    );

    // The downloaded scenario runs in the CLI to exactly the page's numbers.
    d.click("#download");
    let file = wait_for_file(&downloads, "toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("switches.national_barriers=false"),
        "the header lists the changes:\n{}",
        &text[..text.len().min(800)]
    );
    // The engine's own JSON text (WebDriver would hand back 1.0 as 1).
    let browser: Value = serde_json::from_str(
        d.js("return window.explorer.lastRunJson;")
            .as_str()
            .expect("the last run's JSON"),
    )
    .unwrap();
    let browser = browser["summary"].clone();
    let reps = browser["replications"].as_u64().unwrap();
    assert_eq!(reps, 200, "the default number of replications");
    let out = tmp.path().join("cli");
    assert_cmd::Command::cargo_bin("pioneer")
        .unwrap()
        .arg("run")
        .arg(&file)
        .args(["-n", "200", "--seed", "1", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let cli: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    for key in [
        "milestones",
        "go_live",
        "replans_quantiles",
        "spend",
        "scope",
        "general_practice",
    ] {
        assert_eq!(
            browser[key], cli[key],
            "`{key}` of summary.json differs between the browser and the CLI"
        );
    }
    assert_eq!(browser, cli, "the whole summary.json");

    // A bad scenario is refused with the messages of `pioneer check`.
    let bad_dir = tmp.path().join("bad");
    std::fs::create_dir(&bad_dir).unwrap();
    let bad = bad_dir.join("bad.toml");
    std::fs::write(
        &bad,
        pioneer::scenario::DEFAULT_SCENARIO
            .replace("team_size = 14 ", "team_size = \"many\" ")
            .replace("optimism = 0.537 ", "optimisim = 0.537 "),
    )
    .unwrap();
    d.keys("#file-input", bad.to_str().unwrap());
    let t0 = Instant::now();
    let shown = loop {
        let v = d.js(
            "const b = document.querySelector('#load-errors'); return b.hidden ? null : b.querySelector('pre').textContent;",
        );
        if let Some(s) = v.as_str() {
            break s.to_string();
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "no error shown");
        std::thread::sleep(Duration::from_millis(100));
    };
    let check = assert_cmd::Command::cargo_bin("pioneer")
        .unwrap()
        .current_dir(&bad_dir)
        .args(["check", "bad.toml"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let cli_errors = String::from_utf8_lossy(&check.stderr).into_owned();
    assert!(shown.starts_with("error: bad.toml:"), "{shown}");
    for line in shown.lines() {
        assert!(
            cli_errors.contains(line),
            "the page says `{line}`; pioneer check says:\n{cli_errors}"
        );
    }

    let timings = d.js("return window.explorer.timings;");
    let _ = std::io::stderr().write_all(
        format!("explorer: update timings (ms from change to charts drawn): {timings}\n")
            .as_bytes(),
    );
    if let Some(png) = std::env::var_os("PIONEER_EXPLORER_SCREENSHOT") {
        d.js("document.querySelector('#load-errors').scrollIntoView(); return null;");
        let b64 = d.call("GET", "/screenshot", None);
        std::fs::write(png, base64_decode(b64.as_str().unwrap())).unwrap();
    }
    let errors: Vec<Value> = d
        .console()
        .into_iter()
        .filter(|e| e["level"] == "SEVERE" || e["level"] == "WARNING")
        .collect();
    assert!(errors.is_empty(), "browser console: {errors:?}");
}

/// Standard base64 (the WebDriver screenshot), for the optional screenshot.
fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let v: Vec<u32> = chunk.iter().map(|&c| u32::from(val(c))).collect();
        let n = v.iter().fold(0u32, |acc, x| acc << 6 | x) << (6 * (4 - v.len()));
        let b = n.to_be_bytes();
        out.extend_from_slice(&b[1..v.len()]);
    }
    out
}
