"""The organisations of pioneer as Mesa agents (docs/ODD.md §2.1, §7.1–§7.3, §7.12)."""

import mesa

WINDOW = 4  # meeting window in weeks (ODD §7.6, MEETING_WINDOW_WEEKS)


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


class Organisation(mesa.Agent):
    """One organisation. Subclasses set the kind and its kind-specific rules."""

    kind = None
    provider = False  # holds back transactional hours until commissioners commit (§7.3)
    strategic = False  # hit by leadership departures (§7.12)
    delegates = False  # may send a delegate to meetings (§7.6)

    def __init__(self, model, index, org):
        super().__init__(model)
        self.index = index
        rng = model.random
        self.engagement = clamp(org["engagement"] + org["engagement_sd"] * rng.gauss(0, 1), 0.0, 1.0)
        self.capacity = org["capacity_hours"] * max(1.0 + 0.25 * rng.gauss(0, 1), 0.2)
        self.baseline = self.engagement
        self.relational_bias = org["relational_bias"]
        self.workload = org["workload"]
        self.give = self.capacity * (1.0 - self.workload)  # what it can give a week (§7.6)
        self.eas = []  # early adopters it belongs to
        self.aware = True
        self.recent = [0.0] * WINDOW  # in-person meeting hours of the last WINDOW weeks
        self.rel = self.trans = 0.0
        self.meeting_hours = 0.0
        self.progress_events = 0
        self.given_rel = self.given_trans = 0.0

    def label(self):
        names = self.model.scenario["organisations"].get(self.kind, {}).get("names", [])
        return f"{self.kind}:{names[self.index]}" if self.index < len(names) else f"{self.kind}#{self.index}"

    # -- meetings (§7.6) ---------------------------------------------------
    def room(self, hours):
        used = sum(self.recent)
        return clamp((WINDOW * self.give - used) / hours, 0.0, 1.0)

    def attend(self, hours):
        """'in_person', 'delegate' or None, from one uniform draw."""
        u = self.random.random()
        if u < self.engagement * self.room(hours):
            self.meeting_hours += hours
            self.recent[self.model.week % WINDOW] += hours
            return "in_person"
        if self.delegates and self.model.switch["delegation"] and u < self.engagement:
            return "delegate"
        return None

    def add_meeting_hours(self, hours):
        self.meeting_hours += hours
        self.recent[self.model.week % WINDOW] += hours

    # -- weekly schedule ---------------------------------------------------
    def begin_week(self):
        self.recent[self.model.week % WINDOW] = 0.0
        self.meeting_hours = 0.0
        self.progress_events = 0
        self.rel = self.trans = 0.0
        self.given_rel = self.given_trans = 0.0

    def decide(self):
        """Hours for the programme this week and their split (§7.1, §7.2)."""
        m = self.model
        active = [ea for ea in self.eas if ea.active]
        if not active:
            return  # gives nothing this week (rel = trans = 0 since begin_week)
        if m.switch["bias_adaptation"]:
            need = sum(ea.needed_relational_share for ea in active) / len(active)
            self.relational_bias += m.p_effort["bias_adaptation_rate"] * (need - self.relational_bias)
        if not self.aware:
            return  # an unaware practice gives no hours (§7.17)
        shock = clamp(1.0 + m.p_effort["availability_noise"] * self.random.gauss(0, 1), 0.0, 2.0)
        available = self.give * self.engagement * shock
        desk = max(available - self.meeting_hours, 0.0) if m.switch["meetings_first"] else available
        self.rel = desk * self.relational_bias
        self.trans = desk - self.rel

    def spread_effort(self):
        """Equal shares over active EAs with work this agent can do (§7.3)."""
        if self.rel <= 0.0 and self.trans <= 0.0:
            return
        m = self.model
        rel_eas = [ea for ea in self.eas if ea.active and ea.work.rel_items]
        trans_eas = [ea for ea in self.eas if ea.active and ea.work.n_items.get(self.kind, 0) > 0]
        if rel_eas:
            share = self.rel / len(rel_eas)
            for ea in rel_eas:
                ea.rel_pool += share
            self.given_rel = self.rel
        if trans_eas:
            share = self.trans / len(trans_eas)
            for ea in trans_eas:
                wait = 1.0
                if self.provider and m.switch["provider_wait"] and not ea.committed:
                    wait = m.p_effort["provider_wait_factor"]
                ea.trans_pool[self.kind] = ea.trans_pool.get(self.kind, 0.0) + share * wait
                self.given_trans += share * wait

    def update_engagement(self):
        """Weekly engagement change (§7.12)."""
        m, p, sw = self.model, self.model.p_engagement, self.model.switch
        d = 0.0
        if sw["progress_feedback"]:
            d += p["progress_gain"] * self.progress_events
        d += p["contact_gain"] * min(self.meeting_hours, 12.0)
        if sw["meeting_burden"] and self.kind != "programme_team" and self.give > 0.0:
            load = sum(self.recent) / WINDOW
            if load > self.give:
                d -= p["burden_loss"] * (load - self.give) / self.give
        if sw["deadline_feedback"] and m.pending_slip_loss > 0.0:
            loss = m.pending_slip_loss * (p["lay_deadline_multiplier"] if self.kind == "lay_partner" else 1.0)
            d -= loss
            self.baseline = max(self.baseline - loss, 0.0)
        if sw["leadership_loss"] and self.strategic and m.departures_this_week:
            d -= p["leadership_loss"] * m.departures_this_week
        if sw["outcome_feedback"]:
            d -= m.promise_gap * p["promise_gap_loss"]
        d += p["reversion_rate"] * (self.baseline - self.engagement)
        self.engagement = clamp(self.engagement + d, 0.0, 1.0)


