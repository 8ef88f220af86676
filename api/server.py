"""Run the app under gunicorn (production) or Flask's development server (--debug only)."""

from __future__ import annotations

from .app import create_app


def serve(database_url: str, host: str, port: int, workers: int, debug: bool) -> None:
    config = {"DATABASE_URL": database_url}
    if debug:
        create_app(config).run(host=host, port=port, debug=True)
        return
    from gunicorn.app.base import BaseApplication

    class _App(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            # Query strings are not logged: nothing confidential may reach logs (Navy 1-5).
            self.cfg.set("access_log_format", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms')

        def load(self):
            return create_app(config)

    _App().run()
