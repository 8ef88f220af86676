"""Accounts: one-time set-password links (invitation, reset) and each user's requester type.

Revision ID: 0013
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from engine.store import UTCDateTime

revision = "0013"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("requester_type", sa.String(16), nullable=True))
    op.create_table(
        "account_token",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_name", sa.String(128), nullable=False, index=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("used_at", UTCDateTime),
    )


def downgrade():
    op.drop_table("account_token")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("requester_type")
