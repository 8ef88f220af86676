"""Accounts made by staff, and one-time set-password links (invitation, password reset, forgot password).

Staff record a request for someone with no account yet: `invite` makes the account (requester role, no
password) and queues an invitation mail in the caller's transaction, so a request that fails leaves no
account and no mail. A link carries 256 random bits; only their SHA-256 is stored, a link works once and
until it expires, and issuing a new one for the same person cancels the older ones. Using a link checks
the password policy (engine.passwords) before anything is spent, and ends the person's other sessions.
A "forgot password" request answers the same whether or not the account exists.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from . import auth, clock, notify, sessions
from .account_store import AccountToken
from .errors import NotFound, RaflowError, ValidationFailed
from .mailer import base_url
from .outbox_store import UserAudit
from .store import User
from .users import _NAME, check_email

REQUESTER_TYPES = {"employee": "Employee", "applicant": "Applicant for employment"}
LIFETIME = {"invitation": timedelta(days=7), "reset": timedelta(hours=2)}
MAIL_KIND = {"invitation": "invitation", "reset": "password_reset"}
LINK_PATH = "/account/password/"
FORGOT_PAUSE = timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(session, actor: str, user_name: str, action: str, detail: dict | None = None) -> None:
    session.add(UserAudit(at=clock.now(), actor=actor, user_name=user_name, action=action, detail=detail or {}))


def check_requester_type(value) -> str | None:
    value = (value or "").strip()
    if value and value not in REQUESTER_TYPES:
        raise RaflowError(f"requester type must be one of {', '.join(REQUESTER_TYPES)}")
    return value or None


def email_taken(session, email: str, except_name: str | None = None) -> bool:
    q = select(User.name).where(func.lower(User.email) == email.lower())
    if except_name:
        q = q.where(User.name != except_name)
    return session.execute(q.limit(1)).first() is not None


def check_new_person(session, person: dict) -> dict:
    """Field errors for a new person's name, email and requester type, or the cleaned values."""
    errors, clean = {}, {}
    display = " ".join(str(person.get("display_name") or "").split())
    if not display:
        errors["new_display_name"] = "enter the person's name"
    elif len(display) > 200:
        errors["new_display_name"] = "a name may have at most 200 characters"
    try:
        email = check_email(str(person.get("email") or ""))
        if not email:
            errors["new_email"] = "enter the person's email address: the invitation goes there"
        elif email_taken(session, email) or session.execute(
                select(User.name).where(User.name == email.lower())).first():
            errors["new_email"] = "someone already has an account with this address: choose them from the list"
    except RaflowError as err:
        errors["new_email"] = str(err)
        email = None
    try:
        kind = check_requester_type(person.get("requester_type"))
        if not kind:
            errors["new_requester_type"] = "say whether the person is an employee or an applicant"
    except RaflowError as err:
        errors["new_requester_type"] = str(err)
        kind = None
    if errors:
        raise ValidationFailed(errors, "The new person's details need a change.")
    clean.update(display_name=display, email=email, requester_type=kind, name=email.lower())
    if not _NAME.match(clean["name"]):
        raise ValidationFailed({"new_email": "this address cannot be used as a user name"})
    return clean


def invite(session, deployed, actor_name: str, person: dict) -> dict:
    """Make the requester account of a new person and queue their invitation, in the caller's transaction."""
    clean = check_new_person(session, person)
    now = clock.now()
    session.add(User(name=clean["name"], display_name=clean["display_name"], jurisdiction=deployed.jurisdiction.key,
                     roles=["requester"], email=clean["email"], requester_type=clean["requester_type"],
                     created_at=now, mail_digest=False, is_demo=False))
    session.flush()
    _audit(session, actor_name, clean["name"], "invited",
           {"roles": ["requester"], "email": clean["email"], "requester_type": clean["requester_type"]})
    mail_link(session, deployed, clean["name"], "invitation")
    return clean


