"""A case as its requester reads it, in plain words (Navy 2-9; California's good-faith dialogue).

From the projections only (a case row of engine/queries.py and its tracked values): the outcome
("Approved: <the accommodation as approved>", "Denied" with the date to contact an EEO counselor by,
"Withdrawn"), who is handling it now, the requester's own steps with their due dates, the clock on
hold and why, and the day the request was made. Steps of internal roles (counsel's legal sufficiency
review, the Director EEO's review, the committee's deliberation) are never named: the requester reads
"the agency is reviewing your request".

Per jurisdiction, `[requester_view]` in jurisdiction.toml: decision_field, approved / denied /
withdrawn (tracked values), approved_text_field, eeo_contact_field, request_date_field, internal_roles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .calendars import parse_date

REQUESTER = "requester"
DEFAULTS = {"decision_field": "decision", "approved": [], "denied": [], "withdrawn": ["withdrawn"],
            "approved_text_field": "accommodation_provided", "eeo_contact_field": "eeo_counselor_deadline",
            "request_date_field": "request_date", "internal_roles": []}


@dataclass
class MyStep:
    task_id: str
    title: str
    due: date | None


@dataclass
class RequesterView:
    headline: str
    outcome: str  # open, approved, denied, withdrawn, closed
    requested_on: date | None
    handled_by: list[str] = field(default_factory=list)
    my_steps: list[MyStep] = field(default_factory=list)
    eeo_contact_by: date | None = None
    on_hold: str | None = None
    held_since: date | None = None
    decision_due: date | None = None


def config_of(jurisdiction) -> dict:
    return {**DEFAULTS, **(jurisdiction.config.get("requester_view") or {})}


def describe(row, jurisdiction) -> RequesterView:
    """The plain-words view of one case row (queries.CaseRow) for its requester."""
    cfg = config_of(jurisdiction)
    tracked = row.tracking or {}
    decision = tracked.get(cfg["decision_field"])
    outcome = "open" if row.status == "open" else "closed"
    if row.status == "withdrawn" or decision in cfg["withdrawn"]:
        outcome = "withdrawn"
    elif decision in cfg["approved"]:
        outcome = "approved"
    elif decision in cfg["denied"]:
        outcome = "denied"
    if outcome == "approved":
        what = tracked.get(cfg["approved_text_field"])
        headline = f"Approved: {what}" if what else "Approved"
    else:
        headline = {"open": "In progress", "denied": "Denied", "withdrawn": "Withdrawn",
                    "closed": "Closed"}[outcome]
    view = RequesterView(headline, outcome, _date(tracked.get(cfg["request_date_field"])) or
                         jurisdiction.calendar.local_date(row.created_at))
    if outcome == "denied":
        view.eeo_contact_by = _date(tracked.get(cfg["eeo_contact_field"]))
    internal = set(cfg["internal_roles"])
    if row.status == "open":
        for st in row.steps:
            if st.role == REQUESTER:
                view.my_steps.append(MyStep(st.task_id, st.title, st.deadline.due_date if st.deadline else None))
            elif st.role in internal:
                _add(view.handled_by, "The agency is reviewing your request")
            else:
                _add(view.handled_by, f"{st.title} (with {jurisdiction.roles.get(st.role, st.role)})")
        for k in (row.clocks or {}).values():
            if k.get("held"):
                view.on_hold, view.held_since = k.get("hold_reason") or "on hold", _date(k.get("held_since"))
            elif k.get("due") and not k.get("stopped") and view.decision_due is None:
                view.decision_due = _date(k["due"])
    return view


def _add(items: list, text: str) -> None:
    if text not in items:
        items.append(text)


def _date(value) -> date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except (TypeError, ValueError):
        return None
