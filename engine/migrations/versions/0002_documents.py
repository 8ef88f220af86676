"""Case documents (Navy 1-4): metadata rows; the files themselves live outside the web root.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from engine.store import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("ra_case.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("doc_type", sa.String(64), nullable=False),
        sa.Column("medical", sa.Boolean, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(128), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_name", sa.String(128), nullable=False, unique=True),
        sa.Column("uploaded_by", sa.String(128), nullable=False),
        sa.Column("uploaded_at", UTCDateTime, nullable=False),
    )


def downgrade():
    op.drop_table("document")
