"""Initial schema: definition versions, users, cases and their projections.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from engine.store import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "definition_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("jurisdiction", sa.String(64), nullable=False, index=True),
        sa.Column("deployed_at", UTCDateTime, nullable=False),
        sa.Column("deployed_by", sa.String(128)),
        sa.Column("bundle", sa.JSON, nullable=False),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("display_name", sa.String(256), nullable=False),
        sa.Column("jurisdiction", sa.String(64), nullable=False, index=True),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("password_hash", sa.String(256)),
        sa.Column("token_hash", sa.String(128), index=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "ra_case",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("jurisdiction", sa.String(64), nullable=False, index=True),
        sa.Column("process_id", sa.String(128), nullable=False),
        sa.Column("definition_id", sa.Integer, sa.ForeignKey("definition_version.id"), nullable=False),
        sa.Column("status", sa.String(32), nullable=False, index=True),
        sa.Column("requester", sa.String(128), nullable=False, index=True),
        sa.Column("started_by", sa.String(128), nullable=False),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("workflow", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("ra_case.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("spec_id", sa.String(128), nullable=False),
        sa.Column("process_id", sa.String(128), nullable=False),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("role", sa.String(64), nullable=False, index=True),
        sa.Column("assignee", sa.String(128), index=True),
        sa.Column("form_key", sa.String(128)),
        sa.Column("due_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "timer",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("ra_case.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("spec_id", sa.String(128), nullable=False),
        sa.Column("fire_at", UTCDateTime, nullable=False, index=True),
        sa.Column("interrupting", sa.Boolean, nullable=False),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("ra_case.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("task_id", sa.String(36)),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_event_case_at", "event", ["case_id", "id"])


def downgrade():
    for table in ("event", "timer", "task", "ra_case", "app_user", "definition_version"):
        op.drop_table(table)
