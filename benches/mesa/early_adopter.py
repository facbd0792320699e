"""Early adopters: virtual organisations that walk the journey (docs/ODD.md §2.2, §7.7–§7.10, §7.15)."""

from types import SimpleNamespace

MIN_HISTORY_WEEKS = 4  # ODD §7.13


def signer_effort(hours, c):
    """Complementary signers: (1 - c) x sum + c x n x min (§7.7)."""
    if not hours:
        return 0.0
    return (1.0 - c) * sum(hours) + c * len(hours) * min(hours)


class EarlyAdopter:
    def __init__(self, model, idx, spec, members):
        self.model = model
        self.idx = idx
        self.id = spec["id"]
        self.spec = spec
        self.members = members
        self.practices = [a for a in members if a.kind == "gp_practice"]
        self.count = {}
        for a in members:
            self.count[a.kind] = self.count.get(a.kind, 0) + 1
        cal = model.cal
        self.application_ready = cal.week_of(spec["application_ready"])
        self.pm_from = cal.week_of(spec["project_manager_from"])
        self.pm_until = cal.week_of(spec["project_manager_until"])
        w = model.p_effort["prior_relationship_weight"]
        self.prior = max(1.0 - w / 2.0 + w * spec["prior_relationships"], 0.0)
        self.scope = spec["scope"]
        self.signed_off = None
        self.active = False
        self.committed = False
        self.business_plan = None
        self.live_week = None
        self.achieved = {}
        self.skipped = set()
        self.progress = {}
        self.required = {}
        self.signers = {}
        coord = model.scenario["coordination"]
        for j in model.journey:
            mid = j["id"]
            self.progress[mid] = 0.0
            self.signers[mid] = [k for k in j["signers"] if self.count.get(k, 0) > 0]
            req = j["work_hours"]
            if model.switch["coordination_costs"] and self.signers[mid]:
                parties = sum(1 if k == "gp_practice" else self.count[k] for k in self.signers[mid])
                req *= (parties / len(self.signers[mid])) ** coord["partner_elasticity"]
            self.required[mid] = req
            if self.scope == "scaled_back" and j["full_scope_only"]:
                self.skipped.add(mid)
        self.workarounds = {}
        self.scope_workarounds()
        self.rel_pool = 0.0
        self.trans_pool = {}
        self.support_trans = 0.0
        self.needed_relational_share = 0.5
        self.cum_work = []
        self.total_work = 0.0
        self.tranches_paid = [False] * len(model.tranches)
        self.tranche_due_from = [None] * len(model.tranches)
        self.grants = []  # (first week, last week, hours per week)
        self.practices_live = 0
        self.next_rollout = None
        self.enrolled = 0.0
        self.events = 0
        self.work = SimpleNamespace(taking={}, rel_items=[], trans_items=[], n_items={})
        self.own_capacity = 0.0  # set once memberships are complete (§7.9)

    # -- journey structure -----------------------------------------------
    def scope_workarounds(self):
        """A workaround per barrier governing a milestone in scope (§7.8)."""
        for b in self.model.barriers:
            if b["id"] in self.workarounds and self.workarounds[b["id"]]["started"] is not None:
                continue
            kinds = []
            for j in self.model.journey:
                if j["barrier"] == b["id"] and j["id"] not in self.skipped:
                    kinds += [k for k in self.signers[j["id"]] if k not in kinds]
            if not kinds:
                self.workarounds.pop(b["id"], None)
                continue
            parties = sum(self.count[k] for k in kinds)
            self.workarounds[b["id"]] = dict(
                kinds=kinds,
                parties=parties,
                required=b["workaround_hours"] + b["workaround_hours_per_party"] * parties,
                done=0.0,
                started=None,
                completed=None,
            )

    def prerequisites_met(self, j):
        return all(r in self.achieved or r in self.skipped for r in j["requires"])

    def is_open(self, j):
        mid = j["id"]
        return mid not in self.achieved and mid not in self.skipped and self.prerequisites_met(j)

    def held(self, j):
        b = j["barrier"]
        if b is None or b not in self.model.barrier_in_force:
            return False
        wa = self.workarounds.get(b)
        return not (wa and wa["completed"] is not None and wa["completed"] < self.model.week)

    def applicable_open(self):
        return any(j["id"] not in self.achieved and j["id"] not in self.skipped for j in self.model.journey)

    def willing_practices(self):
        return sum(1 for p in self.practices if p.willing())

    # -- the week's plan of work (§7.7) -----------------------------------
    def plan_week_work(self):
        m = self.model
        taking = {}
        for j in m.journey:
            if not self.is_open(j):
                continue
            mid = j["id"]
            ceiling = self.required[mid]
            if self.held(j) or (mid == "pilot_live" and self.willing_practices() < self.spec["pilot_practices"]):
                ceiling *= 0.999
            if self.progress[mid] < ceiling:
                taking[mid] = (j, ceiling)
        rel_items = [mid for mid, (j, _) in taking.items() if j["kind"] != "transactional"]
        trans_items = [(mid, self.signers[mid]) for mid, (j, _) in taking.items() if j["kind"] != "relational"]
        if m.switch["local_workarounds"]:
            for b, wa in self.workarounds.items():
                if b not in m.barrier_in_force or wa["completed"] is not None:
                    continue
                if any(j["barrier"] == b and self.is_open(j) for j in m.journey):
                    if wa["started"] is None:
                        wa["started"] = m.week
                    trans_items.append((("workaround", b), wa["kinds"]))
        n_items = {}
        for _, kinds in trans_items:
            for k in kinds:
                n_items[k] = n_items.get(k, 0) + 1
        self.work = SimpleNamespace(taking=taking, rel_items=rel_items, trans_items=trans_items, n_items=n_items)

    # -- progress (§7.7, §7.8, §7.10) ---------------------------------------
    def advance(self):
        m = self.model
        sw = m.switch
        week = m.week
        self.events = 0
        work = self.work
        focus = m.deadline_focus(self)
        c = m.p_effort["signer_complementarity"] if sw["signer_complementarity"] else 0.0
        rel_each = self.rel_pool * self.prior / len(work.rel_items) if work.rel_items else 0.0
        n_trans = len(work.trans_items)
        trans_eff = {}
        for item, kinds in work.trans_items:
            hours = [self.trans_pool.get(k, 0.0) / work.n_items[k] for k in kinds]
            combined = signer_effort(hours, c)
            support = min(self.support_trans / n_trans, m.p_effort["support_leverage"] * combined)
            trans_eff[item] = (combined + support) * self.prior
        decision = m.leader_decision_factor
        done_this_week = 0.0
        for item, _ in work.trans_items:
            if isinstance(item, tuple):
                wa = self.workarounds[item[1]]
                before = wa["done"]
                wa["done"] = min(before + trans_eff[item] * focus, wa["required"])
                done_this_week += wa["done"] - before
                if wa["done"] >= wa["required"]:
                    wa["completed"] = week
        for mid, (j, ceiling) in work.taking.items():
            kind = j["kind"]
            if kind == "relational":
                eff = rel_each
            elif kind == "transactional":
                eff = trans_eff[mid] * decision
            else:
                eff = 2.0 * min(rel_each, trans_eff[mid] * decision)
            if self.held(j):
                eff *= m.barrier_efficiency[j["barrier"]]
            if j["toolkit_covered"] and m.toolkit_week is not None and sw["toolkit"]:
                eff *= m.toolkit_gain
            eff *= focus
            before = self.progress[mid]
            self.progress[mid] = min(before + eff, ceiling)
            done_this_week += self.progress[mid] - before
            if self.progress[mid] >= self.required[mid]:
                self.achieve(j)
        self.total_work += done_this_week
        # business plan: the gateway (§7.9)
        if self.business_plan is None and all(
            r in self.achieved or r in self.skipped for r in m.scenario["funding"]["business_plan_requires"]
        ):
            self.business_plan = week

    def achieve(self, j):
        mid = j["id"]
        week = self.model.week
        self.achieved[mid] = week
        self.events += 1
        # Commissioners commit by signing a transactional milestone (B2; §7.3 says
        # "transactional or mixed", the code counts transactional ones only: followed here).
        if j["kind"] == "transactional" and any(k in ("ccg", "local_authority") for k in self.signers[mid]):
            self.committed = True
        if mid == "pilot_live":
            self.live_week = week
            self.next_rollout = week
        if mid == "gp_network_formed":
            self.model.networks[self] = week

    def roll_out(self):
        """Roll-out steps and enrolment after go-live (§7.10)."""
        if self.live_week is None:
            return
        m = self.model
        week = m.week
        spec = self.spec
        n = len(self.practices)
        if week == self.next_rollout:
            step = spec["pilot_practices"] if self.practices_live == 0 else spec["rollout_step"]
            willing = self.willing_practices()
            self.practices_live = min(self.practices_live + step, max(willing, self.practices_live), n)
            every = spec["rollout_every_weeks"]
            if week == self.live_week and m.switch["enrolment_capacity"]:
                every = max(every, m.scenario["enrolment"]["test_period_weeks"])
            self.next_rollout = week + every
        eligible = spec["population"] * self.practices_live / n if n else 0.0
        if m.switch["enrolment_capacity"]:
            new = min(eligible - self.enrolled, self.practices_live * m.scenario["enrolment"]["per_practice_per_week"])
        else:
            new = eligible - self.enrolled
        if new > 0.0:
            self.enrolled += new
            m.enrol(new)

    def update_needed_share(self):
        rel = mixed = total = 0.0
        for j in self.model.journey:
            if not self.is_open(j):
                continue
            left = max(self.required[j["id"]] - self.progress[j["id"]], 0.0)
            total += left
            if j["kind"] == "relational":
                rel += left
            elif j["kind"] == "mixed":
                mixed += left
        self.needed_relational_share = (rel + 0.5 * mixed) / total if total > 0.0 else 0.5

    # -- projection and scope (§7.13, §7.15) --------------------------------
    def own_projection(self):
        m = self.model
        if self.live_week is not None:
            return 0.0
        if self.signed_off is None or m.week - self.signed_off < MIN_HISTORY_WEEKS:
            return None
        window = min(m.scenario["replanning"]["projection_window_weeks"], m.week - self.signed_off)
        rate = (self.cum_work[-1] - self.cum_work[-1 - window]) / window
        remaining = sum(
            max(self.required[mid] - self.progress[mid], 0.0)
            for mid in m.pilot_live_chain
            if mid not in self.skipped and mid not in self.achieved
        )
        if rate <= 0.0:
            return 2.0 * m.cal.weeks
        return max(remaining / rate, 1.0)

    def scale_back(self):
        self.scope = "scaled_back"
        for j in self.model.journey:
            if j["full_scope_only"] and j["id"] not in self.achieved:
                self.skipped.add(j["id"])
        self.scope_workarounds()
