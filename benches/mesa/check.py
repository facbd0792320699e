"""Self-check of the Mesa port (not part of the Rust test suite).

    python benches/mesa/check.py [PIONEER_OUT_DIR]

Checks that the port builds exactly the memberships `pioneer` writes to
memberships.csv (when an output directory is given), and that one
replication keeps the model's invariants: engagement in 0..1, every go-live
after its EA's sign-off and after co-design, the toolkit after co-design,
practices live never more than the EA's practices. Exits non-zero on failure.
"""

import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import scenario  # noqa: E402
from model import PioneerModel  # noqa: E402


def main(out_dir=None):
    sc = scenario.load(os.path.join(HERE, "..", "..", "scenarios", "nwl_wsic_2013.toml"))
    failures = []
    model = PioneerModel(sc, seed=7)
    if out_dir:
        with open(os.path.join(out_dir, "memberships.csv")) as f:
            ref = {tuple(r) for r in csv.reader(f)} - {("group", "agent", "agent_kind")}
        mine = set(model.memberships())
        if mine != ref:
            failures.append(f"memberships differ: {len(mine - ref)} only in the port, {len(ref - mine)} only in pioneer")
    model.run()
    if not all(0.0 <= a.engagement <= 1.0 for a in model.agents):
        failures.append("engagement outside 0..1")
    cd = model.codesign_week
    if cd is None or model.toolkit_week is None or model.toolkit_week < cd:
        failures.append("co-design and toolkit out of order or not reached")
    for ea in model.eas:
        if ea.live_week is not None and (ea.signed_off is None or ea.live_week < ea.signed_off or ea.live_week < cd):
            failures.append(f"{ea.id}: go-live before sign-off or co-design")
        if ea.practices_live > len(ea.practices):
            failures.append(f"{ea.id}: more practices live than it has")
    for f in failures:
        print("FAIL:", f)
    print("ok" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
