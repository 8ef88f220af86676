"""The policy studio pages: per jurisdiction its diagrams, forms, parameters and versions; a draft to edit
(diagram modeler, form JSON with a live preview, config), its checks (lint, invariants, scenarios, the
difference from the deployed version), publishing with a note, moving running cases, new variants.

Only a policy role (`[admin] policy_roles`, default the coordinator) of the jurisdiction may use it; to
anyone else the pages do not exist (404). Every page works without JavaScript: the modeler and the
live preview enhance a textarea that posts the same form.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from engine import case_migration, mailtemplates, studio, studio_parameters, studio_templates, studio_variant
from engine.errors import Conflict, DefinitionError, NotFound, ValidationFailed
from engine.forms import parse_form
from engine.jurisdiction import CONFIG_NAME, parse_config
from engine.letter_pdf import PdfUnavailable, html_to_pdf

from .auth import login_required
from .formview import build_fields
from .web import actor, cases, db

bp = Blueprint("studio", __name__, url_prefix="/studio")
ROOT_PROCESSES = None  # set by init_app from the app config (scenario files of a fresh draft)


def _deployed_config(jurisdiction):
    svc = cases()
    with svc.db.transaction() as s:
        try:
            return svc.registry.current(s, jurisdiction)
        except NotFound:
            return None


def _allowed(jurisdiction: str):
    """(deployed or None, draft or None) if the signed-in user may use the studio for it, else 404."""
    me = actor()
    deployed = _deployed_config(jurisdiction)
    draft = studio.get_draft(db(), jurisdiction)
    if deployed is not None and me.jurisdiction == jurisdiction:
        j = deployed.jurisdiction
        if me.roles & studio.policy_roles(j.config, j.roles):
            return deployed, draft
    if deployed is None and draft is not None and _variant_owner(draft, me):
        return None, draft
    abort(404)


def _variant_owner(draft, me) -> bool:
    """A new variant (not yet published) belongs to the policy users of the jurisdiction it was made by."""
    source = _deployed_config(me.jurisdiction)
    if source is None:
        return False
    j = source.jurisdiction
    return bool(me.roles & studio.policy_roles(j.config, j.roles))


@bp.get("/")
@login_required
def home():
    return redirect(url_for("studio.jurisdiction", key=actor().jurisdiction))


@bp.get("/<key>")
@login_required
def jurisdiction(key):
    deployed, draft = _allowed(key)
    files = draft.files if deployed is None else _bundle_files(key)
    return render_template("studio/jurisdiction.html", key=key, deployed=deployed, draft=draft,
                           diagrams=sorted(n for n in files if n.endswith(".bpmn")),
                           forms=sorted(n[len("forms/"):-len(".json")] for n in files if n.startswith("forms/")),
                           templates=sorted(n for n in files if n.startswith(("letters/", "mail/"))),
                           parameters=studio_parameters.parameters(files.get(CONFIG_NAME, "")),
                           versions=studio.versions(db(), key))


def _bundle_files(key) -> dict:
    with db().transaction() as s:
        version = studio.latest_version(s, key)
        return dict(version.bundle["files"]) if version else {}


@bp.post("/<key>/draft/start")
@login_required
def start(key):
    _allowed(key)
    folder = f"{ROOT_PROCESSES}/{key}/scenarios" if ROOT_PROCESSES else None
    studio.start_draft(db(), key, actor().name, folder)
    flash("Draft started: a copy of the deployed version. Nothing you change is live until you publish.", "info")
    return redirect(url_for("studio.draft", key=key))


def _draft_or_404(key):
    deployed, draft = _allowed(key)
    if draft is None:
        abort(404)
    return deployed, draft


@bp.get("/<key>/draft")
@login_required
def draft(key, scenario_results=None, publish_problems=None, status=200):
    deployed, draft = _draft_or_404(key)
    problems = studio.lint_draft(draft)
    return render_template("studio/draft.html", key=key, deployed=deployed, draft=draft, problems=problems,
                           changes=studio.diff_draft(db(), draft), scenario_results=scenario_results,
                           default_mail=[k for k in mailtemplates.KINDS if f"mail/{k}.txt" not in draft.files],
                           publish_problems=publish_problems), status


@bp.get("/<key>/draft/file/<path:name>")
@login_required
def edit_file(key, name, text=None, problems=None, status=200):
    deployed, draft = _draft_or_404(key)
    if text is None:
        text = draft.files.get(name)
        if text is None:
            text = _new_mail_template(name)  # a jurisdiction's own mail starts from the default
    lint = [p for p in studio.lint_draft(draft) if p.file == name]
    preview = _preview(name, text) if name.startswith("forms/") else None
    deployed_xml = None
    if name.endswith(".bpmn"):
        deployed_xml = _bundle_files(key).get(name)
    kind = _kind(name)
    letter = mail = None
    if kind == "letter":
        letter = studio_templates.preview_letter(draft.files, key, name, text, request.values.get("letter"))
    elif kind == "mail":
        mail = studio_templates.preview_mail(name, text)
    return render_template("studio/file.html", key=key, name=name, text=text, problems=problems or [],
                           lint=lint, preview=preview, deployed_xml=deployed_xml, kind=kind,
                           letter=letter, mail=mail, is_new=name not in draft.files,
                           choices=draft.task_choices() if name.endswith(".bpmn") else None), status


@bp.get("/<key>/draft/parameters")
@login_required
def parameters_form(key, values=None, errors=None, status=200):
    """The draft's [parameters] as fields, each with its documented meaning."""
    _, d = _draft_or_404(key)
    rows = studio_parameters.parameters(d.files.get(CONFIG_NAME, ""))
    for row in rows:
        if values and row["name"] in values:
            row["value"] = values[row["name"]]
    return render_template("studio/parameters.html", key=key, rows=rows, errors=errors or {}), status


