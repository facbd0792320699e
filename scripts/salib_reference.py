#!/usr/bin/env python3
"""Reference values for `pioneer analyze --method prcc|src|pawn`, computed
independently of pioneer from a sweep's exported data (salib/X.txt,
salib/Y.txt), pinned in tests/fixtures/salib/reference.json and checked by
tests/sensitivity_any_design.rs.

- PAWN: SALib 1.6.0, `SALib.analyze.pawn.analyze(problem, X, Y, S=10)`.
- SRC and PRCC: SALib has no such methods; computed with NumPy and SciPy:
  SRC_i = b_i * std(X_i) / std(Y) from `numpy.linalg.lstsq` of Y on [1, X],
  R^2 = 1 - SS_res / SS_tot; PRCC_i = Pearson correlation of the residuals
  of rank(X_i) and rank(Y) (`scipy.stats.rankdata`, average ties) each
  regressed (lstsq) on [1, ranks of the other X]; p = 2 * t.sf(|t|, df)
  with t = r * sqrt(df / (1 - r^2)), df = n - 2 - (k - 1).

Usage (from the repository root, after building pioneer):

    python3 -m venv /tmp/salib-venv
    /tmp/salib-venv/bin/pip install SALib==1.6.0 numpy scipy
    ./target/release/pioneer sweep --quiet --force --out /tmp/salib-lhs tests/fixtures/salib/lhs.toml
    /tmp/salib-venv/bin/python scripts/salib_reference.py /tmp/salib-lhs > tests/fixtures/salib/reference.json
"""

import hashlib
import json
import math
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
from scipy import stats
from SALib.analyze import pawn

SLICES = 10


def finite(values):
    """Lists of floats with NaN as null (JSON has no NaN)."""
    return [None if not math.isfinite(v) else float(v) for v in values]


def src(X, y):
    n, k = X.shape
    A = np.column_stack([np.ones(n), X])
    b, *_ = np.linalg.lstsq(A, y, rcond=None)
    res = y - A @ b
    r2 = 1.0 - (res @ res) / ((y - y.mean()) @ (y - y.mean()))
    return [b[1 + i] * X[:, i].std() / y.std() for i in range(k)], float(r2)


def prcc(X, y):
    n, k = X.shape
    R = np.column_stack([stats.rankdata(X[:, i]) for i in range(k)])
    ry = stats.rankdata(y)
    out, p = [], []
    for i in range(k):
        Z = np.column_stack([np.ones(n)] + [R[:, j] for j in range(k) if j != i])
        ex = R[:, i] - Z @ np.linalg.lstsq(Z, R[:, i], rcond=None)[0]
        ey = ry - Z @ np.linalg.lstsq(Z, ry, rcond=None)[0]
        r = float(np.corrcoef(ex, ey)[0, 1])
        df = n - 2 - (k - 1)
        t = r * math.sqrt(df / (1 - r * r))
        out.append(r)
        p.append(float(2 * stats.t.sf(abs(t), df)))
    return out, p


def main(sweep_dir):
    d = Path(sweep_dir)
    x_bytes = (d / "salib/X.txt").read_bytes()
    y_bytes = (d / "salib/Y.txt").read_bytes()
    names = [l.split()[0] for l in (d / "salib/params.txt").read_text().splitlines()]
    bounds = [[float(v) for v in l.split()[1:3]]
              for l in (d / "salib/params.txt").read_text().splitlines()]
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    outputs = y_bytes.decode().splitlines()[0].lstrip("# ").split()
    X = np.loadtxt(d / "salib/X.txt", ndmin=2)
    Y = np.loadtxt(d / "salib/Y.txt", ndmin=2)
    result = {
        "about": "reference values for tests/sensitivity_any_design.rs; regenerate with "
                 "scripts/salib_reference.py (command in its docstring)",
        "versions": {m: version(m) for m in ("SALib", "numpy", "scipy")},
        "X_sha256": hashlib.sha256(x_bytes).hexdigest(),
        "Y_sha256": hashlib.sha256(y_bytes).hexdigest(),
        "parameters": names,
        "slices": SLICES,
        "outputs": {},
    }
    for j, name in enumerate(outputs):
        y = Y[:, j]
        entry = {}
        if y.std() > 0:
            s, r2 = src(X, y)
            r, p = prcc(X, y)
            entry.update(src=finite(s), r2=r2, prcc=finite(r), prcc_p=finite(p))
        pw = pawn.analyze(problem, X, y, S=SLICES)
        entry["pawn"] = {key: finite(pw[key]) for key in
                         ("minimum", "mean", "median", "maximum", "CV", "stdev")}
        result["outputs"][name] = entry
    json.dump(result, sys.stdout, indent=1, allow_nan=False)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
