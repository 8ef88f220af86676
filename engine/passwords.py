"""Password policy: at least 12 characters and not easy to guess (zxcvbn, which knows the common
password lists and patterns; a well-kept library rather than our own list). Demo accounts of
`raflow demo` are exempt and are refused when RAFLOW_ENV=production."""

from __future__ import annotations

import os

from zxcvbn import zxcvbn

from .errors import RaflowError

MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn 0..4: 3 is "safely unguessable: moderate protection from offline attacks"


def check(password: str, *, name: str | None = None) -> None:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise RaflowError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > 256:
        raise RaflowError("a password may have at most 256 characters")
    result = zxcvbn(password[:100], user_inputs=[name] if name else [])
    if result["score"] < MIN_SCORE:
        hint = (result.get("feedback") or {}).get("warning") or "add more words or characters"
        raise RaflowError(f"this password is too common or easy to guess ({hint.rstrip('.')})")


def is_production() -> bool:
    return os.environ.get("RAFLOW_ENV", "").strip().lower() == "production"
