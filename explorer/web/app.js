// pioneer explorer: the page. The engine (WebAssembly) runs in two Web
// Workers made from engine.js (written by scripts/build-explorer.sh): one
// runs your settings (charts, summary), the other the comparison with the
// baseline, at the same time. Every control sets scenario key paths as
// `pioneer run --set KEY.PATH=VALUE` does.
"use strict";

// Okabe–Ito, as the charts of `pioneer run` use them.
const C = { blue: "#0072B2", orange: "#E69F00", green: "#009E73", verm: "#D55E00", sky: "#56B4E9",
  purple: "#CC79A7", yellow: "#F0E442", black: "#000000", grey: "#787878" };
// The colour and dash of each agent kind (src/output/charts.rs, kind_style).
const KIND_STYLE = {
  ccg: [C.blue, false], local_authority: [C.orange, false], acute_trust: [C.green, false],
  community_trust: [C.verm, true], gp_practice: [C.sky, true], third_sector: [C.purple, false],
  programme_team: [C.grey, true], lay_partner: [C.black, false],
};
const MAX_REPLICATIONS = 5000;

const $ = (sel) => document.querySelector(sel);
const state = {
  scenario: null,        // the base scenario (its description from the engine)
  controls: [],          // control specs with their current values
  baseline: null,        // { key, run } cached run of the base scenario
  busy: false, dirty: false, changedAt: null,
};
// For tests and for measuring: the last results and the timings.
window.explorer = { ready: false, updates: 0, busy: false, timings: [], lastRun: null, lastRunJson: null, lastCompare: null, error: null };

