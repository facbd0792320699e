"""Scenario reading and the calendar for the Mesa port of pioneer.

Everything the model needs is read from the scenario TOML (docs/ODD.md §6);
schema defaults that the NWL file does not set are given here with the
ODD/scenario-reference value they come from.
"""

import datetime as dt
import math
import tomllib

KINDS = [
    "ccg",
    "local_authority",
    "acute_trust",
    "community_trust",
    "gp_practice",
    "third_sector",
    "programme_team",
    "lay_partner",
]

DEFAULT_SWITCHES = {
    name: True
    for name in (
        "bias_adaptation provider_wait consultancy consultancy_handover_loss enrolment_capacity "
        "budget_cap toolkit lay_quorum meeting_churn signer_complementarity national_barriers "
        "funding_gateway local_funding project_managers outcome_feedback progress_feedback "
        "meeting_burden deadline_feedback leadership_loss replanning local_workarounds "
        "deadline_momentum leader_decisions wind_down consultant_local_effectiveness delegation "
        "meetings_first absorptive_capacity gp_awareness gp_sessions gp_networks gp_cascade "
        "scope_decisions coordination_costs"
    ).split()
}


def as_date(value):
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def weekly_probability(per_year):
    """Weekly hazard that compounds to the yearly one (§7.8)."""
    if per_year <= 0.0:
        return 0.0
    if per_year >= 1.0:
        return 1.0
    return 1.0 - (1.0 - per_year) ** (1.0 / 52.0)


class Calendar:
    """Tick 0 is the Monday of the week holding `calendar.start` (ODD §2.4)."""

    def __init__(self, cal):
        start = as_date(cal["start"])
        horizon = as_date(cal["horizon"])
        self.tick0 = start - dt.timedelta(days=start.weekday())
        self.weeks = self.week_of(horizon) + 1
        month, day = (int(x) for x in cal.get("financial_year_start", "04-01").split("-"))
        self.fy_month_day = (month, day)

    def week_of(self, date):
        return (as_date(date) - self.tick0).days // 7

    def week_on_or_after(self, date):
        return -((self.tick0 - as_date(date)).days // 7)

    def monday(self, week):
        return self.tick0 + dt.timedelta(days=7 * week)

    def day(self, date):
        return (as_date(date) - self.tick0).days

    def date_of_day(self, day):
        return self.tick0 + dt.timedelta(days=math.floor(day))

    def fy(self, date):
        date = as_date(date)
        return date.year if (date.month, date.day) >= self.fy_month_day else date.year - 1

    def fy_of_week(self, week):
        return self.fy(self.monday(week))

    def fy_start(self, year):
        return dt.date(year, *self.fy_month_day)

    def next_fy_start_day(self, day):
        """Day number of the first financial-year start on or after `day`."""
        date = self.date_of_day(math.ceil(day))
        year = self.fy(date)
        start = self.fy_start(year)
        if start < date:
            start = self.fy_start(year + 1)
        return self.day(start)


def load(path, overrides=None):
    with open(path, "rb") as f:
        sc = tomllib.load(f)
    sc.setdefault("switches", {})
    sc["switches"] = {**DEFAULT_SWITCHES, **sc["switches"], **(overrides or {})}
    for kind, org in sc["organisations"].items():
        org.setdefault("engagement_sd", 0.1)  # schema default (assumption)
        org.setdefault("names", [])
        org.setdefault("per_ccg", {})
    for tranche in sc["funding"]["tranches"]:
        tranche.setdefault("spread_weeks", 52)  # schema default (assumption)
    for j in sc["journey"]:
        j.setdefault("requires", [])
        j.setdefault("signers", [])
        j.setdefault("barrier", None)
        j.setdefault("full_scope_only", False)
        j.setdefault("toolkit_covered", False)
    for ea in sc["early_adopters"]:
        ea.setdefault("lay_chair", False)
        ea.setdefault("organisations", [])
    return sc
