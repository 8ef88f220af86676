"""The whole schema: Base.metadata with the tables of every concern, for what needs all of them at once
(Alembic's environment, the schema comparison test, the test clean-up).

The core tables live in engine.tables (their ORM classes in engine.store); letters (issue 11),
incidents, sessions and throttle (issue 8), studio drafts and publications (issue 14), report facts and
the export log (issue 13), the mail outbox, digests and account links (issue 12) in their own modules.
Neither engine.tables nor engine.store imports them, so a command that reads tasks never loads them
(`raflow task list` start-up, issue 9).
"""

from __future__ import annotations

from . import account_store, letter_store, outbox_store, report_models, security_store, studio_store  # noqa: F401
from .store import Base

metadata = Base.metadata
__all__ = ["Base", "metadata"]
