"""The policy studio's service: drafts of a jurisdiction, their checks, publishing, variants.

A draft is the whole jurisdiction folder as edited (config, diagrams, forms, scenarios), kept in the
database and never live: cases only ever run on deployed versions. Every edit is checked before it is
stored (a diagram that does not parse, a form that is not valid JSON Schema, a config that is not valid
TOML, an upload that is not a jurisdiction folder: a located error and the draft unchanged); the checks
of the whole draft (lint, invariants, scenarios) are run on demand and again at publish, which refuses a
draft that does not pass them. The zip a draft downloads as mirrors the repository (processes/<key>/...,
forms/<key>/...), so policy staff can unzip it over a checkout and use the command line or a desktop
modeler, and upload it back.
"""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from . import clock
from .definitions import Bundle, deploy, lint_bundle
from .errors import Conflict, DefinitionError, NotFound, Problem, ValidationFailed
from .forms import parse_form
from .jurisdiction import CONFIG_NAME, parse_config
from .letter_templates import parse_letters
from .lint import parse_xml_safely
from .store import DefinitionVersion
from .studio_store import Publication, StudioDraft

MAX_ZIP_BYTES = 5_000_000
MAX_FILE_BYTES = 1_000_000
MAX_FILES = 300
_NAME = re.compile(r"^(jurisdiction\.toml|[A-Za-z0-9_.-]+\.bpmn|forms/[A-Za-z0-9_.-]+\.json|"
                   r"scenarios/[A-Za-z0-9_.-]+\.ya?ml|letters/[A-Za-z0-9_.-]+\.(html|css)|mail/[A-Za-z0-9_.-]+\.txt)$")


@dataclass
class DraftView:
    jurisdiction: str
    files: dict[str, str]
    base_version_id: int | None
    updated_by: str
    updated_at: object

    def bundle(self) -> Bundle:
        """The files that deploy (scenarios are checks, not part of a version)."""
        return Bundle({n: t for n, t in self.files.items() if not n.startswith("scenarios/")}, self.jurisdiction)

    def task_choices(self) -> dict:
        """What a user task's Form key and Letter may name in this draft (the properties panel's lists):
        the form keys (event forms are not a step's), and the letter kinds with their titles. A config
        that does not parse gives no letters; lint says why."""
        forms = [n[len("forms/"):-len(".json")] for n in self.names("forms") if n.endswith(".json")]
        try:  # the raw table, not parse_config: a problem elsewhere in the config keeps the letters listed
            letters = parse_letters(tomllib.loads(self.files.get(CONFIG_NAME, "")))[0]
        except tomllib.TOMLDecodeError:
            letters = None
        kinds = sorted(letters.kinds.items()) if letters else []
        return {"forms": [f for f in forms if not f.startswith("event_")],
                "letters": [{"value": key, "title": kind.title} for key, kind in kinds]}

    def names(self, kind: str) -> list[str]:
        if kind == "bpmn":
            return sorted(n for n in self.files if n.endswith(".bpmn"))
        if kind == "forms":
            return sorted(n for n in self.files if n.startswith("forms/"))
        if kind == "templates":
            return sorted(n for n in self.files if n.startswith(("letters/", "mail/")))
        return sorted(n for n in self.files if n.startswith("scenarios/"))


def policy_roles(config: dict, roles) -> set[str]:
    """Roles that may use the studio: `[admin] policy_roles`, default the (RA/ADA) coordinator."""
    configured = (config.get("admin") or {}).get("policy_roles")
    if configured:
        return set(configured)
    return {r for r in roles if r == "coordinator" or r.endswith("_coordinator")}


def _view(row: StudioDraft) -> DraftView:
    return DraftView(row.jurisdiction, dict(row.files), row.base_version_id, row.updated_by, row.updated_at)


def get_draft(db, jurisdiction: str) -> DraftView | None:
    with db.transaction() as s:
        row = s.execute(select(StudioDraft).where(StudioDraft.jurisdiction == jurisdiction)).scalar()
        return _view(row) if row else None