// ---------------------------------------------------------------- workers
function makeWorker() {
  const src = new TextDecoder().decode(b64bytes(window.PIONEER_ENGINE.worker));
  const url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
  const w = new Worker(url);
  const pending = new Map();
  let next = 1;
  w.onmessage = (e) => {
    const m = e.data, p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p.resolve(m); else p.reject(new Error(m.error));
  };
  w.onerror = (e) => { console.error("engine worker:", e.message); };
  const call = (op, arg) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    w.postMessage({ id, op, arg });
  });
  const init = (module) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    w.postMessage({ id, op: "init", module });
  });
  return { call, init };
}
function b64bytes(b64) {
  const s = atob(b64), out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
let runner, comparer;

// ---------------------------------------------------------------- controls
function getPath(obj, path) {
  let node = obj;
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g)) {
    if (node === undefined || node === null) return undefined;
    node = part.startsWith("[") ? node[Number(part.slice(1, -1))] : node[part];
  }
  return node;
}
const fmtShare = (v) => `${(v * 100).toFixed(0)}%`;
const fmtGbp = (v) => `£${(v / 1e6).toFixed(2)}m`;
const fmtNum = (d) => (v) => Number(v).toFixed(d);
function addDays(iso, days) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// The levers, built from the loaded scenario: a control appears only when
// its key paths exist there (or the schema allows them, `promised_by`).
function controlSpecs(S) {
  const out = [];
  const add = (spec) => {
    const base = spec.baseOf ? spec.baseOf(S) : getPath(S, spec.paths[0]);
    if (base === undefined) return;
    out.push({ ...spec, base, value: base });
  };
  const sw = (group, name, label, help) => add({ group, id: `switch_${name}`, type: "bool", label,
    unit: "on/off", paths: [`switches.${name}`], help, baseOf: (s) => getPath(s, `switches.${name}`) ?? true });
  add({ group: "Timetable", id: "pilot_start", type: "date", label: "Pilot start (the promised go-live)", unit: "date", paths: ["timetable.pilot_start"] });
  add({ group: "Timetable", id: "wider_rollout", type: "date", label: "Wider roll-out", unit: "date", paths: ["timetable.wider_rollout"] });
  add({ group: "Timetable", id: "prep_weeks", type: "range", label: "Preparation the planners assume (sign-off to go-live)", unit: "weeks",
    min: 0, max: 78, step: 1, int: true, fmt: fmtNum(0), paths: ["timetable.assumed_preparation_weeks"] });
  const contracts = getPath(S, "consultancy.contracts") || [];
  contracts.forEach((k, i) => add({ group: "Consultancy", id: `contract_${i}`, type: "range",
    label: `Consultancy spend, contract ${k.start} to ${k.end}`, unit: "GBP", min: 0,
    max: Math.max(10e6, Math.ceil(2 * k.amount_gbp / 1e6) * 1e6), step: 100000, fmt: fmtGbp,
    paths: [`consultancy.contracts[${i}].amount_gbp`] }));
  if (contracts.length) sw("Consultancy", "consultancy", "Consultants add central capacity");
  const eas = getPath(S, "early_adopters") || [];
  if (eas.length) add({ group: "Transactional work alongside co-design", id: "apply_earlier", type: "range",
    label: "Early adopters apply earlier by", unit: "weeks", min: 0, max: 30, step: 1, int: true, fmt: fmtNum(0),
    paths: eas.map((_, i) => `early_adopters[${i}].application_ready`),
    baseOf: () => 0,
    values: (w) => eas.map((e) => addDays(e.application_ready, -7 * w)),
    pathNote: "early_adopters[*].application_ready (each moved earlier)" });
  for (const kind of ["ccg", "local_authority"]) {
    add({ group: "Transactional work alongside co-design", id: `bias_${kind}`, type: "range",
      label: `Relational bias of ${kind === "ccg" ? "CCGs" : "local authorities"} (lower: more transactional work)`,
      unit: "share 0–1", min: 0, max: 1, step: 0.01, fmt: fmtNum(2), paths: [`organisations.${kind}.relational_bias`] });
  }
  const barriers = getPath(S, "barriers") || [];
  if (barriers.length) {
    sw("National barriers", "national_barriers", "National barriers in force");
    add({ group: "National barriers", id: "removal_hazard", type: "range", label: "Chance a barrier is removed nationally",
      unit: "probability/year", min: 0, max: 1, step: 0.01, fmt: fmtNum(2),
      paths: barriers.map((_, i) => `barriers[${i}].removal_hazard_per_year`),
      baseOf: (s) => getPath(s, "barriers[0].removal_hazard_per_year"),
      pathNote: "barriers[*].removal_hazard_per_year (every barrier)" });
  }
  sw("Leadership stability", "leadership_loss", "Key leaders leave (scheduled departures, hazards)");
  add({ group: "Leadership stability", id: "replacement_weeks", type: "range", label: "Weeks to replace a departed leader",
    unit: "weeks", min: 0, max: 104, step: 1, int: true, fmt: fmtNum(0), paths: ["leadership.replacement_weeks"] });
  add({ group: "Leadership stability", id: "decision_loss", type: "range", label: "Transactional decisions lost per leader gone",
    unit: "share 0–1", min: 0, max: 0.6, step: 0.01, fmt: fmtNum(2), paths: ["leadership.decision_loss"] });
  sw("Engagement effects", "deadline_feedback", "Missed deadlines lower engagement");
  sw("Engagement effects", "progress_feedback", "Visible progress raises engagement");
  sw("Engagement effects", "outcome_feedback", "Broken outcome promises lower engagement");
  sw("Engagement effects", "meeting_burden", "Meeting burden lowers engagement");
  add({ group: "Engagement effects", id: "deadline_loss", type: "range", label: "Engagement lost per missed deadline",
    unit: "engagement points (0–1 scale)", min: 0, max: 0.2, step: 0.005, fmt: fmtNum(3), paths: ["engagement.deadline_loss"] });
  add({ group: "Outcome promise", id: "promised_reduction", type: "range", label: "Promised cut in emergency admissions",
    unit: "share 0–1", min: 0, max: 0.3, step: 0.01, fmt: fmtShare, paths: ["outcomes.promised_reduction"] });
  add({ group: "Outcome promise", id: "promised_by", type: "date", label: "Promised by", unit: "date",
    paths: ["outcomes.promised_by"], baseOf: (s) => getPath(s, "outcomes.promised_by") ?? null, fallback: "2015-03-31" });
  add({ group: "Run", id: "replications", type: "number", label: "Replications", unit: "count", min: 1, max: MAX_REPLICATIONS,
    step: 1, int: true, run: true, baseOf: () => 200, pathNote: "pioneer run -n" });
  add({ group: "Run", id: "seed", type: "number", label: "Seed", unit: "whole number", min: 0, max: 4294967295,
    step: 1, int: true, run: true, baseOf: () => 1, pathNote: "pioneer run --seed" });
  return out;
}

