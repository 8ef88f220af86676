"""One mapping from errors to HTTP for the whole app: JSON under /api, an HTML page elsewhere.

Engine errors carry messages that are safe to show (no medical data). Anything unexpected is logged
as its type and location only, with a reference number, and answered with a plain 500: never a
traceback, never an exception message (it could quote submitted data).
"""

from __future__ import annotations

import logging
import secrets
import traceback

from flask import render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from engine.documents import TooLarge
from engine.errors import (
    Conflict,
    DefinitionError,
    Forbidden,
    LimitExceeded,
    NotFound,
    RaflowError,
    ScriptError,
    ValidationFailed,
)

from .web import is_api_path

log = logging.getLogger("raflow.web")

TITLES = {400: "Bad request", 401: "Sign-in required", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "File too large", 415: "Unsupported media type",
          422: "Please correct the errors",
          429: "Too many attempts", 500: "Something went wrong", 503: "Service unavailable"}


def error_response(code: int, message: str, errors: dict | None = None, headers: dict | None = None):
    if is_api_path(request.path):
        payload = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": message}
        if errors is not None:
            payload["errors"] = errors
        return payload, code, headers or {}
    try:
        body = render_template("error.html", code=code, title=TITLES.get(code, "Error"), message=message,
                               errors=errors or {})
    except Exception as err:  # noqa: BLE001 - the error page itself failed: answer in plain text
        log.error("error page failed: %s at %s", type(err).__name__, _where(err))
        body = f"{TITLES.get(code, 'Error')}: {message}"
        headers = {**(headers or {}), "Content-Type": "text/plain; charset=utf-8"}
    return body, code, headers or {}


def _where(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    return f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"


def log_exception(exc_info) -> None:
    """Replaces Flask's app.log_exception: type and place only, never the traceback or message."""
    err = exc_info[1] if isinstance(exc_info, tuple) else exc_info
    log.error("unhandled %s at %s (%s %s)", type(err).__name__, _where(err), request.method, request.path)


def flatten(messages) -> dict[str, str]:
    """webargs/marshmallow errors ({"json": {"field": ["msg"]}}) as {"field": "msg"}."""
    out: dict[str, str] = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            out[prefix or "_body"] = " ".join(value)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(f"{prefix}.{i}", v)
        else:
            out[prefix or "_body"] = str(value)

    for location, fields in (messages or {}).items():
        if location in ("json", "query", "form", "files", "multipart", "view_args", "headers"):
            walk("", fields)
        else:
            walk(str(location), fields)
    return out


def init_app(app) -> None:
    app.log_exception = log_exception
    @app.errorhandler(ValidationFailed)
    def _invalid(err):
        return error_response(422, str(err), dict(err.errors))

    @app.errorhandler(DefinitionError)
    def _definition(err):
        return error_response(422, str(err), {"problems": [str(p) for p in err.problems]})

    @app.errorhandler(NotFound)
    def _not_found(err):
        return error_response(404, str(err))

    @app.errorhandler(Forbidden)
    def _forbidden(err):
        return error_response(403, str(err))

    @app.errorhandler(Conflict)
    def _conflict(err):
        return error_response(409, str(err))

    @app.errorhandler(TooLarge)
    def _too_large(err):
        return error_response(413, str(err))

    @app.errorhandler(LimitExceeded)
    def _limit(err):
        # The message names the element and the bound only ("review: took longer than 1 s"): safe to show.
        log.warning("diagram step over a limit: %s (%s %s)", err, request.method, request.path)
        return error_response(422, f"The procedure could not continue: {err}. Nothing was saved. Please tell "
                                   "the procedure's administrator.", {"_procedure": str(err)})

    @app.errorhandler(ScriptError)
    def _script(err):
        element = str(err).split(":", 1)[0]
        log.warning("diagram step failed at element %s (%s %s)", element, request.method, request.path)
        return error_response(422, f"The procedure could not continue: its diagram failed at step {element}. "
                                   "Nothing was saved. Please tell the procedure's administrator.")

    @app.errorhandler(RaflowError)
    def _raflow(err):
        return error_response(400, str(err))

    @app.errorhandler(HTTPException)
    def _http(err):
        data = getattr(err, "data", None) or {}
        if err.code in (400, 422) and "messages" in data:
            errors = flatten(data["messages"])
            if err.code == 400 or set(errors) <= {"_schema", "_body"}:
                return error_response(400, "The request body is not a valid JSON object.", errors)
            return error_response(422, "The request has errors; see errors for each field.", errors)
        if err.code == 413:
            limit = app.config.get("MAX_DOCUMENT_BYTES", 0) // (1024 * 1024)
            return error_response(413, f"The upload is too large (the limit is {limit} MB).")
        headers = dict(data.get("headers") or {})
        # 405 names the allowed methods, 429 says when to come back (werkzeug puts them on the error)
        headers.update({k: v for k, v in err.get_headers() if k in ("Allow", "Retry-After")})
        if err.code == 401:
            headers.setdefault("WWW-Authenticate", 'Bearer realm="raflow"')
        return error_response(err.code or 500, data.get("message") or err.description or TITLES.get(err.code, ""),
                              None, headers)

    @app.errorhandler(Exception)
    def _unexpected(err):
        ref = secrets.token_hex(4)
        # Type and place only: an exception's message could quote submitted (medical) data.
        log.error("internal error %s: %s at %s (%s %s)", ref, type(err).__name__, _where(err), request.method,
                  request.path)
        return error_response(500, f"Something went wrong on our side (reference {ref}). Please try again, "
                                   "or give this reference to your administrator.")
