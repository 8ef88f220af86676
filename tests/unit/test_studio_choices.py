"""The properties panel's lists come from the draft itself: its step forms and its letter kinds by title."""

from __future__ import annotations

from engine.studio import DraftView


def draft(config: str) -> DraftView:
    files = {"jurisdiction.toml": config, "main.bpmn": "<x/>", "forms/intake.json": "{}",
             "forms/event_note.json": "{}", "forms/review.json": "{}", "letters/denial.html": ""}
    return DraftView("testland", files, None, "pat", None)


def test_a_drafts_forms_and_letter_kinds_are_offered_event_forms_are_not():
    config = '[letters.kinds.denial]\ntitle = "Denial of the request"\n[letters.kinds.approval]\ntitle = "Approval"\n'
    assert draft(config).task_choices() == {
        "forms": ["intake", "review"],
        "letters": [{"value": "approval", "title": "Approval"}, {"value": "denial", "title": "Denial of the request"}]}


def test_a_config_that_does_not_parse_offers_no_letters_and_lint_says_why():
    assert draft("[letters.kinds.denial\n").task_choices()["letters"] == []
    assert draft("").task_choices() == {"forms": ["intake", "review"], "letters": []}


def test_letter_kinds_written_as_a_list_offer_no_letters():
    assert draft('[letters]\nkinds = ["denial"]\n').task_choices()["letters"] == []