def mail_link(session, deployed, user_name: str, purpose: str) -> bool:
    """Issue a one-time link and queue its mail (False when the person has no address: nothing is issued)."""
    user = session.execute(select(User).where(User.name == user_name)).scalar()
    if user is None:
        raise NotFound(f"no user {user_name!r}")
    if not user.email:
        return False
    token = secrets.token_urlsafe(32)
    now = clock.now()
    expires = now + LIFETIME[purpose]
    session.execute(update(AccountToken).where(AccountToken.user_name == user_name, AccountToken.used_at.is_(None))
                    .values(used_at=now))
    session.add(AccountToken(token_hash=_digest(token), user_name=user_name, purpose=purpose, created_at=now,
                             expires_at=expires))
    jur = deployed.jurisdiction
    local = expires.astimezone(jur.calendar.tz)
    person = {"name": user.name, "display_name": user.display_name, "email": user.email}
    notify.direct(session.connection(), jur, deployed.mail_templates, MAIL_KIND[purpose], person,
                  {"link": f"{base_url()}{LINK_PATH}{token}",
                   "expires": f"{notify.fmt_day(local)} {local:%H:%M %Z}"})
    return True


def reset_by_admin(db, registry, actor_name: str, user_name: str) -> bool:
    """An administrator's "reset password": mail the person a one-time link (the old password stays until used)."""
    with db.transaction() as s:
        user = s.execute(select(User).where(User.name == user_name)).scalar()
        if user is None:
            raise NotFound(f"no user {user_name!r}")
        if not user.email:
            raise ValidationFailed({"email": f"{user_name} has no email address: add one first"},
                                   "The reset link could not be mailed.")
        if user.disabled_at is not None:
            raise ValidationFailed({"name": f"{user_name} is deactivated: reactivate them first"},
                                   "The reset link could not be mailed.")
        deployed = registry.current(s, user.jurisdiction)
        mail_link(s, deployed, user_name, "reset")
        _audit(s, actor_name, user_name, "password_reset_mailed")
    return True


def forgot(db, registry, name_or_email: str) -> None:
    """Mail a reset link to an active account with this user name or address; silent either way."""
    key = (name_or_email or "").strip()[:254]
    if not key:
        return
    with db.transaction() as s:
        rows = s.execute(select(User).where((User.name == key) | (func.lower(User.email) == key.lower()))
                         .limit(2)).scalars().all()
        if len(rows) != 1 or not auth.usable(rows[0]) or not rows[0].email:
            return
        recent = s.execute(select(AccountToken.id).where(
            AccountToken.user_name == rows[0].name, AccountToken.purpose == "reset",
            AccountToken.created_at > clock.now() - FORGOT_PAUSE).limit(1)).first()
        if recent:  # one mail per few minutes, so the form cannot flood someone's inbox
            return
        try:
            deployed = registry.current(s, rows[0].jurisdiction)
        except NotFound:
            return
        mail_link(s, deployed, rows[0].name, "reset")
        _audit(s, "self", rows[0].name, "password_reset_requested")


def _open_link(session, token: str):
    if not token or len(token) > 100:
        return None
    row = session.execute(select(AccountToken).where(AccountToken.token_hash == _digest(token))).scalar()
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        return None
    user = session.execute(select(User).where(User.name == row.user_name)).scalar()
    return (row, user) if user is not None and auth.usable(user) else None


def link_user(db, token: str) -> dict | None:
    """Who a link is for ({name, display_name, purpose}), or None when it is unknown, used or expired."""
    with db.transaction() as s:
        found = _open_link(s, token)
        if found is None:
            return None
        row, user = found
        return {"name": user.name, "display_name": user.display_name, "purpose": row.purpose}


def use_link(db, token: str, password: str, confirm: str | None = None) -> str:
    """Set the password through a link (once); returns the user name. Field errors leave the link unused."""
    with db.transaction() as s:
        found = _open_link(s, token)
        if found is None:
            raise NotFound("this link is not valid: it was used already, it expired, or it was replaced")
        row, user = found
        if confirm is not None and confirm != password:
            raise ValidationFailed({"confirm": "the two passwords are not the same"})
        try:
            digest = auth.hash_password(password, name=user.name)
        except RaflowError as err:
            raise ValidationFailed({"password": str(err)}) from None
        now = clock.now()
        spent = s.execute(update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
                          .values(used_at=now))
        if spent.rowcount != 1:  # a second tab used it in the meantime
            raise NotFound("this link is not valid: it was used already")
        user.password_hash, user.is_demo = digest, False
        _audit(s, user.name, user.name, "password_set_by_link", {"purpose": row.purpose})
        name = user.name
    sessions.end_all(db, name)
    return name

