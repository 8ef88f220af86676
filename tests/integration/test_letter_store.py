"""Issued letters on SQLite and PostgreSQL (issue 11): the PDF and HTML kept in the letter row come back byte
for byte (its SHA-256), a correction supersedes without changing the first version, in one transaction each."""

from __future__ import annotations

import hashlib
from pathlib import Path

from engine import letters
from engine.cases import CaseService
from engine.definitions import Registry, deploy, read_folder
from engine.users import add_user

ROOT = Path(__file__).resolve().parents[2]


def test_withdrawal_letter_round_trips_and_a_correction_supersedes_it(db, frozen):
    """Navy 1-7, Attachment 4 on both databases."""
    deploy(db, read_folder(ROOT / "processes" / "navy"))
    svc = CaseService(db, Registry())
    for name, roles in (("pat", ["requester"]), ("casey", ["coordinator"])):
        add_user(db, svc.registry, name, roles, "navy")
    case_id = svc.start_case("navy", "navy_ra", "pat")
    svc.withdraw(case_id, "pat", "Resolved informally")
    task = next(t for t in svc.list_tasks("casey") if t.spec_id == "task_withdrawal_letter")
    svc.complete(task.id, "casey", {"withdrawal_date": "2026-01-16", "withdrawal_letter_date": "2026-01-16",
                                    "withdrawal_notes": "Thank you for letting us know."})
    (first,) = letters.list_letters(svc, case_id, "pat")
    info, pdf, _ = letters.open_letter(svc, case_id, first.id, "pat", "pdf")
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == info.sha256
    _, html, _ = letters.open_letter(svc, case_id, first.id, "pat", "html")
    assert "Thank you for letting us know." in html.decode() and "January 16, 2026" in html.decode()

    second = letters.reissue(svc, case_id, first.id, "casey", {"withdrawal_notes": "Thank you for telling us."})
    rows = letters.list_letters(svc, case_id, "casey")
    assert [(r.id, r.version, r.superseded_by) for r in rows] == [(first.id, 1, second), (second, 2, None)]
    again = letters.open_letter(svc, case_id, first.id, "pat", "pdf")[1]
    assert again == pdf  # the first version is unchanged
