// The explorer's engine worker. scripts/build-explorer.sh prepends
// wasm-bindgen's `--target no-modules` glue (which defines `wasm_bindgen`),
// so this runs as one classic worker script made from a Blob: the page
// works from file:// as well as from any static host.
"use strict";
let ready = null;
const ops = {
  run: (a) => wasm_bindgen.run(a),
  compare: (a) => wasm_bindgen.compare_with_base(a),
  toml: (a) => wasm_bindgen.scenario_toml(a),
  load: (a) => wasm_bindgen.load_scenario(a.text, a.name),
  load_default: () => wasm_bindgen.load_default(),
  values: (a) => wasm_bindgen.values_at(a),
};
self.onmessage = async (e) => {
  const m = e.data;
  if (m.op === "init") {
    ready = wasm_bindgen({ module_or_path: m.module });
    try {
      await ready;
      self.postMessage({ id: m.id, ok: true, result: null, ms: 0 });
    } catch (err) {
      self.postMessage({ id: m.id, ok: false, error: String(err), ms: 0 });
    }
    return;
  }
  await ready;
  const t0 = performance.now();
  try {
    const result = ops[m.op](m.arg);
    self.postMessage({ id: m.id, ok: true, result, ms: performance.now() - t0 });
  } catch (err) {
    self.postMessage({ id: m.id, ok: false, error: String(err), ms: performance.now() - t0 });
  }
};
