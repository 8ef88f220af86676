"""`raflow lint` for letters: the `[letters]` table, every template rendered with sample data, and every
user task's `letter` property naming a defined letter. Problems name the template file and line."""

from __future__ import annotations

from jinja2 import meta

from .jurisdiction import CONFIG_NAME, _line_of
from .letter_templates import (
    LETTERS_DIR,
    LetterSandbox,
    LetterTemplateError,
    check_syntax,
    letter_dates,
    parse_letters,
    render_html,
    sample_value,
    template_files,
)

SAMPLE_DATE = "2026-07-24"  # a Friday: a letter's dates then cross a weekend
RESERVED = ("letter", "dates", "recipient", "case", "office", "signature", "params", "jurisdiction")


def letter_property(node, ns) -> str | None:
    for prop in node.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", ns):
        if prop.get("name") == "letter":
            return (prop.get("value") or "").strip() or None
    return None


def check_task(linter, name, task, ns) -> None:
    """A user task naming a letter the jurisdiction does not define is an error at the task."""
    key = letter_property(task, ns)
    if key is None or linter.jurisdiction is None:
        return
    config, _ = parse_letters(linter.jurisdiction.config)
    if config is None or key not in config.kinds:
        known = ", ".join(sorted(config.kinds)) if config else "none: add a [letters] table"
        linter.add(name, task.sourceline, task.get("id"), f"letter {key!r} is not defined in [letters.kinds] "
                                                          f"({known})")


def sample_data(forms) -> dict:
    """One plausible value for every form field (the first choice, a date, "Sample text")."""
    sample: dict = {}
    for form in forms:
        for field, spec in form.fields.items():
            sample.setdefault(field, sample_value(spec))
    return sample


def sample_context(j, config, kind, sample: dict, dates: dict) -> dict:
    """What a template sees on the sample case: lint renders every letter with it, the studio previews it."""
    signer = dict(config.signatures.get(kind.signed_by or "", {}) or next(iter(config.signatures.values()), {}))
    signer.setdefault("name", "Sample Signer")
    return {**sample, **kind.sample, **dates,
            "letter": {"kind": kind.key, "title": kind.title, "date": SAMPLE_DATE, "version": 1, "corrected": False},
            "dates": dates, "recipient": {"name": "Sample Requester"},
            "case": {"id": 1, "title": "Sample case", "requester": "Sample Requester"},
            "office": config.office, "signature": signer, "params": j.parameters,
            "jurisdiction": {"key": j.key, "name": j.name}}


def check_letters(linter) -> None:
    j = linter.jurisdiction
    files = template_files(linter.bundle.files)
    if j is None:
        return
    config, problems = parse_letters(j.config)
    text = linter.bundle.files.get(CONFIG_NAME, "")
    for key, message in problems:
        linter.add(CONFIG_NAME, _line_of(text, key), "letters", message)
    for err in check_syntax(files):
        linter.add(LETTERS_DIR + err.file, err.line, None, str(err))
    if config is None:
        return
    if config.layout not in files:
        linter.add(CONFIG_NAME, _line_of(text, "letters"), "letters",
                   f"the letter layout {LETTERS_DIR}{config.layout} does not exist")
    sample = sample_data(linter.forms.values())
    confidential = set()
    for form in linter.forms.values():
        confidential |= form.confidential_fields
    for kind in config.kinds.values():
        if kind.template not in files:
            linter.add(CONFIG_NAME, _line_of(text, "letters"), kind.key,
                       f"letter {kind.key!r}: template {LETTERS_DIR}{kind.template} does not exist")
            continue
        if any(e.file == kind.template for e in check_syntax(files)):
            continue
        _check_confidential(linter, files, kind, confidential)
        try:
            dates = letter_dates(kind, SAMPLE_DATE, j.calendar, j.parameters)
        except (KeyError, ValueError):
            continue  # reported by parse_letters
        try:
            render_html(files, kind.template, sample_context(j, config, kind, sample, dates), config.stylesheet)
        except LetterTemplateError as err:
            linter.add(LETTERS_DIR + (err.file or kind.template), err.line, kind.key, str(err))


def _check_confidential(linter, files, kind, confidential) -> None:
    """A letter that prints a medical field must be a medical letter (need-to-know only)."""
    if kind.medical or not confidential:
        return
    env = LetterSandbox(files)
    names = set(meta.find_undeclared_variables(env.parse(files[kind.template])))
    for name in sorted(names & confidential):
        linter.add(LETTERS_DIR + kind.template, 1, kind.key,
                   f"the letter prints the medical field {name!r}: set medical = true for letter {kind.key!r}")
