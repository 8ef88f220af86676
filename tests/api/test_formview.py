"""Every shipped form (forms/*/) renders: each field labelled, help and errors tied to the input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from api.app import create_app
from api.formview import build_fields, widget_of
from engine.forms import Form, coerce_text_input

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted((ROOT / "forms").glob("*/*.json")) + sorted((ROOT / "tests" / "fixtures" / "forms").glob("*/*.json"))


@pytest.fixture(scope="module")
def macros(tmp_path_factory):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('f') / 'x.db'}", "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("i"))})
    with app.test_request_context():
        yield app.jinja_env.get_template("_form.html").module


@pytest.mark.parametrize("path", FORMS, ids=[f"{p.parent.name}/{p.stem}" for p in FORMS])
def test_each_field_is_labelled_and_errors_are_tied_to_it(macros, path):
    form = Form(path.stem, json.loads(path.read_text()))
    errors = {name: "this field is required" for name in form.fields}
    for field in build_fields(form, errors=errors):
        html = str(macros.field(field))
        if field.widget in ("radio", "checkboxes"):
            assert f'<fieldset aria-describedby="{field.describedby}" id="{field.id}">' in html
            assert "<legend>" in html
            for i, _ in enumerate(field.choices):
                assert f'<label for="{field.id}-{i}">' in html
        else:
            assert f'<label for="{field.id}">' in html and f'id="{field.id}"' in html
            assert f'aria-describedby="{field.describedby}"' in html and 'aria-invalid="true"' in html
        assert f'id="{field.id}-error"' in html
        if field.help:
            assert f'id="{field.id}-help"' in html
        assert field.label and not re.search(r"[<>]", field.label)


@pytest.mark.parametrize("path", FORMS, ids=[f"{p.parent.name}/{p.stem}" for p in FORMS])
def test_what_the_page_posts_comes_back_typed(path):
    """An HTML post of each field's first choice (or a plausible value) validates field by field."""
    form = Form(path.stem, json.loads(path.read_text()))
    raw = {}
    for name, spec in form.fields.items():
        widget = widget_of(spec)
        if "enum" in spec:
            raw[name] = [str(spec["enum"][0])]
        elif spec.get("type") == "boolean":
            raw[name] = ["true"]
        elif widget == "date":
            raw[name] = ["2026-01-20"]
        elif spec.get("type") in ("integer", "number"):
            raw[name] = [str(spec.get("minimum", 1))]
        elif spec.get("format") == "email":
            raw[name] = ["someone@example.org"]
        else:
            raw[name] = ["text"]
    data = coerce_text_input(form, raw)
    form.validate(data)