class Ccg(Organisation):
    kind = "ccg"
    strategic = True


class LocalAuthority(Organisation):
    kind = "local_authority"


class AcuteTrust(Organisation):
    kind = "acute_trust"
    provider = True
    delegates = True


class CommunityTrust(Organisation):
    kind = "community_trust"
    provider = True
    delegates = True


class GpPractice(Organisation):
    kind = "gp_practice"
    provider = True

    def willing(self):
        """Willing to pilot (§7.10, §7.17)."""
        return self.aware and self.engagement >= self.model.p_effort["pilot_willing_engagement"]


class ThirdSector(Organisation):
    kind = "third_sector"
    provider = True


class LayPartner(Organisation):
    kind = "lay_partner"


class ProgrammeTeam(Organisation):
    """The central team; with the consultants it feeds co-design, the toolkit and EA support (§7.4)."""

    kind = "programme_team"
    strategic = True

    def __init__(self, model, index, programme):
        mesa.Agent.__init__(self, model)
        self.index = index
        self.capacity = programme["team_size"] * programme["hours_per_person"]
        self.engagement = self.baseline = 1.0
        self.relational_bias = programme["relational_bias"]
        self.workload = 0.0
        self.give = self.capacity
        self.eas = []
        self.aware = True
        self.recent = [0.0] * WINDOW
        self.rel = self.trans = self.meeting_hours = 0.0
        self.progress_events = 0
        self.given_rel = self.given_trans = 0.0

    def room(self, hours):
        return 1.0 if self.model.team_share[self.model.week] > 0.0 else 0.0

    def decide(self):
        m = self.model
        shock = clamp(1.0 + m.p_effort["availability_noise"] * self.random.gauss(0, 1), 0.0, 2.0)
        available = self.capacity * m.leader_capacity_factor * m.team_share[m.week] * self.engagement * shock
        self.rel = available * self.relational_bias
        self.trans = available - self.rel

    def spread_effort(self):
        self.model.allocate_central_hours(self)


KIND_CLASSES = {
    "ccg": Ccg,
    "local_authority": LocalAuthority,
    "acute_trust": AcuteTrust,
    "community_trust": CommunityTrust,
    "gp_practice": GpPractice,
    "third_sector": ThirdSector,
    "programme_team": ProgrammeTeam,
    "lay_partner": LayPartner,
}
