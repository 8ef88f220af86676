"""People: users' email, digest choice, the mail outbox, the once-a-day digest guard,
the audit log of user administration.

Revision ID: 0008
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from engine.store import UTCDateTime

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
        batch.add_column(sa.Column("mail_digest", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("jurisdiction", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False, index=True),
        sa.Column("to_addr", sa.String(254)),
        sa.Column("case_id", sa.Integer),
        sa.Column("subject", sa.String(256), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("claimed_until", UTCDateTime),
        sa.Column("claim", sa.String(36)),
        sa.Column("last_error", sa.String(500)),
        sa.Column("sent_at", UTCDateTime),
    )
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "user_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("user_name", sa.String(128), nullable=False, index=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_table(
        "digest_run",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("recipient", "day", name="uq_digest_run_recipient_day"),
    )


def downgrade():
    op.drop_table("digest_run")
    op.drop_table("user_audit")
    op.drop_index("ix_outbox_status_next", "outbox")
    op.drop_table("outbox")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("mail_digest")
        batch.drop_column("email")
