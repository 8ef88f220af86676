"""Letter and mail templates previewed in the studio on a sample case, before anything is published.

A preview renders the draft's files (with the text being edited in place of its saved version) through
the very sandboxes running cases use: the letter sandbox (step, CPU-time and size limits; no file or
network access from the PDF) and the mail sandbox. The sample case is lint's: one plausible value per
form field and the letter kind's own `sample` values, never a real case, so no medical data can show.
A template that does not render gives its error located as FILE:LINE.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import mailtemplates
from .forms import parse_form
from .jurisdiction import CONFIG_NAME, parse_config
from .letter_lint import SAMPLE_DATE, sample_context, sample_data
from .letter_templates import (
    LETTERS_DIR,
    MAX_TEMPLATE_BYTES,
    LetterTemplateError,
    check_syntax,
    letter_dates,
    parse_letters,
    render_html,
    template_files,
)


@dataclass
class LetterPreview:
    kinds: list[tuple[str, str]]  # (key, title) of every letter kind, for the choice of what to preview
    kind: str | None
    html: str | None
    error: str | None


@dataclass
class MailPreview:
    subject: str | None
    body: str | None
    error: str | None


def template_problems(name: str, text: str) -> list[tuple[int, str]]:
    """Why a letter or mail template cannot be stored: (line, message); syntax only, rendering is lint's."""
    limit = MAX_TEMPLATE_BYTES if name.startswith(LETTERS_DIR) else mailtemplates.MAX_TEMPLATE
    if len(text.encode("utf-8")) > limit:
        return [(1, f"the template is larger than {limit // 1000} KB: templates are limited so letters stay quick")]
    if name.startswith(LETTERS_DIR):
        if not name.endswith(".html"):
            return []
        return [(err.line or 1, str(err)) for err in check_syntax({name[len(LETTERS_DIR):]: text})]
    kind = name[len("mail/"):].removesuffix(".txt")
    if kind not in mailtemplates.KINDS:
        return [(1, f"unknown mail template; known: {', '.join(mailtemplates.KINDS)}")]
    try:
        mailtemplates.compile_text(text)
    except mailtemplates.MailTemplateError as err:
        return [(mailtemplates.error_line(err), str(err))]
    return []


def _kind_for(config, name: str, wanted: str | None) -> str | None:
    """The kind to preview: the one asked for, else the one whose template is being edited, else the first."""
    if wanted in config.kinds:
        return wanted
    bare = name[len(LETTERS_DIR):] if name.startswith(LETTERS_DIR) else None
    for key, kind in config.kinds.items():
        if kind.template == bare:
            return key
    return next(iter(config.kinds), None)


def preview_letter(files: dict[str, str], jurisdiction: str, name: str, text: str,
                   wanted: str | None = None) -> LetterPreview:
    """The letter the draft (with `name` holding `text`) would issue on the sample case, as HTML."""
    files = {**files, name: text}
    j, problems = parse_config(files.get(CONFIG_NAME, ""), CONFIG_NAME, jurisdiction)
    if j is None:
        return LetterPreview([], None, None, f"{CONFIG_NAME}:{problems[0].line or 1}: {problems[0].message}")
    config, problems = parse_letters(j.config)
    if config is None or not config.kinds:
        return LetterPreview([], None, None, f"{CONFIG_NAME}:1: no letter kinds: add [letters.kinds.<key>] tables")
    kinds = [(k.key, k.title) for k in config.kinds.values()]
    key = _kind_for(config, name, wanted)
    kind = config.kinds[key]
    forms = [f for n, t in files.items() if n.startswith("forms/")
             for f in [parse_form(n[len("forms/"):-len(".json")], t)[0]] if f is not None]
    try:
        dates = letter_dates(kind, SAMPLE_DATE, j.calendar, j.parameters)
        ctx = sample_context(j, config, kind, sample_data(forms), dates)
        html = render_html(template_files(files), kind.template, ctx, config.stylesheet)
    except LetterTemplateError as err:
        return LetterPreview(kinds, key, None, f"{LETTERS_DIR}{err.file or kind.template}:{err.line or 1}: {err}")
    except (KeyError, ValueError) as err:
        return LetterPreview(kinds, key, None, f"{CONFIG_NAME}:1: letter {key!r}: {err}")
    return LetterPreview(kinds, key, html, None)


def preview_mail(name: str, text: str) -> MailPreview:
    """The mail a template makes with sample values (a step, a due date, a link), or its located error."""
    kind = name[len("mail/"):].removesuffix(".txt")
    problems = template_problems(name, text)
    if problems:
        return MailPreview(None, None, f"{name}:{problems[0][0]}: {problems[0][1]}")
    try:
        subject, body = mailtemplates.render_text(kind, text, mailtemplates.SAMPLE)
    except mailtemplates.MailTemplateError as err:
        return MailPreview(None, None, f"{name}:{mailtemplates.error_line(err)}: {err}")
    return MailPreview(subject, body, None)
