"""User administration: add and edit, deactivate / reactivate, import from CSV, and the audit log of
every change.

A deactivated user cannot sign in, their open web session ends on the next request, and their API
token is refused (engine/auth.py). An import is checked whole before anything is written, so a bad
line stores nothing.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import insert, select

from . import accounts, auth, clock
from .errors import NotFound, RaflowError, ValidationFailed
from .outbox_store import UserAudit
from .store import User
from .users import _NAME, add_user, check_email

EDITABLE = ("display_name", "email", "roles", "requester_type", "mail_digest")

CSV_COLUMNS = ("name", "display_name", "email", "roles", "jurisdiction")


def record(session, actor: str, user_name: str, action: str, detail: dict | None = None) -> None:
    session.execute(insert(UserAudit).values(at=clock.now(), actor=actor, user_name=user_name, action=action,
                                             detail=detail or {}))


def set_active(db, actor: str, name: str, active: bool) -> None:
    """Deactivate (sessions end, token revoked: engine.auth) or reactivate a user, and log who did it."""
    (auth.reactivate if active else auth.deactivate)(db, name)
    with db.transaction() as s:
        record(s, actor, name, "reactivated" if active else "deactivated")


def save_user(db, registry, actor: str, values: dict, *, new: bool, invite: bool = False) -> dict:
    """Add (new=True) or edit a user from an admin's form or the CLI; field errors name the field, and the
    change and its audit row are one transaction. `invite` mails a new account a set-password link.
    Returns {"name", "changed": [fields], "invited": bool}."""
    name = str(values.get("name") or "").strip()
    errors: dict[str, str] = {}
    if not _NAME.match(name):
        errors["name"] = "use 1-128 letters, digits, '.', '_', '@' or '-' (it cannot be changed later)"
    with db.transaction() as s:
        user = s.execute(select(User).where(User.name == name)).scalar() if not errors else None
        if new and user is not None:
            errors["name"] = f"there is already a user {name!r}"
        elif not new and user is None and "name" not in errors:
            raise NotFound(f"no user {name!r}")
        jurisdiction = values.get("jurisdiction") or (user.jurisdiction if user else None)
        try:
            deployed = registry.current(s, jurisdiction or "")
        except NotFound:
            errors["jurisdiction"] = f"no jurisdiction {jurisdiction!r} is deployed"
            raise ValidationFailed(errors, "The user could not be saved.") from None
        if user is not None and jurisdiction != user.jurisdiction and "roles" not in values:
            values = {**values, "roles": user.roles}  # a move checks the roles against the new jurisdiction
        clean = _check_fields(s, values, deployed.jurisdiction.roles, name, errors, partial=not new)
        if errors:
            raise ValidationFailed(errors, "The user could not be saved.")
        if user is None:
            user = User(name=name, created_at=clock.now(), jurisdiction=jurisdiction, mail_digest=False,
                        is_demo=False, display_name=clean.get("display_name") or name, roles=[])
            s.add(user)
        changed = {}
        for key, value in {"jurisdiction": jurisdiction, **clean}.items():
            if getattr(user, key) != value:
                changed[key] = value
                setattr(user, key, value)
        s.flush()
        invited = bool(new and invite and user.email and accounts.mail_link(s, deployed, name, "invitation"))
        if new or changed:
            record(s, actor, name, "added" if new else "edited", {**changed, **({"invited": True} if invited else {})})
        return {"name": name, "changed": sorted(changed), "invited": invited}


def _check_fields(s, values: dict, known_roles: dict, name: str, errors: dict, partial: bool) -> dict:
    """The editable fields given (all of them for a new user), checked; problems go into `errors`."""
    clean = {}
    if "display_name" in values or not partial:
        display = " ".join(str(values.get("display_name") or "").split())
        if not display:
            errors["display_name"] = "enter the person's name"
        elif len(display) > 200:
            errors["display_name"] = "a name may have at most 200 characters"
        clean["display_name"] = display
    if "email" in values or not partial:
        try:
            clean["email"] = check_email(values.get("email"))
            if clean["email"] and accounts.email_taken(s, clean["email"], except_name=name):
                errors["email"] = "another user has this address"
        except RaflowError as err:
            errors["email"] = str(err)
    if "roles" in values or not partial:
        roles = sorted({str(r).strip() for r in values.get("roles") or [] if str(r).strip()})
        unknown = [r for r in roles if r not in known_roles]
        if not roles:
            errors["roles"] = "choose at least one role"
        elif unknown:
            errors["roles"] = f"unknown role(s) {', '.join(unknown)}; known: {', '.join(known_roles)}"
        clean["roles"] = roles
    if "requester_type" in values or not partial:
        try:
            clean["requester_type"] = accounts.check_requester_type(values.get("requester_type"))
        except RaflowError as err:
            errors["requester_type"] = str(err)
    if "mail_digest" in values or not partial:
        clean["mail_digest"] = bool(values.get("mail_digest"))
    return clean


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