function tomlText(spec, v) {
  if (spec.type === "bool") return v ? "true" : "false";
  if (spec.type === "date") return v;
  return String(spec.int ? Math.round(v) : v);
}
function isChanged(c) {
  if (c.type === "date" && c.base === null) return false;
  return c.value !== c.base;
}
// The overrides, in control order: `--set path=value` for every changed control.
function overrides() {
  const list = [];
  const byId = Object.fromEntries(state.controls.map((c) => [c.id, c]));
  for (const c of state.controls) {
    if (c.run) continue;
    let changed = isChanged(c);
    // A promise needs a date: send the shown date with a changed, non-zero promise.
    if (c.id === "promised_by" && c.base === null) {
      const pr = byId.promised_reduction;
      changed = pr && pr.value > 0 && pr.value !== pr.base;
    }
    if (!changed) continue;
    const value = c.base === null && c.value === null ? c.fallback : c.value;
    // `values` gives one TOML value per path (dates moved earlier); else the same value on each.
    const texts = c.values ? c.values(value) : c.paths.map(() => tomlText(c, value));
    c.paths.forEach((p, i) => list.push([p, texts[i]]));
  }
  return list;
}
function settings(withOverrides = true) {
  const get = (id) => state.controls.find((c) => c.id === id).value;
  return JSON.stringify({ overrides: withOverrides ? overrides() : [], seed: get("seed"), replications: get("replications") });
}

function renderControls() {
  const form = $("#controls");
  form.innerHTML = "";
  const groups = new Map();
  for (const c of state.controls) {
    if (!groups.has(c.group)) {
      const fs = document.createElement("fieldset");
      const lg = document.createElement("legend");
      lg.textContent = c.group;
      fs.appendChild(lg);
      form.appendChild(fs);
      groups.set(c.group, fs);
    }
    groups.get(c.group).appendChild(controlElement(c));
  }
}
function controlElement(c) {
  const div = document.createElement("div");
  div.className = "control" + (c.type === "bool" ? " check" : "");
  const id = `ctl-${c.id}`;
  const meta = `<span class="meta" id="${id}-meta">${c.unit} · <code>${c.pathNote || c.paths.join(", ")}</code></span>`;
  if (c.type === "bool") {
    div.innerHTML = `<label for="${id}"><input type="checkbox" id="${id}" aria-describedby="${id}-meta"> ${c.label}</label>${meta}`;
  } else if (c.type === "range") {
    div.innerHTML = `<label for="${id}">${c.label}</label><div class="row"><input type="range" id="${id}"
      min="${c.min}" max="${c.max}" step="${c.step}" aria-describedby="${id}-meta"><output for="${id}" id="${id}-out"></output></div>${meta}`;
  } else {
    div.innerHTML = `<label for="${id}">${c.label}</label><input type="${c.type}" id="${id}" aria-describedby="${id}-meta"
      ${c.type === "number" ? `min="${c.min}" max="${c.max}" step="${c.step}"` : ""} required>${meta}`;
  }
  const input = div.querySelector("input");
  const show = () => {
    if (c.type === "bool") input.checked = c.value;
    else if (c.type === "date") input.value = c.value ?? c.fallback;
    else input.value = c.value;
    const out = div.querySelector("output");
    if (out) {
      out.textContent = c.fmt(c.value);
      input.setAttribute("aria-valuetext", `${c.fmt(c.value)} ${c.unit}`);
    }
    div.classList.toggle("changed", !c.run && isChanged(c));
  };
  const read = () => {
    if (c.type === "bool") return input.checked;
    if (c.type === "date") return input.value || null;
    const v = Number(input.value);
    return c.int ? Math.round(v) : v;
  };
  input.addEventListener("input", () => {
    if (c.type === "range") { c.value = read(); show(); }
  });
  input.addEventListener("change", () => {
    const v = read();
    if (c.type === "number" && (!Number.isFinite(v) || v < c.min || v > c.max)) {
      setStatus(`${c.label}: expected a whole number from ${c.min} to ${c.max}`, true);
      show();
      return;
    }
    if (c.type === "date" && v === null) { show(); return; }
    c.value = v;
    show();
    scheduleUpdate();
  });
  c.show = show;
  show();
  return div;
}

