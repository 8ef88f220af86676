"""Security and containment (issue 8): incidents, server-side sessions, sign-in throttle, user flags.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from engine.store import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("ra_case.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("jurisdiction", sa.String(64), nullable=False, index=True),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("message", sa.String(1000), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("resolved_at", UTCDateTime),
        sa.Column("resolved_by", sa.String(128)),
    )
    op.create_table(
        "user_session",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(128), nullable=False, index=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("seen_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", UTCDateTime, nullable=False),
        sa.Column("locked_until", UTCDateTime),
    )
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("disabled_at", UTCDateTime))
        batch.add_column(sa.Column("is_demo", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("is_demo")
        batch.drop_column("disabled_at")
    op.drop_table("login_throttle")
    op.drop_table("user_session")
    op.drop_table("incident")
