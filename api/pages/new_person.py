"""The new-request page's "someone without an account" part (issue 12): staff give the person's name,
address and whether they are an employee or an applicant; engine.accounts makes the account with the case."""

from __future__ import annotations

from engine import accounts
from engine.errors import ValidationFailed
from engine.forms import Form

from ..formview import build_fields
from ..web import db

NEW_PERSON = "__new__"
FORM = Form("new_person", {
    "type": "object",
    "properties": {
        "new_display_name": {"type": "string", "title": "Their name", "maxLength": 200},
        "new_email": {"type": "string", "title": "Their email address", "maxLength": 254,
                      "x-ui": {"help": "An invitation to set a password goes here; it becomes their user name."}},
        "new_requester_type": {"type": "string", "title": "They are", "enum": list(accounts.REQUESTER_TYPES),
                               "x-ui": {"widget": "radio", "labels": {"employee": "An employee",
                                                                      "applicant": "An applicant for employment"}}},
    },
    "x-ui": {"order": ["new_display_name", "new_email", "new_requester_type"]},
})


def new_person_fields(errors: dict, raw: dict | None):
    return build_fields(FORM, {}, {k: v for k, v in (errors or {}).items() if k.startswith("new_")}, raw or None)


def check_new_person(form) -> tuple[dict, dict]:
    """(the person, field errors) from the posted form; the account is made only with the case."""
    person = {"display_name": form.get("new_display_name"), "email": form.get("new_email"),
              "requester_type": form.get("new_requester_type")}
    try:
        with db().transaction() as s:
            accounts.check_new_person(s, person)
    except ValidationFailed as err:
        return person, err.errors
    return person, {}
