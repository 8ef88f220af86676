"""Issue 12: a step assigned to a person mails them (real SMTP, aiosmtpd) in the same transaction as the
assignment, at once or in their daily digest as they chose; claiming a step yourself mails nobody; only the
roles [permissions] assign allows may assign, and only to an active holder of the step's role."""

from __future__ import annotations

import pytest
from smtpkit import smtp_fixture  # noqa: F401 - the smtp fixture
from sqlalchemy import select
from support import run_cli, task_named

from engine import auth, outbox
from engine.assignment import assign
from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.mailer import mailer_from_env
from engine.outbox_store import OutboxMail
from engine.store import Event, Task
from engine.users import add_user

MEDICAL = "Chronic migraine with aura"


@pytest.fixture
def assigning(service):
    """Testland, where reviewers may assign (they stand for the coordinator); everyone has an address."""
    for name, roles in [("clara", ["clerk"]), ("cora", ["clerk", "reviewer"]), ("rita", ["reviewer"]),
                        ("rob", ["requester"])]:
        add_user(service.db, service.registry, name, roles, "testland", email=f"{name}@example.gov")
    return service


def mails(db, kind="task_assigned"):
    with db.transaction() as s:
        return list(s.execute(select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id)).scalars())


def test_an_assigned_step_is_mailed_to_the_assignee_at_once(assigning, smtp):
    case_id = assigning.start_case("testland", "tl_main", "rob", {"note": MEDICAL})
    task = task_named(assigning, "clara", "Record the decision")
    assign(assigning, task.id, "rita", "clara")
    with assigning.db.transaction() as s:
        assert s.get(Task, task.id).assignee == "clara"
        event = s.execute(select(Event).where(Event.kind == "task_assigned")).scalar()
        assert event.actor == "rita" and event.detail["assignee"] == "clara"
    outbox.deliver_due(assigning.db, mailer_from_env())
    mine = [m for m in smtp.to("clara@example.gov") if m["Subject"].startswith("A step was assigned")]
    assert [m["Subject"] for m in mine] == ["A step was assigned to you: Record the decision"]
    body = smtp.text(mine[0])
    # Friday 16 Jan 2026 + 2 business days over Martin Luther King Jr. Day (Mon 19th): Wednesday 21st.
    assert "Due: Wed 21 Jan 2026" in body and f"https://ra.example.gov/tasks/{task.id}" in body
    assert f"case {case_id}" in body and MEDICAL.lower() not in body.lower()
    assign(assigning, task.id, "rita", "cora")  # reassigned: the new assignee is told
    assign(assigning, task.id, "rita", "cora")  # the same again changes nothing and mails nothing
    assert [m.recipient for m in mails(assigning.db)] == ["clara", "cora"]


def test_an_assignee_who_chose_the_digest_gets_it_there(assigning, frozen):
    add_user(assigning.db, assigning.registry, "clara", ["clerk"], "testland", mail_digest=True)
    assigning.start_case("testland", "tl_main", "rob")
    task = task_named(assigning, "clara", "Record the decision")
    assign(assigning, task.id, "rita", "clara")
    assert [m.status for m in mails(assigning.db)] == ["digest"]


def test_claiming_a_step_yourself_mails_nobody(assigning):
    assigning.start_case("testland", "tl_main", "rob")
    task = task_named(assigning, "clara", "Record the decision")
    assigning.claim(task.id, "clara")
    assert mails(assigning.db) == []


def test_who_may_assign_and_to_whom(assigning):
    assigning.start_case("testland", "tl_main", "rob")
    task = task_named(assigning, "clara", "Record the decision")
    with pytest.raises(Forbidden):
        assign(assigning, task.id, "clara", "cora")  # a clerk may not assign
    with pytest.raises(ValidationFailed) as err:
        assign(assigning, task.id, "rita", "rob")  # not a clerk
    assert "Clerk role" in err.value.errors["assignee"]
    auth.deactivate(assigning.db, "clara")
    with pytest.raises(ValidationFailed):
        assign(assigning, task.id, "rita", "clara")  # deactivated
    with pytest.raises(NotFound):
        assign(assigning, "00000000-0000-0000-0000-000000000000", "rita", "cora")
    assert mails(assigning.db) == []


def test_cli_task_assign(assigning, capsys, smtp):
    assigning.start_case("testland", "tl_main", "rob")
    task = task_named(assigning, "clara", "Record the decision")
    url = assigning.db.url
    code, out, err = run_cli(capsys, "--database", url, "task", "assign", task.id, "rob", "--as", "rita")
    assert code == 1 and "assignee: choose an active user who holds the Clerk role" in err
    code, out, err = run_cli(capsys, "--database", url, "task", "assign", task.id, "clara", "--as", "rita")
    assert code == 0 and out.strip() == f"assigned {task.id} to clara", err
    assert [m.to_addr for m in mails(assigning.db)] == ["clara@example.gov"]
