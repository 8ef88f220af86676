"""The JSON API under /api/v1 (flask-smorest): cases, tasks, documents, definitions.

Every request needs `Authorization: Bearer <token>` (`raflow user token NAME`); the OpenAPI
document at /api/v1/openapi.json is public.
"""

from __future__ import annotations

from flask_smorest import Api


def init_app(app) -> Api:
    app.config.setdefault("API_TITLE", "raflow")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "security": [{"bearerAuth": []}],
        "info": {"description": "Reasonable accommodation cases driven by BPMN procedures. Authenticate with "
                                "`Authorization: Bearer <token>` (create one with `raflow user token NAME`)."},
    })
    api = Api(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    from . import cases, definitions, documents, tasks

    for module in (cases, tasks, documents, definitions):
        api.register_blueprint(module.blp)
    from . import reports  # noqa: I001 - the reports area (branch reports)

    api.register_blueprint(reports.blp)
    return api
