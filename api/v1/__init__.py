"""The JSON API under /api/v1 (flask-smorest): cases, tasks, documents, definitions.

Every request needs `Authorization: Bearer <token>` (`raflow user token NAME`); the OpenAPI
document at /api/v1/openapi.json is public.
"""

from __future__ import annotations

from flask_smorest import Api

# Every list: flask-smorest's pagination (`page`, `page_size`, the `X-Pagination` header); out of range is a 422.
PAGING = {"page": 1, "page_size": 50, "max_page_size": 200}


def paged(found, pagination_parameters) -> list:
    """The page's rows, its total for X-Pagination, and `X-Total-Capped: true` when counting stopped at
    engine.paging.COUNT_CAP: the total is then a lower bound, and next_page goes on while rows follow."""
    from flask import after_this_request

    pagination_parameters.item_count = found.total
    if found.capped:
        after_this_request(_capped_header)
    return found.rows


def _capped_header(response):
    response.headers["X-Total-Capped"] = "true"
    return response


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
    from . import cases, definitions, documents, letters, tasks

    for module in (cases, tasks, documents, definitions, letters):
        api.register_blueprint(module.blp)
    from . import reports  # noqa: I001 - the reports area (branch reports)

    api.register_blueprint(reports.blp)
    from . import assign  # issue 12: assign a step to a person

    api.register_blueprint(assign.blp)

    from . import case_events  # issue 10: case events

    api.register_blueprint(case_events.blp)
    return api
