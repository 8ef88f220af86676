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

from .access import Actor
from .errors import NotFound, RaflowError
from .store import User

TOKEN_PREFIX = "rf_"
MIN_PASSWORD = 4

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not reveal user names.
_DUMMY = _hasher.hash(secrets.token_hex(8))


def use_fast_hashing() -> None:
    """Cheap argon2 parameters for tests only (the stored format stays argon2id)."""
    global _hasher, _DUMMY
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _DUMMY = _hasher.hash("x")


def hash_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise RaflowError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def set_password(db, name: str, password: str) -> None:
    digest = hash_password(password)
    with db.transaction() as s:
        done = s.execute(update(User).where(User.name == name).values(password_hash=digest))
        if done.rowcount != 1:
            raise NotFound(f"no user {name!r}")


def authenticate(db, name: str, password: str) -> Actor | None:
    """The actor for a correct name and password, else None (same cost either way)."""
    with db.transaction() as s:
        row = s.execute(select(User).where(User.name == (name or "").strip())).scalar()
        stored = row.password_hash if row is not None and row.password_hash else None
        try:
            _hasher.verify(stored or _DUMMY, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if stored is None or row.active is False:
            return None
        if _hasher.check_needs_rehash(stored):
            row.password_hash = _hasher.hash(password)
        return _actor(row)


def session_stamp(password_hash: str | None) -> str:
    """A short fingerprint of the password hash kept in the session: a password change signs out."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


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
    if row is None or not hmac.compare_digest(row.token_hash, digest) or row.active is False:
        return None
    return _actor(row)


def load_user(db, name: str) -> tuple[Actor, str | None] | None:
    """The actor and its password hash (for the session stamp), or None."""
    with db.transaction() as s:
        row = s.execute(select(User).where(User.name == name)).scalar()
        return None if row is None or row.active is False else (_actor(row), row.password_hash)


_USERS = User.__table__
_BY_TOKEN = select(_USERS.c.name, _USERS.c.display_name, _USERS.c.jurisdiction, _USERS.c.roles,
                   _USERS.c.token_hash, _USERS.c.active).where(_USERS.c.token_hash == bindparam("b_digest"))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _actor(row) -> Actor:
    return Actor(row.name, row.display_name, row.jurisdiction, frozenset(row.roles or ()))