def latest_version(session, jurisdiction: str) -> DefinitionVersion | None:
    return session.execute(select(DefinitionVersion).where(DefinitionVersion.jurisdiction == jurisdiction)
                           .order_by(DefinitionVersion.id.desc()).limit(1)).scalar()


def versions(db, jurisdiction: str) -> list[dict]:
    """Deployed versions, newest first, with who published each and why (studio note, if any)."""
    with db.transaction() as s:
        rows = s.execute(select(DefinitionVersion, Publication).outerjoin(
            Publication, Publication.version_id == DefinitionVersion.id)
            .where(DefinitionVersion.jurisdiction == jurisdiction).order_by(DefinitionVersion.id.desc())).all()
        return [dict(id=v.id, hash=v.content_hash[:12], deployed_at=v.deployed_at,
                     by=p.published_by if p else v.deployed_by, note=p.note if p else "") for v, p in rows]


def start_draft(db, jurisdiction: str, actor: str, scenarios_dir: str | Path | None = None) -> DraftView:
    """A draft copied from the latest deployed version (and the folder's scenarios), unless one exists."""
    with db.transaction() as s:
        row = s.execute(select(StudioDraft).where(StudioDraft.jurisdiction == jurisdiction)).scalar()
        if row is not None:
            return _view(row)
        version = latest_version(s, jurisdiction)
        if version is None:
            raise NotFound(f"no version of {jurisdiction!r} is deployed")
        files = dict(version.bundle["files"])
        if scenarios_dir and Path(scenarios_dir).is_dir():
            for file in sorted(Path(scenarios_dir).glob("*.y*ml"))[:MAX_FILES]:
                files[f"scenarios/{file.name}"] = file.read_text(encoding="utf-8")
        row = _new_row(s, jurisdiction, files, version.id, actor)
        return _view(row)


def _new_row(session, jurisdiction, files, base, actor) -> StudioDraft:
    row = StudioDraft(jurisdiction=jurisdiction, files=files, base_version_id=base, created_by=actor,
                      updated_by=actor, updated_at=clock.now())
    session.add(row)
    session.flush()
    return row


def discard_draft(db, jurisdiction: str) -> None:
    with db.transaction() as s:
        row = s.execute(select(StudioDraft).where(StudioDraft.jurisdiction == jurisdiction)).scalar()
        if row is not None:
            s.delete(row)


def check_file(name: str, text: str, jurisdiction: str) -> list[Problem]:
    """Problems that stop one file from being stored in a draft (it must at least parse)."""
    if not _NAME.match(name):
        return [Problem(name, 1, None, "not a file a jurisdiction folder holds (jurisdiction.toml, *.bpmn, "
                                       "forms/*.json, scenarios/*.yaml, letters/*.html|css, mail/*.txt)")]
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        return [Problem(name, 1, None, f"larger than {MAX_FILE_BYTES} bytes")]
    if name == CONFIG_NAME:
        return parse_config(text, name, jurisdiction)[1]
    if name.endswith(".bpmn"):
        root, problems = parse_xml_safely(text, name)
        if problems:
            return problems
        if root.tag != "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions":
            return [Problem(name, 1, None, "not a BPMN 2.0 diagram (the root element must be bpmn:definitions)")]
        return []
    if name.startswith("forms/"):
        key = name[len("forms/"):-len(".json")]
        _, messages = parse_form(key, text)
        out = []
        for message in messages:
            line = int(message.split(":")[0][5:]) if message.startswith("line ") and ":" in message else 1
            out.append(Problem(name, line, key, message))
        return out
    if name.startswith(("letters/", "mail/")):  # they must compile; lint renders them before a publish
        from .studio_templates import template_problems
        return [Problem(name, line, None, message) for line, message in template_problems(name, text)]
    from .scenarios import ScenarioFileError, parse_scenarios
    try:
        parse_scenarios(text, name)
    except ScenarioFileError as err:
        return [Problem(name, 1, None, str(err))]
    return []


