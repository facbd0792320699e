"""Compare the Mesa port's outcomes with a `pioneer run` output directory.

    pioneer run -n 200 --out /tmp/mesa-ref
    python benches/mesa/run.py --replications 20 --json > /tmp/mesa.json
    python benches/mesa/compare.py /tmp/mesa-ref /tmp/mesa.json

Prints a Markdown table (medians are lower medians of dates; a milestone
not reached counts as later than any date, as in run.py).
"""

import csv
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import median_date  # noqa: E402


def pioneer_outcomes(out_dir):
    with open(os.path.join(out_dir, "summary.json")) as f:
        summary = json.load(f)
    achieved = {}
    eas = set()
    with open(os.path.join(out_dir, "milestones.csv")) as f:
        for row in csv.DictReader(f):
            key = (row["early_adopter"], row["milestone"])
            if row["early_adopter"] != "programme":
                eas.add(row["early_adopter"])
            achieved.setdefault(key, []).append(row["achieved_date"] if row["status"] == "achieved" else None)
    journey = sorted({m for ea, m in achieved if ea != "programme"})
    full = [s for s in summary["scope"] if s["initial_scope"] == "full"]
    return dict(
        replications=summary["replications"],
        programme={m: median_date(v) for (ea, m), v in achieved.items() if ea == "programme"},
        go_live={ea: median_date(achieved[ea, "pilot_live"]) for ea in sorted(eas)},
        go_live_all=median_date([d for ea in eas for d in achieved[ea, "pilot_live"]]),
        journey={m: median_date([d for ea in eas for d in achieved[ea, m]]) for m in journey},
        reached={m: statistics.fmean(d is not None for ea in eas for d in achieved[ea, m]) for m in journey},
        live_by={g["date"]: (g["live_quantiles"][1], g["live_mean"]) for g in summary["go_live"]},
        replans=summary["replans_quantiles"][1],
        scaled_back_share=statistics.fmean(s["scaled_back_share"] for s in full),
    )


def main(out_dir, mesa_json):
    p = pioneer_outcomes(out_dir)
    with open(mesa_json) as f:
        m = json.load(f)
    mo = m["outcomes"]
    rows = [("outcome", f"pioneer (Rust), {p['replications']} replications", f"Mesa port, {m['replications']} replications")]
    for k in ("codesign_complete", "toolkit_published", "ea_signed_off", "first_pilot_live",
              "business_plan_approved", "wider_rollout"):
        rows.append((f"`{k}` (median)", p["programme"].get(k), mo["programme_milestones_median"].get(k)))
    rows.append(("go-live of an EA, all EAs pooled (median)", p["go_live_all"], mo["go_live_median_all_eas"]))
    for ea, d in p["go_live"].items():
        rows.append((f"go-live `{ea}` (median)", d, mo["go_live_median"].get(ea)))
    for mid, d in p["journey"].items():
        if mid != "pilot_live":
            rows.append((
                f"`{mid}`, all EAs pooled: median (share reached)",
                f"{d or 'not reached'} ({p['reached'][mid]:.0%})",
                f"{mo['journey_median_all_eas'].get(mid) or 'not reached'} ({mo['journey_reached_share'][mid]:.0%})",
            ))
    for date, (med, mean) in p["live_by"].items():
        rows.append((f"EAs live by {date}: median (mean)", f"{med:g} ({mean:.2f})",
                     f"{mo['live_by_median'][date]:g} ({mo['live_by_mean'][date]:.2f})"))
    rows.append(("re-plans of the pilot start (median)", f"{p['replans']:g}", f"{mo['replans_median']:g}"))
    rows.append(("full-scope EAs that scale back (share)", f"{p['scaled_back_share']:.2f}", f"{mo['scaled_back_share']:.2f}"))
    for r in rows:
        print("| " + " | ".join(str(x) if x is not None else "not reached" for x in r) + " |")
        if r is rows[0]:
            print("|---|---|---|")


if __name__ == "__main__":
    main(*sys.argv[1:3])
