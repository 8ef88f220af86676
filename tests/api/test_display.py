"""Values in words from the real form files: choice titles (also for codes only scripts set), money, dates."""

from __future__ import annotations

from pathlib import Path

from api.display import Labels
from engine.definitions import read_folder
from engine.forms import parse_form

ROOT = Path(__file__).resolve().parents[2]


def labels_of(jurisdiction: str) -> Labels:
    bundle = read_folder(ROOT / "processes" / jurisdiction)
    return Labels.of(parse_form(n[len("forms/"):-len(".json")], bundle.files[n])[0] for n in bundle.form_names())


def test_navy_codes_dates_and_money_in_words():
    shown = labels_of("navy")
    assert shown.value("denial_basis", "not_individual_with_disability") == "Not an individual with a disability (4-6)"
    assert shown.value("decision", "approved") == "Approved"
    assert shown.value("how_received", "supervisor") == "First-level supervisor"
    assert shown.value("cost", 1250) == "$1,250.00" and shown.value("estimated_cost", 0) == "$0.00"
    assert shown.value("eeo_counselor_deadline", "2026-12-01") == "Tue 1 Dec 2026"
    assert shown.value("expedited_due_date", "2027-01-01") == "Fri 1 Jan 2027"
    assert shown.value("recurring_accommodation", True) == "Yes"
    assert shown.value("accommodation_requested", "Screen reader software") == "Screen reader software"


def test_county_outcomes_in_words():
    shown = labels_of("santa_cruz")
    assert shown.value("outcome", "not_this_position").startswith("Cannot be accommodated in this position")
    assert shown.code("referred_to_committee") == "Referred to the RA Committee (IV)"
    assert shown.value("accommodation_cost", 80.5) == "$80.50"
    assert shown.value("made_up_field", "some_script_code") == "Some script code"  # never raw