def save_file(db, jurisdiction: str, name: str, text: str, actor: str) -> DraftView:
    """Store one file in the draft after checking it parses; a problem leaves the draft unchanged."""
    problems = check_file(name, text, jurisdiction)
    if problems:
        raise DefinitionError(problems, f"{name} was not saved: {problems[0].message}")
    with db.transaction() as s:
        row = _locked(s, jurisdiction)
        row.files = {**row.files, name: text}
        row.updated_by, row.updated_at = actor, clock.now()
        return _view(row)


def delete_file(db, jurisdiction: str, name: str, actor: str) -> DraftView:
    with db.transaction() as s:
        row = _locked(s, jurisdiction)
        if name not in row.files or name == CONFIG_NAME:
            raise NotFound(f"{name} is not a removable file of the draft")
        row.files = {k: v for k, v in row.files.items() if k != name}
        row.updated_by, row.updated_at = actor, clock.now()
        return _view(row)


def _locked(session, jurisdiction: str) -> StudioDraft:
    row = session.execute(select(StudioDraft).where(StudioDraft.jurisdiction == jurisdiction)
                          .with_for_update()).scalar()
    if row is None:
        raise NotFound(f"there is no draft of {jurisdiction!r}: start one first")
    return row


# -- folder zip -------------------------------------------------------------------------------------

def to_zip(draft: DraftView) -> bytes:
    """The draft as processes/<key>/... and forms/<key>/... (the repository layout)."""
    buffer = io.BytesIO()
    key = draft.jurisdiction
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(draft.files):
            if name.startswith("forms/"):
                path = f"forms/{key}/{name[len('forms/'):]}"
            else:
                path = f"processes/{key}/{name}"
            z.writestr(path, draft.files[name])
    return buffer.getvalue()


