"""User administration from the CLI: deactivate / reactivate (no sign-in, no token while deactivated),
CSV import checked whole with FILE:LINE errors, and the audit log of every change."""

from __future__ import annotations

import json

from support import run_cli

from engine import auth
from engine.users import get_user

auth.use_fast_hashing()


def test_a_deactivated_user_cannot_sign_in_or_use_a_token_until_reactivated(service, capsys):
    url = service.db.url
    auth.set_password(service.db, "clara", "Tall-Maple-Harbor-42")
    token = auth.issue_token(service.db, "clara")
    assert auth.authenticate(service.db, "clara", "Tall-Maple-Harbor-42") is not None
    code, out, err = run_cli(capsys, "--database", url, "user", "deactivate", "clara")
    assert code == 0, err
    assert auth.authenticate(service.db, "clara", "Tall-Maple-Harbor-42") is None
    assert auth.actor_for_token(service.db, token) is None
    assert auth.load_user(service.db, "clara") is None  # an open web session ends
    run_cli(capsys, "--database", url, "user", "reactivate", "clara")
    assert auth.authenticate(service.db, "clara", "Tall-Maple-Harbor-42") is not None
    assert auth.actor_for_token(service.db, token) is None  # deactivation revoked it: a new one is issued
    assert auth.actor_for_token(service.db, auth.issue_token(service.db, "clara")).name == "clara"
    code, out, _ = run_cli(capsys, "--database", url, "user", "audit", "clara", "--json")
    assert [r["action"] for r in json.loads(out)] == ["reactivated", "deactivated"]
    code, _, err = run_cli(capsys, "--database", url, "user", "deactivate", "nobody")
    assert code == 1 and err.strip() == "raflow: no user 'nobody'"


def test_csv_import_adds_users_and_a_bad_line_stores_nothing(service, capsys, tmp_path):
    url = service.db.url
    bad = tmp_path / "bad.csv"
    bad.write_text("name,display_name,email,roles,jurisdiction\n"
                   "erin,Erin E,erin@example.gov,clerk,testland\n"
                   "fred,Fred F,fred@example.gov,clerk;wizard,testland\n")
    code, _, err = run_cli(capsys, "--database", url, "user", "import", str(bad))
    assert code == 1 and err.startswith(f"raflow: {bad}:3: roles must be some of") and "wizard" in err
    code, out, _ = run_cli(capsys, "--database", url, "user", "list", "--json")
    assert "erin" not in {u["name"] for u in json.loads(out)}

    good = tmp_path / "good.csv"
    good.write_text("name,display_name,email,roles,jurisdiction\n"
                    "erin,Erin E,erin@example.gov,clerk,testland\n"
                    "fred,Fred F,,clerk;reviewer,testland\n")
    code, out, err = run_cli(capsys, "--database", url, "user", "import", str(good))
    assert code == 0 and out.strip() == "imported 2 user(s)", err
    assert get_user(service.db, "erin").email == "erin@example.gov"
    assert sorted(get_user(service.db, "fred").roles) == ["clerk", "reviewer"]
    code, out, _ = run_cli(capsys, "--database", url, "user", "audit", "--json")
    assert {(r["user_name"], r["action"]) for r in json.loads(out)} >= {("erin", "imported"), ("fred", "imported")}


def test_cli_edit_changes_what_is_given_and_bad_input_names_the_field(service, capsys):
    url = service.db.url
    code, out, err = run_cli(capsys, "--database", url, "user", "edit", "rob", "--email", "rob@example.org",
                             "--requester-type", "applicant", "--display-name", "Rob R")
    assert code == 0, err
    assert out.strip() == "user rob: changed display_name, email, requester_type"
    rob = get_user(service.db, "rob")
    assert (rob.email, rob.requester_type, rob.display_name, rob.roles) == \
        ("rob@example.org", "applicant", "Rob R", ["requester"])
    code, _, err = run_cli(capsys, "--database", url, "user", "edit", "rob", "--role", "pilot", "--email", "x@")
    assert code == 1 and "  roles: unknown role(s) pilot" in err and "  email: email 'x@'" in err
    assert get_user(service.db, "rob").roles == ["requester"]
    code, _, err = run_cli(capsys, "--database", url, "user", "edit", "nobody", "--email", "a@example.org")
    assert code == 1 and err.strip() == "raflow: no user 'nobody'"
    code, out, _ = run_cli(capsys, "--database", url, "user", "audit", "rob", "--json")
    assert [r["action"] for r in json.loads(out)] == ["edited"]


def test_cli_invite_and_reset_password_queue_a_one_time_link(service, capsys):
    from sqlalchemy import select

    from engine.outbox_store import OutboxMail

    url = service.db.url
    code, _, err = run_cli(capsys, "--database", url, "user", "reset-password", "rob")
    assert code == 1 and "rob has no email address" in err
    run_cli(capsys, "--database", url, "user", "edit", "rob", "--email", "rob@example.org")
    code, out, err = run_cli(capsys, "--database", url, "user", "reset-password", "rob")
    assert code == 0 and "rob@example.org" in out, err
    code, out, err = run_cli(capsys, "--database", url, "user", "invite", "rob")
    assert code == 0, err
    with service.db.transaction() as s:
        mails = s.execute(select(OutboxMail.kind, OutboxMail.to_addr, OutboxMail.body)).all()
    assert [(m.kind, m.to_addr) for m in mails] == [("password_reset", "rob@example.org"),
                                                   ("invitation", "rob@example.org")]
    assert "/account/password/" in mails[1].body
    code, out, _ = run_cli(capsys, "--database", url, "user", "audit", "rob", "--json")
    assert [r["action"] for r in json.loads(out)] == ["invited", "password_reset_mailed", "edited"]


def test_user_list_and_outbox_show_a_page_and_say_how_to_see_more(service, capsys):
    """Issue 9: a CLI list that grows with the department pages like `raflow task list` (--limit, --all)."""
    from engine.users import add_user

    url = service.db.url
    for n in range(60):
        add_user(service.db, service.registry, f"emp{n:03d}", ["requester"], "testland")
    code, out, err = run_cli(capsys, "--database", url, "user", "list", "--jurisdiction", "testland", "--json")
    names = [u["name"] for u in json.loads(out)]
    assert code == 0 and len(names) == 50 and names == sorted(names)
    assert "the first 50 users shown; use --limit N (up to 200) or --all" in err
    code, out, err = run_cli(capsys, "--database", url, "user", "list", "--jurisdiction", "testland", "--all",
                             "--json")
    assert len(json.loads(out)) > 60 and err == ""
    code, out, _ = run_cli(capsys, "--database", url, "user", "list", "--limit", "3")
    assert len(out.strip().splitlines()) == 3
    code, _, err = run_cli(capsys, "--database", url, "user", "list", "--limit", "500")
    assert code != 0 and "--limit" in err and "500" in err

    for n in range(30):  # each new case mails its first step's role holders: more than 50 outbox rows
        service.start_case("testland", "tl_main", f"emp{n:03d}")
    code, out, err = run_cli(capsys, "--database", url, "outbox", "--json")
    shown = json.loads(out)
    assert code == 0 and len(shown) == 50 and [r["id"] for r in shown] == sorted((r["id"] for r in shown),
                                                                                    reverse=True)
    assert "the newest 50 shown; use --limit N (up to 200) or --all" in err
    code, out, err = run_cli(capsys, "--database", url, "outbox", "--all", "--json")
    assert len(json.loads(out)) >= 60 and err == ""
