"""Deliver the outbox: claim due rows, send them, record the result; compose the daily digests.

Claiming is one atomic UPDATE of rows still `queued` (on PostgreSQL the candidate rows are picked with
FOR UPDATE SKIP LOCKED), so with any number of workers each mail is claimed, and sent, by one. A claim
expires after CLAIM_SECONDS, so a worker that died mid-send leaves the mail to another. A failed send
is retried with exponential backoff; after MAX_ATTEMPTS the row stays as `failed`, visible to admins.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from . import clock, mailtemplates
from .errors import NotFound
from .mailer import base_url
from .notify import REQUESTER, due_text, last_day, mail_config
from .outbox_store import DigestRun, OutboxMail
from .store import Case, Task, User

log = logging.getLogger("raflow.mail")
CLAIM_SECONDS = 300
MAX_ATTEMPTS = 8
T = OutboxMail.__table__


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes after each failure, at most 2 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def claim(db, limit: int = 20) -> list[dict]:
    """Atomically take up to `limit` due rows for this worker; returns them."""
    now, token = clock.now(), str(uuid.uuid4())
    due = or_(and_(T.c.status == "queued", T.c.next_attempt_at <= now),
              and_(T.c.status == "sending", T.c.claimed_until < now))
    with db.transaction() as s:
        pick = select(T.c.id).where(due).order_by(T.c.id).limit(limit)
        if db.is_postgres:
            pick = pick.with_for_update(skip_locked=True)
        ids = list(s.execute(pick).scalars())
        if not ids:
            return []
        s.execute(update(T).where(T.c.id.in_(ids), due).values(
            status="sending", claim=token, claimed_until=now + timedelta(seconds=CLAIM_SECONDS)))
        return [dict(r._mapping) for r in s.execute(select(T).where(T.c.claim == token).order_by(T.c.id))]


def deliver_due(db, mailer, limit: int = 20) -> int:
    """Send what is due; returns how many were sent. Without a mailer nothing leaves the outbox."""
    if mailer is None:
        return 0
    sent = 0
    for row in claim(db, limit):
        try:
            mailer.send(row["to_addr"], row["subject"], row["body"], ref=f"outbox-{row['id']}")
        except (OSError, smtplib.SMTPException) as err:
            _failed(db, row, err)
            continue
        with db.transaction() as s:
            s.execute(update(T).where(T.c.id == row["id"], T.c.claim == row["claim"])
                      .values(status="sent", sent_at=clock.now(), claimed_until=None))
        sent += 1
    return sent


def _failed(db, row, err) -> None:
    attempts = row["attempts"] + 1
    reason = f"{type(err).__name__}: {err}"[:500]
    log.warning("mail %s to %s not sent (attempt %d): %s", row["id"], row["recipient"], attempts, reason)
    with db.transaction() as s:
        s.execute(update(T).where(T.c.id == row["id"], T.c.claim == row["claim"]).values(
            status="failed" if attempts >= MAX_ATTEMPTS else "queued", attempts=attempts, last_error=reason,
            next_attempt_at=clock.now() + backoff(attempts), claimed_until=None))


def list_mail(db, status: str | None = None, jurisdiction: str | None = None, limit: int | None = 200) -> list[dict]:
    """The newest outbox rows (for admins: the page and `raflow outbox`)."""
    with db.transaction() as s:
        q = select(T.c.id, T.c.created_at, T.c.kind, T.c.recipient, T.c.to_addr, T.c.case_id, T.c.subject,
                   T.c.status, T.c.attempts, T.c.next_attempt_at, T.c.last_error, T.c.sent_at, T.c.jurisdiction)
        if status:
            q = q.where(T.c.status == status)
        if jurisdiction:
            q = q.where(T.c.jurisdiction == jurisdiction)
        return [dict(r._mapping) for r in s.execute(q.order_by(T.c.id.desc()).limit(limit))]


def counts(db, jurisdiction: str | None = None) -> dict[str, int]:
    with db.transaction() as s:
        q = select(T.c.status, func.count()).group_by(T.c.status)
        if jurisdiction:
            q = q.where(T.c.jurisdiction == jurisdiction)
        return {status: n for status, n in s.execute(q)}


# -- daily digests ---------------------------------------------------------------------------------
def run_digests(db, registry) -> int:
    """Compose today's digest for every person whose jurisdiction's local digest hour has come; once a day."""
    made = 0
    with db.transaction() as s:
        jurisdictions = sorted(set(s.execute(select(User.jurisdiction)).scalars()))
    for key in jurisdictions:
        with db.transaction() as s:
            try:
                deployed = registry.current(s, key)
            except NotFound:
                continue
        jur = deployed.jurisdiction
        cfg = mail_config(jur)
        now = clock.now()
        if now.astimezone(jur.calendar.tz).hour < cfg["digest_hour"]:
            continue
        today = jur.calendar.local_date(now)
        with db.transaction() as s:
            people = [dict(r._mapping) for r in s.execute(
                select(User.name, User.display_name, User.email, User.roles).where(
                    User.jurisdiction == key, User.disabled_at.is_(None)))]  # a deactivated person gets none
            done = set(s.execute(select(DigestRun.recipient).where(DigestRun.day == today)).scalars())
        for person in people:
            if person["name"] not in done:
                made += _digest_for(db, deployed, person, today, cfg)
    return made


def _digest_for(db, deployed, person, today, cfg) -> int:
    jur = deployed.jurisdiction
    horizon = jur.calendar.end_of_day(today + timedelta(days=cfg["due_soon_days"]))
    try:
        with db.transaction() as s:
            s.add(DigestRun(recipient=person["name"], day=today, at=clock.now()))
            s.flush()
            roles = set(person["roles"] or []) - {REQUESTER}
            mine = or_(Task.assignee == person["name"],
                       and_(Task.assignee.is_(None), Task.role.in_(roles), Case.jurisdiction == jur.key),
                       and_(Task.role == REQUESTER, Case.requester == person["name"]))  # their own request's steps
            due = s.execute(select(Task.id, Task.title, Task.due_at, Task.case_id).join(Case, Case.id == Task.case_id)
                            .where(mine, Task.due_at.is_not(None), Task.due_at <= horizon)
                            .order_by(Task.due_at)).all()
            held = s.execute(select(T.c.id, T.c.subject, T.c.case_id).where(
                T.c.recipient == person["name"], T.c.status == "digest").order_by(T.c.id)).all()
            items = [{"step": t.title, "due": due_text(jur, t.due_at), "case_id": t.case_id,
                      "overdue": last_day(jur, t.due_at) < today,
                      "link": f"{base_url()}/tasks/{t.id}"} for t in due]
            items += [{"step": h.subject, "due": None, "case_id": h.case_id, "overdue": False,
                       "link": f"{base_url()}/cases/{h.case_id}"} for h in held]
            if not items:
                return 0
            if held:
                s.execute(update(T).where(T.c.id.in_([h.id for h in held])).values(status="digested"))
            values = {"recipient_name": person["display_name"] or person["name"], "items": items,
                      "jurisdiction_name": jur.name, "case_id": None, "due": None}
            subject, body = mailtemplates.render("digest", values, deployed.mail_templates)
            now = clock.now()
            s.execute(T.insert().values(
                created_at=now, jurisdiction=jur.key, kind="digest", recipient=person["name"],
                to_addr=person["email"], case_id=None, subject=subject, body=body,
                status="queued" if person["email"] else "no_address", attempts=0, next_attempt_at=now))
            return 1
    except IntegrityError:  # another worker composed this person's digest today
        return 0


def sweep(db, registry, mailer, rounds: int = 10) -> int:
    """One worker pass over mail: today's digests, then deliver what is due (bounded rounds); returns sent."""
    run_digests(db, registry)
    sent = 0
    for _ in range(rounds):
        n = deliver_due(db, mailer)
        sent += n
        if n == 0:
            break
    return sent
