"""PioneerModel: the pioneer model (docs/ODD.md) as a Mesa 3 model.

One step is one week, in the eight phases of ODD §3: events, attend and
decide, apply effort, meet, progress, engagement, review, observe.
"""

import statistics

import mesa

from agents import KIND_CLASSES, GpPractice, ProgrammeTeam
from early_adopter import MIN_HISTORY_WEEKS, EarlyAdopter
from scenario import KINDS, Calendar, as_date, weekly_probability


class Body:
    """A governance body, co-design working group or steering committee (§7.6)."""

    def __init__(self, bid, kind, members, hours, weeks=None, signs_off=False, ea=None):
        self.id = bid
        self.kind = kind  # "governance", "working_group" or "steering"
        self.members = members
        self.hours = hours
        self.weeks = weeks or set()
        self.signs_off = signs_off
        self.ea = ea
        self.has_lay = any(a.kind == "lay_partner" for a in members)
        self.last = None  # attendees of the previous meeting
        self.in_person, self.delegates = [], []
        self.meets_now = False
        # co-design working groups (§7.5)
        self.output = self.central = self.central_consultant = 0.0


class PioneerModel(mesa.Model):
    def __init__(self, scenario, seed=None):
        super().__init__(rng=seed)
        self.scenario = sc = scenario
        self.switch = sc["switches"]
        self.p_effort = sc["effort"]
        self.p_engagement = sc["engagement"]
        self.cal = cal = Calendar(sc["calendar"])
        self.journey = sc["journey"]
        self.barriers = sc["barriers"] if self.switch["national_barriers"] else []
        self.barrier_efficiency = {b["id"]: b["efficiency"] for b in sc["barriers"]}
        self.barrier_in_force = {b["id"] for b in self.barriers}
        self.tranches = sc["funding"]["tranches"]
        self.week = 0
        self.running = True

        # -- agents, in kind order (§2.1, §5) --------------------------------
        self.by_kind = {}
        for kind in KINDS:
            cls = KIND_CLASSES[kind]
            if kind == "programme_team":
                self.by_kind[kind] = [ProgrammeTeam(self, 0, sc["programme"])]
            else:
                org = sc["organisations"][kind]
                self.by_kind[kind] = [cls(self, i, org) for i in range(org["count"])]
        self.team = self.by_kind["programme_team"][0]
        self.practices = self.agents_by_type[GpPractice]

        # -- plan: money, schedules (§5 item 6) --------------------------------
        self.fy_of_week = [cal.fy_of_week(w) for w in range(cal.weeks)]
        self.weeks_left = [self.fy_of_week[w:].count(self.fy_of_week[w]) for w in range(cal.weeks)]
        self.build_money_plan()
        self.codesign_start = cal.week_of(sc["codesign"]["start"])
        rp = sc["replanning"]
        first_review = cal.week_of(rp["first_review"]) if "first_review" in rp else rp["review_every_weeks"]
        self.review_weeks = set(range(first_review, cal.weeks, rp["review_every_weeks"]))
        self.leaders = [
            dict(
                departs=cal.week_of(ld["departs"]) if "departs" in ld else None,
                p=weekly_probability(ld.get("hazard_per_year", 0.0)),
                left=None,
            )
            for ld in sc["leadership"]["leaders"]
        ]
        self.not_before = {b["id"]: cal.week_of(b["not_before"]) if "not_before" in b else 0 for b in self.barriers}
        chain, todo = set(), ["pilot_live"]
        by_id = {j["id"]: j for j in self.journey}
        while todo:
            mid = todo.pop()
            if mid not in chain:
                chain.add(mid)
                todo += by_id[mid]["requires"]
        self.pilot_live_chain = chain
        self.toolkit_gain = 1.0 / max(1.0 - sc["codesign"]["toolkit_reduction"], 0.05)

        # -- memberships, bodies, early adopters (§5 item 3) -------------------
        self.build_bodies_and_eas()
        gp = sc["general_practice"]
        self.session_weeks = self.build_session_weeks(gp)
        self.networks = {}  # EA -> week its GP network formed
        self.cascade_links = [
            (ccg, p) for ea in self.eas for ccg in ea.members if ccg.kind == "ccg" for p in ea.practices
        ]
        if self.switch["gp_awareness"]:
            on_body = {a for b in self.bodies if b.kind != "governance" for a in b.members}
            for p in self.practices:
                p.aware = p in on_body

        # -- programme state (§2.3) ---------------------------------------------
        self.codesign_week = self.toolkit_week = None
        self.toolkit = self.toolkit_consultant = 0.0
        self.programme_week = {}
        self.planned_start_day = cal.day(sc["timetable"]["pilot_start"])
        self.planned_wider_day = cal.day(sc["timetable"]["wider_rollout"])
        self.slips = 0
        self.credibility = 1.0
        self.pending_slip_loss = 0.0
        self.departures_this_week = 0
        self.leader_capacity_factor = self.leader_decision_factor = 1.0
        self.pot = 0.0
        self.spend = dict(consultancy=0.0, programme_team=0.0, ea_tranches=0.0, local_support=0.0)
        self.unspent_local = 0.0
        self.cohorts, self.mature_people, self.delivered, self.promise_gap = [], 0.0, 0.0, 0.0
        self.scaled_back = 0
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "early_adopters_live": lambda m: sum(ea.live_week is not None for ea in m.eas),
                "early_adopters_signed_off": lambda m: sum(ea.signed_off is not None for ea in m.eas),
                "people_enrolled": lambda m: sum(ea.enrolled for ea in m.eas),
                "gp_aware_share": lambda m: m.practices.agg("aware", sum) / len(m.practices),
                **{
                    f"engagement_{kind}": (lambda m, cls=cls: m.agents_by_type[cls].agg("engagement", statistics.fmean))
                    for kind, cls in KIND_CLASSES.items()
                },
            }
        )

    # ======================================================================
    # set-up
    # ======================================================================
    def build_money_plan(self):
        """Weekly consultant hours and the team's funded share (§7.4)."""
        sc, cal, W = self.scenario, self.cal, self.cal.weeks
        cons = sc["consultancy"]
        prog = sc["programme"]
        spend = [0.0] * W
        if self.switch["consultancy"]:
            for c in cons["contracts"]:
                start, end = as_date(c["start"]), as_date(c["end"])
                first = cal.week_on_or_after(start)
                weeks = [w for w in range(first, cal.week_of(end) + 1)] or [cal.week_of(start)]
                for w in weeks:
                    if 0 <= w < W:
                        spend[w] += c["amount_gbp"] / len(weeks)
        team_cost = prog["team_size"] * prog["cost_per_person_gbp"] / 52.0
        self.team_share = [1.0] * W
        paid = list(spend)
        lines = {b["starts"]: b for b in sc.get("budget", [])}
        self.budget_of_year = {}
        years = {}
        for w in range(W):
            years.setdefault(cal.fy_of_week(w), []).append(w)
        for fy, weeks in years.items():
            line = lines.get(fy)
            if line is None and lines and not self.switch["wind_down"]:
                earlier = [y for y in lines if y < fy]
                line = lines[max(earlier)] if earlier else None
            self.budget_of_year[fy] = line
            if not lines:
                continue
            if line is None:
                for w in weeks:
                    self.team_share[w], paid[w] = 0.0, 0.0
                continue
            if not self.switch["budget_cap"]:
                continue
            team_year = team_cost * len(weeks)
            if team_year > line["central_gbp"]:
                for w in weeks:
                    self.team_share[w], paid[w] = line["central_gbp"] / team_year, 0.0
            else:
                left = line["central_gbp"] - team_year
                for w in weeks:
                    paid[w] = min(spend[w], left)
                    left -= paid[w]
        self.team_cost = [team_cost * s for s in self.team_share]
        self.cons_spend = paid
        self.cons_hours = [p / cons["day_rate_gbp"] * cons["hours_per_day"] for p in paid]
        self.contract_ends = set()
        if self.switch["consultancy"] and self.switch["consultancy_handover_loss"]:
            self.contract_ends = {cal.week_of(c["end"]) + 1 for c in cons["contracts"]}

    def spread(self, pool, n, shift=0):
        """n agents spread evenly over a pool, working group w shifted by w (§5)."""
        N = len(pool)
        if n >= N:
            return list(pool)
        return [pool[(i * N // n + shift) % N] for i in range(n)]

    def build_bodies_and_eas(self):
        sc, cal = self.scenario, self.cal
        self.bodies = []
        for b in sc["bodies"]:
            members = [a for kind in KINDS for a in self.spread(self.by_kind[kind], b["members"].get(kind, 0))]
            weeks = set()
            for s in b.get("schedule", []):
                weeks |= set(range(cal.week_of(s["from"]), cal.week_of(s["to"]) + 1, s["every_weeks"]))
            weeks |= {cal.week_of(d) for d in b.get("dates", [])}
            self.bodies.append(
                Body(b["id"], "governance", members, b["meeting_hours"], weeks, b.get("signs_off_early_adopters", False))
            )
        cd = sc["codesign"]
        self.groups = []
        for w, name in enumerate(cd["working_groups"]):
            members = [a for kind in KINDS for a in self.spread(self.by_kind[kind], cd["members"].get(kind, 0), w)]
            body = Body(f"working_group:{name}", "working_group", members, cd["meeting_hours"])
            self.groups.append(body)
            self.bodies.append(body)
        # areas: contiguous blocks per CCG in the order of the CCG names (§5)
        ccg_names = sc["organisations"]["ccg"]["names"]
        areas = {}
        for kind in ("gp_practice", "third_sector"):
            pool, per = self.by_kind[kind], sc["organisations"][kind]["per_ccg"]
            start = 0
            for i, name in enumerate(ccg_names):
                n = per.get(name, 0) if per else len(pool) // len(ccg_names)
                areas[kind, name] = pool[start : start + n]
                start += n
        self.eas = []
        lay_rank = 0
        for idx, spec in enumerate(sc["early_adopters"]):
            members = []
            ccgs = []
            for ref in spec["organisations"]:
                kind, name = ref.split(":")
                agent = self.by_kind[kind][sc["organisations"][kind]["names"].index(name)]
                members.append(agent)
                if kind == "ccg":
                    ccgs.append(name)
            ccgs.sort(key=ccg_names.index)  # round-robin in CCG order (§5)
            locals_ = {}
            for kind in ("third_sector", "gp_practice"):
                n = spec["members"].get(kind, 0)
                chosen = []
                while len(chosen) < n:
                    area = areas[kind, ccgs[len(chosen) % len(ccgs)]]
                    chosen.append(area[len(chosen) // len(ccgs)])
                locals_[kind] = chosen
            members += locals_["third_sector"] + locals_["gp_practice"]
            lay = []
            if spec["lay_chair"]:
                lay = [self.by_kind["lay_partner"][lay_rank]]
                lay_rank += 1
            members += lay
            members.sort(key=lambda a: a.unique_id)
            ea = EarlyAdopter(self, idx, spec, members)
            for a in ea.members:
                a.eas.append(ea)
            steering = [a for a in members if a.kind != "gp_practice"] + sorted(locals_["gp_practice"], key=lambda a: a.unique_id)[: spec["pilot_practices"]]
            steering.sort(key=lambda a: a.unique_id)
            ea.steering = Body(f"steering_committee:{ea.id}", "steering", steering, sc["meetings"]["steering_meeting_hours"], ea=ea)
            self.eas.append(ea)
        self.bodies += [ea.steering for ea in self.eas]
        for ea in self.eas:
            ea.own_capacity = sum(a.give / len(a.eas) for a in ea.members)

    def build_session_weeks(self, gp):
        cal = self.cal
        first = cal.week_of(gp["sessions_from"])
        span = cal.week_of(gp["sessions_to"]) - first + 1
        n = gp["sessions_per_ea"]
        return [first + k * span // n for k in range(n)]

    def memberships(self):
        """Rows (group, agent, kind) like memberships.csv, for checking the port."""
        rows = [(f"early_adopter:{ea.id}", a.label(), a.kind) for ea in self.eas for a in ea.members]
        rows += [(b.id, a.label(), a.kind) for b in self.bodies for a in b.members]
        return rows

    # ======================================================================
    # the week
    # ======================================================================
    def step(self):
        w = self.week
        self.agents.do("begin_week")
        self.events()
        self.attend()
        self.general_practice()
        self.agents.shuffle_do("decide")
        self.apply_effort()
        self.meet()
        self.progress()
        self.agents.do("update_engagement")
        self.pending_slip_loss = 0.0
        self.review()
        if w + 1 == self.cal.weeks or self.cal.monday(w + 1).month != self.cal.monday(w).month:
            self.datacollector.collect(self)
        self.week += 1
        if self.week >= self.cal.weeks:
            self.running = False

    # -- 1. events -----------------------------------------------------------
    def events(self):
        w, cal, sw = self.week, self.cal, self.switch
        fy = self.fy_of_week[w]
        if w == 0 or fy != self.fy_of_week[w - 1]:
            if w > 0:
                self.unspent_local += self.pot
            line = self.budget_of_year.get(fy)
            self.pot = line["local_gbp"] if line else 0.0
        for b in self.barriers:
            if b["id"] in self.barrier_in_force and w >= self.not_before[b["id"]]:
                if self.random.random() < weekly_probability(b["removal_hazard_per_year"]):
                    self.barrier_in_force.discard(b["id"])
        self.departures_this_week = 0
        if sw["leadership_loss"]:
            for ld in self.leaders:
                if ld["left"] is None and (w == ld["departs"] or (ld["p"] > 0 and self.random.random() < ld["p"])):
                    ld["left"] = w
                    self.departures_this_week += 1
        lp = self.scenario["leadership"]
        k = sum(1 for ld in self.leaders if ld["left"] is not None and w - ld["left"] < lp["replacement_weeks"])
        self.leader_capacity_factor = max(1.0 - lp["capacity_loss"] * k, 0.0)
        self.leader_decision_factor = max(1.0 - lp["decision_loss"] * k, 0.0) if sw["leader_decisions"] else 1.0
        if w in self.contract_ends:
            lost = 1.0 - self.scenario["consultancy"]["handover_fraction"]
            for g in self.groups:
                if not self.group_finished(g):
                    g.central -= lost * g.central_consultant
                g.central_consultant = 0.0
            if self.toolkit_week is None:
                self.toolkit -= lost * self.toolkit_consultant
            self.toolkit_consultant = 0.0
        for ea in self.eas:
            if ea.signed_off is not None:
                self.pay_due_tranches(ea)
        for ea in self.eas:
            ea.active = ea.signed_off is not None and ea.applicable_open()

    def tranche_due(self, ea, tr):
        w = self.week
        if tr["trigger"] == "sign_off":
            return True
        if "date" in tr and w < self.cal.week_on_or_after(tr["date"]):
            return False
        if tr["trigger"] == "date":
            return True
        return not self.switch["funding_gateway"] or (ea.business_plan is not None and ea.business_plan < w)

    def pay_due_tranches(self, ea):
        """Pay what has fallen due if the pot holds it; otherwise defer (§7.9)."""
        for i, tr in enumerate(self.tranches):
            if ea.tranches_paid[i] or not self.tranche_due(ea, tr):
                continue
            if self.switch["local_funding"] and self.pot >= tr["amount_gbp"]:
                self.pot -= tr["amount_gbp"]
                self.spend["ea_tranches"] += tr["amount_gbp"]
                ea.tranches_paid[i] = True
                if tr["capacity_share"] > 0.0:
                    hours = tr["amount_gbp"] * tr["capacity_share"] / self.p_effort["local_hour_cost_gbp"] / tr["spread_weeks"]
                    ea.grants.append((self.week, self.week + tr["spread_weeks"] - 1, hours))

    def held_back(self):
        fy = self.fy_of_week[self.week]
        held = 0.0
        for ea in self.eas:
            for i, tr in enumerate(self.tranches):
                if ea.tranches_paid[i]:
                    continue
                if tr["trigger"] == "sign_off" or "date" not in tr or self.cal.fy(tr["date"]) <= fy:
                    held += tr["amount_gbp"]
        return held

    # -- 2. attend, general practice, decide -----------------------------------
    def group_finished(self, g):
        cd = self.scenario["codesign"]
        return g.output >= cd["work_per_group"] and g.central >= cd["central_hours_per_group"]

    def meets(self, body):
        w = self.week
        if body.kind == "governance":
            return w in body.weeks
        if body.kind == "working_group":
            every = self.scenario["codesign"]["meeting_every_weeks"]
            return w >= self.codesign_start and (w - self.codesign_start) % every == 0 and not self.group_finished(body)
        s = body.ea.signed_off
        every = self.scenario["meetings"]["steering_every_weeks"]
        return s is not None and w > s and (w - s) % every == 0

    def attend(self):
        """Who comes to this week's meetings, before desk work (§7.6)."""
        for body in self.bodies:
            body.meets_now = self.meets(body)
            body.in_person, body.delegates = [], []
            if not body.meets_now:
                continue
            for a in body.members:
                how = a.attend(body.hours)
                if how == "in_person":
                    body.in_person.append(a)
                elif how == "delegate":
                    body.delegates.append(a)

    def general_practice(self):
        """Local working sessions, GP network meetings and the cascade (§7.17)."""
        sw, gp, w = self.switch, self.scenario["general_practice"], self.week
        if not sw["gp_awareness"]:
            return
        rng = self.random
        if sw["gp_sessions"] and w in self.session_weeks:
            for _ in range(self.session_weeks.count(w)):
                for ea in self.eas:
                    held = rng.random() < gp["session_held_share"]
                    for p in ea.practices:
                        if rng.random() < gp["session_practice_share"] and held:
                            p.aware = True
                            p.add_meeting_hours(gp["session_hours"])
        if sw["gp_networks"]:
            every = gp["network_meeting_every_weeks"]
            for ea, formed in self.networks.items():
                if w > formed and (w - formed) % every == 0:
                    for p in ea.practices:
                        if rng.random() < p.engagement:
                            p.aware = True
                            p.add_meeting_hours(gp["network_meeting_hours"])
        if sw["gp_cascade"] and w >= self.codesign_start:
            for ccg, p in self.cascade_links:
                if not p.aware and rng.random() < gp["cascade_rate"]:
                    p.aware = True

    # -- 3. apply effort -------------------------------------------------------
    def apply_effort(self):
        active = [ea for ea in self.eas if ea.active]
        for ea in self.eas:
            ea.rel_pool, ea.trans_pool, ea.support_trans = 0.0, {}, 0.0
        for ea in active:
            ea.plan_week_work()
        self.agents.do("spread_effort")
        self.project_managers_and_local_hours(active)
        self.spend["consultancy"] += self.cons_spend[self.week]
        self.spend["programme_team"] += self.team_cost[self.week]

    def diversity(self, active):
        n = len(active)
        stages = {}
        for ea in active:
            s = len(ea.achieved)
            stages[s] = stages.get(s, 0) + 1
        return sum(k * (n - k) for k in stages.values()) / n

    def allocate_central_hours(self, team):
        """Co-design, toolkit and EA support from the team and consultants (§7.4, §7.5)."""
        sc, w = self.scenario, self.week
        active = [ea for ea in self.eas if ea.active]
        n = len(active)
        s = sc["programme"]["ea_support_share"] if n else 0.0
        cons = self.cons_hours[w]
        cons_rel = cons * sc["consultancy"]["relational_bias"]
        cons_trans = cons - cons_rel
        rel, trans = team.rel + cons_rel, team.trans + cons_trans
        if w >= self.codesign_start and self.codesign_week is None:
            need = sc["codesign"]["central_hours_per_group"]
            open_groups = [g for g in self.groups if g.central < need]
            for g in open_groups:
                g.central += rel * (1 - s) / len(open_groups)
                g.central_consultant += cons_rel * (1 - s) / len(open_groups)
        if self.codesign_week is not None and self.toolkit_week is None:
            self.toolkit += trans * (1 - s)
            self.toolkit_consultant += cons_trans * (1 - s)
        if n:
            delta = 1.0
            if self.switch["coordination_costs"]:
                delta += sc["coordination"]["diversity_penalty"] * self.diversity(active)
            per_ea = s / (n * (1 + sc["programme"]["spread_penalty"] * (n - 1)) * delta)
            wc = sc["consultancy"]["local_support_effectiveness"] if self.switch["consultant_local_effectiveness"] else 1.0
            for ea in active:
                ea.rel_pool += (team.rel + wc * cons_rel) * per_ea
                ea.support_trans += (team.trans + wc * cons_trans) * per_ea

    def project_managers_and_local_hours(self, active):
        """Project managers, tranche-funded capacity and local support (§7.9)."""
        e, w, sw = self.p_effort, self.week, self.switch
        pm = {}
        for ea in active:
            pm[ea] = e["project_manager_hours"] if sw["project_managers"] and ea.pm_from <= w < ea.pm_until else 0.0
            ea.rel_pool += pm[ea] * e["project_manager_relational_bias"]
            ea.support_trans += pm[ea] * (1 - e["project_manager_relational_bias"])
            bought = sum(h for first, last, h in ea.grants if first <= w <= last)
            ea.rel_pool += bought / 2
            ea.support_trans += bought / 2
        if not (sw["local_funding"] and active):
            return
        offer = max((self.pot - self.held_back()) / self.weeks_left[w], 0.0)
        cost = e["local_hour_cost_gbp"] / e["local_funding_efficiency"]
        for ea in active:
            hours = offer * e["local_funding_efficiency"] / e["local_hour_cost_gbp"] / len(active)
            if sw["absorptive_capacity"]:
                hours = min(hours, e["absorption_share"] * (ea.own_capacity + pm[ea]))
            self.pot -= hours * cost
            self.spend["local_support"] += hours * cost
            ea.rel_pool += hours / 2
            ea.support_trans += hours / 2

    # -- 4. meet -------------------------------------------------------------
    def meet(self):
        mp, coord, sw = self.scenario["meetings"], self.scenario["coordination"], self.switch
        for body in self.bodies:
            if not body.meets_now:
                continue
            attendees = body.in_person + body.delegates
            n = len(attendees)
            if n == 0:
                continue
            lay_present = any(a.kind == "lay_partner" for a in body.in_person)
            quorate = not (sw["lay_quorum"] and body.kind != "steering" and body.has_lay and not lay_present)
            new = n if body.last is None else sum(1 for a in attendees if a not in body.last)
            body.last = set(attendees)
            if not quorate:
                continue
            weight = len(body.in_person) + mp["delegate_weight"] * len(body.delegates)
            churn = mp["churn_penalty"] * new / n if sw["meeting_churn"] else 0.0
            sigma = 1.0
            if sw["coordination_costs"] and n > coord["body_reference_size"]:
                sigma = (coord["body_reference_size"] / n) ** coord["body_size_elasticity"]
            bonus = mp["lay_quality_bonus"] if lay_present else 1.0
            output = weight * body.hours * (1 - churn) * bonus * sigma
            if body.kind == "working_group":
                body.output += output
            elif body.kind == "steering":
                body.ea.rel_pool += output * mp["steering_output_share"]
            if body.signs_off:
                for ea in self.eas:
                    if ea.signed_off is None and ea.application_ready <= self.week:
                        ea.signed_off = self.week
                        self.pay_due_tranches(ea)

    # -- 5. progress -----------------------------------------------------------
    def deadline_focus(self, ea):
        if not self.switch["deadline_momentum"] or not ea.active or ea.live_week is not None:
            return 1.0
        ahead = (self.planned_start_day - 7 * self.week) / 7.0
        if 0 <= ahead <= self.scenario["replanning"]["review_every_weeks"]:
            return 1.0 + self.p_engagement["momentum_gain"] * self.credibility
        return 1.0

    def enrol(self, people):
        self.cohorts.append((self.week, people))

    def progress(self):
        w = self.week
        for ea in self.eas:
            if ea.active:
                ea.update_needed_share()
                ea.advance()
                if ea.events:
                    for a in ea.members:
                        a.progress_events += ea.events
            ea.roll_out()
            ea.cum_work.append(ea.total_work)
        if self.codesign_week is None and all(self.group_finished(g) for g in self.groups):
            self.codesign_week = w
            for g in self.groups:
                for a in g.members:
                    a.progress_events += 1
        if self.toolkit_week is None and self.toolkit >= self.scenario["codesign"]["toolkit_work_hours"]:
            self.toolkit_week = w
        live = sum(ea.live_week is not None for ea in self.eas)
        checks = {
            "codesign_complete": self.codesign_week is not None,
            "toolkit_published": self.toolkit_week is not None,
            "ea_signed_off": all(ea.signed_off is not None for ea in self.eas),
            "first_pilot_live": live >= 1,
            "business_plan_approved": all(ea.business_plan is not None for ea in self.eas),
            "wider_rollout": live >= self.scenario["timetable"]["wider_rollout_share"] * len(self.eas),
        }
        for name, done in checks.items():
            if done and name not in self.programme_week:
                self.programme_week[name] = w
        self.outcomes()

    def outcomes(self):
        """Delivered reduction and the promise gap (§7.11)."""
        o, w = self.scenario["outcomes"], self.week
        lag = o["lag_weeks"]
        ramping = 0.0
        still = []
        for t0, people in self.cohorts:
            if lag == 0 or w - t0 >= lag:
                self.mature_people += people
            else:
                ramping += people * (w - t0) / lag
                still.append((t0, people))
        self.cohorts = still
        people = self.mature_people + ramping
        self.delivered = min(people * o["effect_size"] * o["admission_risk_ratio"] / o["population"], 1.0)
        promised = o["promised_reduction"]
        if promised > 0 and "promised_by" in o and self.cal.monday(w) >= as_date(o["promised_by"]):
            self.promise_gap = max((promised - self.delivered) / promised, 0.0)
        else:
            self.promise_gap = 0.0

    # -- 7. review, re-plan and scope decisions ----------------------------------
    def codesign_completion(self):
        cd = self.scenario["codesign"]
        return min(
            min(g.output / cd["work_per_group"], g.central / cd["central_hours_per_group"]) for g in self.groups
        )

    def projection(self, ea):
        own = ea.own_projection()
        if own is not None:
            return own
        ran = self.week - self.codesign_start
        if self.codesign_week is not None:
            design = 0.0
        else:
            f = self.codesign_completion()
            if ran < MIN_HISTORY_WEEKS or f <= 0.0:
                return None
            design = ran * (1 - f) / f
        since = self.week - ea.signed_off if ea.signed_off is not None else 0
        return max(design + self.scenario["timetable"]["assumed_preparation_weeks"] - since, 1.0)

    def register_slip(self):
        e = self.p_engagement
        self.slips += 1
        self.pending_slip_loss = e["deadline_loss"] * (1 + e["deadline_escalation"] * (self.slips - 1))
        if self.switch["deadline_feedback"]:
            self.credibility *= 1 - e["credibility_loss"]
        else:
            self.pending_slip_loss = 0.0

    def review(self):
        w, rp, sw = self.week, self.scenario["replanning"], self.switch
        today = 7 * w
        if not sw["replanning"]:
            if self.slips == 0 and today > self.planned_start_day and not any(ea.live_week is not None for ea in self.eas):
                self.register_slip()
        elif w in self.review_weeks:
            projections = sorted(p for p in (self.projection(ea) for ea in self.eas) if p is not None)
            if projections:
                rank = rp["reference_rank"]
                ref = projections[len(projections) // 2] if rank == 0 else projections[min(rank, len(projections)) - 1]
                believed = today + 7 * ref * (1 - rp["optimism"])
                if ref > 0 and believed > self.planned_start_day + 7 * rp["tolerance_weeks"]:
                    if rp["policy"] == "projected":
                        new = believed
                    elif rp["policy"] == "fixed_slip":
                        new = self.planned_start_day
                        while new < believed:
                            new += 7 * rp["slip_weeks"]
                    else:
                        new = self.cal.next_fy_start_day(believed)
                    if new > self.planned_start_day:
                        delta = new - self.planned_start_day
                        self.planned_start_day = new
                        if "wider_rollout" not in self.programme_week:
                            self.planned_wider_day += round(delta / 365.25) * 365.25 if rp["policy"] in ("next_year_start", "next_april") else delta
                        self.register_slip()
        if sw["scope_decisions"] and w in self.review_weeks:
            sp = self.scenario["scope"]
            for ea in self.eas:
                u = self.random.random()
                if ea.scope != "full" or ea.live_week is not None:
                    continue
                own = ea.own_projection()
                if own is None:
                    continue
                slip = (today + 7 * own - self.planned_start_day) / 7
                pending = any(
                    j["full_scope_only"] and j["id"] in self.pilot_live_chain and j["id"] not in ea.achieved
                    for j in self.journey
                )
                if slip > sp["scale_back_slip_weeks"] and pending and u < sp["scale_back_propensity"]:
                    ea.scale_back()
                    self.scaled_back += 1

    # ======================================================================
    def run(self):
        """Run to the horizon (Mesa's own loop) and return the outcomes."""
        self.run_model()
        return self.outcome()

    def outcome(self):
        cal = self.cal
        live_by = {}
        for d in self.scenario["record"].get("checkpoints", []):
            live_by[str(d)] = sum(1 for ea in self.eas if ea.live_week is not None and cal.monday(ea.live_week) <= as_date(d))
        return dict(
            programme={k: str(cal.monday(v)) for k, v in self.programme_week.items()},
            milestones={ea.id: {mid: str(cal.monday(wk)) for mid, wk in ea.achieved.items()} for ea in self.eas},
            go_live={ea.id: (str(cal.monday(ea.live_week)) if ea.live_week is not None else None) for ea in self.eas},
            live_by=live_by,
            replans=self.slips,
            scaled_back=self.scaled_back,
            initially_full=sum(1 for ea in self.eas if ea.spec["scope"] == "full"),
            planned_pilot_start=str(cal.date_of_day(self.planned_start_day)),
        )
