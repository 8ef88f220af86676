"""Navy mail: 1-4 late forwarding escalates to the RA Coordinator and the Director EEO by mail, the
requester is told a step waits for them with its due date, and no mail carries the accommodation or
medical text (1-5: disclosing that someone has an accommodation discloses a disability)."""

from __future__ import annotations

from smtpkit import smtp_fixture  # noqa: F401 - the smtp fixture

from engine import outbox
from engine.mailer import mailer_from_env
from engine.users import add_user


def with_addresses(s):
    for role in s.config.roles:
        add_user(s.db, s.service.registry, role, [role], "navy", email=f"{role}@navy.example.mil")


def test_late_forwarding_is_mailed_to_the_coordinator_and_the_director_eeo(navy, smtp):
    """Navy manual 1-4: not forwarded within 2 business days (Fri 16 Jan 2026 + 2 over MLK Day = Wed 21st)."""
    s = navy
    with_addresses(s)
    s.request(how="supervisor")
    outbox.deliver_due(s.db, mailer_from_env())
    forward = [m for m in smtp.to("supervisor@navy.example.mil") if "Forward the request" in m["Subject"]]
    assert len(forward) == 1 and "Due: Wed 21 Jan 2026" in smtp.text(forward[0])
    smtp.messages.clear()

    s.at("2026-01-22T01:00")  # Thursday 01:00 in New York: the boundary timer fires
    assert s.fire() == 1
    outbox.deliver_due(s.db, mailer_from_env())
    escalations = {m["To"]: m["Subject"] for m in smtp.messages if m["Subject"].startswith("Overdue:")}
    assert escalations == {
        "coordinator@navy.example.mil": f"Overdue: Overdue forwarding notice (1-4) (case {s.case_id})",
        "deeo@navy.example.mil": f"Overdue: Review the late forwarding (1-4) (case {s.case_id})",
    }


def test_the_requester_is_told_what_waits_for_them_and_no_mail_names_the_accommodation(navy, smtp):
    s = navy
    with_addresses(s)
    s.request(how="supervisor", accommodation_requested="Screen reader software for low vision")
    s.forward()
    outbox.deliver_due(s.db, mailer_from_env())
    mine = smtp.to("requester@navy.example.mil")
    confirm = [m for m in mine if m["Subject"].startswith("Your request needs something from you")]
    assert len(confirm) == 1
    assert s.task("requester", "task_confirm_requester").id in smtp.text(confirm[0])
    s.confirm()
    s.withdraw(reason="Found another way; my low vision is managed")
    outbox.deliver_due(s.db, mailer_from_env())
    assert "Your request was withdrawn" in [m["Subject"] for m in smtp.to("requester@navy.example.mil")]
    assert smtp.messages
    for m in smtp.messages:
        text = (m["Subject"] + smtp.text(m)).lower()
        assert "screen reader" not in text and "low vision" not in text


def test_the_requester_is_mailed_when_a_letter_is_issued_to_them(navy, smtp):
    """Navy manual 1-7, Attachment 4: the written confirmation of a withdrawal is issued; the requester is told
    by mail, with the letter's title and a link to the case, never the letter's text."""
    s = navy
    with_addresses(s)
    s.intake(accommodation_requested="Screen reader software for low vision")
    s.day(4)  # Tuesday 2026-01-20
    s.withdraw(reason="No longer needed")
    outbox.deliver_due(s.db, mailer_from_env())
    smtp.messages.clear()
    s.do("coordinator", "task_withdrawal_letter", withdrawal_date=s.date(4), withdrawal_mode="written",
         withdrawal_letter_date=s.today())
    outbox.deliver_due(s.db, mailer_from_env())
    issued = [m for m in smtp.to("requester@navy.example.mil")
              if m["Subject"] == "A letter about your request was issued"]
    assert len(issued) == 1
    text = smtp.text(issued[0])
    assert "Confirmation of Withdrawal of Reasonable Accommodation Request" in text
    assert f"/cases/{s.case_id}" in text and "screen reader" not in text.lower()
    assert [m for m in smtp.messages if m["Subject"].startswith("A letter")] == issued  # to the requester only


def test_a_medical_letter_is_announced_without_its_title(navy, smtp):
    """Navy manual 2-7: the request for medical documentation is a medical letter; its mail names no title."""
    s = navy
    with_addresses(s)
    s.intake()
    s.interactive(medical=True)
    outbox.deliver_due(s.db, mailer_from_env())
    smtp.messages.clear()
    s.day(5)
    s.request_medical()
    outbox.deliver_due(s.db, mailer_from_env())
    issued = [m for m in smtp.to("requester@navy.example.mil") if m["Subject"].startswith("A letter")]
    assert len(issued) == 1 and "was issued to you: A letter about your request." in smtp.text(issued[0])
    assert "medical" not in smtp.text(issued[0]).lower()


def test_the_coordinator_assigns_a_supervisor_step_and_never_a_requester_step(navy, smtp):
    """Navy 1-4: the RA Coordinator hands the forwarding to a named supervisor, who is mailed; the
    requester's own confirmation step (1-3) is theirs and cannot be assigned to anyone."""
    import pytest

    from engine.assignment import assign
    from engine.errors import ValidationFailed

    s = navy
    with_addresses(s)
    other = s.user("supervisor2", ["supervisor"])
    add_user(s.db, s.service.registry, other, ["supervisor"], "navy", email="sup2@navy.example.mil")
    s.request(how="supervisor")
    forward = s.task("supervisor", "task_forward")
    outbox.deliver_due(s.db, mailer_from_env())
    smtp.messages.clear()
    assign(s.service, forward.id, "coordinator", other)
    outbox.deliver_due(s.db, mailer_from_env())
    assert [m["Subject"] for m in smtp.to("sup2@navy.example.mil")] == \
        [f"A step was assigned to you: {forward.title}"]
    assign(s.service, forward.id, "coordinator", "supervisor")  # and back, so the usual supervisor forwards
    s.forward()
    confirm = s.task("requester", "task_confirm_requester")
    with pytest.raises(ValidationFailed) as err:
        assign(s.service, confirm.id, "coordinator", "supervisor")
    assert "requester's own" in err.value.errors["assignee"]


def test_the_requesters_own_step_due_soon_is_in_their_daily_digest(navy, smtp):
    """Navy 1-3: the confirmation on SECNAV 12306/1 waits for the requester; two days before it is due the
    7:00 digest (New York) lists it for them."""
    from datetime import timedelta

    from engine import notify

    s = navy
    with_addresses(s)
    s.request(how="supervisor")
    s.forward()
    confirm = s.task("requester", "task_confirm_requester")
    last = notify.last_day(s.config, confirm.due_at)
    s.at(f"{last - timedelta(days=2)}T07:00")
    outbox.deliver_due(s.db, mailer_from_env())
    smtp.messages.clear()
    outbox.run_digests(s.db, s.service.registry)
    outbox.deliver_due(s.db, mailer_from_env())
    digest = [m for m in smtp.to("requester@navy.example.mil") if m["Subject"].startswith("Your steps due soon")]
    assert len(digest) == 1 and f"due {notify.fmt_day(last)}" in smtp.text(digest[0])
    assert confirm.title in smtp.text(digest[0])
