"""What a step's form knows about its case: prefilled values, recorded (read-only) values and the
context its date rules compare with. Kept apart from the case service so the rules stay declarative
(in the form files) and the service only calls three functions."""

from __future__ import annotations

from sqlalchemy import select

from . import clock
from .form_rules import RuleContext, prefill
from .forms import Form
from .store import User


def of(deployed, task) -> RuleContext:
    """Today in the jurisdiction's time zone, the case data the step sees, the jurisdiction's parameters."""
    j = deployed.jurisdiction
    return RuleContext(today=j.calendar.local_date(clock.now()), case=dict(task.data), parameters=j.parameters)


def sources(session, deployed, case, task) -> dict:
    """The values `x-prefill` may name: case data, the requester's name and email, today."""
    person = session.execute(select(User.display_name, User.email).where(User.name == case.requester)).first()
    requester = {"name": person.display_name, "email": person.email} if person else {}
    return {"case": dict(task.data), "requester": requester,
            "today": deployed.jurisdiction.calendar.local_date(clock.now()).isoformat()}


def prefilled(session, deployed, case, form: Form, task, values: dict) -> dict:
    """The step's current values, with empty fields filled from their `x-prefill` source."""
    return prefill(form.schema, values, sources(session, deployed, case, task))


def recorded(form: Form, task) -> dict:
    """Values of `readOnly` fields an earlier step already recorded: shown, never asked again."""
    return {n: task.data[n] for n, spec in form.fields.items()
            if spec.get("readOnly") and task.data.get(n) not in (None, "")}


def kept(form: Form, task, data) -> dict:
    """The submission with each recorded read-only value put back: a step cannot change what an earlier
    step recorded (the page shows it as text, the API may leave it out)."""
    if not isinstance(data, dict):
        return data
    return {**data, **recorded(form, task)}
