"""Who is told what: mail rows written to the outbox in the caller's transaction (the outbox pattern).

`enqueue` is called once by projections.save_case, so every case change that opens a step or closes a
case writes its mail in the same transaction: a change that rolls back leaves no mail, and a change that
commits never loses one. engine/outbox.py delivers them. Content is minimal by law (Navy 1-5: disclosing
that someone has an accommodation discloses a disability): step title, due date, link. Never case data.

Config per jurisdiction, `[mail]` in jurisdiction.toml: digest_hour (local hour of the daily digest,
default 7), due_soon_days (default 2), escalation_steps (step ids whose opening is an overdue escalation,
mailed at once to everyone holding the step's role, e.g. Navy 1-4 late forwarding).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select

from . import clock, mailtemplates
from .mailer import base_url
from .outbox_store import OutboxMail
from .store import User
from .users import may_hold

REQUESTER = "requester"
T_USER, T_OUTBOX = User.__table__, OutboxMail.__table__


def mail_config(jurisdiction) -> dict:
    cfg = jurisdiction.config.get("mail") or {}
    return {"digest_hour": int(cfg.get("digest_hour", 7)), "due_soon_days": int(cfg.get("due_soon_days", 2)),
            "escalation_steps": set(cfg.get("escalation_steps", []))}


def fmt_day(day) -> str:
    """Dates in mail as on pages: "Tue 1 Dec 2026"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def last_day(jurisdiction, due_at: datetime):
    """The last local day to act: a deadline stored as "end of Wednesday" (Thursday 00:00) is Wednesday."""
    return jurisdiction.calendar.local_date(due_at - timedelta(microseconds=1))


def due_text(jurisdiction, due_at: datetime | None) -> str | None:
    return fmt_day(last_day(jurisdiction, due_at)) if due_at else None


def enqueue(conn, deployed, case, tasks: list[dict], previous: dict, new_status: str) -> None:
    """Mail for what this save changed: steps newly opened, the case decided, closed or withdrawn."""
    jur = deployed.jurisdiction
    cfg = mail_config(jur)
    opened = [t for t in tasks if t["id"] not in previous]
    closing = case.status == "open" and new_status != "open"
    if not opened and not closing:
        return
    roles = {t["role"] for t in opened if t["role"] != REQUESTER}
    people = _people(conn, jur.key, [case.requester], roles)
    for t in opened:
        values = {"step": t["title"], "due": due_text(jur, t["due_at"]), "link": f"{base_url()}/tasks/{t['id']}"}
        if t["role"] == REQUESTER:
            _write(conn, deployed, case.id, "requester_task", case.requester, people.get(case.requester), values)
            continue
        kind = "escalation" if t["spec_id"] in cfg["escalation_steps"] else "task_queue"
        for person in people.values():
            if t["role"] in (person["roles"] or []):
                held = kind == "task_queue" and person["mail_digest"]
                _write(conn, deployed, case.id, kind, person["name"], person, values, held=held)
    if closing:
        phrase = "was withdrawn" if new_status == "withdrawn" else "was decided or closed"
        _write(conn, deployed, case.id, "case_closed", case.requester, people.get(case.requester),
               {"status_phrase": phrase, "link": f"{base_url()}/cases/{case.id}"})


def letter_issued(conn, deployed, case, letter_title: str, link: str | None = None) -> None:
    """For branch `letters`: tell the requester a letter was issued (the title only, never its text)."""
    person = _people(conn, deployed.jurisdiction.key, [case.requester]).get(case.requester)
    _write(conn, deployed, case.id, "letter_issued", case.requester, person,
           {"letter_title": letter_title, "link": link or f"{base_url()}/cases/{case.id}"})


def task_assigned(conn, deployed, case_id: int, task: dict, assignee: str) -> None:
    """A step assigned to someone by another person (immediate unless they chose the digest)."""
    person = _people(conn, deployed.jurisdiction.key, [assignee]).get(assignee)
    values = {"step": task["title"], "due": due_text(deployed.jurisdiction, task.get("due_at")),
              "link": f"{base_url()}/tasks/{task['id']}"}
    _write(conn, deployed, case_id, "task_assigned", assignee, person, values,
           held=bool(person and person["mail_digest"]))


def direct(conn, jurisdiction, templates: dict, kind: str, person: dict, values: dict) -> None:
    """A mail to one person outside any case (invitation, password reset)."""
    _write_row(conn, jurisdiction, templates, None, kind, person["name"], person, values)


_PEOPLE = select(T_USER.c.name, T_USER.c.display_name, T_USER.c.email, T_USER.c.roles, T_USER.c.mail_digest) \
    .where(T_USER.c.jurisdiction == bindparam("b_jurisdiction"), T_USER.c.disabled_at.is_(None))


def _people(conn, jurisdiction_key: str, names, roles=()) -> dict[str, dict]:
    """The users of the jurisdiction who may be mailed (not deactivated) among `names` and the holders of
    `roles` (users.may_hold: in SQL, as this runs in every save that opens a step; a caller still checks
    `role in person["roles"]` exactly)."""
    wanted = [T_USER.c.name.in_([n for n in names if n])]
    wanted += [may_hold(role) for role in sorted(roles)]
    query = _PEOPLE.where(or_(*wanted))
    return {r.name: dict(r._mapping) for r in conn.execute(query, {"b_jurisdiction": jurisdiction_key})}


_INSERT_OUTBOX = T_OUTBOX.insert()


def _write(conn, deployed, case_id, kind, recipient, person, values, held=False) -> None:
    _write_row(conn, deployed.jurisdiction, deployed.mail_templates, case_id, kind, recipient, person, values, held)


def _write_row(conn, jurisdiction, templates, case_id, kind, recipient, person, values, held=False) -> None:
    now = clock.now()
    shown = {"recipient_name": (person or {}).get("display_name") or recipient, "case_id": case_id,
             "jurisdiction_name": jurisdiction.name, "due": None, **values}
    subject, body = mailtemplates.render(kind, shown, templates)
    address = (person or {}).get("email")
    status = "no_address" if not address else "digest" if held else "queued"
    conn.execute(_INSERT_OUTBOX, dict(  # parameters, not .values(): one compiled statement for every save
        created_at=now, jurisdiction=jurisdiction.key, kind=kind, recipient=recipient, to_addr=address,
        case_id=case_id, subject=subject, body=body, status=status, attempts=0, next_attempt_at=now))
