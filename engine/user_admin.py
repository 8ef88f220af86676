"""User administration: deactivate / reactivate, import from CSV, and the audit log of every change.

A deactivated user cannot sign in, their open web session ends on the next request, and their API
token is refused (engine/auth.py). An import is checked whole before anything is written, so a bad
line stores nothing.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import insert, select

from . import auth, clock
from .errors import NotFound, RaflowError
from .outbox_store import UserAudit
from .users import _NAME, add_user, check_email

CSV_COLUMNS = ("name", "display_name", "email", "roles", "jurisdiction")


def record(session, actor: str, user_name: str, action: str, detail: dict | None = None) -> None:
    session.execute(insert(UserAudit).values(at=clock.now(), actor=actor, user_name=user_name, action=action,
                                             detail=detail or {}))


def set_active(db, actor: str, name: str, active: bool) -> None:
    """Deactivate (sessions end, token revoked: engine.auth) or reactivate a user, and log who did it."""
    (auth.reactivate if active else auth.deactivate)(db, name)
    with db.transaction() as s:
        record(s, actor, name, "reactivated" if active else "deactivated")


def audit_log(db, name: str | None = None, limit: int = 200) -> list[dict]:
    with db.transaction() as s:
        q = select(UserAudit.at, UserAudit.actor, UserAudit.user_name, UserAudit.action, UserAudit.detail)
        if name:
            q = q.where(UserAudit.user_name == name)
        return [dict(r._mapping) for r in s.execute(q.order_by(UserAudit.id.desc()).limit(limit))]


def import_csv(db, registry, text: str, filename: str, actor: str) -> list[str]:
    """Add or update users from CSV (header: name,display_name,email,roles,jurisdiction; roles split by ';').

    Every line is checked first; any problem raises one error naming FILE:LINE and nothing is stored."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("name", "roles", "jurisdiction") if c not in (reader.fieldnames or [])]
    if missing:
        raise RaflowError(f"{filename}:1: the header must name the columns {', '.join(CSV_COLUMNS)} "
                          f"(missing {', '.join(missing)})")
    rows, known = [], {}
    with db.transaction() as s:
        for row in reader:
            line = reader.line_num
            name = (row.get("name") or "").strip()
            if not _NAME.match(name):
                raise RaflowError(f"{filename}:{line}: user name {name!r} must be letters, digits, '.', '_', '@', '-'")
            jurisdiction = (row.get("jurisdiction") or "").strip()
            if jurisdiction not in known:
                try:
                    known[jurisdiction] = registry.current(s, jurisdiction).jurisdiction.roles
                except NotFound:
                    raise RaflowError(f"{filename}:{line}: no jurisdiction {jurisdiction!r} is deployed") from None
            roles = [r.strip() for r in (row.get("roles") or "").split(";") if r.strip()]
            unknown = [r for r in roles if r not in known[jurisdiction]]
            if not roles or unknown:
                raise RaflowError(f"{filename}:{line}: roles must be some of {', '.join(known[jurisdiction])}"
                                  + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
            try:
                email = check_email(row.get("email"))
            except RaflowError as err:
                raise RaflowError(f"{filename}:{line}: {err}") from None
            rows.append((name, (row.get("display_name") or "").strip() or None, email, roles, jurisdiction))
    done = []
    for name, display, email, roles, jurisdiction in rows:
        add_user(db, registry, name, roles, jurisdiction, display, email=email)
        with db.transaction() as s:
            record(s, actor, name, "imported", {"roles": roles, "jurisdiction": jurisdiction, "email": email})
        done.append(name)
    return done
