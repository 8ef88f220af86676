"""The tables of reports: one fact row per case (see report_facts) and the export audit log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .store import Base, UTCDateTime


class ReportFact(Base):
    __tablename__ = "report_fact"
    case_id: Mapped[int] = mapped_column(ForeignKey("ra_case.id", ondelete="CASCADE"), primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # pending | decided | withdrawn
    received_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    expedited: Mapped[bool] = mapped_column(Boolean, default=False)
    days_to_process: Mapped[int | None] = mapped_column(Integer)
    timely: Mapped[bool | None] = mapped_column(Boolean)
    days_over: Mapped[int | None] = mapped_column(Integer)
    late_step: Mapped[str | None] = mapped_column(String(256))
    delay_notice_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    disposition: Mapped[str | None] = mapped_column(String(64))
    denial_basis: Mapped[str | None] = mapped_column(String(64))
    accommodation_type: Mapped[str | None] = mapped_column(String(256))
    purpose: Mapped[str | None] = mapped_column(String(64))
    requester_type: Mapped[str | None] = mapped_column(String(32))
    component: Mapped[str | None] = mapped_column(String(256))
    path: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(64))
    referred_to_committee: Mapped[bool] = mapped_column(Boolean, default=False)
    committee_finding: Mapped[str | None] = mapped_column(String(64))

    # Covering indexes: each count of a report reads one index range, never the wide rows.
    __table_args__ = (
        Index("ix_report_fact_received", "jurisdiction", "received_on"),
        # (day, disposition, basis) lead after the date so the decided counts group in index order
        Index("ix_report_fact_decided", "jurisdiction", "decided_on", "disposition", "denial_basis", "timely",
              "expedited", "days_to_process", "path", "outcome", "committee_finding", "received_on"),
        Index("ix_report_fact_late", "jurisdiction", "timely", "decided_on", "days_over",
              "delay_notice_sent", "days_to_process", "late_step"),  # the late list
        Index("ix_report_fact_withdrawn", "jurisdiction", "withdrawn_on", "received_on"),
        Index("ix_report_fact_state", "jurisdiction", "state", "received_on"),
    )


class ExportRecord(Base):
    """Who exported which jurisdiction's case data, for what period, in what format (the audit log)."""

    __tablename__ = "export_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(128), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    format: Mapped[str] = mapped_column(String(8))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON)