@bp.post("/<key>/draft/parameters")
@login_required
def save_parameters(key):
    _, d = _draft_or_404(key)
    rows = studio_parameters.parameters(d.files.get(CONFIG_NAME, ""))
    values = {r["name"]: request.form[r["name"]] for r in rows if r["kind"] != "other" and r["name"] in request.form}
    text, errors = studio_parameters.set_parameters(d.files[CONFIG_NAME], values)
    if not errors:
        try:
            studio.save_file(db(), key, CONFIG_NAME, text, actor().name)
        except DefinitionError as err:
            errors = {p.element if p.element in values else "parameters": p.message for p in err.problems}
    if errors:
        return parameters_form(key, values, errors, status=422)
    flash("Saved the parameters in the draft.", "info")
    return redirect(url_for("studio.parameters_form", key=key))


@bp.get("/<key>/draft/diff/<path:name>")
@login_required
def diff_picture(key, name):
    """A draft diagram beside its deployed version, added, changed and removed elements coloured (and listed)."""
    _, d = _draft_or_404(key)
    if not name.endswith(".bpmn") or name not in d.files:
        abort(404)
    changes = [c for c in studio.diff_draft(db(), d) if c.file == name]
    return render_template("studio/diff.html", key=key, name=name, after=d.files[name],
                           before=_bundle_files(key).get(name), changes=changes)


def _kind(name: str) -> str:
    if name.endswith(".bpmn"):
        return "bpmn"
    if name.startswith("forms/"):
        return "form"
    if name.startswith("letters/"):
        return "letter"
    if name.startswith("mail/"):
        return "mail"
    return "config" if name == CONFIG_NAME else "scenario"


def _new_mail_template(name: str) -> str:
    kind = name[len("mail/"):].removesuffix(".txt") if name.startswith("mail/") else None
    if kind not in mailtemplates.KINDS:
        abort(404)
    return mailtemplates.default_text(kind)


def _preview(name, text):
    key = name[len("forms/"):-len(".json")]
    form, _ = parse_form(key, text)
    return (form, build_fields(form)) if form else None


@bp.post("/<key>/draft/file/<path:name>")
@login_required
def save_file(key, name):
    _draft_or_404(key)
    text = request.form.get("text", "").replace("\r\n", "\n")
    if request.form.get("action") == "preview":
        return edit_file(key, name, text=text)
    if request.form.get("action") == "pdf" and name.startswith("letters/"):
        return _letter_pdf(key, name, text)
    try:
        studio.save_file(db(), key, name, text, actor().name)
    except DefinitionError as err:
        return edit_file(key, name, text=text, problems=err.problems, status=422)
    flash(f"Saved {name} in the draft.", "info")
    return redirect(url_for("studio.edit_file", key=key, name=name))


def _letter_pdf(key, name, text):
    """The previewed letter as the PDF a case would get (the same renderer), or the page with its error."""
    _, d = _draft_or_404(key)
    letter = studio_templates.preview_letter(d.files, key, name, text, request.form.get("letter"))
    if letter.html is not None:
        try:
            pdf = html_to_pdf(letter.html)
        except PdfUnavailable as err:
            flash(str(err), "error")
        else:
            return Response(pdf, mimetype="application/pdf", headers={
                "Content-Disposition": f'inline; filename="{letter.kind}-preview.pdf"'})
    return edit_file(key, name, text=text, status=422)


