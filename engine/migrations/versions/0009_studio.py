"""Policy studio: drafts (never live) and publication notes.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from engine.store import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "studio_draft",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("jurisdiction", sa.String(64), nullable=False, unique=True),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("base_version_id", sa.Integer, sa.ForeignKey("definition_version.id")),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "studio_publication",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("definition_version.id"), nullable=False, unique=True),
        sa.Column("published_by", sa.String(128), nullable=False),
        sa.Column("published_at", UTCDateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )


def downgrade():
    op.drop_table("studio_publication")
    op.drop_table("studio_draft")
