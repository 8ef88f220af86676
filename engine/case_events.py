"""Case events a person may send now: which ones, with what payload, and reopening a closed case.

A case event is a message the diagram catches with a message start event of an event subprocess
(Navy 6-2 reevaluation, 1-6 recurring instance, 2-1 discussion, 2-4 consultation; County specialist
consultation, emergency information, ADA complaint). Withdrawal has its own form and is left out.
An event's payload is the form `forms/<j>/event_<name>.json` when there is one, else nothing.

Why reopening starts a linked *revision case* (Navy 6-2 "a revision of the current request", 1-6 "a
later instance needs no new request"): the closed case keeps its decision, dates and report facts
untouched (NEAT counts each request once), while the revision case skips intake and the interactive
process and goes straight to the supervisor. The `[reopen]` table of jurisdiction.toml says which
process runs, which events reopen, which tracking field must be set first, and what is carried over.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

from . import access, permissions
from .errors import NotFound, ValidationFailed
from .store import Case, case_id_of

WITHDRAWAL = "withdrawal"
FORM_PREFIX = "event_"


@dataclass(frozen=True)
class EventChoice:
    name: str
    title: str
    form_key: str | None
    reopens: bool  # sending it to this (closed) case starts a linked revision case


def reopen_config(config: dict) -> dict:
    table = config.get("reopen")
    return table if isinstance(table, dict) else {}


def caught_events(deployed, process_id: str) -> dict[str, str]:
    """Message name -> start event title, for every message start event of the process and its callees."""
    spec, subs = deployed.specs(process_id)
    found: dict[str, str] = {}
    for process in [spec, *subs.values()]:
        for task_spec in process.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if isinstance(task_spec, CatchingEvent) and isinstance(definition, MessageEventDefinition) \
                    and definition.name != WITHDRAWAL and _is_start(task_spec):
                found.setdefault(definition.name, task_spec.bpmn_name or definition.name.replace("_", " "))
    return found


def _is_start(task_spec) -> bool:
    return type(task_spec).__name__.endswith("StartEvent")


def reopen_problem(case, event: str, config: dict) -> str | None:
    """Why `event` may not reopen the closed `case` (None when it may)."""
    table = reopen_config(config)
    if event not in table.get("events", []) or not table.get("process"):
        return f"the case is {case.status}; only an open case takes the event {event!r}"
    needs = (table.get("requires") or {}).get(event)
    tracking = (case.summary or {}).get("tracking") or {}
    if needs and not tracking.get(needs):
        return f"the case has no {needs.replace('_', ' ')} recorded, so {event.replace('_', ' ')} cannot reopen it"
    return None


def choices(deployed, case, may_send) -> list[EventChoice]:
    """The events the actor may send to this case now: caught by its diagram, allowed to the actor's role
    (`may_send(event)`), and the case open, or closed and reopened by that event."""
    caught = caught_events(deployed, case.process_id)
    out = []
    for name, title in caught.items():
        if not may_send(name):
            continue
        reopens = case.status != "open"
        if reopens and reopen_problem(case, name, deployed.jurisdiction.config):
            continue
        key = FORM_PREFIX + name
        out.append(EventChoice(name, deployed.forms[key].title if deployed.forms.get(key) else title,
                               key if deployed.forms.get(key) else None, reopens))
    return out


def check_payload(deployed, event: str, data: dict) -> dict:
    """The payload validated by the event's form; an event without a form takes no fields."""
    form = deployed.forms.get(FORM_PREFIX + event)
    if not isinstance(data, dict):
        raise ValidationFailed({"data": "send the payload as an object of field values"})
    if form is not None:
        return form.validate(data)
    if data:
        raise ValidationFailed({k: "this case event takes no fields" for k in data})
    return {}


def revision_start(case, event: str, payload: dict, config: dict) -> tuple[str, dict, str]:
    """(process id, start data, title) of the revision case that `event` opens for the closed `case`."""
    table = reopen_config(config)
    tracking = (case.summary or {}).get("tracking") or {}
    data = {k: tracking[k] for k in table.get("carry", []) if k in tracking}
    data.update(carried_tracking=dict(data), reopens_case=case.id, revision_event=event, revision_request=payload)
    title = f"{event.replace('_', ' ').capitalize()} of case {case.id}: {case.title}"
    return table["process"], data, title


def available(service, case_id, actor_name: str) -> list[EventChoice]:
    """The events `actor_name` may send to the case now; 404 for a case they may not know exists."""
    with service.db.transaction() as s:
        actor = access.load_actor(s, actor_name)
        case = s.get(Case, case_id_of(case_id) or 0)
        if case is None:
            raise NotFound(f"no case {case_id}")
        access.check_view_case(s, actor, case)
        deployed = service.registry.get(s, case.definition_id)
        config = deployed.jurisdiction.config
        return choices(deployed, case, lambda event: permissions.may_act(actor, case, "case_event", config, event))


def send(service, case_id, event: str, actor_name: str, data) -> int:
    """Send `event` with its payload form's data; an event not offered to the actor now is a field error on
    `event` (422) and a bad payload field errors, so nothing reaches the case. Returns the case that took it."""
    offered = {c.name: c for c in available(service, case_id, actor_name)}
    if event not in offered:
        names = ", ".join(offered) or "none"
        raise ValidationFailed({"event": f"{str(event)[:60]!r} is not a case event you may send to this case now "
                                         f"(you may send: {names})"}, "This case event cannot be sent.")
    with service.db.transaction() as s:
        case = s.get(Case, case_id_of(case_id))
        payload = check_payload(service.registry.get(s, case.definition_id), event, data or {})
    return service.send_event(case_id, event, actor_name, payload)
