"""Passwords (argon2id) and API bearer tokens.

Only hashes are stored: the password as an argon2id hash, the token as its SHA-256 (a token is 256
random bits, so a fast hash is enough and lets a request find its user with one indexed lookup).
A user has at most one token; issuing a new one replaces the old.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select, update

from . import clock, passwords, sessions
from .access import Actor
from .errors import NotFound, RaflowError
from .store import User

TOKEN_PREFIX = "rf_"
MIN_PASSWORD = passwords.MIN_LENGTH

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not reveal user names.
_DUMMY = _hasher.hash(secrets.token_hex(8))


def use_fast_hashing() -> None:
    """Cheap argon2 parameters for tests only (the stored format stays argon2id)."""
    global _hasher, _DUMMY
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _DUMMY = _hasher.hash("x")


def hash_password(password: str, *, demo: bool = False, name: str | None = None) -> str:
    """An argon2id hash of a password that meets the policy (engine.passwords); `demo` accounts of
    `raflow demo` are exempt (they are flagged and refused in production)."""
    if not demo:
        passwords.check(password, name=name)
    elif not isinstance(password, str) or not password:
        raise RaflowError("a password is required")
    return _hasher.hash(password)


def set_password(db, name: str, password: str) -> None:
    """Set a password (policy checked); every open session of the user ends at once."""
    digest = hash_password(password, name=name)
    with db.transaction() as s:
        done = s.execute(update(User).where(User.name == name).values(password_hash=digest, is_demo=False))
        if done.rowcount != 1:
            raise NotFound(f"no user {name!r}")
    sessions.end_all(db, name)


def deactivate(db, name: str) -> None:
    """No more sign-in or API use: sessions end, the token is revoked, the account is marked."""
    with db.transaction() as s:
        done = s.execute(update(User).where(User.name == name).values(disabled_at=clock.now(), token_hash=None))
        if done.rowcount != 1:
            raise NotFound(f"no user {name!r}")
    sessions.end_all(db, name)


def reactivate(db, name: str) -> None:
    with db.transaction() as s:
        if s.execute(update(User).where(User.name == name).values(disabled_at=None)).rowcount != 1:
            raise NotFound(f"no user {name!r}")


def usable(row) -> bool:
    """Not deactivated, and not a demo account on a production system."""
    return row.disabled_at is None and not (row.is_demo and passwords.is_production())


def authenticate(db, name: str, password: str) -> Actor | None:
    """The actor for a correct name and password, else None (same cost either way)."""
    with db.transaction() as s:
        row = s.execute(select(User).where(User.name == (name or "").strip())).scalar()
        stored = row.password_hash if row is not None and row.password_hash else None
        try:
            _hasher.verify(stored or _DUMMY, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if stored is None or not usable(row):
            return None
        if _hasher.check_needs_rehash(stored):
            row.password_hash = _hasher.hash(password)
        return _actor(row)


def issue_token(db, name: str) -> str:
    """A new API token for the user (printed once; only its hash is kept)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.transaction() as s:
        done = s.execute(update(User).where(User.name == name).values(token_hash=_token_hash(token)))
        if done.rowcount != 1:
            raise NotFound(f"no user {name!r}")
    return token


def revoke_token(db, name: str) -> None:
    with db.transaction() as s:
        s.execute(update(User).where(User.name == name).values(token_hash=None))


def actor_for_token(db, token: str | None) -> Actor | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = _token_hash(token)
    with db.engine.connect() as conn:
        row = conn.execute(_BY_TOKEN, {"b_digest": digest}).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest) or not usable(row):
        return None
    return _actor(row)


def load_user(db, name: str) -> tuple[Actor, str | None] | None:
    """The actor and its password hash (for the session stamp), or None."""
    with db.transaction() as s:
        row = s.execute(select(User).where(User.name == name)).scalar()
        return None if row is None or not usable(row) else (_actor(row), row.password_hash)


_USERS = User.__table__
_BY_TOKEN = select(_USERS.c.name, _USERS.c.display_name, _USERS.c.jurisdiction, _USERS.c.roles,
                   _USERS.c.token_hash, _USERS.c.disabled_at, _USERS.c.is_demo) \
    .where(_USERS.c.token_hash == bindparam("b_digest"))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _actor(row) -> Actor:
    return Actor(row.name, row.display_name, row.jurisdiction, frozenset(row.roles or ()))