// ---------------------------------------------------------------- updates
function setStatus(text, error = false) {
  const s = $("#status");
  s.textContent = text;
  s.classList.toggle("error", error);
}
function scheduleUpdate() {
  state.changedAt = state.changedAt ?? performance.now();
  if (state.busy) { state.dirty = true; return; }
  update();
}
async function update() {
  state.busy = window.explorer.busy = true;
  const t0 = state.changedAt ?? performance.now();
  state.changedAt = null;
  const yours = settings(true), base = settings(false);
  const reps = JSON.parse(yours).replications;
  const changed = JSON.parse(yours).overrides.length > 0;
  setStatus(`Running ${reps} replications…`);
  try {
    const baseKey = base + "|" + state.scenario.source;
    const runP = runner.call("run", yours);
    const cmpP = changed ? comparer.call("compare", yours) : null;
    // Awaited below; a failure of the one not awaited first is not "unhandled".
    if (cmpP) cmpP.catch(() => {});
    $("#compare-table").classList.toggle("stale", changed);
    const run = await runP;
    const result = JSON.parse(run.result);
    let baseRun = !changed ? result : state.baseline && state.baseline.key === baseKey ? state.baseline.run : null;
    if (!baseRun) {
      // New run settings (seed, replications) with a change: the baseline
      // runs on the first worker, now free, while the second compares.
      baseRun = JSON.parse((await runner.call("run", base)).result);
    }
    state.baseline = { key: baseKey, run: baseRun };
    drawCharts(result, baseRun, changed);
    window.explorer.lastRun = result;
    // As the engine wrote it (JSON numbers as serde_json writes them: 1.0, not 1).
    window.explorer.lastRunJson = run.result;
    const chartsMs = performance.now() - t0;
    const seed = JSON.parse(yours).seed;
    let text = `${reps} replications, seed ${seed}: charts redrawn ${Math.round(chartsMs)} ms after the change ` +
      `(the engine: ${Math.round(run.ms)} ms).`;
    setStatus(text + (changed ? " Comparing with the baseline…" : " Change a setting to compare it with the baseline."));
    const cmp = cmpP ? await cmpP : null;
    const comparison = cmp ? JSON.parse(cmp.result) : null;
    drawCompare(comparison);
    $("#compare-table").classList.remove("stale");
    const tableMs = performance.now() - t0;
    if (cmp) text += ` Baseline vs your change redrawn ${Math.round(tableMs)} ms after it (${2 * reps} replications).`;
    window.explorer.timings.push({ replications: reps, charts_ms: chartsMs, table_ms: tableMs, run_ms: run.ms, compare_ms: cmp ? cmp.ms : null });
    window.explorer.lastCompare = comparison;
    window.explorer.error = null;
    setStatus(text);
  } catch (err) {
    window.explorer.error = String(err.message || err);
    setStatus(String(err.message || err), true);
  } finally {
    window.explorer.updates++;
    state.busy = window.explorer.busy = false;
    if (state.dirty) { state.dirty = false; scheduleUpdate(); }
  }
}