def files_from_zip(data: bytes, jurisdiction: str) -> dict[str, str]:
    """A folder zip's files by draft name; DefinitionError (located) if it is not a jurisdiction folder."""
    def bad(message, file="upload"):
        raise DefinitionError([Problem(file, 1, None, message)], f"the upload was not stored: {message}")

    if len(data) > MAX_ZIP_BYTES:
        bad(f"larger than {MAX_ZIP_BYTES} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except zipfile.BadZipFile:
        bad("not a zip file (download a draft to see the expected layout)")
    if len(infos) > MAX_FILES:
        bad(f"more than {MAX_FILES} files")
    if sum(i.file_size for i in infos) > MAX_ZIP_BYTES * 4:
        bad("the files are too large once unpacked")
    files, problems = {}, []
    proc, forms = f"processes/{jurisdiction}/", f"forms/{jurisdiction}/"
    for info in infos:
        path = info.filename
        if path.startswith(proc):
            name = path[len(proc):]
        elif path.startswith(forms):
            name = "forms/" + path[len(forms):]
        else:
            bad(f"{path}: not under {proc} or {forms} (the layout a downloaded draft has)", path)
        if info.file_size > MAX_FILE_BYTES:
            bad(f"{path}: larger than {MAX_FILE_BYTES} bytes", path)
        try:
            text = archive.read(info).decode("utf-8")
        except UnicodeDecodeError:
            bad(f"{path}: not UTF-8 text", path)
        for problem in check_file(name, text, jurisdiction):
            problem.file = path
            problems.append(problem)
        files[name] = text
    if CONFIG_NAME not in files:
        bad(f"no {proc}{CONFIG_NAME}: not a jurisdiction folder")
    if problems:
        raise DefinitionError(problems, f"the upload was not stored: {len(problems)} problem(s)")
    return files


def replace_files(db, jurisdiction: str, files: dict[str, str], actor: str) -> DraftView:
    with db.transaction() as s:
        row = _locked(s, jurisdiction)
        row.files = files
        row.updated_by, row.updated_at = actor, clock.now()
        return _view(row)


# -- checks, publishing -----------------------------------------------------------------------------

def lint_draft(draft: DraftView) -> list[Problem]:
    """Lint and invariants of the draft's bundle (file names as in the draft)."""
    return lint_bundle(draft.bundle())


def run_draft_scenarios(draft: DraftView):
    """Results of the draft's scenario files against the draft itself."""
    from .scenarios import parse_scenarios, run

    scenarios = [sc for name in draft.names("scenarios") for sc in parse_scenarios(draft.files[name], name)]
    return run(draft.bundle(), scenarios)


def diff_draft(db, draft: DraftView):
    from .procedure_diff import diff_bundles

    with db.transaction() as s:
        version = latest_version(s, draft.jurisdiction)
        old = dict(version.bundle["files"]) if version else {}
    jur = parse_config(draft.files.get(CONFIG_NAME, ""), CONFIG_NAME)[0]
    return diff_bundles(old, draft.bundle().files, jur.role_for_lane if jur else (lambda lane: lane))


def publish(db, jurisdiction: str, actor: str, note: str):
    """Deploy the draft with a note if lint, invariants and scenarios pass; the draft is then closed."""
    note = (note or "").strip()
    if not note:
        raise DefinitionError([Problem("note", 1, None, "say why you publish (the note is kept with the version)")],
                              "a note is required")
    draft = get_draft(db, jurisdiction)
    if draft is None:
        raise NotFound(f"there is no draft of {jurisdiction!r}")
    problems = lint_draft(draft)
    if problems:
        raise DefinitionError(problems, f"the draft has {len(problems)} problem(s): fix them before publishing")
    failed = [r for r in run_draft_scenarios(draft) if not r.passed]
    if failed:
        raise DefinitionError([Problem(r.scenario.file, None, None, r.failure) for r in failed],
                              f"{len(failed)} scenario(s) fail: fix them before publishing")
    version, created = deploy(db, draft.bundle(), actor=actor)
    if not created:
        raise Conflict(f"the draft is identical to version {version.id}: nothing to publish")
    with db.transaction() as s:
        s.add(Publication(version_id=version.id, published_by=actor, published_at=clock.now(), note=note[:4000]))
        row = s.execute(select(StudioDraft).where(StudioDraft.jurisdiction == jurisdiction)).scalar()
        if row is not None:
            s.delete(row)
    return version


def variant_source(db, source: str) -> dict[str, str]:
    """The files a variant of `source` copies: its open draft, else its latest deployed version."""
    with db.transaction() as s:
        src = s.execute(select(StudioDraft).where(StudioDraft.jurisdiction == source)).scalar()
        if src is not None:
            return dict(src.files)
        version = latest_version(s, source)
        if version is None:
            raise NotFound(f"no version of {source!r} is deployed")
        return dict(version.bundle["files"])


def new_variant(db, source: str, spec, actor: str) -> DraftView:
    """A draft of a new jurisdiction copied from `source` with the settings of `spec` (studio_variant).

    ValidationFailed (by form field) if the settings are wrong; DefinitionError if the folder they make
    does not pass lint and its invariants (e.g. a removed role an invariant still needs); nothing stored."""
    from . import studio_variant

    files = variant_source(db, source)
    spec.lanes = studio_variant.from_files(files).lanes

    def taken(s, key):
        return latest_version(s, key) is not None or s.execute(
            select(StudioDraft.id).where(StudioDraft.jurisdiction == key)).scalar() is not None

    def exists(key):
        with db.transaction() as s:
            return taken(s, key)

    errors = studio_variant.check(spec, exists)
    if errors:
        raise ValidationFailed(errors, f"no variant created: {next(iter(errors.values()))}")
    files = studio_variant.apply(files, spec)
    problems = parse_config(files[CONFIG_NAME], CONFIG_NAME, spec.key)[1]
    if not problems:
        problems = lint_bundle(Bundle({n: t for n, t in files.items() if not n.startswith("scenarios/")}, spec.key))
    if problems:
        raise DefinitionError(problems, f"the new jurisdiction does not lint: {problems[0].message}")
    with db.transaction() as s:
        if taken(s, spec.key):
            raise Conflict(f"jurisdiction {spec.key!r} already exists")
        return _view(_new_row(s, spec.key, files, None, actor))
