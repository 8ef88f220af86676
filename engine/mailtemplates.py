"""Mail templates: plain-text Jinja2 in a sandbox, per jurisdiction (`processes/<j>/mail/<kind>.txt`),
falling back to the defaults in engine/mail_defaults/.

Templates are policy staff's files, so untrusted: the sandboxed environment refuses attribute tricks,
the template and its output are size-bounded, and a template only ever sees the few plain values
`render` is given (step title, due date, link, names): never case data, so it cannot leak medical text.
The first line is "Subject: ...", then a blank line, then the body.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from .errors import Problem

log = logging.getLogger("raflow.mail")
DEFAULTS = Path(__file__).parent / "mail_defaults"
KINDS = ("task_queue", "task_assigned", "requester_task", "escalation", "digest", "letter_issued",
         "case_closed", "invitation", "password_reset")
MAX_TEMPLATE = 20_000
MAX_OUTPUT = 50_000


class _BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with `*` and `**` refused when they would build something huge ('x' * 10**9)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator, left, right):
        if operator == "**" and (not isinstance(right, int) or abs(right) > 64):
            raise SecurityError("exponent too large in a mail template")
        if operator == "*" and any(isinstance(v, (str, list, tuple)) for v in (left, right)) and \
                any(isinstance(v, int) and v > MAX_OUTPUT for v in (left, right)):
            raise SecurityError("repetition too large in a mail template")
        return super().call_binop(context, operator, left, right)


_ENV = _BoundedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


class MailTemplateError(ValueError):
    pass


@lru_cache(maxsize=256)
def _compile(text: str):
    if len(text) > MAX_TEMPLATE:
        raise MailTemplateError(f"template is longer than {MAX_TEMPLATE} characters")
    return _ENV.from_string(text)


def default_text(kind: str) -> str:
    return (DEFAULTS / f"{kind}.txt").read_text(encoding="utf-8")


def render(kind: str, values: dict, templates: dict[str, str] | None = None) -> tuple[str, str]:
    """(subject, body) of a mail kind; a jurisdiction's own template wins over the default."""
    own = (templates or {}).get(kind)
    if own:
        try:
            return _render(kind, own, values)
        except MailTemplateError as err:  # linted at deploy; a value it did not expect falls back to the default
            log.warning("%s; using the default template", err)
    return _render(kind, default_text(kind), values)


def _render(kind: str, text: str, values: dict) -> tuple[str, str]:
    try:
        out = _compile(text).render(**values)
    except TemplateError as err:
        raise MailTemplateError(f"mail template {kind}: {err}") from err
    return split_subject(out[:MAX_OUTPUT], kind)


def split_subject(text: str, kind: str) -> tuple[str, str]:
    head, _, body = text.partition("\n")
    if not head.startswith("Subject:"):
        raise MailTemplateError(f"mail template {kind}: the first line must be 'Subject: ...'")
    subject = " ".join(head[len("Subject:"):].split())[:200]
    return subject, body.lstrip("\n")


SAMPLE = {"recipient_name": "Pat Example", "step": "A step", "due": "Tue 1 Dec 2026", "link": "http://x/",
          "case_id": 1, "jurisdiction_name": "Jurisdiction", "status_phrase": "was closed",
          "items": [{"step": "A step", "due": "Tue 1 Dec 2026", "overdue": True, "link": "http://x/", "case_id": 1}],
          "letter_title": "Letter", "expires": "Tue 1 Dec 2026"}


def check(files: dict[str, str], shown=lambda name: name) -> list[Problem]:
    """Lint a bundle's mail templates: known kind, compiles in the sandbox, renders a subject line."""
    problems = []
    for name in sorted(n for n in files if n.startswith("mail/")):
        kind = name[len("mail/"):].removesuffix(".txt")
        if kind not in KINDS:
            problems.append(Problem(shown(name), 1, kind, f"unknown mail template; known: {', '.join(KINDS)}"))
            continue
        try:
            _render(kind, files[name], SAMPLE)
        except MailTemplateError as err:
            line = getattr(err.__cause__, "lineno", None) or 1
            problems.append(Problem(shown(name), line, kind, str(err)))
    return problems
