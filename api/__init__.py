"""raflow's web layer (Flask app factory, JSON API, pages) and the `raflow` CLI."""

from .app import create_app

__all__ = ["create_app"]
