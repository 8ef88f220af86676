"""Navy steps shared by the scenarios: the usual form values of each step, by the role that works it.

Day 0 is the frozen clock's Friday 2026-01-16 (10:00 in New York), the Friday before Martin Luther
King Jr. Day (Monday 2026-01-19, a federal holiday).
"""

from __future__ import annotations

import pytest


class Navy:
    """A Navy case driven step by step; every step completes the real task with a valid form."""

    def __init__(self, s):
        self.s = s

    def __getattr__(self, name):
        return getattr(self.s, name)

    # -- 1-3, 1-4 ----------------------------------------------------------------------------
    def request(self, how="supervisor", who="requester", requester_type="employee", request_day=0, **extra):
        """The requester asks; the receiving official records the request (1-3). Returns the case id."""
        self.s.start("navy_ra")
        fields = dict(requester_name="Pat Doe", requester_type=requester_type, how_received=how,
                      received_by_name="Sam Supervisor", request_mode="oral", request_date=self.s.date(request_day),
                      accommodation_requested="Screen reader software", written_confirmation=who, expedited=False)
        fields.update(extra)
        self.s.do("supervisor", "task_record_request", **fields)
        return self.s.case_id

    def forward(self, on_day=None):
        day = self.s.today() if on_day is None else self.s.date(on_day)
        self.s.do("supervisor", "task_forward", forwarded_date=day, coordinator_name="Casey Coordinator")

    def confirm(self):
        """The requester confirms on SECNAV 12306/1 (1-3)."""
        self.s.do("requester", "task_confirm_requester", requester_confirmation="confirmed",
                  requester_name="Pat Doe", job_title="IT Specialist", job_series="2210", grade="GS-12",
                  component="NAVSEA", request_date=self.s.date(0), how_received="supervisor",
                  accommodation_requested="Screen reader software", purpose="perform_essential_functions",
                  signature_date=self.s.today())

    def document_for_requester(self, who="coordinator"):
        self.s.do(who, "task_document_official", requester_name="Pat Doe", job_series="2210", grade="GS-12",
                  component="NAVSEA", request_date=self.s.date(0), accommodation_requested="Screen reader software",
                  purpose="perform_essential_functions", documented_by_name="Casey Coordinator",
                  documented_by_role="coordinator", documented_date=self.s.today(),
                  reason_not_completed="Requester asked the coordinator to complete it")

    def intake(self, how="supervisor", requester_type="employee", **extra):
        """Request, forwarding (unless received by the coordinator) and the requester's confirmation."""
        self.request(how=how, requester_type=requester_type, **extra)
        if how != "coordinator":
            self.forward()
        self.confirm()

    # -- 2-5, 2-6, 2-7 -----------------------------------------------------------------------
    def essential_functions(self):
        self.s.do("supervisor", "task_essential_functions", position_title="IT Specialist", job_series="2210",
                  grade="GS-12", essential_functions="Administer networks; read system logs",
                  essential_functions_date=self.s.today())

    def no_interim(self):
        self.s.do("supervisor", "task_interim", interim_decision="not_possible",
                  interim_not_possible_reason="No equivalent software available in the interim")

    def medical_needed(self, needed: bool):
        if needed:
            self.s.do("coordinator", "task_medical_need", medical_documentation_needed="yes",
                      medical_need_basis="not_obvious")
        else:
            self.s.do("coordinator", "task_medical_need", medical_documentation_needed="no",
                      medical_need_basis="obvious_or_on_file")

    def interactive(self, medical=False):
        """2-5 essential functions, 2-6 no interim accommodation, 2-7 medical documentation needed or not."""
        self.essential_functions()
        self.no_interim()
        self.medical_needed(medical)

    def request_medical(self):
        self.s.do("coordinator", "task_medical_request", documentation_requested="Functional limitations",
                  release_authorization_included=True, questions_included=True,
                  medical_request_letter_sent_by="coordinator")

    def documents_received(self, received_on=None):
        self.s.do("coordinator", "task_docs_received", medical_response="received",
                  documents_received_date=received_on or self.s.today(), provider_name="Dr. Lee",
                  diagnosis="(medical)", functional_limitations="(medical)")

    def sufficient(self, ok=True):
        answer = "yes" if ok else "no"
        self.s.do("coordinator", "task_sufficiency", substantiates_disability="yes", identifies_limitations=answer,
                  establishes_need="yes", medical_sufficient="sufficient" if ok else "insufficient")

    # -- 3-2, 4-1 ----------------------------------------------------------------------------
    def qiwd(self, answers=("yes", "yes", "yes", "yes")):
        a, b, c, d = answers
        self.s.do("coordinator", "task_qiwd", has_impairment=a, substantially_limits=b, meets_job_requirements=c,
                  can_perform_essential_functions=d, qiwd_analysis_date=self.s.today())

    def approve(self, provided="Screen reader software", alternative=False):
        extra = {"alternative_explanation": "Equally effective for reading logs"} if alternative else {}
        self.s.do("supervisor", "task_decision", decision="approve_alternative" if alternative else "approve",
                  deciding_official="Sam Supervisor", accommodation_provided=provided,
                  approval_letter_date=self.s.today(), estimated_cost=1200, **extra)

    def implement(self, cost=1150):
        self.s.do("supervisor", "task_implement", implemented_date=self.s.today(), cost=cost,
                  funding_source="Command RA fund")

    def cannot_accommodate(self):
        self.s.do("supervisor", "task_decision", decision="cannot_accommodate", deciding_official="Sam Supervisor",
                  cannot_accommodate_reason="Lifting 50 lb is an essential function")

    # -- 4-7, 5 ------------------------------------------------------------------------------
    def analysis(self, basis="undue_hardship"):
        extra = {"undue_hardship": {"undue_hardship_analysis": "Attachment 12 worksheet"},
                 "direct_threat": {"direct_threat_analysis": "Attachment 13 worksheet"}}.get(basis, {})
        self.s.do("coordinator", "task_analysis", analysis_basis=basis,
                  options_considered="Lift assist, job restructuring (Attachment 14)",
                  analysis_date=self.s.today(), **extra)

    def ogc_analysis(self, ok=True):
        self.s.do("ogc", "task_ogc_analysis_review", ogc_analysis_review="sufficient" if ok else "insufficient",
                  ogc_reviewer="Oakley General Counsel", ogc_review_date=self.s.today())

    def deeo_review(self, ok=True):
        self.s.do("deeo", "task_deeo_review", sufficiency_review="sufficient" if ok else "insufficient",
                  reviewer_name="Dana Director EEO", options_considered_documented=ok, ogc_review_included=True,
                  sufficiency_memo_date=self.s.today())

    def offer(self, received_on=None):
        self.s.do("supervisor", "task_offer", offer_letter_date=self.s.today(),
                  offer_received_date=received_on or self.s.today(), retirement_options_explained=True)

    def elections(self, accept=True):
        if accept:
            self.s.do("requester", "task_elections", reassignment_election="accept", search_scope="don_wide",
                      resume_provided=True, retirement_interest="none", election_date=self.s.today())
        else:
            self.s.do("requester", "task_elections", reassignment_election="decline", election_date=self.s.today())

    def reassignment_counseling(self):
        self.s.do("hr", "task_reassignment_counseling", counseling_date=self.s.today(),
                  counseling_topics="Last resort; vacant funded positions; elected parameters")

    def preliminary_qualifications(self):
        self.s.do("hr", "task_preliminary_qualifications", qualified_position_types="0343 analyst GS-11/12",
                  qualifications_date=self.s.today())

    def hr_search(self, outcome="no_position", position=None):
        extra = {"placement_position": position} if position else {}
        self.s.do("hr", "task_hr_search", search_start_date=self.s.today(), search_end_date=self.s.today(),
                  search_summary="Internal search within the command", search_outcome=outcome, **extra)

    def job_offer(self, position):
        self.s.do("hr", "task_job_offer", job_offer_date=self.s.today(), placement_position=position)

    def accept_job_offer(self, accept=True):
        self.s.do("requester", "task_offer_acceptance", job_offer_response="accept" if accept else "decline",
                  job_offer_response_date=self.s.today())

    def placement_letter(self):
        self.s.do("supervisor", "task_placement_letter", approval_letter_date=self.s.today(),
                  deciding_official="Sam Supervisor")

    def to_cannot_accommodate(self):
        """Intake, interactive process, QIWD yes, and the supervisor finds no accommodation in the position."""
        self.intake()
        self.interactive()
        self.qiwd()
        self.cannot_accommodate()

    # -- 4-6, 7 ------------------------------------------------------------------------------
    def ogc_denial_review(self, ok=True):
        self.s.do("ogc", "task_ogc_denial_review", ogc_review="sufficient" if ok else "insufficient",
                  ogc_reviewer="Oakley General Counsel", ogc_review_date=self.s.today())

    def denial_letter(self, dated=None):
        self.s.do("supervisor", "task_denial_letter", denial_letter_date=dated or self.s.today(),
                  deciding_official="Sam Supervisor", denial_reason_statement="See the enclosed analysis",
                  redress_notice_included=True, bargaining_unit_employee=True, administrative_grievance_covered=True)


@pytest.fixture
def navy(scenario):
    return Navy(scenario("navy"))
