"""Flask application factory: configuration passed in, no import-time side effects."""

from __future__ import annotations

import os

from flask import Flask, jsonify

from engine import clock
from engine.cases import CaseService
from engine.definitions import Registry
from engine.store import Database


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(
        DATABASE_URL=os.environ.get("RAFLOW_DATABASE_URL"),
        SECRET_KEY=os.environ.get("RAFLOW_SECRET_KEY"),
    )
    app.config.update(config or {})
    clock.install()
    if "CLOCK" in app.config:
        clock.set_clock(app.config["CLOCK"])
    else:
        clock.set_clock(clock.clock_from_env())
    db = Database(app.config["DATABASE_URL"])
    app.extensions["raflow.db"] = db
    app.extensions["raflow.cases"] = CaseService(db, Registry())

    @app.get("/health")
    def health():
        return jsonify(status="ok", now=clock.now().isoformat())

    return app
