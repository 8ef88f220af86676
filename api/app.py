"""Flask application factory: configuration passed in, no import-time side effects.

Configuration (each also from the environment when not passed in):
  DATABASE_URL        RAFLOW_DATABASE_URL   SQLAlchemy URL (default sqlite:///instance/raflow.db)
  SECRET_KEY          RAFLOW_SECRET_KEY     signs session cookies; default: generated once and kept
                                            in INSTANCE_PATH/secret_key, so every worker shares it
  INSTANCE_PATH       RAFLOW_INSTANCE       default "instance"
  DOCUMENTS_PATH      RAFLOW_DOCUMENTS      where uploaded documents are kept (default INSTANCE_PATH/documents)
  MAX_DOCUMENT_BYTES  RAFLOW_MAX_DOCUMENT_MB size limit of one document (default 10 MB)
  DEFINITIONS_ROOT    RAFLOW_PROCESSES      folder the deploy endpoint reads (default "processes")
  DEPLOY_ROLES                              roles that may deploy through the API, unless a jurisdiction
                                            names its own in [admin] deploy_roles
  NODE_MODULES        RAFLOW_NODE_MODULES   where bpmn-js is served from (default ./node_modules)
  SESSION_COOKIE_SECURE  RAFLOW_SECURE_COOKIES=1 behind HTTPS
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, abort, g, jsonify, request
from werkzeug.routing import IntegerConverter, UUIDConverter

from engine import clock
from engine.cases import CaseService
from engine.definitions import Registry
from engine.documents import DocumentService
from engine.store import Database

from . import admin, auth, errors, pages, plain, studio_pages, v1
from .web import is_api_path

ROOT = Path(__file__).resolve().parent.parent
API_BODY_LIMIT = 1024 * 1024

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


class RowId(IntegerConverter):
    """`<int:...>` in every route: 1 .. 2**31-1, so an id out of the database's range is a 404, not an error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class TaskId(UUIDConverter):
    """`<task:...>`: a task id is a UUID string; anything else is a 404 before any query."""

    def to_python(self, value):
        return str(super().to_python(value))


def _defaults() -> dict:
    env = os.environ.get
    return {
        "DATABASE_URL": env("RAFLOW_DATABASE_URL"),
        "SECRET_KEY": env("RAFLOW_SECRET_KEY"),
        "INSTANCE_PATH": env("RAFLOW_INSTANCE", "instance"),
        "DOCUMENTS_PATH": env("RAFLOW_DOCUMENTS"),
        "MAX_DOCUMENT_BYTES": int(float(env("RAFLOW_MAX_DOCUMENT_MB", "10")) * 1024 * 1024),
        "DEFINITIONS_ROOT": env("RAFLOW_PROCESSES", "processes"),
        "DEPLOY_ROLES": ["coordinator", "ada_coordinator"],
        "NODE_MODULES": env("RAFLOW_NODE_MODULES", str(ROOT / "node_modules")),
        "SESSION_COOKIE_NAME": "raflow_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("RAFLOW_SECURE_COOKIES") == "1",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    }


def _secret_key(instance: Path) -> str:
    """The key kept in instance/secret_key, created once (O_EXCL: concurrent workers agree on one)."""
    path = instance / "secret_key"
    instance.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            key = path.read_text().strip()
            if key:
                return key
            import time

            time.sleep(0.01)
        raise RuntimeError(f"{path} is empty; delete it or set RAFLOW_SECRET_KEY") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.url_map.converters["int"] = RowId
    app.url_map.converters["task"] = TaskId
    app.config.update(_defaults())
    app.config.update(config or {})
    instance = Path(app.config["INSTANCE_PATH"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    if not app.config.get("DOCUMENTS_PATH"):
        app.config["DOCUMENTS_PATH"] = str(instance / "documents")
    if not app.config.get("MAX_CONTENT_LENGTH"):
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_DOCUMENT_BYTES"] + 256 * 1024

    clock.install()
    if "CLOCK" in app.config:
        clock.set_clock(app.config["CLOCK"])
    else:
        clock.set_clock(clock.clock_from_env())
    db = Database(app.config["DATABASE_URL"])
    registry = Registry()
    app.extensions["raflow.db"] = db
    app.extensions["raflow.cases"] = CaseService(db, registry)
    app.extensions["raflow.documents"] = DocumentService(db, registry, app.config["DOCUMENTS_PATH"],
                                                         app.config["MAX_DOCUMENT_BYTES"])

    @app.before_request
    def _auth_and_limits():
        auth.before_request()
        if is_api_path(request.path) and not (request.mimetype or "").startswith("multipart/"):
            request.max_content_length = API_BODY_LIMIT
            if request.method in ("POST", "PUT", "PATCH") and (request.content_length or 0) > 0 \
                    and not request.is_json:
                abort(415, "send the request body as JSON (Content-Type: application/json)")

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/health")
    def health():
        return jsonify(status="ok", now=clock.now().isoformat())

    app.register_blueprint(auth.bp)
    v1.init_app(app)
    pages.init_app(app)
    studio_pages.init_app(app)  # the policy studio (/studio)
    admin.init_app(app)  # admin pages (outbox)
    from . import account_pages  # issue 12: set a password through a mailed link, forgot password
    account_pages.init_app(app)
    plain.init_app(app)  # the requester's plain-words view
    errors.init_app(app)  # after flask-smorest, whose own HTTPException handler this replaces
    app.jinja_env.globals["csrf_token"] = auth.csrf_token
    app.jinja_env.globals["current_actor"] = lambda: g.get("actor")
    return app
