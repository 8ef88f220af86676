"""Server-side sign-in sessions: the cookie carries a random id, the database decides if it is valid.

Issue 8: a cookie copied before sign-out must stop working at once. Every request checks its row;
sign-out deletes it, a password change, a deactivation or an admin's "sign out everywhere" delete all
of a user's rows. A session ends after RAFLOW_SESSION_IDLE_MINUTES without a request (default 30)
and RAFLOW_SESSION_HOURS after sign-in (default 8), whatever happens. Times are real wall-clock
time, never the simulated case clock (moving a training clock must not sign everyone out).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from .clock import wall_now
from .security_store import UserSession

TOUCH_EVERY = timedelta(seconds=60)  # write seen_at at most once a minute per session


def idle_timeout() -> timedelta:
    return timedelta(minutes=float(os.environ.get("RAFLOW_SESSION_IDLE_MINUTES", "30")))


def absolute_lifetime() -> timedelta:
    return timedelta(hours=float(os.environ.get("RAFLOW_SESSION_HOURS", "8")))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db, user_name: str) -> str:
    """A new session for the user; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = wall_now()
    with db.transaction() as s:
        s.add(UserSession(id_hash=_hash(token), user_name=user_name, created_at=now, seen_at=now))
    return token


def user_of(db, token: str | None, idle: timedelta | None = None, lifetime: timedelta | None = None) -> str | None:
    """The user a session token belongs to, or None when it was ended or timed out (then it is deleted)."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    idle, lifetime = idle or idle_timeout(), lifetime or absolute_lifetime()
    key, now = _hash(token), wall_now()
    with db.transaction() as s:
        row = s.execute(select(UserSession.user_name, UserSession.created_at, UserSession.seen_at)
                        .where(UserSession.id_hash == key)).first()
        if row is None:
            return None
        if now - row.seen_at > idle or now - row.created_at > lifetime:
            s.execute(delete(UserSession).where(UserSession.id_hash == key))
            return None
        if now - row.seen_at > TOUCH_EVERY:
            s.execute(update(UserSession).where(UserSession.id_hash == key).values(seen_at=now))
        return row.user_name


def end_session(db, token: str | None) -> None:
    if token:
        with db.transaction() as s:
            s.execute(delete(UserSession).where(UserSession.id_hash == _hash(token)))


def end_all(db, user_name: str) -> int:
    """Sign the user out everywhere; returns how many sessions ended."""
    with db.transaction() as s:
        return s.execute(delete(UserSession).where(UserSession.user_name == user_name)).rowcount
