"""Report indexes for a year over 100,000 cases: the decided index leads with (day, disposition,
denial basis) so the decided counts and dispositions are one pass grouped in index order, and
ix_report_fact_late reads only the late cases of a period for the late list. ix_report_fact_due goes:
the overdue dashboard now reads the stored ra_case.next_due (engine.overdue).

Revision ID: 0014
Revises: 0009
"""

from alembic import op

revision = "0014"
down_revision = "0013"  # re-chained at the merge (was 0009)
branch_labels = None
depends_on = None

OLD_DECIDED = ["jurisdiction", "decided_on", "timely", "expedited", "days_to_process", "disposition", "denial_basis",
               "received_on", "path", "outcome", "committee_finding"]
NEW_DECIDED = ["jurisdiction", "decided_on", "disposition", "denial_basis", "timely", "expedited", "days_to_process",
               "path", "outcome", "committee_finding", "received_on"]


def upgrade():
    op.drop_index("ix_report_fact_decided", table_name="report_fact")
    op.create_index("ix_report_fact_decided", "report_fact", NEW_DECIDED)
    op.create_index("ix_report_fact_late", "report_fact", ["jurisdiction", "timely", "decided_on", "days_over",
                                                          "delay_notice_sent", "days_to_process", "late_step"])
    op.drop_index("ix_report_fact_due", table_name="report_fact")


def downgrade():
    op.create_index("ix_report_fact_due", "report_fact", ["jurisdiction", "state", "due_on"])
    op.drop_index("ix_report_fact_late", table_name="report_fact")
    op.drop_index("ix_report_fact_decided", table_name="report_fact")
    op.create_index("ix_report_fact_decided", "report_fact", OLD_DECIDED)
