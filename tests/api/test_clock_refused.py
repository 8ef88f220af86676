"""A legal clock that refuses what a step's entries ask for (here: resumed on a day before it was held, 4-3's
abeyance) is the person's to correct, not the diagram's fault: the page and the API say the clock's reason
with the entries kept, as a 422, and nothing is saved. Until now it showed "the diagram failed at step ...;
tell the procedure's administrator" although no form rule could have caught it."""

from __future__ import annotations

from datetime import timedelta

from webclient import first_task, start


def test_a_resume_date_before_the_hold_is_refused_with_the_clocks_reason_and_the_entries_kept(api, signed_in,
                                                                                               frozen):
    case = start(api, "rob")
    task = first_task(api, "clara", case["id"])
    api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"decision": "documents"}})  # held Fri 16 Jan
    frozen.advance(timedelta(days=5))
    docs = first_task(api, "clara", case["id"])
    assert docs["title"] == "Record documents received"

    page = signed_in("clara").post(f"/tasks/{docs['id']}", data={"received_date": "2026-01-12"})
    assert page.status_code == 422
    assert "diagram failed" not in page.text and "administrator" not in page.text
    assert "The deadline clock cannot take these entries: clock &#39;decision&#39;: cannot resume on 2026-01-12, " \
           "before 2026-01-16" in page.text
    assert 'value="2026-01-12"' in page.text  # the entry is kept to correct

    r = api("clara", "POST", f"/tasks/{docs['id']}/complete", json={"data": {"received_date": "2026-01-12"}})
    assert r.status_code == 422 and "cannot resume on 2026-01-12" in r.json["errors"]["_clock"], r.json
    assert first_task(api, "clara", case["id"])["id"] == docs["id"]  # nothing was saved: the step waits
    r = api("clara", "POST", f"/tasks/{docs['id']}/complete", json={"data": {"received_date": "2026-01-20"}})
    assert r.status_code == 200, r.json