@bp.post("/<key>/draft/preview")
@login_required
def preview_form(key):
    """The page a form JSON makes (for the live preview): an HTML fragment, or its errors."""
    _draft_or_404(key)
    text = request.form.get("text", "")
    name = request.form.get("name", "forms/preview.json")
    form, messages = parse_form(name[len("forms/"):-len(".json")] or "preview", text)
    return render_template("studio/_preview.html", preview=(form, build_fields(form)) if form else None,
                           messages=messages)


@bp.get("/<key>/draft.zip")
@login_required
def download(key):
    _, draft = _draft_or_404(key)
    return Response(studio.to_zip(draft), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{key}-draft.zip"'})


@bp.post("/<key>/draft/upload")
@login_required
def upload(key):
    _draft_or_404(key)
    upload = request.files.get("folder")
    if upload is None or not upload.filename:
        return _draft_error(key, [("upload", "choose the zip of a jurisdiction folder to upload")])
    try:
        files = studio.files_from_zip(upload.read(), key)
        studio.replace_files(db(), key, files, actor().name)
    except DefinitionError as err:
        return _draft_error(key, [(str(p.file), f"{p.file}:{p.line or 1}: {p.message}") for p in err.problems])
    flash(f"Uploaded {len(files)} files into the draft.", "info")
    return redirect(url_for("studio.draft", key=key))


def _draft_error(key, errors):
    for _, message in errors:
        flash(f"Not uploaded: {message}", "error")
    return draft(key, status=422)


@bp.post("/<key>/draft/scenarios")
@login_required
def run_scenarios(key):
    _, d = _draft_or_404(key)
    try:
        results = studio.run_draft_scenarios(d)
    except DefinitionError as err:
        return draft(key, publish_problems=err.problems, status=422)
    except Exception as err:  # noqa: BLE001 - a scenario file error is shown, never a 500
        flash(f"The scenarios could not run: {err}", "error")
        return draft(key, status=422)
    return draft(key, scenario_results=results)


@bp.post("/<key>/draft/publish")
@login_required
def publish(key):
    _draft_or_404(key)
    try:
        version = studio.publish(db(), key, actor().name, request.form.get("note", ""))
    except DefinitionError as err:
        return draft(key, publish_problems=err.problems, status=422)
    except Conflict as err:
        flash(str(err), "error")
        return draft(key, status=409)
    flash(f"Published version {version.id}. Running cases stay on their version until you move them.", "info")
    return redirect(url_for("studio.migrate_page", key=key))


@bp.post("/<key>/draft/discard")
@login_required
def discard(key):
    _draft_or_404(key)
    studio.discard_draft(db(), key)
    flash("Draft discarded.", "info")
    return redirect(url_for("studio.jurisdiction", key=key))


@bp.get("/<key>/migrate")
@login_required
def migrate_page(key, moves=None):
    deployed, _ = _allowed(key)
    if deployed is None:
        abort(404)
    plan = case_migration.plan(db(), cases().registry, key)
    return render_template("studio/migrate.html", key=key, plan=plan, moves=moves)


@bp.post("/<key>/migrate")
@login_required
def migrate(key):
    deployed, _ = _allowed(key)
    if deployed is None:
        abort(404)
    chosen = request.form.getlist("case") if request.form.get("which") != "all" else None
    if chosen is not None and not chosen:
        flash("Choose the cases to move, or move all that can.", "error")
        return redirect(url_for("studio.migrate_page", key=key))
    moves = case_migration.migrate(db(), cases().registry, key, actor().name, chosen)
    moved = sum(m.moved for m in moves)
    flash(f"Moved {moved} case(s) to version {deployed.version_id}.", "info")
    return migrate_page(key, moves=moves)


@bp.get("/<key>/variant")
@login_required
def variant_form(key, form=None, errors=None, problems=None, status=200):
    """The new variant's settings as form fields, prefilled from this jurisdiction."""
    deployed, _ = _allowed(key)
    if deployed is None:
        abort(404)
    source = studio_variant.from_files(studio.variant_source(db(), key))
    if form is None:
        form = _VariantForm.of(source)
    return render_template("studio/variant.html", key=key, form=form, errors=errors or {}, problems=problems or [],
                           lanes=source.lanes, countries=studio_variant.countries()), status


@bp.post("/<key>/variant")
@login_required
def variant(key):
    deployed, _ = _allowed(key)
    if deployed is None:
        abort(404)
    source = studio_variant.from_files(studio.variant_source(db(), key))
    form = _VariantForm.posted(request.form, source)
    spec = form.spec()
    try:
        studio.new_variant(db(), key, spec, actor().name)
    except ValidationFailed as err:
        return variant_form(key, form, form.field_errors(err.errors), status=422)
    except DefinitionError as err:
        return variant_form(key, form, problems=err.problems, status=422)
    except Conflict as err:
        return variant_form(key, form, {"new_key": str(err)}, status=409)
    flash(f"Variant {spec.key} created as a draft from {key}.", "info")
    return redirect(url_for("studio.draft", key=spec.key))


class _VariantForm:
    """The posted rows (blank rows to add a date or a role included), and their engine spec."""

    ADD_ROWS = 3

    def __init__(self, values: dict, dates: list[dict], roles: list[dict]):
        self.values, self.dates, self.roles = values, dates, roles

    @classmethod
    def of(cls, spec):
        return cls({"new_key": "", "name": "", "timezone": spec.timezone, "country": spec.country,
                    "subdiv": spec.subdiv},
                   [{"value": d, "remove": False} for d in spec.dates]
                   + [{"value": "", "remove": False}] * cls.ADD_ROWS,
                   [{"old": r.key, "key": r.key, "title": r.title, "remove": False} for r in spec.roles]
                   + [{"old": "", "key": "", "title": "", "remove": False}] * cls.ADD_ROWS)

    @classmethod
    def posted(cls, data, source):
        values = {k: data.get(k, "").strip() for k in ("new_key", "name", "timezone", "country", "subdiv")}
        if "country" not in data:  # a form without the calendar fields keeps the source's
            values["country"], values["subdiv"] = source.country, source.subdiv
        removed_dates = set(data.getlist("holiday_remove"))
        dates = [{"value": v.strip(), "remove": str(i) in removed_dates} for i, v in enumerate(data.getlist("holiday"))]
        if "holiday" not in data and "holiday_remove" not in data:
            dates = [{"value": d, "remove": False} for d in source.dates]
        removed = set(data.getlist("role_remove"))
        olds, keys, titles = data.getlist("role_old"), data.getlist("role_key"), data.getlist("role_title")
        roles = [{"old": (olds[i] if i < len(olds) else "").strip(), "key": keys[i].strip(),
                  "title": (titles[i] if i < len(titles) else "").strip(), "remove": str(i) in removed}
                 for i in range(len(keys))]
        if not keys:
            roles = [{"old": r.key, "key": r.key, "title": r.title, "remove": False} for r in source.roles]
        return cls(values, dates, roles)

    def _date_rows(self):
        return [i for i, d in enumerate(self.dates) if d["value"] and not d["remove"]]

    def _role_rows(self):
        return [i for i, r in enumerate(self.roles) if r["old"] or r["key"] or r["title"]]

    def spec(self):
        v = self.values
        return studio_variant.VariantSpec(
            key=v["new_key"], name=v["name"], timezone=v["timezone"], country=v["country"], subdiv=v["subdiv"],
            dates=[self.dates[i]["value"] for i in self._date_rows()],
            roles=[studio_variant.Role(self.roles[i]["key"], self.roles[i]["title"], self.roles[i]["old"] or None,
                                       self.roles[i]["remove"]) for i in self._role_rows()])

    def field_errors(self, errors: dict) -> dict:
        """The engine's errors keyed by the row of the form they belong to (holiday-2 -> its row's id)."""
        out = {}
        dates, roles = self._date_rows(), self._role_rows()
        for name, message in errors.items():
            kind, _, index = name.rpartition("-")
            if kind == "holiday" and index.isdigit():
                out[f"holiday-{dates[int(index)]}"] = message
            elif kind == "role" and index.isdigit():
                out[f"role-{roles[int(index)]}"] = message
            else:
                out[name] = message
        return out


def init_app(app) -> None:
    global ROOT_PROCESSES
    from pathlib import Path

    ROOT_PROCESSES = app.config.get("PROCESSES_PATH", str(Path(__file__).resolve().parent.parent / "processes"))
    app.register_blueprint(bp)
    app.jinja_env.globals["studio_config"] = lambda text: parse_config(text, CONFIG_NAME)[0]
