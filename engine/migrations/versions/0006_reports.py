"""Reports: one fact row per case (report_fact) and the export audit log (export_record).

Existing cases get their fact rows from their stored summaries (no workflow is deserialized);
see engine.report_facts.backfill.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from engine.store import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_fact",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("ra_case.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("jurisdiction", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("received_on", sa.Date),
        sa.Column("decided_on", sa.Date),
        sa.Column("withdrawn_on", sa.Date),
        sa.Column("due_on", sa.Date),
        sa.Column("held", sa.Boolean, nullable=False),
        sa.Column("expedited", sa.Boolean, nullable=False),
        sa.Column("days_to_process", sa.Integer),
        sa.Column("timely", sa.Boolean),
        sa.Column("days_over", sa.Integer),
        sa.Column("late_step", sa.String(256)),
        sa.Column("delay_notice_sent", sa.Boolean, nullable=False),
        sa.Column("disposition", sa.String(64)),
        sa.Column("denial_basis", sa.String(64)),
        sa.Column("accommodation_type", sa.String(256)),
        sa.Column("purpose", sa.String(64)),
        sa.Column("requester_type", sa.String(32)),
        sa.Column("component", sa.String(256)),
        sa.Column("path", sa.String(64)),
        sa.Column("outcome", sa.String(64)),
        sa.Column("referred_to_committee", sa.Boolean, nullable=False),
        sa.Column("committee_finding", sa.String(64)),
    )
    op.create_index("ix_report_fact_received", "report_fact", ["jurisdiction", "received_on"])
    op.create_index("ix_report_fact_decided", "report_fact", ["jurisdiction", "decided_on", "timely", "expedited",
                                                              "days_to_process", "disposition", "denial_basis",
                                                              "received_on", "path", "outcome", "committee_finding"])
    op.create_index("ix_report_fact_withdrawn", "report_fact", ["jurisdiction", "withdrawn_on", "received_on"])
    op.create_index("ix_report_fact_state", "report_fact", ["jurisdiction", "state", "received_on"])
    op.create_index("ix_report_fact_due", "report_fact", ["jurisdiction", "state", "due_on"])
    op.create_table(
        "export_record",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False, index=True),
        sa.Column("jurisdiction", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("period_from", sa.Date, nullable=False),
        sa.Column("period_to", sa.Date, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    from engine.report_facts import backfill

    backfill(op.get_bind())


def downgrade():
    op.drop_table("export_record")
    op.drop_table("report_fact")
