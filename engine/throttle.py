"""Sign-in throttling, kept in the database so every gunicorn worker agrees.

Issue 8: failures are counted per account and per client address. After a few free tries each
further failure locks the key for twice as long as the last (30 s, 1 min, 2 min ... at most 15 min);
a success clears the account's count; failures older than an hour are forgotten; an admin unlocks an
account with `raflow user unlock NAME`.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .clock import wall_now
from .security_store import LoginThrottle

FREE = {"user": 5, "addr": 20, "token": 20}
FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)
FORGET = timedelta(hours=1)


def keys(user_name: str | None, address: str | None, kind: str = "user") -> list[str]:
    out = [f"{kind}:{user_name.strip().lower()[:128]}"] if user_name else []
    if address:
        out.append(f"{'addr' if kind == 'user' else kind + 'addr'}:{address[:64]}")
    return out


def _free(key: str) -> int:
    return FREE["user"] if key.startswith("user:") else FREE["token"] if key.startswith("tokenaddr:") else FREE["addr"]


def lock_after(failures: int, free: int) -> timedelta:
    if failures < free:
        return timedelta(0)
    return min(MAX_LOCK, FIRST_LOCK * 2 ** min(failures - free, 20))


def retry_after(db, key_list: list[str]) -> int:
    """Seconds until every key is unlocked (0: go ahead)."""
    if not key_list:
        return 0
    now = wall_now()
    with db.transaction() as s:
        rows = s.execute(select(LoginThrottle.locked_until).where(LoginThrottle.key.in_(key_list))).scalars()
        waits = [(until - now).total_seconds() for until in rows if until is not None and until > now]
    return math.ceil(max(waits)) if waits else 0


def record_failure(db, key_list: list[str]) -> None:
    now = wall_now()
    for key in key_list:
        for _ in range(3):  # two workers may insert the same new key at once: the loser updates
            try:
                with db.transaction() as s:
                    row = s.execute(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()).scalar()
                    if row is None:
                        row = LoginThrottle(key=key, failures=0, last_failure_at=now)
                        s.add(row)
                    elif now - row.last_failure_at > FORGET:
                        row.failures = 0
                    row.failures += 1
                    row.last_failure_at = now
                    wait = lock_after(row.failures, _free(key))
                    row.locked_until = now + wait if wait else None
                break
            except IntegrityError:
                continue


def clear(db, key_list: list[str]) -> bool:
    with db.transaction() as s:
        return s.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(key_list))).rowcount > 0
