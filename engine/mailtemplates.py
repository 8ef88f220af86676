"""Mail templates: plain-text Jinja2 in a sandbox, per jurisdiction (`processes/<j>/mail/<kind>.txt`),
falling back to the defaults in engine/mail_defaults/.

Templates are policy staff's files, so untrusted: the sandboxed environment refuses attribute tricks,
the template and its output are size-bounded, and a template only ever sees the few plain values
`render` is given (step title, due date, link, names): never case data, so it cannot leak medical text.
The first line is "Subject: ...", then a blank line, then the body.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from .errors import Problem
from .letter_templates import RenderBudget

log = logging.getLogger("raflow.mail")
DEFAULTS = Path(__file__).parent / "mail_defaults"
KINDS = ("task_queue", "task_assigned", "requester_task", "escalation", "digest", "letter_issued",
         "case_closed", "invitation", "password_reset")
MAX_TEMPLATE = 20_000
MAX_OUTPUT = 50_000
MAX_SECONDS = 1.0
MAX_STEPS = 100_000
_local = threading.local()  # the budget of the render running on this thread


def _tick() -> None:
    budget = getattr(_local, "budget", None)
    if budget is not None:
        budget.tick()


def _range(*args):
    """range() that counts every item against the render's budget (nested loops cannot run for ever)."""
    for i in range(*args):
        _tick()
        yield i


class _BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with `*` and `**` refused when they would build something huge ('x' * 10**9), and a
    step and CPU-time budget on loops and calls."""

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.globals["range"] = _range

    def call(self, __context, __obj, *args, **kwargs):
        _tick()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        _tick()
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


def compile_text(text: str) -> None:
    """Raise MailTemplateError (with the template line) if the text is not a template the sandbox compiles."""
    try:
        _compile(text)
    except TemplateError as err:
        raise MailTemplateError(f"syntax error: {err}") from err


def default_text(kind: str) -> str:
    return (DEFAULTS / f"{kind}.txt").read_text(encoding="utf-8")


def render(kind: str, values: dict, templates: dict[str, str] | None = None) -> tuple[str, str]:
    """(subject, body) of a mail kind; a jurisdiction's own template wins over the default."""
    own = (templates or {}).get(kind)
    if own:
        try:
            return render_text(kind, own, values)
        except MailTemplateError as err:  # linted at deploy; a value it did not expect falls back to the default
            log.warning("%s; using the default template", err)
    return render_text(kind, default_text(kind), values)


def render_text(kind: str, text: str, values: dict) -> tuple[str, str]:
    """(subject, body) of one template text, within the sandbox's step, time and size budget."""
    _local.budget = RenderBudget(MAX_SECONDS, MAX_STEPS)
    try:
        out, size = [], 0
        for chunk in _compile(text).generate(**values):
            _tick()
            out.append(chunk)
            size += len(chunk)
            if size >= MAX_OUTPUT:
                break  # a long digest is cut at the limit (as before), and rendering stops there
    except MailTemplateError:
        raise
    except TemplateError as err:
        raise MailTemplateError(f"mail template {kind}: {err}") from err
    except RecursionError as err:
        raise MailTemplateError(f"mail template {kind}: a macro calls itself without end") from err
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as err:
        raise MailTemplateError(f"mail template {kind}: could not render: {err}") from err
    finally:
        _local.budget = None
    return split_subject("".join(out)[:MAX_OUTPUT], kind)


def error_line(err: MailTemplateError) -> int:
    """The template line of a compile or render error (Jinja rewrites render tracebacks to template lines)."""
    cause = err.__cause__
    line = getattr(cause, "lineno", None)
    tb = cause.__traceback__ if cause is not None else None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line or 1


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
            render_text(kind, files[name], SAMPLE)
        except MailTemplateError as err:
            line = error_line(err)
            problems.append(Problem(shown(name), line, kind, str(err)))
    return problems
