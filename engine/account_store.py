"""The table of one-time account links (invitation, password reset): engine/accounts.py uses it.

Only the SHA-256 of a link's token is kept (the token is 256 random bits, so a fast hash is enough and a
database reader cannot use a stored row); a row is used once (`used_at`) and expires (`expires_at`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .store import Base, UTCDateTime


class AccountToken(Base):
    __tablename__ = "account_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_name: Mapped[str] = mapped_column(String(128), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # invitation | reset
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
