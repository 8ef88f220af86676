"""Users and their roles per jurisdiction (roles must exist in the jurisdiction's deployed config)."""

from __future__ import annotations

import re

from sqlalchemy import Text, cast, select

from . import clock
from .errors import NotFound, RaflowError
from .store import User

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")
_EMAIL = re.compile(r"^[^@\s<>,;]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_UNSET = object()


def may_hold(role: str):
    """A condition on User: the stored JSON role list names `role` (a role key inside quotes). In SQL, so
    finding a role's holders never reads every account (a department's employees all have one); it may
    also match a role whose key differs at a LIKE wildcard, so callers still check `role in roles`."""
    return cast(User.roles, Text).like(f'%"{role}"%')


def check_email(email: str | None) -> str | None:
    """A plausible address or None ('' clears it); anything else is a clear error, not a bounced mail later."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 254 or not _EMAIL.match(email):
        raise RaflowError(f"email {email[:80]!r} is not an address like name@example.gov")
    return email


def add_user(db, registry, name: str, roles: list[str], jurisdiction: str, display_name: str | None = None,
             password_hash: str | None = None, demo: bool = False, email=_UNSET,
             mail_digest: bool | None = None) -> User:
    """Create or update a user; every role must be one of the jurisdiction's configured roles."""
    if not _NAME.match(name or ""):
        raise RaflowError(f"user name {name!r} must be 1-128 letters, digits, '.', '_', '@' or '-'")
    if not roles:
        raise RaflowError("give at least one --role")
    email = check_email(email) if email is not _UNSET else _UNSET
    with db.transaction() as s:
        known = registry.current(s, jurisdiction).jurisdiction.roles
        unknown = [r for r in roles if r not in known]
        if unknown:
            raise RaflowError(f"unknown role(s) {', '.join(unknown)} for {jurisdiction}; known: {', '.join(known)}")
        user = s.execute(select(User).where(User.name == name)).scalar()
        if user is None:
            user = User(name=name, created_at=clock.now())
            s.add(user)
        user.display_name = display_name or user.display_name or name
        user.jurisdiction = jurisdiction
        user.roles = sorted(set(roles))
        if password_hash is not None:
            user.password_hash = password_hash
            user.is_demo = demo
        if email is not _UNSET:
            user.email = email
        if mail_digest is not None or user.mail_digest is None:
            user.mail_digest = bool(mail_digest)
        s.flush()
        return user


def get_user(db, name: str) -> User:
    with db.transaction() as s:
        user = s.execute(select(User).where(User.name == name)).scalar()
        if user is None:
            raise NotFound(f"no user {name!r}")
        return user


def list_users(db, jurisdiction: str | None = None, limit: int | None = None) -> list[User]:
    """Users by jurisdiction and name, the first `limit` of them (None: all)."""
    with db.transaction() as s:
        q = select(User).order_by(User.jurisdiction, User.name)
        if jurisdiction:
            q = q.where(User.jurisdiction == jurisdiction)
        return list(s.execute(q.limit(limit)).scalars())
