"""Santa Cruz County steps shared by the scenarios: each step completes the real task with a valid form,
as the role the county manual (Personnel Administrative Manual II.13.A) gives it.

Day 0 is the frozen clock's Friday 2026-01-16, 07:00 in Santa Cruz (America/Los_Angeles): the Friday
before Martin Luther King Jr. Day (Monday 2026-01-19), a California and County holiday. A deadline is the
end of its due day, Pacific time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

REQUEST = dict(requester_name="Alex Rivera", position_class="Senior Account Clerk", department="Public Works",
               accommodation_requested="Sit-stand workstation and no lifting over 20 lb",
               requester_preference="Sit-stand workstation")

# Procedures II and III run the same steps with their own prefix and the role that coordinates them; the undue
# hardship evaluation and the department's decision are one called process both share (sc_department_decision, "dep_").
PATHS = {"industrial": ("ind", "wc_manager"), "non_industrial": ("non", "eeo"), "contested": ("non", "eeo")}


class SantaCruz:
    """A Santa Cruz County case driven step by step through the deployed diagrams."""

    REQUEST = REQUEST

    def __init__(self, s):
        self.s = s
        self.path: str | None = None

    def __getattr__(self, name):
        return getattr(self.s, name)

    def do(self, user: str, which: str, **data) -> None:
        """Complete a task; a field given as None is left out (to try a form without it)."""
        self.s.do(user, which, **{k: v for k, v in data.items() if v is not None})

    @property
    def prefix(self) -> str:
        return PATHS[self.path][0]

    @property
    def coordinator(self) -> str:
        """Who runs Procedure II (WC Program Manager) or III (EEO staff)."""
        return PATHS[self.path][1]

    # -- main process: request, intake, rights notice -----------------------------------------------
    def request(self, requester_type="employee", **extra) -> int:
        """The applicant or employee asks (Policy II.5: their preference is recorded). Returns the case id."""
        self.s.start("sc_ra_intake")
        self.do("requester", "submit_request", **{**REQUEST, "requester_type": requester_type,
                                                    "request_date": self.s.today(), **extra})
        return self.s.case_id

    def triage(self, path: str):
        self.path = path
        claim = {"wc_claim_number": "WC-2026-0117"} if path in ("industrial", "contested") else {}
        self.do("ada_coordinator", "intake_triage", path=path, intake_date=self.s.today(), **claim)

    def rights_notice(self):
        """§ 11068(f), (k): accommodation is voluntary; refusing it or asking for it is never retaliated against."""
        self.do("ada_coordinator", "send_rights_notice", rights_notice_date=self.s.today(),
                  rights_notice_method="email", rights_notice_no_forced_accommodation=True,
                  rights_notice_no_retaliation=True, rights_notice_essential_functions=True)

    def wc_consultation(self):
        """Procedure III: a contested workers' compensation claim, the WC Program Manager consulted."""
        self.do("wc_manager", "wc_consultation", wc_claim_status="contested", wc_job_analysis_available="yes",
                  wc_consultation_date=self.s.today(), wc_consultation_notes="Claim denied pending QME report")

    def intake(self, path: str, **request):
        """Request, triage to a procedure, rights notice (and the WC consultation for a contested claim)."""
        self.request(requester_type="applicant" if path == "applicant" else "employee", **request)
        self.triage(path)
        self.rights_notice()
        if path == "contested":
            self.wc_consultation()

    # -- Procedure I: applicants and new hires --------------------------------------------------------
    def applicant_job_analysis(self):
        self.do("ada_coordinator", "app_provide_job_analysis", job_class="Senior Account Clerk",
                  essential_functions="Process invoices; reconcile accounts", job_analysis_date=self.s.today(),
                  physical_requirements_matrix="Sitting up to 6 hours; lifting files up to 25 lb")

    def ohp_exam(self):
        self.do("ohp", "app_ohp_exam", exam_date=self.s.today(), accommodation_required="yes",
                  pre_existing_condition="(medical)", medical_restrictions="No lifting over 20 lb",
                  ohp_findings="(medical)")

    def applicant_review(self):
        """I.2 qualification with the OHP, I.3 ADA Coordinator and department, I.4 meeting with the applicant."""
        self.do("ada_coordinator", "app_qualification_discussion", qualified_individual="yes",
                  discussion_date=self.s.today(), restrictions_for_department="No lifting over 20 lb")
        self.do("ada_coordinator", "app_ada_department_discussion", department_contact="Dana Department",
                  possible_accommodations="Lift assist; reassign file boxes", discussion_date=self.s.today())
        self.do("department", "app_applicant_meeting", meeting_date=self.s.today(),
                  options_raised="Sit-stand workstation; lift assist", requester_preference="Sit-stand workstation")

    def applicant_evaluation(self, outcome: str, **extra):
        fields = dict(reasonableness_analysis="Effective, reliable, timely", requester_preference="Sit-stand",
                      preference_given="preference_chosen", outcome=outcome, decision_date=self.s.today())
        if outcome == "accommodated":
            fields["accommodation_provided"] = "Sit-stand workstation"
        fields.update(extra)
        self.do("department", "app_weigh_reasonableness", **fields)

    def applicant_to_evaluation(self):
        self.intake("applicant")
        self.applicant_job_analysis()
        self.ohp_exam()
        self.applicant_review()

    # -- Procedures II and III ------------------------------------------------------------------------
    def per1100a(self):
        self.do("requester", f"{self.prefix}_complete_per1100a", **REQUEST, per1100a_date=self.s.today(),
                  condition_and_limitations="(medical)", representative="SEIU 521 steward")

    def notify_eeo(self):
        """III: the department tells the EEO Office (policy: within one business day)."""
        self.do("department", "non_notify_eeo", eeo_notified_date=self.s.today(), eeo_contact="Eve EEO",
                  per1100a_forwarded=True)

    def qpwd(self, result="qualified"):
        """III.1: EEO staff (with the WC Program Manager on a contested claim) decide whether qualified."""
        yes = "yes" if result == "qualified" else "no"
        self.do("eeo", "non_qpwd_determination", has_disability="yes", has_required_qualifications="yes",
                  can_perform_essential_functions=yes, no_direct_threat="yes", qpwd_basis="(medical)",
                  wc_pm_consulted=self.path == "contested", qpwd_result=result, qpwd_date=self.s.today())

    def job_analysis(self):
        """II.1 (WC Program Manager) / III.2 (EEO staff)."""
        self.do(self.coordinator, f"{self.prefix}_job_analysis", job_class="Senior Account Clerk",
                job_analysis_date=self.s.today(),
                essential_functions="Process invoices; reconcile accounts; carry files up to 25 lb")

    def medical_evaluation(self):
        """II.2 / III.3: clear as to the nature and extent of any disability and resulting limitations."""
        self.do(self.coordinator, f"{self.prefix}_medical_evaluation", evaluation_date=self.s.today(),
                evaluator="(medical)", nature_and_extent="(medical)", resulting_limitations="(medical)",
                evaluation_is_clear=True)

    def coordinate(self):
        """II.3 / III.4: with the OHP (and ADA Coordinator) and the department."""
        self.do(self.coordinator, f"{self.prefix}_coordinate", coordination_date=self.s.today(),
                work_restrictions="No lifting over 20 lb",
                potential_options="Lift assist; sit-stand workstation; same class in Finance")

    def per1100b(self):
        self.do("department", f"{self.prefix}_per1100b", per1100b_date=self.s.today(),
                department_responder="Dana Department", essential_functions_confirmed="Yes",
                department_options="Lift assist")

    def industrial_qpwd(self, result="qualified"):
        """II (intro): an industrial injury does not automatically qualify: the WC Program Manager determines it."""
        yes = "yes" if result == "qualified" else "no"
        self.do("wc_manager", "ind_qpwd_determination", has_disability=yes, has_required_qualifications="yes",
                can_perform_essential_functions="yes", no_direct_threat="yes", qpwd_basis="(medical)",
                qpwd_result=result, qpwd_date=self.s.today())

    def evaluation(self):
        """II.1-II.3 / III.2-III.4: job analysis, medical evaluation, (II: qualified?), coordination, PER1100B."""
        self.job_analysis()
        self.medical_evaluation()
        if self.prefix == "ind":
            self.industrial_qpwd("qualified")
        self.coordinate()
        self.per1100b()

    def meeting(self, temporary_assignment="not_offered", **extra):
        """II.4 / III.5: the department meets the employee; § 11068(d)(3) temporary assignment."""
        fields = dict(meeting_date=self.s.today(), options_raised="Sit-stand workstation; lift assist; leave",
                      requester_preference="Sit-stand workstation", temporary_assignment=temporary_assignment)
        if temporary_assignment != "not_offered":
            fields["temporary_assignment_description"] = "Front counter, no lifting"
        if temporary_assignment == "offered_accepted":
            fields["temporary_assignment_start"] = self.s.today()
        fields.update(extra)
        self.do("department", f"{self.prefix}_interactive_meeting", **fields)

    def options(self, same_class_result="current_position", **extra):
        """II.5 / III.6 current position or same class in the department (Policy II, § 11068(e))."""
        fields = dict(considered_job_restructuring=True, considered_modified_schedule=True,
                      considered_auxiliary_aid=True, considered_leave=True, considered_reassignment=True,
                      options_assessment="Sit-stand workstation removes the barrier",
                      preference_given="preference_chosen", requester_preference="Sit-stand workstation",
                      same_class_result=same_class_result)
        if same_class_result != "not_possible":
            fields.update(chosen_accommodation_type="auxiliary_aid", accommodation_proposed="Sit-stand workstation")
        fields.update(extra)
        self.do(self.coordinator, f"{self.prefix}_options_same_class", **fields)

    def lower_class(self, result="lower_class_department", **extra):
        """II.5 / III.6 an equivalent or lower class in the department (§ 11068(d)(2): lower only if no comparable)."""
        fields = dict(vacancies_reviewed="Account Clerk II (vacant, Public Works)", lower_class_result=result)
        if result != "not_possible":
            fields.update(placement_position="Account Clerk II", accommodation_proposed="Sit-stand workstation")
        if result == "lower_class_department":
            fields["no_comparable_vacancy_reason"] = "No vacant Senior Account Clerk or equivalent position"
        fields.update(extra)
        self.do(self.coordinator, f"{self.prefix}_options_lower_class", **fields)

    def undue_hardship(self, hardship=False):
        """Policy III: the chosen accommodation is weighed for undue hardship with the four factors of III.2."""
        self.do("department", "dep_undue_hardship", chosen_accommodation="Sit-stand workstation",
                factor_nature_cost="$650, no outside funding", factor_county_resources="Department budget covers it",
                factor_individual_offset="Not asked", factor_mou="SEIU 521 MOU: no conflict",
                undue_hardship_conclusion="undue_hardship" if hardship else "no_undue_hardship")

    def department_decision(self, can=True, **extra):
        if self.s.has("department", "dep_undue_hardship"):
            self.undue_hardship()
        fields = dict(department_can_accommodate="yes" if can else "no", decision_date=self.s.today())
        if can:
            fields["accommodation_provided"] = "Sit-stand workstation"
        else:
            fields["cannot_accommodate_reason"] = "No vacancy the employee can perform, even with accommodation"
        fields.update(extra)
        self.do("department", "dep_department_decision", **fields)

    def confirm_accommodation(self):
        self.do("department", "dep_confirm_accommodation", accommodation_provided="Sit-stand workstation",
                  accommodation_start_date=self.s.today(), accommodation_confirmed_in_writing=True,
                  accommodation_cost=650)

    def employee_to_options(self, path: str, **meeting):
        """Intake to the options step of Procedure II or III (qualified)."""
        self.intake(path)
        self.per1100a()
        if self.prefix == "non":
            self.notify_eeo()
            self.qpwd("qualified")
        self.evaluation()
        self.meeting(**meeting)

    def refer_to_committee(self, path="industrial"):
        """Procedure II or III to "the department reports that it cannot accommodate" (II.6, III.7)."""
        self.employee_to_options(path)
        self.options("not_possible")
        self.lower_class("not_possible")
        self.department_decision(can=False)

    # -- Procedure IV: the Reasonable Accommodation Committee -----------------------------------------
    def committee_review(self, concurs=True):
        fields = dict(review_date=self.s.today(), members_present="ADA Coord., OSH PM, ER PM, ES PM, Counsel, "
                      "WC PM, OHP", commission_on_disabilities_consulted=True,
                      facts_considered="PER1100A/B, job analysis, medical evaluation, options considered",
                      committee_concurs="concurs" if concurs else "does_not_concur", members_present_count=7,
                      members_concurring=7 if concurs else 2, members_not_concurring=0 if concurs else 5,
                      member_views="ADA Coord.: concur; OSH PM: concur; ER PM: concur; ES PM: concur; Counsel: concur; "
                      "WC PM: concur; OHP: concur" if concurs else "Five members see a lift assist as untried")
        if not concurs:
            fields["return_direction"] = "Reconsider a lift assist in the current position"
        self.do("committee", "com_committee_review", **fields)
        if not concurs:  # IV.2, IV.3: the EEO Officer is consulted and the department and employee notified
            self.eeo_officer("proceed")
            self.committee_notice()

    def placement_search(self):
        """§ 11068(d)(5): vacant positions searched with preferential consideration before the finding."""
        self.do("ada_coordinator", "com_placement_search", positions_considered="Account Clerk II, Health Services",
                preferential_consideration="given", search_date=self.s.today())

    def committee_finding(self, finding: str, **extra):
        if self.s.has("ada_coordinator", "com_placement_search"):
            self.placement_search()
        lower = finding in ("vacant_equivalent_lower_department", "vacant_equivalent_lower_county")
        extra.setdefault("comparable_vacancy", "none_exists" if lower else "not_applicable")
        fields = dict(finding=finding, finding_details="After reviewing all the facts",
                      requester_preference="Sit-stand workstation", preference_given="preference_chosen")
        if finding == "current_position":
            fields["accommodation_provided"] = "Sit-stand workstation and lift assist"
        elif finding != "no_accommodation":
            fields.update(placement_position="Account Clerk II", placement_department="Health Services",
                          accommodation_provided="Placement with a sit-stand workstation")
        else:
            fields.update(preference_given="no_effective_option",
                          reason_preference_not_chosen="No vacancy the employee can perform, even with accommodation")
        fields.update(extra)
        self.do("committee", "com_findings", **fields)

    def eeo_officer(self, advice="proceed"):
        extra = {"eeo_officer_comments": "Consider County-wide vacancies first"} if advice == "reconsider" else {}
        self.do("eeo_officer", "com_eeo_officer_consultation", consultation_date=self.s.today(),
                  eeo_officer_advice=advice, **extra)

    def committee_notice(self):
        self.do("committee", "com_notify", committee_notice_date=self.s.today(), department_notified=True,
                  employee_notified=True, complaint_rights_given=True,
                  committee_notice_text="The committee found a placement that meets your restrictions.")

    def committee(self, finding: str):
        """IV.1-IV.3: review, concur, finding, EEO Officer consultation, notice to department and employee."""
        self.committee_review(concurs=True)
        self.committee_finding(finding)
        self.eeo_officer("proceed")
        self.committee_notice()

    def return_to_department(self):
        self.do("ada_coordinator", "com_return_to_department", return_date=self.s.today(),
                  department_contact="Dana Department", return_summary="Committee asks for a lift assist trial")

    def reexamine(self, can=True):
        fields = dict(reexamination_date=self.s.today(), options_assessment="Lift assist trial",
                      requester_preference="Sit-stand workstation", preference_given="preference_chosen")
        if can:
            fields.update(department_reexamination_result="can_accommodate", chosen_accommodation_type="auxiliary_aid",
                          accommodation_provided="Lift assist and sit-stand workstation")
        else:
            fields.update(department_reexamination_result="cannot_accommodate",
                          cannot_accommodate_reason="Lift assist does not remove the barrier")
        self.do("department", "com_department_reexamination", **fields)

    # -- case events ----------------------------------------------------------------------------------
    def complain(self, actor="requester", summary="My request is taking too long"):
        """Procedure V: an ADA complaint under Personnel Regulation 193."""
        self.s.service.send_event(self.s.case_id, "ada_complaint", actor, {"complaint": summary})

    def log_complaint(self):
        self.do("eeo", "log_ada_complaint", complaint_received_date=self.s.today(), complaint_summary="Delay",
                  complaint_about_this_request="yes", complaint_handler="Eve EEO", complaint_acknowledged=True)

    def confirm_withdrawal(self):
        self.do("ada_coordinator", "confirm_withdrawal", withdrawal_date=self.s.today(),
                  withdrawal_confirmation_sent=True)

    def use(self, case_id: int, path: str | None = None) -> SantaCruz:
        """Drive another case of the same scenario from here on."""
        self.s.case_id = case_id
        self.path = path or self.path
        return self

    # -- reading --------------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return self.s.case()["status"]

    @property
    def outcome(self) -> str | None:
        return self.s.summary["outcome"]


@pytest.fixture
def sc(scenario):
    """processes/santa_cruz deployed on a fresh SQLite file at the frozen clock, one user per role."""
    return SantaCruz(scenario("santa_cruz"))


@pytest.fixture
def santa_cruz(scenario):
    """Factory: santa_cruz(folder) deploys another copy of the Santa Cruz folder (e.g. santa_cruz_copy)."""
    return lambda folder=None: SantaCruz(scenario("santa_cruz", folder))


@pytest.fixture
def santa_cruz_copy(tmp_path):
    """A writable copy of processes/santa_cruz and forms/santa_cruz with the same relative layout."""
    target = tmp_path / "processes" / "santa_cruz"
    shutil.copytree(ROOT / "processes" / "santa_cruz", target)
    shutil.copytree(ROOT / "forms" / "santa_cruz", tmp_path / "forms" / "santa_cruz")
    return target
