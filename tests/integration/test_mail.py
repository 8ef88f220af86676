"""Email notifications through the outbox, delivered to a real SMTP server on 127.0.0.1 (aiosmtpd),
on SQLite and PostgreSQL: what each kind says, exactly once with two workers, retries after the
server was down, mail kept (and shown) when no server is configured, never medical text."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from smtpkit import MailCatcher, smtp_fixture  # noqa: F401 - the smtp fixture
from sqlalchemy import select
from support import copy_testland, run_cli, task_named

from engine import notify, outbox
from engine.definitions import deploy, read_folder
from engine.errors import DefinitionError
from engine.mailer import mailer_from_env
from engine.outbox_store import OutboxMail
from engine.store import Case
from engine.users import add_user

EMAILS = {"clara": "clara@example.gov", "cora": "cora@example.gov", "rita": "rita@example.gov",
          "rob": "rob@example.org"}
MEDICAL = "Chronic migraine with aura"


@pytest.fixture
def mailed(service):
    for name, email in EMAILS.items():
        roles = {"clara": ["clerk"], "cora": ["clerk", "reviewer"], "rita": ["reviewer"], "rob": ["requester"]}[name]
        add_user(service.db, service.registry, name, roles, "testland", email=email)
    return service


def send_all(db):
    return outbox.deliver_due(db, mailer_from_env())


def rows(db, **where):
    with db.transaction() as s:
        q = select(OutboxMail)
        for k, v in where.items():
            q = q.where(getattr(OutboxMail, k) == v)
        return list(s.execute(q.order_by(OutboxMail.id)).scalars())


def test_a_step_in_your_queue_is_mailed_at_once_to_each_role_holder(mailed, smtp):
    case_id = mailed.start_case("testland", "tl_main", "rob")
    task = task_named(mailed, "clara", "Record the decision")
    assert send_all(mailed.db) == 2
    assert sorted(m["To"] for m in smtp.messages) == ["clara@example.gov", "cora@example.gov"]
    msg = smtp.to("clara@example.gov")[0]
    assert msg["Subject"] == "A step waits in your queue: Record the decision"
    assert msg["From"] == "ra-office@example.gov"
    body = smtp.text(msg)
    # Friday 16 Jan 2026 + 2 business days over Martin Luther King Jr. Day (Mon 19th): Wednesday 21st.
    assert "Due: Wed 21 Jan 2026" in body
    assert f"https://ra.example.gov/tasks/{task.id}" in body and f"case {case_id}" in body
    assert send_all(mailed.db) == 0 and len(smtp.messages) == 2  # sent once, not again
    assert {r.status for r in rows(mailed.db)} == {"sent"}


def test_only_the_holders_of_the_steps_role_are_mailed_among_many_accounts(mailed, smtp):
    """The role holders are found in SQL among every account of the jurisdiction (employees all have one):
    a person named like the role, a reviewer, a deactivated clerk and hundreds of requesters get nothing."""
    from engine.auth import deactivate

    for n in range(300):
        add_user(mailed.db, mailed.registry, f"emp{n:03d}", ["requester"], "testland", email=f"emp{n:03d}@example.gov")
    add_user(mailed.db, mailed.registry, "clerk", ["requester"], "testland", email="named-clerk@example.gov")
    add_user(mailed.db, mailed.registry, "carl", ["clerk"], "testland", email="carl@example.gov")
    deactivate(mailed.db, "carl")
    mailed.start_case("testland", "tl_main", "emp007")
    assert send_all(mailed.db) == 2
    assert sorted(m["To"] for m in smtp.messages) == ["clara@example.gov", "cora@example.gov"]


def test_the_requester_is_told_when_the_request_is_decided_and_no_mail_carries_medical_text(mailed, smtp):
    case_id = mailed.start_case("testland", "tl_main", "rob", {"note": "started"})
    task = task_named(mailed, "clara", "Record the decision")
    mailed.complete(task.id, "clara", {"decision": "approve", "diagnosis": MEDICAL, "note": "ergonomic chair"})
    send_all(mailed.db)
    mine = smtp.to("rob@example.org")
    assert [m["Subject"] for m in mine] == ["Your request was decided or closed"]
    assert f"https://ra.example.gov/cases/{case_id}" in smtp.text(mine[0])
    for m in smtp.messages:  # never the diagnosis, never the accommodation
        text = m["Subject"] + smtp.text(m)
        assert MEDICAL.lower() not in text.lower() and "ergonomic chair" not in text


def test_a_withdrawn_request_is_mailed_to_the_requester(mailed, smtp):
    case_id = mailed.start_case("testland", "tl_main", "rob")
    mailed.withdraw(case_id, "rob", "no longer needed")
    send_all(mailed.db)
    assert [m["Subject"] for m in smtp.to("rob@example.org")] == ["Your request was withdrawn"]


def test_nothing_is_mailed_for_a_change_that_rolled_back(mailed, smtp):
    mailed.start_case("testland", "tl_main", "rob")
    send_all(mailed.db)
    before = len(rows(mailed.db))
    task = task_named(mailed, "clara", "Record the decision")
    with pytest.raises(Exception):  # noqa: B017 - the diagram fails half way (ScriptError)
        mailed.complete(task.id, "clara", {"decision": "explode"})
    assert len(rows(mailed.db)) == before


def test_two_workers_send_each_mail_exactly_once(mailed, smtp):
    for _ in range(8):
        mailed.start_case("testland", "tl_main", "rob")
    assert len(rows(mailed.db, status="queued")) == 16
    mailer, barrier, counts = mailer_from_env(), threading.Barrier(2), []

    def worker():
        barrier.wait()
        total = 0
        for _ in range(10):
            total += outbox.deliver_due(mailed.db, mailer, limit=3)
        counts.append(total)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(counts) == 16 and len(smtp.messages) == 16
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(set(ids)) == 16
    assert {r.status for r in rows(mailed.db)} == {"sent"}


def test_a_server_that_is_down_leaves_the_mail_queued_and_it_is_retried_with_backoff(mailed, frozen, monkeypatch):
    down = MailCatcher()  # a port with nobody listening yet
    monkeypatch.setenv("RAFLOW_MAIL_URL", down.url)
    mailed.start_case("testland", "tl_main", "rob")
    assert outbox.deliver_due(mailed.db, mailer_from_env()) == 0
    queued = rows(mailed.db)
    assert {r.status for r in queued} == {"queued"} and {r.attempts for r in queued} == {1}
    assert all("refused" in r.last_error.lower() or "connect" in r.last_error.lower() for r in queued)
    assert queued[0].next_attempt_at == frozen.now() + timedelta(minutes=1)
    shown = outbox.list_mail(mailed.db, status="queued")
    assert len(shown) == 2 and shown[0]["last_error"]

    down.start()
    try:
        assert outbox.deliver_due(mailed.db, mailer_from_env()) == 0  # not before the backoff ends
        frozen.advance(timedelta(minutes=1, seconds=1))
        assert outbox.deliver_due(mailed.db, mailer_from_env()) == 2
        assert len(down.messages) == 2
    finally:
        down.stop()


def test_without_a_mail_server_mail_stays_in_the_outbox_and_admins_see_it(mailed, monkeypatch, capsys):
    monkeypatch.delenv("RAFLOW_MAIL_URL", raising=False)
    mailed.start_case("testland", "tl_main", "rob")
    assert outbox.deliver_due(mailed.db, mailer_from_env()) == 0
    code, out, _ = run_cli(capsys, "--database", mailed.db.url, "outbox")
    assert code == 0
    assert "A step waits in your queue: Record the decision" in out and "clara@example.gov" in out
    assert "2 queued" in out
    code, out, _ = run_cli(capsys, "--database", mailed.db.url, "outbox", "send")
    assert "RAFLOW_MAIL_URL is not set" in out
    assert {r.status for r in rows(mailed.db)} == {"queued"}


def test_a_person_without_an_address_is_kept_visible_not_dropped(service, smtp):
    service.start_case("testland", "tl_main", "rob")  # nobody has an email address here
    kept = rows(service.db)
    assert {r.status for r in kept} == {"no_address"} and {r.recipient for r in kept} == {"clara", "cora"}
    assert outbox.deliver_due(service.db, mailer_from_env()) == 0 and smtp.messages == []


def test_the_worker_delivers_mail(mailed, smtp, capsys):
    mailed.start_case("testland", "tl_main", "rob")
    code, out, err = run_cli(capsys, "--database", mailed.db.url, "worker", "--once")
    assert code == 0, err
    # The CLI runs on the real clock, long after this case's timers were due: they fire and open more steps,
    # and every mail this causes is delivered in the same run.
    subjects = [m["Subject"] for m in smtp.messages]
    assert subjects.count("A step waits in your queue: Record the decision") == 2
    assert not rows(mailed.db, status="queued") and len(rows(mailed.db, status="sent")) == len(subjects)


def test_queue_mail_goes_into_the_daily_digest_for_those_who_chose_it(mailed, smtp, frozen):
    add_user(mailed.db, mailed.registry, "clara", ["clerk"], "testland", mail_digest=True)
    mailed.start_case("testland", "tl_main", "rob")
    outbox.sweep(mailed.db, mailed.registry, mailer_from_env())  # Friday 10:00: past the digest hour already
    assert [m["To"] for m in smtp.messages if "queue" in m["Subject"]] == ["cora@example.gov"]
    digests = [m for m in smtp.messages if m["Subject"].startswith("Your steps due soon")]
    # Friday's digest: the step due Wednesday 21st is not yet within 2 days; the held queue mail is in it.
    assert [m["To"] for m in digests] == ["clara@example.gov"]
    assert "A step waits in your queue: Record the decision" in smtp.text(digests[0])
    outbox.sweep(mailed.db, mailed.registry, mailer_from_env())
    assert len([m for m in smtp.messages if m["Subject"].startswith("Your steps")]) == 1  # once a day

    smtp.messages.clear()
    frozen.set(frozen.now() + timedelta(days=4, hours=-4))  # Tuesday 20 Jan, 06:00 New York: before 07:00
    outbox.sweep(mailed.db, mailed.registry, mailer_from_env())
    assert smtp.messages == []
    frozen.advance(timedelta(hours=1))  # 07:00: the digest hour
    outbox.sweep(mailed.db, mailed.registry, mailer_from_env())
    digests = {m["To"]: smtp.text(m) for m in smtp.messages}
    assert set(digests) == {"clara@example.gov", "cora@example.gov"}  # both hold the step due Wednesday
    assert "Record the decision (case 1), due Wed 21 Jan 2026" in digests["clara@example.gov"]
    frozen.advance(timedelta(days=2))  # Thursday: overdue
    outbox.sweep(mailed.db, mailed.registry, mailer_from_env())
    late = [smtp.text(m) for m in smtp.messages if m["To"] == "cora@example.gov"][-1]
    assert "OVERDUE since Wed 21 Jan 2026" in late


def test_two_workers_compose_one_digest_per_person_and_day(mailed, frozen):
    mailed.start_case("testland", "tl_main", "rob")
    frozen.set(frozen.now() + timedelta(days=4, hours=-3))  # Tuesday 07:00 New York
    done = []
    threads = [threading.Thread(target=lambda: done.append(outbox.run_digests(mailed.db, mailed.registry)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(done) == 2 and len(rows(mailed.db, kind="digest")) == 2


def test_letters_can_tell_the_requester_a_letter_was_issued(mailed, smtp):
    case_id = mailed.start_case("testland", "tl_main", "rob")
    with mailed.db.transaction() as s:
        case = s.get(Case, case_id)
        deployed = mailed.registry.get(s, case.definition_id)
        notify.letter_issued(s.connection(), deployed, case, "Decision letter")
    send_all(mailed.db)
    mine = smtp.to("rob@example.org")
    assert [m["Subject"] for m in mine] == ["A letter about your request was issued"]
    assert "Decision letter" in smtp.text(mine[0])


def test_a_jurisdiction_writes_its_own_templates_and_a_broken_one_is_refused_at_deploy(tmp_path, db, frozen):
    folder = copy_testland(tmp_path)
    (folder / "mail").mkdir()
    (folder / "mail" / "task_queue.txt").write_text("Subject: Testland: {{ step }}\n\nSee {{ link }}\n")
    version, created = deploy(db, read_folder(folder))
    assert created
    (folder / "mail" / "task_queue.txt").write_text("Subject: x\n\n{{ step.__class__ }}\n{% for %}\n")
    with pytest.raises(DefinitionError) as err:
        deploy(db, read_folder(folder))
    assert "task_queue.txt:" in str(err.value.problems[0])
    (folder / "mail" / "task_queue.txt").write_text("Subject: fine\n")
    (folder / "mail" / "nonsense.txt").write_text("Subject: x\n")
    with pytest.raises(DefinitionError) as err:
        deploy(db, read_folder(folder))
    assert "unknown mail template" in str(err.value.problems[0])


def test_own_template_is_used(tmp_path, db, frozen, smtp):
    from engine.cases import CaseService
    from engine.definitions import Registry

    folder = copy_testland(tmp_path)
    (folder / "mail").mkdir()
    (folder / "mail" / "task_queue.txt").write_text("Subject: Testland: {{ step }}\n\nSee {{ link }}\n")
    deploy(db, read_folder(folder))
    svc = CaseService(db, Registry())
    add_user(db, svc.registry, "rob", ["requester"], "testland")
    add_user(db, svc.registry, "clara", ["clerk"], "testland", email="clara@example.gov")
    svc.start_case("testland", "tl_main", "rob")
    outbox.deliver_due(db, mailer_from_env())
    assert [m["Subject"] for m in smtp.messages] == ["Testland: Record the decision"]


def test_cli_user_email(service, capsys):
    url = service.db.url
    code, out, err = run_cli(capsys, "--database", url, "user", "add", "erin", "--role", "clerk",
                             "--jurisdiction", "testland", "--email", "erin@example.gov", "--digest")
    assert code == 0, err
    code, out, _ = run_cli(capsys, "--database", url, "user", "list", "--json")
    erin = next(u for u in __import__("json").loads(out) if u["name"] == "erin")
    assert erin["email"] == "erin@example.gov" and erin["mail_digest"] is True
    code, out, err = run_cli(capsys, "--database", url, "user", "add", "erin", "--role", "clerk",
                             "--jurisdiction", "testland", "--email", "not an address")
    assert code == 1 and err.strip() == "raflow: email 'not an address' is not an address like name@example.gov"


def test_a_bad_mail_url_is_a_one_line_error(service, capsys, monkeypatch):
    monkeypatch.setenv("RAFLOW_MAIL_URL", "http://mail.example.gov")
    code, _, err = run_cli(capsys, "--database", service.db.url, "outbox", "send")
    assert code == 1 and err.startswith("raflow: RAFLOW_MAIL_URL") and len(err.strip().splitlines()) == 1


def test_a_deactivated_person_gets_no_digest_and_the_digest_hour_is_the_jurisdictions(tmp_path, mailed, smtp, frozen):
    """Digest hour per jurisdiction ([mail] digest_hour = 9 in this copy of testland, New York time)."""
    folder = copy_testland(tmp_path)
    config = folder / "jurisdiction.toml"
    config.write_text(config.read_text() + "\n[mail]\ndigest_hour = 9\n")
    deploy(mailed.db, read_folder(folder))
    from engine import auth

    mailed.start_case("testland", "tl_main", "rob")
    auth.deactivate(mailed.db, "cora")
    frozen.set(frozen.now() + timedelta(days=4, hours=-3))  # Tuesday 20 Jan 2026, 07:00 New York
    outbox.deliver_due(mailed.db, mailer_from_env())
    smtp.messages.clear()
    assert outbox.run_digests(mailed.db, mailed.registry) == 0  # 07:00: before this jurisdiction's hour
    frozen.advance(timedelta(hours=2))  # 09:00
    assert outbox.run_digests(mailed.db, mailed.registry) == 1
    send_all(mailed.db)
    assert [m["To"] for m in smtp.messages] == ["clara@example.gov"]  # not cora, who was deactivated
