"""Issued letters (issue 11): one immutable row per letter version, HTML and PDF kept in the row.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from engine.store import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letter",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("ra_case.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("letter_date", sa.String(10), nullable=False),
        sa.Column("dates", sa.JSON, nullable=False),
        sa.Column("medical", sa.Boolean, nullable=False),
        sa.Column("task_id", sa.String(36)),
        sa.Column("spec_id", sa.String(128), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("issued_by", sa.String(128), nullable=False),
        sa.Column("issued_at", UTCDateTime, nullable=False),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("supersedes_id", sa.Integer),
        sa.Column("superseded_by", sa.Integer),
    )


def downgrade():
    op.drop_table("letter")
