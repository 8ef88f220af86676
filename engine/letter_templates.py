"""Letter templates as data: `processes/<j>/letters/*.html` (Jinja2) and the `[letters]` table of the config.

Templates are untrusted input edited by policy staff, so they run in Jinja2's immutable sandbox with
StrictUndefined (a misspelt name is an error, never a blank in a letter), with no loader outside the
bundle's own letters, no string formatting methods, bounded string building, a step budget for loops,
and limits on template size, render time and output size. Dates print in words ("July 25, 2026").
Every date a letter states beyond its own date is declared in the config (`dates`), computed here from
the letter date on the jurisdiction's calendar, and handed to the case, so the letter and the case clock
can never disagree.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from jinja2 import FunctionLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from .calendars import parse_date

LETTERS_DIR = "letters/"
MAX_TEMPLATE_BYTES = 64 * 1024
MAX_OUTPUT_CHARS = 512 * 1024
MAX_RENDER_SECONDS = 2.0
MAX_STEPS = 200_000
DEFAULT_LAYOUT = "layout.html"
DEFAULT_STYLESHEET = "letter.css"


class LetterTemplateError(Exception):
    """A template that cannot be rendered: `file` and `line` locate it, `str()` is safe to show."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.file, self.line = file, line

    def located(self) -> str:
        return f"{self.file or '?'}:{self.line or 1}: {self}"


@dataclass(frozen=True)
class LetterKind:
    key: str
    title: str
    template: str
    date_field: str | None = None
    medical: bool = False
    dates: dict[str, str] = field(default_factory=dict)  # date name -> parameter holding calendar days
    required: tuple[str, ...] = ()
    when: tuple[dict[str, tuple], ...] = ()  # alternatives; each maps a field to the values that issue it
    sample: dict = field(default_factory=dict)
    signed_by: str | None = None

    def applies(self, data: dict) -> bool:
        """Whether this step issues the letter with these values (e.g. the decision step only on approval)."""
        return not self.when or any(all(data.get(name) in values for name, values in alt.items())
                                    for alt in self.when)


@dataclass(frozen=True)
class LetterConfig:
    office: dict
    signatures: dict[str, dict]
    kinds: dict[str, LetterKind]
    layout: str = DEFAULT_LAYOUT
    stylesheet: str = DEFAULT_STYLESHEET


def parse_letters(cfg: dict) -> tuple[LetterConfig | None, list[tuple[str, str]]]:
    """The `[letters]` table; returns (config or None when absent, problems as (key, message))."""
    table = cfg.get("letters")
    if table is None:
        return None, []
    problems: list[tuple[str, str]] = []
    if not isinstance(table, dict):
        return None, [("letters", "[letters] must be a table")]
    office = {k: v for k, v in table.items() if k not in ("kinds", "signatures", "layout", "stylesheet")}
    for needed in ("office", "address", "contact"):
        if not office.get(needed):
            problems.append(("letters", f"[letters] needs {needed!r} (issuing office, address lines, contact line)"))
    if not isinstance(office.get("address", []), list):
        problems.append(("address", "[letters] address must be a list of lines"))
    signatures = table.get("signatures", {})
    if not isinstance(signatures, dict):
        problems.append(("signatures", "[letters.signatures] must be a table of roles"))
        signatures = {}
    kinds = {}
    raw_kinds = table.get("kinds") or {}
    if not isinstance(raw_kinds, dict):
        problems.append(("kinds", "[letters.kinds] must be a table of letter kinds"))
        raw_kinds = {}
    for key, raw in raw_kinds.items():
        if not isinstance(raw, dict):
            problems.append((key, f"[letters.kinds.{key}] must be a table"))
            continue
        raw_when = raw.get("when") or []
        when = []
        for alt in (raw_when if isinstance(raw_when, list) else [raw_when]):
            if not isinstance(alt, dict):
                problems.append((key, f"letter {key!r}: when must be a table (or a list of tables) of field values"))
                continue
            when.append({n: tuple(v) if isinstance(v, list) else (v,) for n, v in alt.items()})
        dates = raw.get("dates") or {}
        if not isinstance(dates, dict) or not all(isinstance(v, str) for v in dates.values()):
            problems.append((key, f"letter {key!r}: dates must map a date name to a [parameters] name"))
            dates = {}
        for name, param in dates.items():
            if param not in cfg.get("parameters", {}):
                problems.append((key, f"letter {key!r}: date {name!r} uses parameter {param!r}, "
                                      "which is not in [parameters]"))
        kinds[key] = LetterKind(
            key=key, title=str(raw.get("title") or key), template=str(raw.get("template") or f"{key}.html"),
            date_field=raw.get("date_field"), medical=bool(raw.get("medical", False)), dates=dict(dates),
            required=tuple(raw.get("required", ())), when=tuple(when), sample=dict(raw.get("sample") or {}),
            signed_by=raw.get("signed_by"))
    config = LetterConfig(office=office, signatures={str(k): dict(v) for k, v in signatures.items()
                                                     if isinstance(v, dict)},
                          kinds=kinds, layout=str(table.get("layout") or DEFAULT_LAYOUT),
                          stylesheet=str(table.get("stylesheet") or DEFAULT_STYLESHEET))
    return config, problems


