"""raflow's web layer (Flask app factory, JSON API, pages) and the `raflow` CLI."""

__all__ = ["create_app"]


def __getattr__(name):
    # Imported on first use, so `raflow --help` and the CLI's list commands do not load Flask.
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
