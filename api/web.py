"""What request handlers share: the app's services and the signed-in actor."""

from __future__ import annotations

from flask import current_app, g

from engine.access import Actor
from engine.cases import CaseService
from engine.documents import DocumentService
from engine.store import Database


def db() -> Database:
    return current_app.extensions["raflow.db"]


def cases() -> CaseService:
    return current_app.extensions["raflow.cases"]


def documents() -> DocumentService:
    return current_app.extensions["raflow.documents"]


def actor() -> Actor:
    """The signed-in user (pages) or the token's user (API); handlers run only when there is one."""
    return g.actor


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")
