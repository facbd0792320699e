"""Run and time the Mesa port of pioneer.

    python benches/mesa/run.py [--scenario PATH] [--replications N] [--seed S] [--json]

Times N replications (default 20) with time.process_time() (CPU) and
time.perf_counter() (wall) and reports medians per replication, the cost
per agent-week and outcome summaries (medians over replications).
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import mesa  # noqa: E402

import scenario as scenario_mod  # noqa: E402
from model import PioneerModel  # noqa: E402

DEFAULT_SCENARIO = os.path.join(HERE, "..", "..", "scenarios", "nwl_wsic_2013.toml")


def median_date(values):
    """Median of ISO dates (None = not reached, counted as latest); None if most are not reached."""
    ranked = sorted(values, key=lambda v: (v is None, v or ""))
    return ranked[(len(ranked) - 1) // 2] if len(ranked) % 2 else ranked[len(ranked) // 2 - 1]


def summarise(outcomes, journey):
    first = outcomes[0]
    eas = list(first["go_live"])
    all_go_live = [o["go_live"][ea] for o in outcomes for ea in eas]
    return dict(
        programme_milestones_median={
            k: median_date([o["programme"].get(k) for o in outcomes]) for k in
            ("codesign_complete", "toolkit_published", "ea_signed_off", "first_pilot_live",
             "business_plan_approved", "wider_rollout")
        },
        go_live_median={ea: median_date([o["go_live"][ea] for o in outcomes]) for ea in eas},
        go_live_median_all_eas=median_date(all_go_live),
        journey_median_all_eas={
            j["id"]: median_date([o["milestones"][ea].get(j["id"]) for o in outcomes for ea in eas])
            for j in journey
        },
        journey_reached_share={
            j["id"]: statistics.fmean(j["id"] in o["milestones"][ea] for o in outcomes for ea in eas) for j in journey
        },
        live_by_median={d: statistics.median(o["live_by"][d] for o in outcomes) for d in first["live_by"]},
        live_by_mean={d: statistics.fmean(o["live_by"][d] for o in outcomes) for d in first["live_by"]},
        replans_median=statistics.median(o["replans"] for o in outcomes),
        planned_pilot_start_median=median_date([o["planned_pilot_start"] for o in outcomes]),
        scaled_back_mean=statistics.fmean(o["scaled_back"] for o in outcomes),
        scaled_back_share=statistics.fmean(o["scaled_back"] / o["initially_full"] for o in outcomes),
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=DEFAULT_SCENARIO)
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    if args.replications < 1:
        ap.error("--replications must be at least 1")

    sc = scenario_mod.load(args.scenario)
    cpu, wall, outcomes = [], [], []
    agents = weeks = None
    for r in range(args.replications):
        c0, w0 = time.process_time(), time.perf_counter()
        model = PioneerModel(sc, seed=args.seed * 1_000_003 + r)
        outcomes.append(model.run())
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        agents, weeks = len(model.agents), model.cal.weeks

    cpu_med = statistics.median(cpu)
    result = dict(
        replications=args.replications,
        scenario=os.path.relpath(os.path.abspath(args.scenario)),
        seed=args.seed,
        agents=agents,
        weeks=weeks,
        agent_weeks=agents * weeks,
        cpu_seconds_per_replication=cpu_med,
        wall_seconds_per_replication=statistics.median(wall),
        cpu_seconds_min=min(cpu),
        cpu_seconds_max=max(cpu),
        ns_per_agent_week=cpu_med / (agents * weeks) * 1e9,
        mesa_version=mesa.__version__,
        python_version=platform.python_version(),
        outcomes=summarise(outcomes, sc["journey"]),
    )
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