// ---------------------------------------------------------------- charts
const NS = "http://www.w3.org/2000/svg";
// A white outline behind labels drawn over lines.
const HALO = { stroke: "white", "stroke-width": 4, "paint-order": "stroke", "stroke-linejoin": "round" };
function svg(w, h) {
  const s = document.createElementNS(NS, "svg");
  s.setAttribute("viewBox", `0 0 ${w} ${h}`);
  s.setAttribute("width", w);
  s.setAttribute("height", h);
  return s;
}
function el(parent, name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function dateOf(start, days) { return addDays(start, Math.round(days)); }
// A time axis: x(day) and ticks every six months (January and July).
function timeAxis(g, v, x0, x1, yTop, yBottom) {
  const start = new Date(v.start + "T00:00:00Z");
  const x = (d) => x0 + (x1 - x0) * d / v.horizon_day;
  let d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  while ((d - start) / 864e5 <= v.horizon_day) {
    const day = (d - start) / 864e5, m = d.getUTCMonth();
    if (m % 3 === 0) {
      el(g, "line", { x1: x(day), x2: x(day), y1: yTop, y2: yBottom, stroke: m % 6 === 0 ? "#ccc" : "#eee" });
      if (m % 6 === 0) el(g, "text", { x: x(day), y: yBottom + 16, "text-anchor": "middle", "font-size": 12, fill: "#333" },
        `${MONTHS[m]} ${d.getUTCFullYear()}`);
    }
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  }
  el(g, "line", { x1: x0, x2: x1, y1: yBottom, y2: yBottom, stroke: "#333" });
  return x;
}
function legend(g, x, y, items) {
  let cx = x;
  for (const [kind, colour, label, dashed] of items) {
    if (kind === "line") el(g, "line", { x1: cx, x2: cx + 22, y1: y - 4, y2: y - 4, stroke: colour, "stroke-width": 3, "stroke-dasharray": dashed ? "6 4" : "none" });
    else if (kind === "band") el(g, "rect", { x: cx, y: y - 10, width: 22, height: 12, fill: colour, "fill-opacity": 0.25 });
    else if (kind === "diamond") el(g, "path", { d: `M${cx + 11} ${y - 11} l7 7 l-7 7 l-7 -7 z`, fill: colour });
    else if (kind === "dot") el(g, "circle", { cx: cx + 11, cy: y - 4, r: 5, fill: colour });
    else if (kind === "ring") el(g, "circle", { cx: cx + 11, cy: y - 4, r: 5, fill: "white", stroke: colour, "stroke-width": 2 });
    else if (kind === "tick") el(g, "line", { x1: cx + 11, x2: cx + 11, y1: y - 12, y2: y + 4, stroke: colour, "stroke-width": 3 });
    else if (kind === "cross") el(g, "path", { d: `M${cx + 5} ${y - 10} l12 12 m0 -12 l-12 12`, stroke: colour, "stroke-width": 2.5 });
    el(g, "text", { x: cx + 28, y, "font-size": 13 }, label);
    // Drawn before the chart is on the page, where text has no measured
    // length yet: about 0.55 em per character at 13 px.
    cx += 40 + label.length * 7.2;
  }
}
function put(id, s, desc) {
  const host = $(id);
  host.replaceChildren(s);
  host.setAttribute("aria-label", desc);
}

function drawPromise(v, bv, changed) {
  const rows = v.promise.filter((r) => r.label.endsWith(": go-live"));
  const base = Object.fromEntries(bv.promise.map((r) => [r.label, r]));
  const W = 900, rowH = changed ? 34 : 28, top = 44, left = 150, right = 20;
  const H = top + rows.length * rowH + 28;
  const s = svg(W, H);
  const g = el(s, "g", {});
  const x = timeAxis(g, v, left, W - right, top - 6, top + rows.length * rowH);
  const items = [["diamond", C.verm, "first promise"], ["tick", C.orange, "latest plan"],
    ["dot", C.blue, changed ? "your change: median, 10–90%" : "simulated: median, 10–90%"]];
  if (changed) items.push(["ring", C.grey, "baseline"]);
  items.push(["cross", C.black, "published"]);
  legend(g, left, 16, items);
  const descs = [];
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    el(g, "text", { x: left - 8, y: y + 4, "text-anchor": "end", "font-size": 13 }, r.label.replace(": go-live", ""));
    const lane = (q, colour, dy, filled, width) => {
      if (!q) return;
      el(g, "line", { x1: x(q[0]), x2: x(q[2]), y1: y + dy, y2: y + dy, stroke: colour, "stroke-width": width, "stroke-linecap": "round" });
      el(g, "circle", { cx: x(q[1]), cy: y + dy, r: 5, fill: filled ? colour : "white", stroke: colour, "stroke-width": 2 });
    };
    if (changed && base[r.label]) lane(base[r.label].achieved, C.grey, 7, false, 2);
    lane(r.achieved, C.blue, changed ? -5 : 0, true, 4);
    if (r.first !== null) el(g, "path", { d: `M${x(r.first)} ${y - 7} l7 7 l-7 7 l-7 -7 z`, fill: C.verm });
    if (r.latest.length) {
      const top1 = r.latest.reduce((a, b) => (b[1] > a[1] ? b : a));
      el(g, "line", { x1: x(top1[0]), x2: x(top1[0]), y1: y - 9, y2: y + 9, stroke: C.orange, "stroke-width": 3 });
    }
    for (const o of r.observed) el(g, "path", { d: `M${x(o) - 6} ${y - 6} l12 12 m0 -12 l-12 12`, stroke: C.black, "stroke-width": 2.5 });
    if (r.share < 0.995) el(g, "text", { x: W - right, y: y - 6, "text-anchor": "end", "font-size": 11, fill: "#333" },
      `live in ${Math.floor(r.share * 100)}% of runs`);
    descs.push(`${r.label.replace(": go-live", "")}: median go-live ${r.achieved ? dateOf(v.start, r.achieved[1]) : "none"}`);
  });
  put("#chart-promise", s, "Promise vs delivery. " + descs.join("; "));
}