# -- date helpers -------------------------------------------------------------------------------
def long_date(value) -> str:
    """ "2026-07-25" (or a date) as "July 25, 2026"."""
    if isinstance(value, str) and value.startswith("["):
        return value  # a draft's placeholder for a date not entered yet
    d = value if isinstance(value, date) else parse_date(str(value))
    return f"{d:%B} {d.day}, {d.year}"


def letter_dates(kind: LetterKind, letter_date: str, calendar, parameters: dict) -> dict[str, str]:
    """The dates a letter states, each `parameters[p]` calendar days after the letter date (ISO strings)."""
    start = parse_date(letter_date)
    return {name: calendar.add_calendar_days(start, int(parameters[param])).isoformat()
            for name, param in kind.dates.items()}


# -- the sandbox ----------------------------------------------------------------------------------
class RenderBudget:
    """Steps and CPU seconds of this thread (not wall-clock time, so a busy machine never fails a letter).

    Shared with the mail templates: a loop that never ends, or ends only after billions of steps, is stopped."""

    def __init__(self, seconds: float = MAX_RENDER_SECONDS, steps: int = MAX_STEPS):
        self.deadline = time.thread_time() + seconds
        self.steps, self.max_steps = 0, steps

    def tick(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.max_steps or time.thread_time() > self.deadline:
            raise SecurityError("the template takes too long to render (loops are limited)")


class LetterSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, further bounded: no str.format, no huge strings, a loop budget."""

    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def __init__(self, files: dict[str, str]):
        loader = FunctionLoader(lambda name: (files[name], name, lambda: True) if name in files else None)
        super().__init__(loader=loader, undefined=StrictUndefined, autoescape=True, trim_blocks=True,
                         lstrip_blocks=True)
        self.budget = RenderBudget()
        for name in ("center", "indent", "wordwrap", "format", "pprint", "xmlattr", "urlize"):
            self.filters.pop(name, None)
        self.filters["long_date"] = long_date
        self.globals["range"] = self._range
        self.globals.pop("lipsum", None)
        self.globals.pop("cycler", None)
        self.globals.pop("joiner", None)

    def _range(self, *args):
        r = range(*args)
        if len(r) > 10_000:
            raise SecurityError("range() is limited to 10000 items in letters")
        for i in r:
            self.budget.tick()
            yield i

    def call_binop(self, context, operator, left, right):
        self.budget.tick()
        if operator == "**":
            raise SecurityError("the ** operator is not available in letters")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("%-formatting is not available in letters; write {{ value }} instead")
        if operator == "*" and (isinstance(left, str | list | tuple) or isinstance(right, str | list | tuple)):
            count = right if isinstance(left, str | list | tuple) else left
            if not isinstance(count, int) or count > 1000:
                raise SecurityError("repeating text is limited to 1000 times in letters")
        return super().call_binop(context, operator, left, right)

    def call(self, __context, __obj, *args, **kwargs):
        self.budget.tick()
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        return None  # str.format is refused below, not wrapped

    def is_safe_attribute(self, obj, attr, value):
        if isinstance(obj, str) and attr in ("format", "format_map", "center", "ljust", "rjust", "zfill",
                                             "expandtabs"):
            return False  # padding and formatting could build huge strings
        return super().is_safe_attribute(obj, attr, value)


def template_files(bundle_files: dict[str, str]) -> dict[str, str]:
    """The bundle's `letters/<name>` files by bare name."""
    return {n[len(LETTERS_DIR):]: text for n, text in bundle_files.items()
            if n.startswith(LETTERS_DIR) and "/" not in n[len(LETTERS_DIR):]}


def render_html(files: dict[str, str], template: str, context: dict, stylesheet: str = DEFAULT_STYLESHEET) -> str:
    """Render one letter to a full HTML document, or raise LetterTemplateError with file and line."""
    for name, text in files.items():
        if len(text.encode("utf-8")) > MAX_TEMPLATE_BYTES:
            raise LetterTemplateError(f"template is larger than {MAX_TEMPLATE_BYTES // 1024} KB", name, 1)
    if template not in files:
        raise LetterTemplateError(f"letter template {template!r} does not exist", template, 1)
    env = LetterSandbox(files)
    css = files.get(stylesheet, "").replace("</", "<\\/")
    ctx = {**context, "stylesheet": Markup(css)}  # noqa: S704 - CSS from the bundle, kept inside <style>
    try:
        out, size = [], 0
        for chunk in env.get_template(template).generate(ctx):
            size += len(chunk)
            env.budget.tick()
            if size > MAX_OUTPUT_CHARS:
                raise SecurityError(f"the letter is longer than {MAX_OUTPUT_CHARS // 1024} K characters")
            out.append(chunk)
        return "".join(out)
    except TemplateSyntaxError as err:
        raise LetterTemplateError(f"syntax error: {err.message}", err.name or template, err.lineno) from None
    except SecurityError as err:
        raise LetterTemplateError(f"refused by the sandbox: {err}", *_where(err, template)) from None
    except TemplateError as err:
        raise LetterTemplateError(_message(err), *_where(err, template)) from None
    except RecursionError as err:
        raise LetterTemplateError("refused by the sandbox: a macro calls itself without end",
                                  *_where(err, template)) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as err:
        raise LetterTemplateError(f"could not render: {err}", *_where(err, template)) from None


def check_syntax(files: dict[str, str]) -> list[LetterTemplateError]:
    """Every template file compiles (syntax only)."""
    env = LetterSandbox(files)
    found = []
    for name, text in sorted(files.items()):
        if not name.endswith(".html"):
            continue
        try:
            env.parse(text, name, name)
        except TemplateSyntaxError as err:
            found.append(LetterTemplateError(f"syntax error: {err.message}", name, err.lineno))
    return found


def _message(err: TemplateError) -> str:
    text = str(err.message if getattr(err, "message", None) else err)
    if "is undefined" in text:
        return f"undefined name: {text}"
    return text


def _where(err: BaseException, fallback: str) -> tuple[str, int]:
    """The innermost template frame of a render error: Jinja rewrites tracebacks to template lines."""
    found = (fallback, 1)
    tb = err.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if not name.endswith(".py") and "<" not in name:
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


# -- sample data for lint -----------------------------------------------------------------------
def sample_value(spec: dict):
    if "enum" in spec:
        return spec["enum"][0]
    kind = spec.get("type")
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return 1
    if kind == "array":
        items = spec.get("items", {})
        return [sample_value(items)] if items else []
    if spec.get("format") == "date":
        return "2026-07-24"
    return "Sample text"
