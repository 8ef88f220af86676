"""Load, lint, deploy and cache a jurisdiction's diagrams, forms and config.

A deployed version is the whole bundle (config, BPMN files, forms) keyed by its content hash; deploying
unchanged files is a no-op. Running cases keep the version they started on, so old versions are never
changed or deleted. Parsed specs and the script engine are cached per version.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import select

from . import clock, runtime, serialization, spiff_fixes
from .errors import DefinitionError, NotFound
from .forms import Form, parse_form
from .helpers import CaseHelpers
from .jurisdiction import CONFIG_NAME, Jurisdiction, parse_config
from .limits import Limits
from .lint import BundleLinter, condition_flows, interrupting_messages, parse_xml_safely
from .scripting import SandboxScriptEngine
from .store import DefinitionVersion


@dataclass
class Bundle:
    """Files of one jurisdiction: "jurisdiction.toml", "<name>.bpmn", "forms/<key>.json"."""

    files: dict[str, str]
    folder_name: str | None = None
    display: dict[str, str] = field(default_factory=dict)
    forms_shown: str = "forms"

    def bpmn_names(self) -> list[str]:
        return sorted(n for n in self.files if n.endswith(".bpmn") and "/" not in n)

    def form_names(self) -> list[str]:
        return sorted(n for n in self.files if n.startswith("forms/") and n.endswith(".json"))

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + self.files[name].encode("utf-8") + b"\0")
        return digest.hexdigest()


def read_folder(path: str | os.PathLike) -> Bundle:
    """Read `processes/<key>/` and its forms folder (config `forms`, default ../../forms/<key>)."""
    folder = Path(path)
    if not folder.is_dir():
        raise DefinitionError([], f"{folder}: not a folder (expected processes/<jurisdiction>/)")
    files, display = {}, {}
    for file in sorted(folder.iterdir()):
        if file.suffix == ".bpmn" or file.name == CONFIG_NAME:
            files[file.name] = _read_text(file)
            display[file.name] = str(file)
    letters = folder / "letters"
    if letters.is_dir():
        for file in sorted(letters.iterdir()):
            if file.is_file() and file.suffix in (".html", ".css"):
                files[f"letters/{file.name}"] = _read_text(file)
                display[f"letters/{file.name}"] = str(file)
    for file in sorted((folder / "mail").glob("*.txt")):  # mail templates (engine/mailtemplates.py)
        files[f"mail/{file.name}"] = _read_text(file)
        display[f"mail/{file.name}"] = str(file)
    forms_dir = folder / f"../../forms/{folder.name}"
    if CONFIG_NAME in files:
        jur, _ = parse_config(files[CONFIG_NAME], str(folder / CONFIG_NAME), folder.name)
        if jur is not None:
            forms_dir = folder / jur.forms_dir
    forms_dir = Path(os.path.normpath(forms_dir))
    if forms_dir.is_dir():
        for file in sorted(forms_dir.glob("*.json")):
            files[f"forms/{file.name}"] = _read_text(file)
            display[f"forms/{file.name}"] = str(file)
    return Bundle(files, folder.name, display, str(forms_dir))


def _read_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DefinitionError([], f"{file}: not UTF-8 text ({err.reason} at byte {err.start})") from None


def lint_bundle(bundle: Bundle) -> list:
    return BundleLinter(bundle).run()


class Deployed:
    """One deployed version, ready to run: jurisdiction, forms, parsed specs and a sandboxed engine."""

    def __init__(self, version_id: int, content_hash: str, bundle: Bundle):
        self.version_id = version_id
        self.content_hash = content_hash
        self.bundle_files = bundle.files
        self.jurisdiction: Jurisdiction = parse_config(bundle.files[CONFIG_NAME], CONFIG_NAME)[0]
        self.forms: dict[str, Form] = {}
        for name in bundle.form_names():
            key = name[len("forms/"):-len(".json")]
            self.forms[key] = parse_form(key, bundle.files[name])[0]
        self.mail_templates = {n[5:-4]: t for n, t in bundle.files.items() if n.startswith("mail/")}
        parser = SpiffBpmnParser()
        self.interrupting_messages: set[str] = set()
        flows: dict[tuple[str, str], str] = {}
        for name in bundle.bpmn_names():
            root, _ = parse_xml_safely(bundle.files[name], name)
            parser.add_bpmn_xml(root, name)
            self.interrupting_messages |= interrupting_messages(root)
            flows.update(condition_flows(root))
        self._parser = parser
        self._specs: dict[str, tuple] = {}
        self._lock = threading.Lock()
        calendar, params = self.jurisdiction.calendar, self.jurisdiction.parameters
        self.limits = Limits.from_config(self.jurisdiction.config)
        self.script_engine = SandboxScriptEngine(
            lambda task: CaseHelpers(calendar, params, task.workflow.top_workflow.data).as_dict(), self.limits,
            flows)

    def specs(self, process_id: str):
        """(spec, subprocess_specs) for a process id, parsed once."""
        with self._lock:
            if process_id not in self._specs:
                if process_id not in self._parser.get_process_ids():
                    raise NotFound(f"process {process_id!r} is not in this definition")
                spiff_fixes.apply()
                spec = self._parser.get_spec(process_id)
                spiff_fixes.prepare_spec(spec)
                self._specs[process_id] = (spec, self._parser.get_subprocess_specs(process_id))
            return self._specs[process_id]

    def load_workflow(self, case):
        """A case's live workflow: its stored JSON on this version's cached specs and script engine."""
        spec, subs = self.specs(case.process_id)
        return runtime.mark_loaded(serialization.loads(case.workflow, spec, subs, self.script_engine))

    def form(self, key: str | None) -> Form | None:
        return self.forms.get(key) if key else None


class Registry:
    """Deployed versions by id, loaded from the database on first use and kept."""

    def __init__(self):
        self._cache: dict[int, Deployed] = {}
        self._lock = threading.Lock()

    def get(self, session, version_id: int) -> Deployed:
        found = self._cache.get(version_id)
        if found is not None:
            return found
        row = session.get(DefinitionVersion, version_id)
        if row is None:
            raise NotFound(f"definition version {version_id} does not exist")
        deployed = Deployed(row.id, row.content_hash, Bundle(row.bundle["files"]))
        with self._lock:
            return self._cache.setdefault(version_id, deployed)

    def current(self, session, jurisdiction: str) -> Deployed:
        row = session.execute(
            select(DefinitionVersion.id).where(DefinitionVersion.jurisdiction == jurisdiction)
            .order_by(DefinitionVersion.id.desc()).limit(1)).scalar()
        if row is None:
            raise NotFound(f"no definition deployed for jurisdiction {jurisdiction!r} (run raflow deploy)")
        return self.get(session, row)


def deploy(db, bundle: Bundle, actor: str = "cli") -> tuple[DefinitionVersion, bool]:
    """Store the bundle as a new version unless identical content is already deployed.

    Returns (version, created). Lint problems raise DefinitionError and store nothing.
    """
    problems = lint_bundle(bundle)
    if problems:
        raise DefinitionError(problems)
    digest = bundle.content_hash
    jurisdiction = json.loads(json.dumps(parse_config(bundle.files[CONFIG_NAME], CONFIG_NAME)[0].key))
    with db.transaction() as session:
        existing = session.execute(
            select(DefinitionVersion).where(DefinitionVersion.content_hash == digest)).scalar()
        if existing is not None:
            return existing, False
        version = DefinitionVersion(content_hash=digest, jurisdiction=jurisdiction, deployed_at=clock.now(),
                                    deployed_by=actor, bundle={"files": bundle.files})
        session.add(version)
        session.flush()
        return version, True


def list_versions(db, jurisdiction: str | None = None) -> list[DefinitionVersion]:
    with db.transaction() as session:
        q = select(DefinitionVersion).order_by(DefinitionVersion.id)
        if jurisdiction:
            q = q.where(DefinitionVersion.jurisdiction == jurisdiction)
        return list(session.execute(q).scalars())