function drawGoLive(v, bv, changed) {
  const W = 900, H = 330, left = 60, right = 20, top = 40, bottom = 290;
  const s = svg(W, H), g = el(s, "g", {});
  const x = timeAxis(g, v, left, W - right, top, bottom);
  const n = v.early_adopters;
  const y = (c) => bottom - (bottom - top) * c / (n + 0.5);
  for (let c = 0; c <= n; c++) {
    el(g, "line", { x1: left, x2: W - right, y1: y(c), y2: y(c), stroke: "#f0f0f0" });
    el(g, "text", { x: left - 8, y: y(c) + 4, "text-anchor": "end", "font-size": 12 }, c);
  }
  el(g, "text", { x: 14, y: (top + bottom) / 2, transform: `rotate(-90 14 ${(top + bottom) / 2})`, "text-anchor": "middle", "font-size": 12 },
    `early adopters live (of ${n})`);
  const pts = v.go_live;
  const band = pts.map((p) => `${x(p[0])},${y(p[3])}`).concat(pts.slice().reverse().map((p) => `${x(p[0])},${y(p[1])}`));
  el(g, "polygon", { points: band.join(" "), fill: C.blue, "fill-opacity": 0.2 });
  // Planned: none live until the promised pilot start, then all.
  const ps = x(v.pilot_start_day);
  el(g, "polyline", { points: `${left},${y(0)} ${ps},${y(0)} ${ps},${y(n)} ${W - right},${y(n)}`, fill: "none", stroke: C.verm, "stroke-width": 2.5, "stroke-dasharray": "7 5" });
  const wr = x(v.wider_rollout_day);
  el(g, "line", { x1: wr, x2: wr, y1: top, y2: bottom, stroke: C.purple, "stroke-width": 2, "stroke-dasharray": "2 4" });
  el(g, "text", { x: wr + 4, y: bottom - 24, "font-size": 12, fill: "#333", ...HALO }, "wider roll-out planned");
  if (changed) el(g, "polyline", { points: bv.go_live.map((p) => `${x(p[0])},${y(p[2])}`).join(" "), fill: "none", stroke: C.grey, "stroke-width": 2, "stroke-dasharray": "4 3" });
  el(g, "polyline", { points: pts.map((p) => `${x(p[0])},${y(p[2])}`).join(" "), fill: "none", stroke: C.blue, "stroke-width": 3 });
  for (const o of v.observed) {
    el(g, "path", { d: `M${x(o.day)} ${y(o.count) - 8} l8 8 l-8 8 l-8 -8 z`, fill: C.black });
    el(g, "text", { x: x(o.day) - 10, y: y(o.count) - 10, "text-anchor": "end", "font-size": 12, ...HALO }, `${o.count} live by ${o.date}`);
  }
  const items = [["line", C.verm, "the plan (first promise)", true], ["line", C.blue, changed ? "your change: median" : "simulated median"],
    ["band", C.blue, "10–90% of replications"]];
  if (changed) items.push(["line", C.grey, "baseline median", true]);
  items.push(["diamond", C.black, "published"]);
  legend(g, left, 18, items);
  const last = pts[pts.length - 1];
  put("#chart-golive", s, `Go-live curve: median ${last[2]} of ${n} early adopters live at the horizon; ` +
    `the plan promised all ${n} from ${dateOf(v.start, v.pilot_start_day)}.`);
}

