"""Letters and notices: draft from current data, issue on completing the step, list, open, correct.

A user task names its letter with the extension property `letter` (beside `formKey`). Completing the
step issues it: the letter date is the completion day, or the kind's `date_field` when given (never in
the future, never before the step opened); the dates the letter states are computed from that date and
handed to the case data (`letter_date` and each declared date), so scripts and timers use the very
dates the reader was told. The letter is rendered once to HTML and PDF and kept immutable; a correction
is a new version that supersedes the old one, which stays in the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from . import access, clock, notify, runtime
from .access import Actor
from .calendars import parse_date
from .casefile import CONFIDENTIAL_VIEWED, check_view_case, load_case, may_see_confidential
from .errors import Forbidden, NotFound, ValidationFailed
from .helpers import TRACKING_KEY
from .history import record_event
from .letter_pdf import PdfUnavailable, html_to_pdf
from .letter_store import Letter
from .letter_templates import (
    LetterKind,
    LetterTemplateError,
    letter_dates,
    long_date,
    parse_letters,
    render_html,
    template_files,
)
from .store import User

FORMATS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


@dataclass(frozen=True)
class LetterInfo:
    id: int
    case_id: int
    kind: str
    title: str
    letter_date: str
    version: int
    superseded: bool
    superseded_by: int | None
    supersedes: int | None
    medical: bool
    issued_by: str
    issued_at: datetime
    sha256: str
    dates: dict


@dataclass
class Pending:
    """A letter rendered and checked, not yet stored (stored in the step's own transaction)."""

    kind: LetterKind
    letter_date: str
    dates: dict
    html: str
    pdf: bytes
    fields: dict


# -- definitions ------------------------------------------------------------------------------------
def letter_of_spec(spec) -> str | None:
    props = (getattr(spec, "extensions", {}) or {}).get("properties", {})
    return (props.get("letter") or "").strip() or None


def config_of(deployed):
    cached = getattr(deployed, "_letters", None)
    if cached is None:
        cached = (parse_letters(deployed.jurisdiction.config)[0], template_files(deployed.bundle_files))
        deployed._letters = cached
    return cached


# -- rendering ----------------------------------------------------------------------------------------
def context(deployed, case_row, kind: LetterKind, letter_date: str, dates: dict, data: dict, issuer: str,
            role: str, recipient: str, version: int = 1) -> dict:
    """What a template sees: the case data, and the reserved names letter, dates, case, recipient, office,
    signature, params, jurisdiction (reserved names win over data fields of the same name)."""
    config, _ = config_of(deployed)
    signer = dict(config.signatures.get(kind.signed_by or role, {}))
    signer.setdefault("name", issuer)
    plain = {k: v for k, v in data.items() if isinstance(k, str) and not k.startswith("_")}
    return {**plain,
            "letter": {"kind": kind.key, "title": kind.title, "date": letter_date, "version": version,
                       "corrected": version > 1},
            "dates": dates, "recipient": {"name": recipient},
            "case": {"id": case_row.id, "title": case_row.title, "requester": recipient},
            "office": config.office, "signature": signer, "params": deployed.jurisdiction.parameters,
            "jurisdiction": {"key": deployed.jurisdiction.key, "name": deployed.jurisdiction.name}}


def render(deployed, kind: LetterKind, ctx: dict) -> str:
    config, files = config_of(deployed)
    return render_html(files, kind.template, ctx, config.stylesheet)


def _placeholders(form) -> dict:
    """What a draft shows for a part not written yet: the field's title in brackets (unticked for a checkbox)."""
    if form is None:
        return {}
    return {name: False if spec.get("type") == "boolean" else f"[{spec.get('title', name)}]"
            for name, spec in form.fields.items() if spec.get("type") in ("string", "boolean")}


def _tracked(task) -> dict:
    """The case's tracking data (request, job, dates; never medical fields), known everywhere in the case."""
    return dict(task.workflow.top_workflow.data.get(TRACKING_KEY) or {})


def _recipient(session, case_row, data: dict) -> str:
    name = data.get("requester_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    user = session.execute(select(User.display_name).where(User.name == case_row.requester)).scalar()
    return user or case_row.requester


def choose_date(kind: LetterKind, values: dict, opened_at: datetime, calendar) -> str:
    """The letter date: the kind's date field if given, else today; never future, never before the step."""
    today = calendar.local_date(clock.now())
    opened = calendar.local_date(opened_at)
    field = kind.date_field or "_form"
    raw = values.get(kind.date_field) if kind.date_field else None
    if raw in (None, ""):
        return today.isoformat()
    try:
        chosen = parse_date(raw)
    except ValueError:
        raise ValidationFailed({field: "enter a date as YYYY-MM-DD"}) from None
    if chosen > today:
        raise ValidationFailed({field: f"the letter date cannot be in the future (today is {long_date(today)})"})
    if chosen < opened:
        raise ValidationFailed({field: f"the letter date cannot be before this step opened ({long_date(opened)})"})
    return chosen.isoformat()


# -- issuing (called by CaseService.complete inside its transaction) ------------------------------------
def prepare(session, deployed, case_row, task, task_row, clean: dict, actor: Actor) -> Pending | None:
    """Render the step's letter from the submitted values, or None when the step issues none.

    Bad input (future or early letter date, empty free text, a template failing) raises ValidationFailed
    for the step's form, before anything is stored.
    """
    key = letter_of_spec(task.task_spec)
    if key is None:
        return None
    config, _ = config_of(deployed)
    kind = config.kinds.get(key) if config else None
    if kind is None:
        raise ValidationFailed({"_form": f"this step names letter {key!r}, which the jurisdiction does not define"})
    data = {**_tracked(task), **task.data, **clean}
    if not kind.applies(data):
        return None
    empty = {name: "write this part of the letter" for name in kind.required
             if not str(clean.get(name) or "").strip()}
    if empty:
        raise ValidationFailed(empty)
    calendar = deployed.jurisdiction.calendar
    letter_date = choose_date(kind, clean, task_row.created_at, calendar)
    dates = letter_dates(kind, letter_date, calendar, deployed.jurisdiction.parameters)
    recipient = _recipient(session, case_row, data)
    ctx = context(deployed, case_row, kind, letter_date, dates, {**data, **dates}, actor.display_name,
                  task_row.role, recipient)
    html, pdf = _render_both(deployed, kind, ctx)
    return Pending(kind, letter_date, dates, html, pdf, {"form": task_row.form_key, "values": clean})


def _render_both(deployed, kind, ctx) -> tuple[str, bytes]:
    try:
        html = render(deployed, kind, ctx)
        return html, html_to_pdf(html)
    except LetterTemplateError as err:
        raise ValidationFailed({"_form": f"the letter could not be drafted: {err.located()}"}) from None
    except PdfUnavailable as err:
        raise ValidationFailed({"_form": str(err)}) from None


def case_data_of(pending: Pending) -> dict:
    """What the issued letter adds to the case data: its date and every date it states."""
    return {"letter_date": pending.letter_date, **pending.dates}


def store(session, case_row, pending: Pending, actor: Actor, task_row, supersedes: Letter | None = None,
          deployed=None) -> int:
    """Keep the issued letter and tell the requester by mail (with `deployed`; the title only, and for a
    medical letter not even that), all in the caller's transaction."""
    now = clock.now()
    row = Letter(case_id=case_row.id, kind=pending.kind.key, title=pending.kind.title,
                 version=(supersedes.version + 1) if supersedes else 1, letter_date=pending.letter_date,
                 dates=pending.dates, medical=pending.kind.medical, task_id=task_row.id, spec_id=task_row.spec_id,
                 role=task_row.role, fields=pending.fields, issued_by=actor.name, issued_at=now, html=pending.html,
                 pdf=pending.pdf, sha256=hashlib.sha256(pending.pdf).hexdigest(),
                 supersedes_id=supersedes.id if supersedes else None)
    session.add(row)
    session.flush()
    if supersedes is not None:
        supersedes.superseded_by = row.id
    record_event(session, case_row.id, actor.name, "letter_reissued" if supersedes else "letter_issued",
                 task_row.id, {"letter": row.id, "kind": row.kind, "version": row.version,
                               "letter_date": row.letter_date, **pending.dates}, at=now)
    if deployed is not None:
        title = "A letter about your request" if row.medical else row.title
        notify.letter_issued(session.connection(), deployed, case_row, title)  # links to the case page
    return row.id


# -- drafts on the task page --------------------------------------------------------------------------
def draft(service, task_id: str, actor_name: str, values: dict | None = None) -> dict | None:
    """The step's letter rendered from current data (and unsaved entries): {kind, title, html, error}."""
    with service.db.transaction() as s:
        actor = access.load_actor(s, actor_name)
        row, case = service.workable_task(s, task_id, actor)
        deployed = service.registry.get(s, case.definition_id)
        workflow = deployed.load_workflow(case)
        task = runtime.find_task(workflow, task_id)
        key = letter_of_spec(task.task_spec) if task is not None else None
        if key is None:
            return None
        config, _ = config_of(deployed)
        kind = config.kinds.get(key) if config else None
        if kind is None:
            return {"kind": key, "title": key, "html": None, "error": f"letter {key!r} is not defined"}
        form = deployed.form(row.form_key)
        entries = {k: v for k, v in (values or {}).items() if form is None or k in form.fields}
        data = {**_placeholders(form), **_tracked(task), **task.data, **entries}
        try:
            letter_date = choose_date(kind, entries, row.created_at, deployed.jurisdiction.calendar)
        except ValidationFailed:
            letter_date = deployed.jurisdiction.calendar.local_date(clock.now()).isoformat()
        dates = letter_dates(kind, letter_date, deployed.jurisdiction.calendar, deployed.jurisdiction.parameters)
        ctx = context(deployed, case, kind, letter_date, dates, {**data, **dates}, actor.display_name, row.role,
                      _recipient(s, case, data))
    out = {"kind": key, "title": kind.title, "applies": kind.applies(data), "html": None, "error": None}
    try:
        out["html"] = render(deployed, kind, ctx)
    except LetterTemplateError as err:
        out["error"] = err.located()
    return out


# -- reading ----------------------------------------------------------------------------------------------
def _check_visible(session, actor: Actor, case) -> None:
    """A case the actor may not see answers 404, as if it did not exist (its letters reveal a disability)."""
    try:
        check_view_case(session, actor, case)
    except Forbidden:
        raise NotFound(f"no case {case.id}") from None


def _info(row: Letter) -> LetterInfo:
    return LetterInfo(row.id, row.case_id, row.kind, row.title, row.letter_date, row.version,
                      row.superseded_by is not None, row.superseded_by, row.supersedes_id, row.medical,
                      row.issued_by, row.issued_at, row.sha256, dict(row.dates or {}))


def list_letters(service, case_id, actor_name: str) -> list[LetterInfo]:
    """Letters of a case the actor may see (medical letters: need-to-know roles and the requester)."""
    with service.db.transaction() as s:
        actor = access.load_actor(s, actor_name)
        case = load_case(s, case_id, with_workflow=False)
        _check_visible(s, actor, case)
        allowed = may_see_confidential(actor, service.registry.get(s, case.definition_id), case)
        rows = s.execute(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)).scalars().all()
        return [_info(r) for r in rows if allowed or not r.medical]


def open_letter(service, case_id, letter_id, actor_name: str, fmt: str = "pdf") -> tuple[LetterInfo, bytes, str]:
    """One letter's bytes as PDF or HTML (and its content type); every download is in the case history."""
    if fmt not in FORMATS:
        raise NotFound(f"letters come as {' or '.join(FORMATS)}")
    try:
        wanted = int(letter_id)
    except (TypeError, ValueError):
        raise NotFound(f"no letter {str(letter_id)[:20]}") from None
    with service.db.transaction() as s:
        actor = access.load_actor(s, actor_name)
        case = load_case(s, case_id, with_workflow=False)
        _check_visible(s, actor, case)
        row = s.get(Letter, wanted) if 0 < wanted < 2**31 else None
        if row is None or row.case_id != case.id:
            raise NotFound(f"no letter {letter_id} in case {case.id}")
        if row.medical and not may_see_confidential(actor, service.registry.get(s, case.definition_id), case):
            raise Forbidden("this letter contains medical information and is shown only to those with a need to know")
        now = clock.now()
        record_event(s, case.id, actor.name, "letter_downloaded", None,
                     {"letter": row.id, "kind": row.kind, "version": row.version, "format": fmt}, at=now)
        if row.medical:
            record_event(s, case.id, actor.name, CONFIDENTIAL_VIEWED, None,
                         {"what": "letter", "letter": row.id}, at=now)
        body = row.pdf if fmt == "pdf" else row.html.encode("utf-8")
        return _info(row), body, FORMATS[fmt]


# -- corrections ------------------------------------------------------------------------------------------
def reissue(service, case_id, letter_id, actor_name: str, changes: dict) -> int:
    """Issue a corrected version of a letter (same letter date and dates); the old one is marked superseded.

    Only a holder of the role that issued it may correct it; the changed values are checked against the
    issuing step's form, and nothing is stored if anything is wrong.
    """
    if not isinstance(changes, dict):
        raise ValidationFailed({"_data": "data must be a JSON object of field values"})
    with service.db.transaction() as s:
        actor = access.load_actor(s, actor_name)
        case = load_case(s, case_id)
        _check_visible(s, actor, case)
        try:
            old = s.get(Letter, int(letter_id))
        except (TypeError, ValueError):
            old = None
        if old is None or old.case_id != case.id:
            raise NotFound(f"no letter {letter_id} in case {case.id}")
        if old.superseded_by is not None:
            raise ValidationFailed({"_form": f"letter {old.id} was already corrected by letter {old.superseded_by}"})
        if not access.can_work(actor, jurisdiction=case.jurisdiction, role=old.role, assignee=None,
                               requester=case.requester) or old.role == access.REQUESTER:
            raise Forbidden(f"only the {old.role} role may correct this letter")
        deployed = service.registry.get(s, case.definition_id)
        config, _ = config_of(deployed)
        kind = config.kinds.get(old.kind) if config else None
        if kind is None:
            raise NotFound(f"letter kind {old.kind!r} is not defined in this version")
        form = deployed.form((old.fields or {}).get("form"))
        values = {**(old.fields or {}).get("values", {}), **changes}
        clean = form.validate(values) if form else values
        empty = {n: "write this part of the letter" for n in kind.required if not str(clean.get(n) or "").strip()}
        if empty:
            raise ValidationFailed(empty)
        task = runtime.find_task(deployed.load_workflow(case), old.task_id)
        data = {**(_tracked(task) if task is not None else {}), **(task.data if task is not None else {}), **clean,
                **old.dates}
        ctx = context(deployed, case, kind, old.letter_date, dict(old.dates), data, actor.display_name, old.role,
                      _recipient(s, case, data), version=old.version + 1)
        html, pdf = _render_both(deployed, kind, ctx)
        pending = Pending(kind, old.letter_date, dict(old.dates), html, pdf, {"form": form.key if form else None,
                                                                              "values": clean})
        task_row = _TaskRef(old.task_id, old.spec_id, old.role)
        return store(s, case, pending, actor, task_row, supersedes=old, deployed=deployed)


@dataclass
class _TaskRef:
    id: str | None
    spec_id: str
    role: str
