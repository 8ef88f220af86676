"""Walks of the shipped diagrams' graphs: the reviews and clocks the manuals require lie on every path.

- Navy 4-6, Responsibilities 15b: every path to a denial passes an OGC legal sufficiency review (a user task in
  the Office of General Counsel lane) before the denial letter.
- Navy 4-1, 4-3, 4-7: from the start of the 45-day clock until it stops (or, in 4-7, until the reassignment offer
  is issued), every step the agency works carries a timer on that clock, so any overrun opens the delay notice.
  Steps while the clock is held (2-7 abeyance) and the requester's own steps are not the agency's delay.
- Santa Cruz PAM II.13.A IV: every committee path to "no accommodation or placement" passes the EEO Officer
  consultation, and so does a committee that does not concur (IV.2, IV.3).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


class Process:
    def __init__(self, el):
        self.id = el.get("id")
        self.nodes = {c.get("id"): c for c in el if c.get("id") and etree.QName(c).localname not in
                      ("sequenceFlow", "laneSet", "documentation", "extensionElements")}
        self.succ: dict[str, list[str]] = {}
        for f in el.findall("bpmn:sequenceFlow", NS):
            self.succ.setdefault(f.get("sourceRef"), []).append(f.get("targetRef"))
        self.lane_of = {ref.text.strip(): lane.get("name")
                        for lane in el.findall("bpmn:laneSet/bpmn:lane", NS)
                        for ref in lane.findall("bpmn:flowNodeRef", NS)}
        self.boundaries: dict[str, list] = {}
        for n in self.nodes.values():
            if etree.QName(n).localname == "boundaryEvent":
                self.boundaries.setdefault(n.get("attachedToRef"), []).append(n)

    def kind(self, nid):
        return etree.QName(self.nodes[nid]).localname

    def script(self, nid) -> str:
        s = self.nodes[nid].find("bpmn:script", NS)
        return s.text or "" if s is not None else ""

    def start(self) -> str:
        return next(n for n in self.nodes if self.kind(n) == "startEvent")

    def reachable(self, start: str, avoid=lambda n: False) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            n = todo.pop()
            if n in seen or avoid(n):
                continue
            seen.add(n)
            todo.extend(self.succ.get(n, []))
        return seen

    def watched(self, nid, clock="decision") -> bool:
        return any(f'clock_due("{clock}")' in (b.findtext(".//bpmn:timeDate", namespaces=NS) or "")
                   for b in self.boundaries.get(nid, []))


def processes(jurisdiction: str) -> dict[str, Process]:
    out = {}
    for path in sorted((PROCESSES / jurisdiction).glob("*.bpmn")):
        for el in etree.parse(str(path)).getroot().findall("bpmn:process", NS):
            out[el.get("id")] = Process(el)
    return out


def test_navy_every_path_to_a_denial_passes_counsel():
    """Navy manual 4-6, Responsibilities 15b: every denial is issued by the called process navy_denial. With OGC's
    review steps taken out of it, neither the denial letter nor its "Denial issued" end can be reached from its
    start; the review can send the denial back; and navy_ra reaches its "Denied" end only through that call."""
    procs = processes("navy")
    denial, main = procs["navy_denial"], procs["navy_ra"]
    ogc = {n for n in denial.nodes
           if denial.kind(n) == "userTask" and denial.lane_of.get(n) == "Office of General Counsel"}
    assert ogc, "no OGC review in navy_denial"
    issued = {"task_denial_letter", "end_denial_issued"}
    assert not issued & denial.reachable(denial.start(), avoid=lambda n: n in ogc)
    assert issued <= denial.reachable(denial.start())  # the denial is still reachable, through OGC
    # an "insufficient" review leads somewhere other than the denial: a revision, or back to the analysis
    after_review = denial.succ["task_ogc_denial_review"]
    assert any(t != "script_record_denial" for g in after_review for t in denial.succ[g])
    assert "end_reconsider" in denial.reachable(after_review[0], avoid=lambda n: n == "script_record_denial")
    denied = {n for n in main.nodes if main.kind(n) == "endEvent" and main.nodes[n].get("name") == "Denied"}
    assert denied and not denied & main.reachable(main.start(), avoid=lambda n: n == "call_denial")
    assert main.nodes["call_denial"].get("calledElement") == "navy_denial"


def test_navy_every_path_to_a_denial_in_a_called_process_returns_through_counsel():
    """Navy manual 4-6: the denials decided in called processes (documentation not provided, reassignment
    declined or none found, applicants) return to navy_ra, whose only way to the "Denied" end is the call of
    navy_denial (OGC's review, then the letter); no other process issues the denial letter."""
    procs = processes("navy")
    main = procs["navy_ra"]
    denied = {n for n in main.nodes if main.kind(n) == "endEvent" and main.nodes[n].get("name") == "Denied"}
    for call in [n for n in main.nodes if main.kind(n) == "callActivity" and n != "call_denial"]:
        assert not denied & main.reachable(call, avoid=lambda n: n == "call_denial"), call
    assert [pid for pid, proc in procs.items() if "task_denial_letter" in proc.nodes] == ["navy_denial"]


def _clock_walk(proc: Process, start: str, stops: set[str]) -> list[str]:
    """User tasks reachable from `start` while the clock runs, that no clock_due timer watches."""
    unwatched, seen, todo = [], set(), [(start, False)]
    while todo:
        node, held = todo.pop()
        if (node, held) in seen:
            continue
        seen.add((node, held))
        kind = proc.kind(node)
        if kind == "scriptTask":
            text = proc.script(node)
            if "clock_stop(" in text or node in stops:
                continue
            if "clock_hold(" in text:
                held = True
            if "clock_resume(" in text:
                held = False
        if node in stops:
            continue
        if kind == "userTask" and not held and proc.lane_of.get(node) != "Requester" and not proc.watched(node):
            unwatched.append(node)
        todo.extend((n, held) for n in proc.succ.get(node, []))
    return sorted(set(unwatched))


def test_navy_the_45_days_watch_every_step_until_the_decision():
    """Navy manual 4-1, 4-3, 4-6: every staff step from the start of the decision clock to its stop (decision
    implemented, denial issued) carries a timer on that clock."""
    procs = processes("navy")
    assert _clock_walk(procs["navy_ra"], "script_start_clock", set()) == []
    # the called processes begin with the clock running
    assert _clock_walk(procs["navy_medical_documentation"], procs["navy_medical_documentation"].start(), set()) == []
    # 4-7: the reassignment offer "must be issued within 45 calendar days of the date of the initial request"
    cannot = procs["navy_cannot_accommodate"]
    assert _clock_walk(cannot, cannot.start(), {"script_record_offer"}) == []
    # 4-6: counsel's review, its revision and the letter; 4-1: the implementation until the clock stops
    for called in ("navy_denial", "navy_implementation"):
        assert _clock_walk(procs[called], procs[called].start(), set()) == [], called


def test_navy_watch_walk_finds_an_unwatched_step():
    """The walk is not vacuous: with the 45-day timer of the QIWD analysis taken away it reports that step."""
    main = processes("navy")["navy_ra"]
    main.boundaries["task_qiwd"] = []
    assert _clock_walk(main, "script_start_clock", set()) == ["task_qiwd"]


def test_santa_cruz_no_accommodation_passes_the_eeo_officer():
    """PAM II.13.A IV.2-IV.3: the committee consults the EEO Officer on its intended action before notifying
    the department and the employee. The intended action is its own called process (sc_committee_action):
    without the EEO Officer's step it reaches neither the notice nor its end, so it never returns to the
    committee; and without that call no path reaches "no accommodation", nor the return to the department
    after a committee that does not concur."""
    procs = processes("santa_cruz")
    committee, action = procs["sc_ra_committee"], procs["sc_committee_action"]
    eeo = {n for n in action.nodes if action.lane_of.get(n) == "EEO Officer" and action.kind(n) == "userTask"}
    assert eeo
    ends = {n for n in action.nodes if action.kind(n) == "endEvent"}
    without_eeo = action.reachable(action.start(), avoid=lambda n: n in eeo)
    assert "com_notify" not in without_eeo
    assert not ends & without_eeo
    assert ends <= action.reachable(action.start())
    calls = {n for n in committee.nodes if committee.kind(n) == "callActivity"
             and committee.nodes[n].get("calledElement") == "sc_committee_action"}
    assert calls
    without = committee.reachable(committee.start(), avoid=lambda n: n in calls)
    assert "com_end_no_accommodation" not in without
    assert "com_return_to_department" not in without  # a committee that does not concur consults too
    assert "com_end_no_accommodation" in committee.reachable(committee.start())
