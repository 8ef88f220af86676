"""/api/v1/definitions: deployed versions of your jurisdiction's procedures; deploy from the server."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_smorest import Blueprint

from engine.definitions import deploy, list_versions, read_folder
from engine.errors import Forbidden, NotFound
from engine.jurisdiction import CONFIG_NAME, parse_config

from ..schemas import DeployedSchema, DeploySchema, VersionQuerySchema, VersionSchema
from ..web import actor, db

blp = Blueprint("definitions", __name__, url_prefix="/api/v1/definitions",
                description="Deployed diagrams, forms and config")


def deploy_roles(jurisdiction_config: dict | None) -> set[str]:
    """Roles that may deploy: `[admin] deploy_roles` in jurisdiction.toml, else the app's DEPLOY_ROLES."""
    configured = ((jurisdiction_config or {}).get("admin") or {}).get("deploy_roles")
    return set(configured if isinstance(configured, list) else current_app.config["DEPLOY_ROLES"])


@blp.route("", methods=["GET"])
@blp.arguments(VersionQuerySchema, location="query")
@blp.response(200, VersionSchema(many=True))
def versions(args):
    """Versions of your jurisdiction's procedures, oldest first; `current` marks the one new cases use."""
    me = actor()
    wanted = args.get("jurisdiction") or me.jurisdiction
    if wanted != me.jurisdiction:
        raise Forbidden("you may see your own jurisdiction's definitions only")
    rows = list_versions(db(), wanted)
    latest = rows[-1].id if rows else None
    return [{"id": v.id, "jurisdiction": v.jurisdiction, "content_hash": v.content_hash,
             "deployed_at": v.deployed_at, "deployed_by": v.deployed_by, "current": v.id == latest} for v in rows]


@blp.route("", methods=["POST"])
@blp.arguments(DeploySchema)
@blp.response(200, DeployedSchema)
@blp.alt_response(201, schema=DeployedSchema, description="a new version was deployed")
@blp.alt_response(403, description="you may not deploy, or the folder is another jurisdiction's")
@blp.alt_response(422, description="lint problems (nothing deployed)")
def deploy_folder(body):
    """Lint and deploy `processes/<folder>` from the server's own files (no upload). Unchanged: no-op."""
    me = actor()
    root = Path(current_app.config["DEFINITIONS_ROOT"])
    folder = root / body["folder"]
    config_file = folder / CONFIG_NAME
    if not config_file.is_file():
        raise NotFound(f"no procedure folder {body['folder']!r} on the server")
    jurisdiction, _ = parse_config(config_file.read_text(encoding="utf-8"), CONFIG_NAME, folder.name)
    key = jurisdiction.key if jurisdiction else body["folder"]
    if key != me.jurisdiction:
        raise Forbidden("you may deploy your own jurisdiction's procedures only")
    if not me.roles & deploy_roles(jurisdiction.config if jurisdiction else None):
        raise Forbidden("your role may not deploy procedures")
    version, created = deploy(db(), read_folder(folder), actor=me.name)
    return ({"id": version.id, "jurisdiction": version.jurisdiction, "content_hash": version.content_hash,
            "deployed_at": version.deployed_at, "deployed_by": version.deployed_by, "current": True,
            "created": created}, 201 if created else 200)
