"""Shared fixtures of the Python package's tests.

The replication counts are small (tests check behaviour, not statistics);
where two runs are compared they share the seed, so they are paired by
common random numbers and must agree exactly, not within a tolerance.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import pioneer

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"


def cli_binary():
    """The `pioneer` binary built from this checkout (PIONEER_BIN, else
    target/release/pioneer, else on PATH)."""
    for cand in (os.environ.get("PIONEER_BIN"), REPO / "target" / "release" / "pioneer", shutil.which("pioneer")):
        if cand and Path(cand).is_file():
            return str(cand)
    return None


@pytest.fixture(scope="session")
def cli():
    exe = cli_binary()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("the pioneer binary is needed in CI (cargo build --release)")
        pytest.skip("no pioneer binary: cargo build --release, or set PIONEER_BIN")
    line = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    # Outputs embed the build's version and git state: the binary and the
    # extension must come from the same checkout for byte equality to hold.
    assert line == "pioneer " + pioneer.version(), (
        f"{exe} is `{line}` but the package is `{pioneer.version()}`: "
        "rebuild one of them from the same checkout (cargo build --release; pip install ./python)"
    )

    def run(*args, cwd=None):
        return subprocess.run([exe, *map(str, args)], capture_output=True, text=True, cwd=cwd)

    return run


@pytest.fixture(scope="session")
def baseline_runs():
    """20 replications of the default scenario, seed 3 (shared read-only)."""
    return pioneer.run(pioneer.Scenario.default(), replications=20, seed=3)