function drawEngagement(v) {
  const W = 900, H = 330, left = 60, right = 170, top = 20, bottom = 290;
  const s = svg(W, H), g = el(s, "g", {});
  const x = timeAxis(g, v, left, W - right, top, bottom);
  const y = (e) => bottom - (bottom - top) * e;
  for (let e = 0; e <= 1.0001; e += 0.2) {
    el(g, "line", { x1: left, x2: W - right, y1: y(e), y2: y(e), stroke: "#f0f0f0" });
    el(g, "text", { x: left - 8, y: y(e) + 4, "text-anchor": "end", "font-size": 12 }, e.toFixed(1));
  }
  el(g, "text", { x: 14, y: (top + bottom) / 2, transform: `rotate(-90 14 ${(top + bottom) / 2})`, "text-anchor": "middle", "font-size": 12 },
    "engagement (0–1), median");
  for (const d of v.leader_departs) {
    el(g, "line", { x1: x(d), x2: x(d), y1: top, y2: bottom, stroke: C.grey, "stroke-dasharray": "2 3" });
  }
  const descs = [];
  v.engagement.forEach((k, i) => {
    const [colour, dashed] = KIND_STYLE[k.kind] || [C.black, false];
    el(g, "polyline", { points: k.bands.map((p) => `${x(p[0])},${y(p[2])}`).join(" "), fill: "none", stroke: colour, "stroke-width": 2.5, "stroke-dasharray": dashed ? "7 4" : "none" });
    const ly = top + 10 + i * 22;
    el(g, "line", { x1: W - right + 12, x2: W - right + 40, y1: ly, y2: ly, stroke: colour, "stroke-width": 3, "stroke-dasharray": dashed ? "7 4" : "none" });
    el(g, "text", { x: W - right + 46, y: ly + 4, "font-size": 12 }, k.kind.replace(/_/g, " "));
    const last = k.bands[k.bands.length - 1];
    if (last) descs.push(`${k.kind} ends at ${last[2].toFixed(2)}`);
  });
  if (v.leader_departs.length) {
    const ly = top + 10 + v.engagement.length * 22 + 6;
    el(g, "line", { x1: W - right + 12, x2: W - right + 40, y1: ly, y2: ly, stroke: C.grey, "stroke-dasharray": "2 3" });
    el(g, "text", { x: W - right + 46, y: ly + 4, "font-size": 12 }, "leader leaves");
  }
  put("#chart-engagement", s, "Engagement by kind: " + descs.join("; "));
}

const UNIT_WORDS = { Weeks: "weeks", Date: "date", EarlyAdopters: "early adopters", PilotReplans: "re-plans" };
function drawCompare(cmp) {
  const host = $("#compare-table");
  if (!cmp) {
    host.innerHTML = `<p class="muted">No setting differs from the loaded scenario: change one to see its effect.</p>`;
    return;
  }
  const fmtDiff = (d, unit) => {
    const f = (v) => (v > 0 ? "+" : v < 0 ? "−" : "±") + Math.abs(v).toFixed(1);
    return `${f(d[1])} ${unit}<br><span class="muted small">${f(d[0])} to ${f(d[2])}</span>`;
  };
  const t = document.createElement("table");
  t.innerHTML = `<caption class="visually-hidden">Baseline vs your change</caption><thead><tr><th scope="col">output</th>
    <th scope="col">baseline: median (10–90%)</th><th scope="col">your change: median (10–90%)</th>
    <th scope="col">paired difference, yours − baseline: median (10–90%)</th></tr></thead>`;
  const tb = document.createElement("tbody");
  t.appendChild(tb);
  for (const r of cmp.rows) {
    const tr = document.createElement("tr");
    const d = r.difference[1];
    const unit = r.is_date ? "weeks" : UNIT_WORDS[r.unit] || "";
    const nw = (t) => `<span class="nw">${t}</span>`;
    const q = (s) => `${r.quantiles_text[s][1]}<br><span class="muted small">${nw(r.quantiles_text[s][0])} – ${nw(r.quantiles_text[s][2])}` +
      (r.is_date && r.not_reached[s] ? `<br>not reached in ${r.not_reached[s]} of ${cmp.replications}` : "") + "</span>";
    const dirClass = d[1] > 0 ? "up" : d[1] < 0 ? "down" : "";
    if (d[0] !== 0 || d[1] !== 0 || d[2] !== 0) tr.className = "moved";
    tr.innerHTML = `<td>${r.label}${r.is_date ? "" : ` <span class="muted">(${unit})</span>`}</td><td class="n">${q(0)}</td><td class="n">${q(1)}</td>
      <td class="n ${dirClass}">${fmtDiff(d, unit)}</td>`;
    tb.appendChild(tr);
  }
  host.replaceChildren(t);
}

