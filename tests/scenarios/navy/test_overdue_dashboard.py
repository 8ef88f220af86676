"""The overdue dashboard's case clocks (engine.overdue) come from the stored `ra_case.next_due` and the
clock views the writer stored, never recomputed: a real calendar case whose 45 days (Navy 4-1) run over
Thanksgiving, Christmas and the year end, a clock held in abeyance (2-7) leaving the page and coming back
with its due date moved by the days held, and the page listing only the oldest `limit` items."""

from __future__ import annotations

from datetime import date

from report_cases import documents_received

from engine import overdue


def clock_items(navy, **kw):
    return [i for _, items in overdue.dashboard(navy.db, navy.config, **kw) for i in items if i.kind == "clock"]


def test_decision_clock_over_the_year_end_is_listed_when_due_soon_and_overdue(navy):
    navy.at("2026-11-20T10:00")  # Friday before Thanksgiving: 45 calendar days end Monday 2027-01-04
    navy.intake()
    case_id = navy.case_id
    assert navy.clocks("decision")["due"] == "2027-01-04"
    navy.at("2026-12-31T09:00")  # New Year's Eve: due in 4 days, not yet "soon" (3 days)
    assert clock_items(navy) == []
    navy.at("2027-01-01T09:00")  # New Year's Day, a federal holiday: due in 3 days
    [item] = clock_items(navy)
    assert (item.case_id, item.due, item.days_late, item.overdue) == (case_id, date(2027, 1, 4), -3, False)
    navy.at("2027-01-06T09:00")  # Wednesday: two calendar days late
    [item] = clock_items(navy)
    assert (item.step, item.due, item.days_late, item.overdue) == \
        ("Decision deadline (case clock)", date(2027, 1, 4), 2, True)


def test_held_clock_leaves_the_dashboard_and_returns_with_the_days_held_added(navy):
    navy.at("2026-11-20T10:00")
    navy.intake()
    navy.essential_functions()
    navy.no_interim()
    navy.medical_needed(True)
    navy.at("2026-11-23T10:00")  # Monday: medical documentation requested, the 45 days are held (2-7)
    navy.request_medical()
    assert navy.clocks("decision")["held"] is True
    navy.at("2027-01-06T09:00")  # past the unheld due date (Jan 4): a held clock is not overdue
    assert clock_items(navy) == []
    documents_received(navy)  # received Jan 6: 44 days held, so due Jan 4 + 44 = Wednesday 2027-02-17
    assert navy.clocks("decision")["due"] == "2027-02-17"
    assert clock_items(navy) == []
    navy.at("2027-02-15T09:00")  # Presidents' Day (a federal holiday): due in 2 days
    [item] = clock_items(navy)
    assert (item.due, item.days_late, item.overdue) == (date(2027, 2, 17), -2, False)


def test_dashboard_lists_only_the_oldest_items_up_to_its_limit(navy):
    navy.at("2026-11-20T10:00")
    navy.intake()
    older = navy.case_id
    navy.at("2026-11-27T10:00")
    navy.intake()
    navy.at("2027-01-20T09:00")  # both cases' steps and clocks are overdue
    everything = [i for _, items in overdue.dashboard(navy.db, navy.config) for i in items]
    assert len(everything) >= 4 and {i.kind for i in everything} == {"step", "clock"}
    [oldest] = [i for _, items in overdue.dashboard(navy.db, navy.config, limit=1) for i in items]
    first = min(everything, key=lambda i: (i.due, i.case_id))
    assert (oldest.case_id, oldest.due) == (first.case_id, first.due) and oldest.case_id == older
    two = [i for _, items in overdue.dashboard(navy.db, navy.config, limit=2) for i in items]
    assert sorted((i.due, i.case_id) for i in two) == sorted((i.due, i.case_id) for i in everything)[:2]