function drawCharts(result, baseRun, changed) {
  drawPromise(result.views, baseRun.views, changed);
  drawGoLive(result.views, baseRun.views, changed);
  drawEngagement(result.views);
  $("#summary-json").textContent = JSON.stringify(result.summary, null, 1);
}

// ---------------------------------------------------------------- loading
function showScenario(desc) {
  state.scenario = desc;
  state.baseline = null;
  $("#scenario-name").textContent = desc.name;
  $("#scenario-source").textContent = `(${desc.source})`;
  $("#scenario-description").textContent = desc.description || "";
  const old = Object.fromEntries(state.controls.filter((c) => c.run).map((c) => [c.id, c.value]));
  state.controls = controlSpecs(desc.scenario);
  for (const c of state.controls) if (c.run && old[c.id] !== undefined) c.value = old[c.id];
  renderControls();
}
async function loadText(text, name) {
  const box = $("#load-errors");
  try {
    const [a] = await Promise.all([runner.call("load", { text, name }), comparer.call("load", { text, name })]);
    box.hidden = true;
    showScenario(JSON.parse(a.result));
    scheduleUpdate();
  } catch (err) {
    // The messages of `pioneer check`: file:line:column: `key`: expected …
    box.querySelector("pre").textContent = String(err.message || err);
    box.hidden = false;
    setStatus(`${name} was not loaded; the previous scenario stays.`, true);
  }
}
function loadFile(file) {
  if (!file) return;
  file.text().then((text) => loadText(text, file.name));
}
async function download() {
  try {
    const r = await runner.call("toml", settings(true));
    const blob = new Blob([r.result], { type: "application/toml" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${state.scenario.name}-explorer.toml`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } catch (err) {
    setStatus(String(err.message || err), true);
  }
}

async function main() {
  $("#file-input").addEventListener("change", (e) => loadFile(e.target.files[0]));
  $("#download").addEventListener("click", download);
  $("#reset-settings").addEventListener("click", () => {
    for (const c of state.controls) if (!c.run) { c.value = c.base; c.show(); }
    scheduleUpdate();
  });
  $("#reset-default").addEventListener("click", async () => {
    const [a] = await Promise.all([runner.call("load_default"), comparer.call("load_default")]);
    $("#load-errors").hidden = true;
    showScenario(JSON.parse(a.result));
    scheduleUpdate();
  });
  let depth = 0;
  document.addEventListener("dragenter", (e) => { e.preventDefault(); depth++; document.body.classList.add("dragging"); });
  document.addEventListener("dragleave", () => { if (--depth <= 0) { depth = 0; document.body.classList.remove("dragging"); } });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    depth = 0;
    document.body.classList.remove("dragging");
    loadFile(e.dataTransfer.files[0]);
  });
  try {
    const module = await WebAssembly.compile(b64bytes(window.PIONEER_ENGINE.wasm));
    runner = makeWorker();
    comparer = makeWorker();
    await Promise.all([runner.init(module), comparer.init(module)]);
    const d = await runner.call("load_default");
    await comparer.call("load_default");
    showScenario(JSON.parse(d.result));
    window.explorer.ready = true;
    scheduleUpdate();
  } catch (err) {
    setStatus("The engine did not start: " + (err.message || err), true);
    console.error(err);
  }
}
main();
